//! A damaged, truncated or foreign file is refused with a sentence — never a panic, never results.

use super::{build, doc};
use crate::error::ErrorKind;
use crate::segment::Segment;
use crate::testing::Rng;

fn sample_bytes() -> Vec<u8> {
    let corpus: Vec<String> = (0..400)
        .map(|i| {
            doc(
                &format!("d{}", i),
                "a title",
                &format!("text {} with words w{} w{}", i, i % 17, i % 29),
            )
        })
        .collect();
    let seg = build(&corpus.join("\n"), "{}", None);
    // Tests run in parallel threads of one process: one file per call.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("sir-damage-{}-{}.sir", std::process::id(), call));
    // Round trip through a file, as the runtime does.
    let bytes = {
        let mut m = crate::indexer::IndexMerger::new();
        m.add(seg).unwrap();
        m.finish().unwrap()
    };
    std::fs::write(&path, &bytes).unwrap();
    let read = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).ok();
    assert_eq!(read, bytes);
    read
}

#[test]
fn round_trip_opens_and_reports_sections() {
    let bytes = sample_bytes();
    let seg = Segment::open(bytes.clone()).unwrap();
    assert_eq!(seg.meta().doc_count, 400);
    assert_eq!(seg.size_bytes(), bytes.len());
    let total: usize = seg.section_sizes().iter().map(|s| s.1).sum();
    assert!(total < bytes.len());
}

#[test]
fn truncation_anywhere_is_an_error() {
    let bytes = sample_bytes();
    let mut rng = Rng::new(1);
    let mut cuts: Vec<usize> = (0..60)
        .map(|_| rng.below(bytes.len() as u64) as usize)
        .collect();
    cuts.extend_from_slice(&[0, 1, 8, 15, 16, 17, bytes.len() - 1]);
    for cut in cuts {
        let e = Segment::open(bytes[..cut].to_vec())
            .err()
            .expect("truncated file opened");
        assert_eq!(e.kind, ErrorKind::Corrupt, "cut {}: {}", cut, e.message);
    }
}

#[test]
fn a_flipped_byte_anywhere_is_refused() {
    let bytes = sample_bytes();
    let mut rng = Rng::new(2);
    for _ in 0..300 {
        let at = rng.below(bytes.len() as u64) as usize;
        let mut damaged = bytes.clone();
        damaged[at] ^= 1 << rng.below(8);
        match Segment::open(damaged) {
            Err(e) => assert!(
                matches!(e.kind, ErrorKind::Corrupt | ErrorKind::UnsupportedVersion),
                "{}",
                e.message
            ),
            // Padding bytes between sections carry no data and no checksum.
            Ok(_) => assert!(bytes[at] == 0, "flip at {} of a data byte was accepted", at),
        }
    }
}

#[test]
fn wrong_version_and_foreign_files_say_so() {
    let mut bytes = sample_bytes();
    bytes[8] = 2;
    let e = Segment::open(bytes.clone()).err().unwrap();
    assert_eq!(e.kind, ErrorKind::UnsupportedVersion);
    assert!(
        e.message.contains("format version 2") && e.message.contains("reads version 1"),
        "{}",
        e.message
    );
    let e = Segment::open(b"{\"not\": \"an index\"} plus some more bytes".to_vec())
        .err()
        .unwrap();
    assert!(
        e.message.contains("not a serverless-ir index"),
        "{}",
        e.message
    );
}

/// The saved sample of format version 1 must keep opening and answering the same way.
#[test]
fn saved_version_1_sample_still_reads() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/samples/v1.sir"))
        .expect("tests/samples/v1.sir");
    let seg = Segment::open(bytes).unwrap();
    assert_eq!(seg.meta().doc_count, 400);
    let r = crate::search::search(
        &seg,
        &crate::search::SearchRequest::from_json("w3 text", r#"{"size":3}"#).unwrap(),
    )
    .unwrap();
    assert_eq!(r.total.map(|t| (t.value, t.exact)), Some((400, true)));
    let ids: Vec<&str> = r
        .hits
        .iter()
        .map(|h| seg.external_id(h.0).unwrap())
        .collect();
    // d32 and d37 tie (one w3 each, same length): ascending doc id decides.
    assert_eq!(ids, vec!["d3", "d20", "d32"]);
}

/// Writes the version 1 sample (run once when the format version is bumped, keep old samples):
/// `cargo test --release -- --ignored write_version_1_sample`
#[test]
#[ignore]
fn write_version_1_sample() {
    std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/samples")).unwrap();
    std::fs::write(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/samples/v1.sir"),
        sample_bytes(),
    )
    .unwrap();
}
