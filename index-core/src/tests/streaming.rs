//! The writer streams an index through an `IndexSink`: the lazy sections go to their streams in
//! bounded pieces as they are produced, and the file that comes out is byte for byte the saved
//! merged sample of this format version (in version 2, the whole-in-memory writer's file).

use super::doc;
use crate::error::ErrorKind;
use crate::error::{Error, Result};
use crate::indexer::{BuildOptions, IndexBuilder, IndexMerger};
use crate::segment::{InOrderReads, IndexSink, SectionKind, Segment, Stream, VecSink};

/// The 400-document corpus of `format_damage`'s sample.
fn corpus() -> Vec<String> {
    (0..400)
        .map(|i| {
            doc(
                &format!("d{}", i),
                "a title",
                &format!("text {} with words w{} w{}", i, i % 17, i % 29),
            )
        })
        .collect()
}

/// The segments of `corpus`, one taken every `every` documents (and the rest).
fn segments(corpus: &[String], every: u32) -> Vec<Vec<u8>> {
    let mut b = IndexBuilder::new(BuildOptions::from_json("{}").unwrap());
    let mut out = Vec::new();
    for (i, line) in corpus.iter().enumerate() {
        b.add_jsonl(line.as_bytes(), i as u64 + 1, false).unwrap();
        if b.pending_docs() >= every {
            out.push(b.take_segment().unwrap());
        }
    }
    if b.pending_docs() > 0 {
        out.push(b.take_segment().unwrap());
    }
    out
}

fn merger(segments: &[Vec<u8>]) -> IndexMerger {
    let mut m = IndexMerger::new();
    for s in segments {
        m.add(Segment::open(s.clone()).unwrap()).unwrap();
    }
    m
}

fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/samples/{}", env!("CARGO_MANIFEST_DIR"), name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {}", path, e))
}

/// Every call a sink receives, in order, and the file it makes (as the runtime's sink does: the
/// lazy streams staged, spliced when asked).
#[derive(Default)]
struct Recorder {
    calls: Vec<(Stream, usize)>,
    splices: Vec<Stream>,
    inner: VecSink,
}

impl IndexSink for Recorder {
    fn append(&mut self, stream: Stream, bytes: &[u8]) -> Result<()> {
        self.calls.push((stream, bytes.len()));
        self.inner.append(stream, bytes)
    }

    fn splice(&mut self, from: Stream) -> Result<()> {
        self.splices.push(from);
        self.inner.splice(from)
    }
}

#[test]
fn a_merge_writes_the_same_bytes_as_the_saved_samples() {
    // The bytes of a merge of 11 segments of 37 documents are pinned: they change with the format
    // version, or with the writer of the stored blocks' DEFLATE (rewritten on 2026-12-04, when the
    // sample was written again; `v6.sir`, from the version's first writer, must still read:
    // `format_damage::saved_sample_of_this_version_still_reads`).
    let corpus = corpus();
    let version = crate::segment::FORMAT_VERSION;
    assert_eq!(
        merger(&segments(&corpus, 37)).finish().unwrap(),
        sample(&format!("v{}-merged-11-segments.sir", version))
    );
    // One segment passes through the merger unchanged.
    let one = segments(&corpus, 400);
    assert_eq!(one.len(), 1);
    assert_eq!(merger(&one).finish().unwrap(), one[0]);
}

#[test]
fn a_merge_refuses_a_segment_with_damaged_postings_naming_the_term() {
    let corpus = corpus();
    let mut inputs = segments(&corpus, 200);
    assert_eq!(inputs.len(), 2);
    let second = Segment::open(inputs[1].clone()).unwrap();
    let w3 = second.find_term(0, b"w3").unwrap().unwrap();
    inputs[1][second.postings_file_offset(&w3) as usize] ^= 0x10;
    let e = merger(&inputs).finish().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Corrupt);
    assert!(
        e.message.contains("postings of term \"w3\""),
        "{}",
        e.message
    );
}

/// Writes the merged sample of the current version (with `write_current_sample`, when the format
/// version is bumped): `cargo test --release -- --ignored write_merged_sample`
#[test]
#[ignore]
fn write_merged_sample() {
    std::fs::write(
        format!(
            "{}/tests/samples/v{}-merged-11-segments.sir",
            env!("CARGO_MANIFEST_DIR"),
            crate::segment::FORMAT_VERSION
        ),
        merger(&segments(&corpus(), 37)).finish().unwrap(),
    )
    .unwrap();
}

