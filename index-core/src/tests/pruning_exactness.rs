//! Property: dynamic pruning, and the pass that scores every posting, return exactly — same docs,
//! same order, bit-identical scores — what scoring every document returns, for random corpora,
//! queries, rankers (the default, bounded by each block's stored maximum, and others by the
//! block's corner), pages, filters and cursors; and counts, exact or up to a limit, agree with the
//! number of documents the reference finds. Each way is checked, and the one `search` chooses.

use crate::search::{evaluate, search, Counting, Evaluation, SearchRequest, Total};
use crate::segment::Segment;
use crate::testing::Rng;

const VOCABULARY: usize = 60;

/// Zipf-like word choice: word i with weight 1/(i+1).
fn word(rng: &mut Rng) -> String {
    let h: f64 = (1..=VOCABULARY).map(|i| 1.0 / i as f64).sum();
    let mut x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * h;
    for i in 0..VOCABULARY {
        x -= 1.0 / (i + 1) as f64;
        if x <= 0.0 {
            return format!("w{}", i);
        }
    }
    format!("w{}", VOCABULARY - 1)
}

fn corpus(rng: &mut Rng, docs: usize) -> String {
    (0..docs)
        .map(|i| {
            let len = if rng.chance(0.1) { rng.below(300) } else { rng.below(30) } as usize;
            let text: Vec<String> = (0..len).map(|_| word(rng)).collect();
            let title: Vec<String> = (0..rng.below(4)).map(|_| word(rng)).collect();
            serde_json::json!({"_id": format!("d{}", i), "title": title.join(" "), "text": text.join(" "), "n": rng.below(10)})
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn query(rng: &mut Rng, separate: bool) -> String {
    let mut parts = Vec::new();
    for i in 0..1 + rng.below(6) {
        let w = word(rng);
        // The first clause is positive: a query of exclusions alone is refused by design.
        let kind = if i == 0 {
            3 + rng.below(9)
        } else {
            rng.below(12)
        };
        let field = if separate && rng.chance(0.15) {
            "title:"
        } else {
            ""
        };
        parts.push(match kind {
            0 => format!("+{}{}", field, w),
            1 => format!("-{}", w),
            2 => format!("{}\"{} {}\"", field, w, word(rng)),
            _ => format!("{}{}", field, w),
        });
    }
    parts.join(" ")
}

fn options(rng: &mut Rng) -> String {
    let ranker = match rng.below(6) {
        // The default ranker, whose block bounds are the blocks' stored maxima.
        5 => r#""ranker":"bm25""#.to_string(),
        0 => format!(
            r#""ranker":"bm25","params":{{"k1":{},"b":{}}}"#,
            rng.below(30) as f64 / 10.0,
            rng.below(11) as f64 / 10.0
        ),
        1 => format!(
            r#""ranker":"dirichlet","params":{{"mu":{}}}"#,
            1 + rng.below(3000)
        ),
        2 => format!(
            r#""ranker":"jelinek-mercer","params":{{"lambda":{}}}"#,
            (1 + rng.below(9)) as f64 / 10.0
        ),
        3 => format!(
            r#""ranker":"pivoted","params":{{"s":{}}}"#,
            rng.below(11) as f64 / 10.0
        ),
        _ => format!(
            r#""ranker":"absolute-discount","params":{{"delta":{}}}"#,
            (1 + rng.below(9)) as f64 / 10.0
        ),
    };
    let filters = if rng.chance(0.2) {
        format!(r#","filters":["n>={}"]"#, rng.below(10))
    } else {
        String::new()
    };
    format!(
        r#"{{{},"offset":{},"size":{}{}}}"#,
        ranker,
        rng.below(5),
        1 + rng.below(40),
        filters
    )
}

fn check(seg: &Segment, q: &str, opts: &str, rng: &mut Rng) {
    for how in [
        Evaluation::Pruned,
        Evaluation::Accumulated,
        Evaluation::Chosen,
    ] {
        check_with(seg, q, opts, rng, how);
    }
}

fn check_with(seg: &Segment, q: &str, opts: &str, rng: &mut Rng, how: Evaluation) {
    let pruned = SearchRequest::from_json(q, opts).unwrap();
    let mut exhaustive = pruned.clone();
    exhaustive.exhaustive = true;
    let a = evaluate(seg, &pruned, how).unwrap();
    let b = search(seg, &exhaustive).unwrap();
    assert_eq!(a.hits, b.hits, "{:?}: query {:?} options {}", how, q, opts);
    // The count equals the number of documents the reference finds at all.
    let mut everything = exhaustive.clone();
    everything.offset = 0;
    everything.size = seg.meta().doc_count as usize;
    let matching = search(seg, &everything).unwrap().hits.len() as u64;
    assert_eq!(
        a.total,
        Some(Total {
            value: matching,
            exact: true
        }),
        "{:?}: count for {:?} {}",
        how,
        q,
        opts
    );
    // Counting up to a limit: exact at or below it, "at least the limit" above, with the same hits.
    let limit = 1 + rng.below(matching + 3);
    let mut limited = pruned.clone();
    limited.count = Counting::UpTo(limit);
    let c = evaluate(seg, &limited, how).unwrap();
    let expect = if matching <= limit {
        Total {
            value: matching,
            exact: true,
        }
    } else {
        Total {
            value: limit,
            exact: false,
        }
    };
    assert_eq!(
        c.total,
        Some(expect),
        "{:?}: limit {} for {:?} {}",
        how,
        limit,
        q,
        opts
    );
    assert_eq!(
        c.hits, a.hits,
        "{:?}: hits with a count limit, {:?} {}",
        how, q, opts
    );
    // The cursor continues exactly where a page ends.
    if let Some(&(doc, score)) = a.hits.last() {
        let mut next = pruned.clone();
        next.offset = 0;
        next.after = Some((score, doc));
        let mut wide = exhaustive.clone();
        wide.offset = 0;
        wide.size = pruned.offset + 2 * pruned.size;
        let reference = search(seg, &wide).unwrap().hits;
        let from = pruned.offset + a.hits.len();
        let expect: Vec<_> = reference.into_iter().skip(from).take(pruned.size).collect();
        assert_eq!(
            evaluate(seg, &next, how).unwrap().hits,
            expect,
            "{:?}: cursor after {:?} {}",
            how,
            q,
            opts
        );
    }
}

#[test]
fn pruned_top_k_equals_exhaustive_on_random_corpora() {
    let mut rng = Rng::new(20261123);
    for round in 0..12 {
        let separate = round % 3 == 0;
        let docs = 200 + rng.below(1500) as usize;
        let build_options = if separate {
            r#"{"fieldMode":"separate"}"#
        } else {
            "{}"
        };
        let seg = super::build(
            &corpus(&mut rng, docs),
            build_options,
            if round % 4 == 1 { Some(301) } else { None },
        );
        for _ in 0..60 {
            let q = query(&mut rng, separate);
            let o = options(&mut rng);
            check(&seg, &q, &o, &mut rng);
        }
    }
}

/// Terms spanning dozens of blocks: windows skipped whole, one dense lead scored block by block,
/// several dense terms summed in bulk, a rare term leading a dense one sought per candidate.
#[test]
fn pruned_top_k_equals_exhaustive_over_many_blocks() {
    let mut rng = Rng::new(20261202);
    let seg = super::build(&corpus(&mut rng, 6000), "{}", None);
    let rare = |rng: &mut Rng| format!("w{}", 40 + rng.below(20));
    for i in 0..80 {
        let q = match i % 4 {
            0 => word(&mut rng),
            1 => format!("{} {}", word(&mut rng), word(&mut rng)),
            2 => format!("{} {} {}", rare(&mut rng), word(&mut rng), word(&mut rng)),
            _ => (0..6).map(|_| word(&mut rng)).collect::<Vec<_>>().join(" "),
        };
        let o = options(&mut rng);
        check(&seg, &q, &o, &mut rng);
    }
}
