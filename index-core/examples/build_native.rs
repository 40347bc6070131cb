//! Native index build, for profiling the builder without WebAssembly (callgrind, perf) and for
//! comparing with `sir index`:
//!
//! `cargo run --release --example build_native -- CORPUS.jsonl OUT.sir [THREADS] [OPTIONS_JSON]`
//!
//! The corpus is cut into THREADS (default 1) contiguous ranges at line boundaries; each thread
//! builds segments of its range (flushing at the memory budget), and the segments are merged in
//! corpus order — the map/reduce `sir index --threads` runs with worker threads. Prints one JSON
//! line: seconds, documents, segments, index bytes, and each section's size.
// Native only, built with the current toolchain (never for wasm32 on rustc 1.63).
#![allow(clippy::incompatible_msrv)]

use index_core::{BuildOptions, IndexBuilder, IndexMerger, Segment};
use std::time::Instant;

const SLICE: usize = 256 << 10;

/// Builds the segments of `lines` (whole lines), the first being line `first_line` of the corpus.
fn build_range(lines: &[u8], first_line: u64, options: &str) -> Vec<Vec<u8>> {
    let mut b = IndexBuilder::new(BuildOptions::from_json(options).expect("options"));
    let mut segments = Vec::new();
    let mut line = first_line;
    let mut from = 0;
    while from < lines.len() {
        let mut to = (from + SLICE).min(lines.len());
        while to < lines.len() && lines[to - 1] != b'\n' {
            to += 1;
        }
        b.add_jsonl(&lines[from..to], line, false).expect("corpus");
        line += lines[from..to].iter().filter(|&&c| c == b'\n').count() as u64;
        from = to;
        if b.should_flush() {
            segments.push(b.take_segment().expect("segment"));
        }
    }
    if b.pending_docs() > 0 {
        segments.push(b.take_segment().expect("segment"));
    }
    segments
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: build_native CORPUS OUT [THREADS] [OPTIONS_JSON]");
        std::process::exit(2);
    }
    let threads: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1).max(1);
    let options = args.get(4).cloned().unwrap_or_else(|| "{}".to_string());
    let t0 = Instant::now();
    let corpus = std::fs::read(&args[1]).expect("read corpus");
    // Contiguous ranges cut after a newline; each knows its first line number.
    let mut cuts = vec![0usize];
    for t in 1..threads {
        let mut at = corpus.len() * t / threads;
        while at < corpus.len() && corpus[at - 1] != b'\n' {
            at += 1;
        }
        cuts.push(at.max(*cuts.last().unwrap()));
    }
    cuts.push(corpus.len());
    let segments: Vec<Vec<u8>> = std::thread::scope(|scope| {
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|w| {
                let first_line = 1 + corpus[..w[0]].iter().filter(|&&c| c == b'\n').count() as u64;
                let range = &corpus[w[0]..w[1]];
                let options = options.as_str();
                scope.spawn(move || build_range(range, first_line, options))
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("builder thread"))
            .collect()
    });
    let built_s = t0.elapsed().as_secs_f64();
    let count = segments.len();
    let bytes = if count == 1 {
        segments.into_iter().next().unwrap()
    } else {
        let mut m = IndexMerger::new();
        for s in segments {
            m.add(Segment::open(s).expect("segment")).expect("merge");
        }
        m.finish().expect("merge")
    };
    std::fs::write(&args[2], &bytes).expect("write index");
    let seconds = t0.elapsed().as_secs_f64();
    let seg = Segment::open(bytes).expect("open");
    let sections: Vec<String> = seg
        .section_sizes()
        .iter()
        .map(|(k, v)| format!("\"{}\":{}", k, v))
        .collect();
    println!(
        "{{\"seconds\":{:.3},\"segmentsSeconds\":{:.3},\"threads\":{},\"docs\":{},\"segments\":{},\"bytes\":{},\"sections\":{{{}}}}}",
        seconds,
        built_s,
        threads,
        seg.meta().doc_count,
        count,
        seg.size_bytes(),
        sections.join(",")
    );
}
