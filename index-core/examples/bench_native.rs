//! Native query latency for the benchmark (`npm run bench` runs it; not part of the wasm build).
//!
//! `cargo run --release --example bench_native -- INDEX.sir QUERIES.txt [ROUNDS] [top]`
//!
//! QUERIES.txt holds one query per line. The index is opened from its file as the runtime opens
//! it (the core read and checked; postings, positions and stored blocks read on demand). Runs every query as a plain top-10 query, counted up
//! to 1,000 (Lucene's default threshold) and with the exact total, after one warm-up round, `ROUNDS` times (default 3), and prints one JSON
//! line: p50/p99 in microseconds for both modes, and a checksum of the returned doc ids so the
//! caller can check the native hits equal the WebAssembly ones.
//!
//! `top` runs the first mode only. With `ROUNDS` 0 only the warm-up round runs, every query once,
//! and the line holds no times: for counting instructions under callgrind, which counts the same
//! on every run where a shared machine's wall clock does not (bench/PROFILE.md).
// Native only, built with the current toolchain (never for wasm32 on rustc 1.63).
#![allow(clippy::incompatible_msrv)]

use index_core::{search, SearchRequest, Segment};
use std::time::Instant;

/// Lucene's default `totalHitsThreshold` (the same as bench/ours-query.ts).
const LUCENE_COUNT_THRESHOLD: u64 = 1000;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: bench_native INDEX QUERIES [ROUNDS] [top]");
        std::process::exit(2);
    }
    let rounds: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(3);
    let t0 = Instant::now();
    let file = std::fs::File::open(&args[1]).expect("open index file");
    let segment = Segment::open_file(Box::new(file)).expect("open index");
    let open_ms = t0.elapsed().as_secs_f64() * 1e3;
    let open_bytes = segment.bytes_read();
    let text = std::fs::read_to_string(&args[2]).expect("read queries");
    let queries: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();

    let mut out = Vec::new();
    let mut checksum: u64 = 0;
    let modes: &[bool] = if args.get(4).map(String::as_str) == Some("top") {
        &[false]
    } else {
        &[false, true]
    };
    for &count in modes {
        let requests: Vec<SearchRequest> = queries
            .iter()
            .map(|q| {
                let mut r = SearchRequest::new(q);
                r.size = 10;
                // "Top 10 only" counts up to Lucene's default threshold, as Lucene's row does.
                r.count = if count {
                    index_core::search::Counting::Exact
                } else {
                    index_core::search::Counting::UpTo(LUCENE_COUNT_THRESHOLD)
                };
                r.plain = true;
                r
            })
            .collect();
        // Warm-up round.
        for r in &requests {
            let res = search(&segment, r).expect("search");
            if !count {
                for h in &res.hits {
                    checksum = checksum
                        .wrapping_mul(1_000_003)
                        .wrapping_add(h.0 as u64 + 1);
                }
            }
        }
        if rounds == 0 {
            continue;
        }
        // Per query: the median over rounds; then percentiles over queries.
        let mut per_query: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); requests.len()];
        for _ in 0..rounds {
            for (i, r) in requests.iter().enumerate() {
                let t = Instant::now();
                let res = search(&segment, r).expect("search");
                let us = t.elapsed().as_secs_f64() * 1e6;
                std::hint::black_box(&res);
                per_query[i].push(us);
            }
        }
        let mut medians: Vec<f64> = per_query
            .into_iter()
            .map(|mut v| {
                v.sort_by(|a, b| a.partial_cmp(b).unwrap());
                v[v.len() / 2]
            })
            .collect();
        medians.sort_by(|a, b| a.partial_cmp(b).unwrap());
        out.push((
            count,
            percentile(&medians, 0.5),
            percentile(&medians, 0.99),
            medians.iter().sum::<f64>() / medians.len().max(1) as f64,
        ));
    }
    let mut line = format!(
        "{{\"queries\":{},\"openMs\":{:.3},\"openBytes\":{}",
        queries.len(),
        open_ms,
        open_bytes
    );
    for (count, p50, p99, mean) in out {
        let [k50, k99, kmean] = if count {
            ["countP50", "countP99", "countMean"]
        } else {
            ["p50", "p99", "mean"]
        };
        line += &format!(
            ",\"{}\":{:.2},\"{}\":{:.2},\"{}\":{:.2}",
            k50, p50, k99, p99, kmean, mean
        );
    }
    println!("{},\"checksum\":\"{}\"}}", line, checksum);
}
