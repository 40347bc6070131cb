//! A damaged, truncated or foreign file is refused with a sentence — never a panic, never results.
//! Damage in the core is refused at open; damage in a lazy section (postings, positions, stored
//! blocks) is found when the damaged piece is read, or by a full verification, and fails only that
//! piece.

use super::{build, doc};
use crate::error::ErrorKind;
use crate::segment::{Segment, FORMAT_VERSION};
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
    assert_eq!(seg.size_bytes(), bytes.len() as u64);
    let total: u64 = seg.section_sizes().iter().map(|s| s.1).sum();
    assert!(total < bytes.len() as u64);
    // Opening read the core, not the postings, positions or stored documents.
    let lazy: u64 = seg
        .section_sizes()
        .iter()
        .filter(|s| ["postings", "positions", "stored documents"].contains(&s.0))
        .map(|s| s.1)
        .sum();
    assert!(
        seg.bytes_read() <= bytes.len() as u64 - lazy,
        "{}",
        seg.bytes_read()
    );
    seg.verify_all().unwrap();
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
    let reference = Segment::open(bytes.clone()).unwrap();
    let docs: Vec<u32> = (0..reference.meta().doc_count).collect();
    let expected = reference.stored_many(&docs);
    let mut rng = Rng::new(2);
    let mut found_later = 0;
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
            Ok(seg) => match seg.verify_all() {
                // Padding bytes between sections carry no data and no checksum.
                Ok(()) => assert!(bytes[at] == 0, "flip at {} of a data byte was accepted", at),
                Err(e) => {
                    // A lazy section: opening accepted it; reading finds the damaged piece, and
                    // only the documents of a damaged block fail.
                    assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message);
                    found_later += 1;
                    for (got, want) in seg.stored_many(&docs).iter().zip(&expected) {
                        match got {
                            Ok(doc) => assert_eq!(doc, want.as_ref().unwrap()),
                            Err(e) => assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message),
                        }
                    }
                    let r = crate::search::search(
                        &seg,
                        &crate::search::SearchRequest::from_json("\"with words\"", "{}").unwrap(),
                    );
                    if let Err(e) = r {
                        assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message);
                    }
                }
            },
        }
    }
    assert!(found_later > 0, "some flips land in the lazy sections");
}