#[test]
fn the_sink_receives_the_lazy_sections_in_bounded_pieces_then_the_file_in_order() {
    // Enough distinct text that postings, positions and stored blocks each pass two megabytes.
    let mut rng = crate::testing::Rng::new(7);
    let corpus: Vec<String> = (0..40_000)
        .map(|i| {
            let words: Vec<String> = (0..60).map(|_| format!("w{}", rng.below(50_000))).collect();
            doc(&format!("d{}", i), "title", &words.join(" "))
        })
        .collect();
    let parts = segments(&corpus, 10_000);
    assert_eq!(parts.len(), 4);
    let mut recorder = Recorder::default();
    merger(&parts).finish_into(&mut recorder).unwrap();
    let whole = merger(&parts).finish().unwrap();
    assert_eq!(recorder.inner.file, whole, "the same file through any sink");
    assert_eq!(
        recorder.splices,
        vec![Stream::Postings, Stream::Positions, Stream::StoredDocuments]
    );
    // Lazy pieces are bounded (a chunk plus at most one term's postings or positions, or one
    // block), and the
    // file is written only after the last of them.
    let first_file = recorder
        .calls
        .iter()
        .position(|c| c.0 == Stream::File)
        .unwrap();
    assert!(recorder.calls[first_file..]
        .iter()
        .all(|c| c.0 == Stream::File));
    for stream in [Stream::Postings, Stream::Positions, Stream::StoredDocuments] {
        let pieces: Vec<usize> = recorder
            .calls
            .iter()
            .filter(|c| c.0 == stream)
            .map(|c| c.1)
            .collect();
        assert!(pieces.len() > 2, "{:?}: {:?}", stream, pieces);
        assert!(
            pieces.iter().all(|&n| n < (1 << 20) + (64 << 10)),
            "{:?}",
            pieces
        );
    }
    let seg = Segment::open(whole).unwrap();
    seg.verify_all().unwrap();
    // Every term's postings and positions where its record says, past the megabytes the writer
    // drained before it: offsets count what was appended, not what the buffer held.
    // A merge's in-order reads give the same bytes, through windows smaller than some pieces.
    let mut reads = InOrderReads::new(4 << 10);
    let mut terms = 0;
    for e in seg.term_entries().unwrap() {
        let e = e.unwrap();
        let (postings, positions) = seg.read_term_in_order(&e, &mut reads).unwrap();
        assert_eq!(postings, seg.read_postings(&e).unwrap());
        assert_eq!(&positions[..], &seg.read_positions(&e).unwrap()[..]);
        terms += 1;
    }
    assert_eq!(terms, seg.term_count());
    assert!(seg.section_bytes(SectionKind::Postings).len() > 2 << 20);
    assert!(seg.section_bytes(SectionKind::Positions).len() > 2 << 20);
    assert!(seg.section_bytes(SectionKind::StoreData).len() > 2 << 20);
    assert_eq!(seg.meta().doc_count, 40_000);
}

/// A sink whose `n`th call fails, as a full disk does.
struct FailingSink {
    calls_left: usize,
}

impl IndexSink for FailingSink {
    fn append(&mut self, _: Stream, _: &[u8]) -> Result<()> {
        self.splice(Stream::File)
    }

    fn splice(&mut self, _: Stream) -> Result<()> {
        if self.calls_left == 0 {
            return Err(Error::internal("writing the index failed: no space"));
        }
        self.calls_left -= 1;
        Ok(())
    }
}

#[test]
fn a_sink_that_fails_fails_the_merge_and_the_segment_with_its_error() {
    let parts = segments(&corpus(), 100);
    let mut r = Recorder::default();
    merger(&parts).finish_into(&mut r).unwrap();
    for n in 0..r.calls.len() + r.splices.len() {
        let e = merger(&parts)
            .finish_into(&mut FailingSink { calls_left: n })
            .unwrap_err();
        assert_eq!(e.code(), "internal");
        assert!(e.message.contains("no space"), "{}", e.message);
    }
    let mut b = IndexBuilder::new(BuildOptions::from_json("{}").unwrap());
    b.add_jsonl(corpus()[0].as_bytes(), 1, false).unwrap();
    assert!(b
        .take_segment_into(&mut FailingSink { calls_left: 1 })
        .is_err());
}
