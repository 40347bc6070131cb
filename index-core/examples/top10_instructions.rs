//! The benchmark's top-10 queries run once each, for counting instructions (callgrind counts the
//! same on every run, where this shared machine's wall clock does not); not part of the wasm build.
//!
//! `cargo build --release --example top10_instructions`, then
//! `valgrind --tool=callgrind target/release/examples/top10_instructions INDEX.sir QUERIES.txt [ROUNDS]`
//!
//! Each query is a plain top 10 counted up to 1,000 (the "top 10 only" row of bench/RESULTS.md),
//! run `ROUNDS` times (default 1; the first reads each term's postings). Prints a checksum of the
//! returned doc ids, so two builds can be checked to return the same hits.
// Native only, built with the current toolchain (never for wasm32 on rustc 1.63).
#![allow(clippy::incompatible_msrv)]

use index_core::search::Counting;
use index_core::{search, SearchRequest, Segment};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: top10_instructions INDEX QUERIES [ROUNDS]");
        std::process::exit(2);
    }
    let rounds: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let file = std::fs::File::open(&args[1]).expect("open index file");
    let segment = Segment::open_file(Box::new(file)).expect("open index");
    let text = std::fs::read_to_string(&args[2]).expect("read queries");
    let mut checksum = 0u64;
    for q in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut request = SearchRequest::new(q);
        request.size = 10;
        request.count = Counting::UpTo(1000);
        request.plain = true;
        for _ in 0..rounds {
            let results = search(&segment, &request).expect("search");
            let docs: u64 = results.hits.iter().map(|h| u64::from(h.0)).sum();
            checksum = checksum.wrapping_mul(31).wrapping_add(docs);
        }
    }
    println!("checksum {}", checksum);
}