#[test]
fn wrong_version_and_foreign_files_say_so() {
    let mut bytes = sample_bytes();
    let footer_version = bytes.len() - 12;
    let (ours, next) = (FORMAT_VERSION as u8, FORMAT_VERSION as u8 + 1);
    bytes[8] = next;
    bytes[footer_version] = next;
    let e = Segment::open(bytes.clone()).err().unwrap();
    assert_eq!(e.kind, ErrorKind::UnsupportedVersion);
    assert!(
        e.message.contains(&format!("format version {}", next))
            && e.message.contains(&format!("reads version {}", ours)),
        "{}",
        e.message
    );
    // Header and footer disagreeing is damage, not another version.
    bytes[footer_version] = ours;
    let e = Segment::open(bytes).err().unwrap();
    assert_eq!(e.kind, ErrorKind::Corrupt);
    assert!(
        e.message.contains(&format!("footer version {}", ours)),
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

/// The meta records the BM25 parameters of the blocks' stored maxima; a meta without them, or with
/// them for another ranker or not as numbers, is damage.
#[test]
fn the_block_maxima_parameters_are_recorded_and_checked() {
    let seg = Segment::open(sample_bytes()).unwrap();
    let json = seg.meta().to_json();
    assert_eq!(
        json["blockMax"],
        serde_json::json!({"ranker": "bm25", "k1": 0.9, "b": 0.4})
    );
    let mut missing = json.clone();
    missing.as_object_mut().unwrap().remove("blockMax");
    for (changed, field) in [
        (missing, "blockMax"),
        (
            with(&json, "ranker", serde_json::json!("dirichlet")),
            "blockMax.ranker",
        ),
        (with(&json, "k1", serde_json::json!("0.9")), "blockMax"),
    ] {
        let e = crate::segment::IndexMeta::parse(changed.to_string().as_bytes()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Corrupt);
        assert!(e.message.ends_with(field), "{}", e.message);
    }
}

fn with(meta: &serde_json::Value, key: &str, value: serde_json::Value) -> serde_json::Value {
    let mut changed = meta.clone();
    changed["blockMax"][key] = value;
    changed
}

/// An index whose analysis this build cannot reproduce (another tokenizer, folding or possessive
/// rule) is refused: its queries would silently miss.
#[test]
fn analysis_this_build_cannot_reproduce_is_refused() {
    let seg = Segment::open(sample_bytes()).unwrap();
    let json = seg.meta().to_json();
    assert!(crate::segment::IndexMeta::parse(json.to_string().as_bytes()).is_ok());
    for (key, other) in [
        ("tokenizer", "whitespace"),
        ("folding", "none"),
        ("possessives", "none"),
    ] {
        let mut changed = json.clone();
        changed["analyzer"][key] = serde_json::json!(other);
        let e = crate::segment::IndexMeta::parse(changed.to_string().as_bytes()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnsupportedVersion);
        assert!(
            e.message.contains(other) && e.message.contains("sir index"),
            "{}",
            e.message
        );
    }
}

/// Files of earlier format versions (1: no per-block checksums; 2: postings read at open; 3: no
/// exact block maxima; 4: no dense blocks; 5: fixed dictionary records and block metas) are
/// refused with a sentence saying what to do.
#[test]
fn earlier_version_samples_are_refused_with_what_to_do() {
    for version in 1..FORMAT_VERSION {
        let bytes = std::fs::read(format!(
            "{}/tests/samples/v{}.sir",
            env!("CARGO_MANIFEST_DIR"),
            version
        ))
        .expect("the sample of an earlier version");
        let e = Segment::open(bytes).err().unwrap();
        assert_eq!(e.kind, ErrorKind::UnsupportedVersion);
        assert!(
            e.message.contains(&format!("format version {}", version))
                && e.message
                    .contains(&format!("reads version {}", FORMAT_VERSION))
                && e.message.contains("sir index"),
            "{}",
            e.message
        );
    }
}

/// Damage in one term's postings is found when a query first reads them: that term's queries fail
/// with `corrupt-index`, every other term still answers, and a full verification finds it.
#[test]
fn damaged_postings_fail_only_their_terms_queries() {
    let bytes = sample_bytes();
    let reference = Segment::open(bytes.clone()).unwrap();
    let search = |seg: &Segment, q: &str| {
        crate::search::search(
            seg,
            &crate::search::SearchRequest::from_json(q, "{}").unwrap(),
        )
    };
    let w3 = reference.find_term(0, b"w3").unwrap().unwrap();
    let mut damaged = bytes.clone();
    damaged[reference.postings_file_offset(&w3) as usize] ^= 0x10;
    let seg = Segment::open(damaged).unwrap();
    let e = search(&seg, "w3").expect_err("damaged postings answered");
    assert_eq!(e.kind, ErrorKind::Corrupt);
    assert!(
        e.message.contains("postings of term \"w3\""),
        "{}",
        e.message
    );
    let other = search(&seg, "w4").unwrap();
    assert_eq!(other.hits, search(&reference, "w4").unwrap().hits);
    assert_eq!(seg.verify_all().unwrap_err().kind, ErrorKind::Corrupt);
}

/// A block maximum that is not a BM25 saturation (only a forged file holds one: every checksum
/// valid) fails its term's queries with `corrupt-index` — not a panic in the sort, not pruning by
/// it — and every other term still answers.
#[test]
fn a_forged_block_maximum_fails_its_terms_queries() {
    use crate::codec::crc32;
    use crate::segment::{assemble, SectionKind, SECTIONS};
    let bytes = sample_bytes();
    let reference = Segment::open(bytes.clone()).unwrap();
    let w3 = reference.find_term(0, b"w3").unwrap().unwrap();
    // As stored (`read_postings` expands the block metas): the saturation is found by its bits.
    let postings = reference
        .read_lazy(
            SectionKind::Postings,
            w3.postings_offset,
            w3.postings_len as usize,
        )
        .unwrap();
    let saturation = reference.read_postings(&w3).unwrap()[24..28].to_vec();
    let find = |haystack: &[u8], needle: &[u8]| {
        let at: Vec<usize> = (0..=haystack.len() - needle.len())
            .filter(|&i| haystack[i..i + needle.len()] == *needle)
            .collect();
        assert_eq!(at.len(), 1, "the bytes to forge are not unique");
        at[0]
    };
    let search = |seg: &Segment, q: &str| {
        crate::search::search(
            seg,
            &crate::search::SearchRequest::from_json(q, "{}").unwrap(),
        )
    };
    for forged in [f32::NAN, 0.0, -0.5, 1.5, f32::INFINITY] {
        // The first block's meta opens the term's postings; its saturation is its last four bytes.
        let mut changed = postings.clone();
        let at = find(&postings, &saturation);
        changed[at..at + 4].copy_from_slice(&forged.to_bits().to_le_bytes());
        let sections: Vec<Vec<u8>> = SECTIONS
            .iter()
            .map(|&k| {
                let mut section = reference.section_bytes(k);
                let (old, new) = match k {
                    SectionKind::Postings => (postings.clone(), changed.clone()),
                    SectionKind::Terms => (
                        crc32(&postings).to_le_bytes().to_vec(),
                        crc32(&changed).to_le_bytes().to_vec(),
                    ),
                    _ => return section,
                };
                let at = find(&section, &old);
                section[at..at + old.len()].copy_from_slice(&new);
                section
            })
            .collect();
        let seg = Segment::open(assemble(&sections)).unwrap();
        let e = search(&seg, "w3").expect_err("a forged maximum answered");
        assert_eq!(e.kind, ErrorKind::Corrupt, "{}", forged);
        assert!(
            e.message.contains("term \"w3\"") && e.message.contains("not a BM25 saturation"),
            "{}",
            e.message
        );
        let other = search(&seg, "w4").unwrap();
        assert_eq!(other.hits, search(&reference, "w4").unwrap().hits);
    }
}

/// The saved sample of this format version must keep opening and answering the same way.
#[test]
fn saved_sample_of_this_version_still_reads() {
    let bytes = std::fs::read(format!(
        "{}/tests/samples/v{}.sir",
        env!("CARGO_MANIFEST_DIR"),
        FORMAT_VERSION
    ))
    .expect("the saved sample of this version");
    let seg = Segment::open(bytes).unwrap();
    seg.verify_all().unwrap();
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
    let phrase = crate::search::search(
        &seg,
        &crate::search::SearchRequest::from_json("\"text 5 with\"", "{}").unwrap(),
    )
    .unwrap();
    assert_eq!(phrase.hits.iter().map(|h| h.0).collect::<Vec<_>>(), vec![5]);
    let stored = seg.stored(5).unwrap();
    assert!(stored.starts_with(br#"{"_id":"d5""#), "{:?}", stored);
}

/// Writes the sample of the current version (run once when the format version is bumped, keep
/// the old samples): `cargo test --release -- --ignored write_current_sample`
#[test]
#[ignore]
fn write_current_sample() {
    std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/samples")).unwrap();
    std::fs::write(
        format!(
            "{}/tests/samples/v{}.sir",
            env!("CARGO_MANIFEST_DIR"),
            FORMAT_VERSION
        ),
        sample_bytes(),
    )
    .unwrap();
}

/// A stored document that is not JSON (only a forged file holds one: its block passes its
/// checksum) becomes a hit without a body that says why; the other hits of the page are shaped.
#[test]
fn a_forged_stored_document_is_a_hit_without_a_body() {
    let forged = super::forge_stored(sample_bytes(), 1, b"{\"_id\":\"d1\", not JSON");
    let seg = Segment::open(forged).unwrap();
    seg.verify_all().unwrap();
    let fields = crate::hits::HitFields::for_index(&seg, None).unwrap();
    let terms = vec!["text".to_string()];
    let page = crate::hits::shape_page(&seg, &[0, 1, 2], &terms, &fields).unwrap();
    assert_eq!(
        page.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        vec!["d0", "d1", "d2"]
    );
    assert!(page[0].body.is_ok() && page[2].body.is_ok());
    let why = page[1].body.as_ref().err().unwrap();
    assert!(why.contains("\"d1\" is not valid JSON"), "{}", why);
    let shaped = page[0].body.as_ref().ok().unwrap();
    assert_eq!(shaped.title, "a title");
    assert_eq!(shaped.snippet.spans, vec![(0, 4)]);
}

/// A page's documents, asked in any order and more than once, are the documents asked for: each
/// block is inflated once, only as far as the last of its documents asked.
#[test]
fn stored_documents_in_any_order_are_those_asked_for() {
    let seg = Segment::open(sample_bytes()).unwrap();
    let mut rng = Rng::new(3);
    for _ in 0..50 {
        let docs: Vec<u32> = (0..rng.below(12) + 1)
            .map(|_| rng.below(410) as u32)
            .collect();
        for (&d, got) in docs.iter().zip(seg.stored_many(&docs)) {
            match seg.stored(d) {
                Ok(want) => assert_eq!(got.unwrap(), want, "doc {}", d),
                Err(e) => assert_eq!(got.unwrap_err().kind, e.kind, "doc {}", d),
            }
        }
    }
}

/// A stored block whose DEFLATE stream is damaged behind a valid checksum (only a forged file
/// holds one) fails the documents it cannot produce with `corrupt-index`, never a panic; those
/// inflated before the damage are still answered.
#[test]
fn a_forged_stored_block_fails_only_what_it_cannot_inflate() {
    use crate::codec::crc32;
    use crate::segment::SectionKind;
    let reference = Segment::open(sample_bytes()).unwrap();
    let index = reference.section_bytes(SectionKind::StoreIndex);
    let field = |at: usize| u32::from_le_bytes(index[at..at + 4].try_into().unwrap());
    // The first block's record: first doc, doc count, offset u64, compressed length, raw length, crc.
    let (count, compressed) = (field(12), field(24) as usize);
    let docs: Vec<u32> = (0..count).collect();
    let mut failed_late = 0;
    for fill in [0x00u8, 0xff, 0x5a] {
        let mut data = reference.section_bytes(SectionKind::StoreData);
        data[compressed * 3 / 4..compressed].fill(fill);
        let mut index = index.clone();
        index[32..36].copy_from_slice(&crc32(&data[..compressed]).to_le_bytes());
        let seg = Segment::open(super::with_store(&reference, index, data)).unwrap();
        let got = seg.stored_many(&docs);
        assert_eq!(got[0].as_ref().unwrap(), &reference.stored(0).unwrap());
        for (d, got) in got.iter().enumerate() {
            if let Err(e) = got {
                assert_eq!(e.kind, ErrorKind::Corrupt, "doc {}: {}", d, e.message);
                assert!(e.message.contains("does not decompress"), "{}", e.message);
            }
        }
        failed_late += got.iter().filter(|g| g.is_err()).count();
        // One at a time, the same.
        for (d, want) in docs.iter().zip(&got) {
            assert_eq!(seg.stored(*d).is_ok(), want.is_ok(), "doc {}", d);
        }
    }
    assert!(failed_late > 0, "the damage cost no document");
}
