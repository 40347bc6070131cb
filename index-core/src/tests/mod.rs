//! Whole-engine tests: build, open, search, merge, damage. Per-module tests live beside their code.

mod format_damage;
mod pruning_exactness;
mod score_ranges;
mod search_semantics;
mod streaming;

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

/// The index `bytes` with stored document `doc` replaced by `forged` and every checksum made valid
/// again: what only a forged (or astronomically unlucky) file holds, for testing that readers
/// survive it.
pub(crate) fn forge_stored(bytes: Vec<u8>, doc: u32, forged: &[u8]) -> Vec<u8> {
    use crate::segment::{DocStoreWriter, VecSink};
    let seg = Segment::open(bytes).unwrap();
    let mut store = DocStoreWriter::default();
    for d in 0..seg.meta().doc_count {
        let stored = seg.stored(d).unwrap();
        store.add(if d == doc { forged } else { &stored });
    }
    let mut sink = VecSink::default();
    let (index, _) = store.finish(&mut sink).unwrap();
    with_store(&seg, index, sink.stored)
}

/// `seg`'s file with its stored documents' block table and blocks replaced by `index` and `data`
/// (the file's own checksums recomputed; the blocks' are the caller's).
pub(crate) fn with_store(seg: &Segment, index: Vec<u8>, data: Vec<u8>) -> Vec<u8> {
    use crate::segment::{assemble, SectionKind, SECTIONS};
    let sections: Vec<Vec<u8>> = SECTIONS
        .iter()
        .map(|&k| match k {
            SectionKind::StoreIndex => index.clone(),
            SectionKind::StoreData => data.clone(),
            other => seg.section_bytes(other),
        })
        .collect();
    assemble(&sections)
}

/// A sample index (400 documents, as `format_damage`'s) whose document "d1" is stored as text
/// that is not JSON, with valid checksums: the runtime's tests serve it.
/// `cargo test --release -- --ignored write_forged_sample`
#[test]
#[ignore]
fn write_forged_sample() {
    let bytes =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/samples/v6.sir")).unwrap();
    std::fs::write(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/samples/v6-forged-stored-document.sir"
        ),
        forge_stored(bytes, 1, b"{\"_id\":\"d1\", this is not JSON"),
    )
    .unwrap();
}
