//! Property: every ranker parameter inside its range (the `RANKERS` table) gives finite scores on
//! any index, and every value outside it is refused naming the parameter and its range. Random
//! small corpora with extreme shapes (one-token and very long documents, very frequent and unique
//! terms, empty fields), parameters at and between the bounds (including subnormal values where
//! the range starts at 0) and just outside them.

use crate::scoring::{ParamSpec, RANKERS};
use crate::search::{search, SearchRequest};
use crate::segment::Segment;
use crate::testing::Rng;

fn corpus(rng: &mut Rng) -> String {
    let docs = 1 + rng.below(120) as usize;
    (0..docs)
        .map(|i| {
            let len = match rng.below(6) {
                0 => 0,
                1 => 1,
                2 => 2_000 + rng.below(3_000),
                _ => rng.below(40),
            };
            // w0 is in almost every document; rare words appear once in the whole corpus.
            let text: Vec<String> = (0..len)
                .map(|j| match rng.below(4) {
                    0 => "w0".to_string(),
                    1 => format!("rare{}x{}", i, j),
                    _ => format!("w{}", rng.below(8)),
                })
                .collect();
            let title = if rng.chance(0.5) { "w1 w1 w1" } else { "" };
            serde_json::json!({"_id": format!("d{}", i), "title": title, "text": text.join(" ")})
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Values inside `[min, max]`: both bounds, the values next to them, the default, subnormal and
/// tiny values where 0 is allowed, and random ones.
fn inside(p: &ParamSpec, rng: &mut Rng) -> Vec<f64> {
    let mut v = vec![p.min, p.max, p.default, next_up(p.min), next_down(p.max)];
    if p.min == 0.0 {
        v.extend([5e-324, f64::MIN_POSITIVE, 1e-300]);
    }
    for _ in 0..4 {
        v.push(p.min + (p.max - p.min) * (rng.below(1 << 20) as f64 / (1 << 20) as f64));
    }
    v
}

/// Values just outside, and the ones that broke the formulas before there were ranges.
fn outside(p: &ParamSpec) -> Vec<f64> {
    let mut v = vec![
        next_down(p.min),
        next_up(p.max),
        p.max * 2.0 + 1.0,
        -1.0,
        1e300,
        -1e300,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    if p.min > 0.0 {
        v.extend([0.0, 5e-324, p.min / 2.0]);
    }
    v
}

fn next_up(x: f64) -> f64 {
    if x == 0.0 {
        5e-324
    } else if x > 0.0 {
        f64::from_bits(x.to_bits() + 1)
    } else {
        f64::from_bits(x.to_bits() - 1)
    }
}

fn next_down(x: f64) -> f64 {
    -next_up(-x)
}

fn options(ranker: &str, name: &str, value: f64) -> String {
    // serde_json writes non-finite numbers as null; the request parser reads those as "not a number".
    serde_json::json!({"ranker": ranker, "params": {name: value}, "size": 1000}).to_string()
}

fn assert_finite(seg: &Segment, query: &str, opts: &str) {
    let mut request = SearchRequest::from_json(query, opts).unwrap();
    for exhaustive in [false, true] {
        request.exhaustive = exhaustive;
        let r = search(seg, &request).unwrap_or_else(|e| panic!("{} {}: {}", query, opts, e));
        for (doc, score) in &r.hits {
            assert!(
                score.is_finite(),
                "{} {}: doc {} scored {}",
                query,
                opts,
                doc,
                score
            );
        }
    }
}

#[test]
fn in_range_parameters_give_finite_scores_and_out_of_range_ones_are_refused() {
    let mut rng = Rng::new(8_2026);
    for round in 0..10 {
        let seg = super::build(
            &corpus(&mut rng),
            if round % 2 == 0 {
                "{}"
            } else {
                r#"{"fieldMode":"separate"}"#
            },
            None,
        );
        let queries = [
            "w0",
            "w1 w0 w3",
            "rare0x0 w0 w0 w0",
            "w5 w5 w5 w5 w5 w5 w5 w5 w5 w5 w7",
        ];
        for spec in RANKERS {
            for p in spec.params {
                for value in inside(p, &mut rng) {
                    for q in queries {
                        assert_finite(&seg, q, &options(spec.name, p.name, value));
                    }
                }
                for value in outside(p) {
                    let opts = options(spec.name, p.name, value);
                    let e = SearchRequest::from_json("w0", &opts).unwrap_err();
                    assert_eq!(e.field, Some(p.name), "{}", opts);
                    let range = format!("from {} to {}", p.min, p.max);
                    assert!(e.message.contains(&range), "{}: {}", opts, e.message);
                }
            }
        }
    }
}

#[test]
fn a_non_finite_score_is_an_error_never_a_hit() {
    use crate::error::ErrorKind;
    use crate::scoring::Ranker;
    let seg = super::build(&corpus(&mut Rng::new(3)), "{}", None);
    let mut request = SearchRequest::from_json("w0 w1", "{}").unwrap();
    // Built directly, past the table's checks: (k1 + 1)·idf overflows.
    request.ranker = Ranker::Bm25 {
        k1: f64::MAX,
        b: 0.4,
    };
    for exhaustive in [false, true] {
        request.exhaustive = exhaustive;
        let e = search(&seg, &request).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Internal);
        assert!(e.message.contains("not a finite number"), "{}", e.message);
    }
}
