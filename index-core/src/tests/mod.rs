//! Whole-engine tests: build, open, search, merge, damage. Per-module tests live beside their code.

mod format_damage;
mod pruning_exactness;
mod score_ranges;
mod search_semantics;

use crate::indexer::{BuildOptions, IndexBuilder, IndexMerger};
use crate::segment::Segment;

/// Builds one index from JSONL text with options JSON (flushing every `flush_every` documents
/// when given, to exercise the merge).
pub(crate) fn build(jsonl: &str, options: &str, flush_every: Option<u32>) -> Segment {
    let mut b = IndexBuilder::new(BuildOptions::from_json(options).unwrap());
    let mut segments = Vec::new();
    for (i, line) in jsonl.lines().enumerate() {
        b.add_jsonl(line.as_bytes(), i as u64 + 1, false).unwrap();
        if flush_every.map_or(false, |n| b.pending_docs() >= n) {
            segments.push(b.take_segment().unwrap());
        }
    }
    if b.pending_docs() > 0 {
        segments.push(b.take_segment().unwrap());
    }
    let bytes = if segments.len() == 1 {
        segments.pop().unwrap()
    } else {
        let mut m = IndexMerger::new();
        for s in segments {
            m.add(Segment::open(s).unwrap()).unwrap();
        }
        m.finish().unwrap()
    };
    Segment::open(bytes).unwrap()
}

pub(crate) fn doc(id: &str, title: &str, text: &str) -> String {
    serde_json::json!({ "_id": id, "title": title, "text": text }).to_string()
}
