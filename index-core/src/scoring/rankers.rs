use crate::error::{Error, Result};

/// Okapi BM25 defaults as Anserini uses them for BEIR (MeTA's are k1=1.2, b=0.75).
pub const BM25_K1: f64 = 0.9;
pub const BM25_B: f64 = 0.4;
/// Query-term saturation of MeTA's BM25 (`k3`): with 500, a repeated query term counts ~2×.
pub const BM25_K3: f64 = 500.0;
/// MeTA's defaults for the other rankers.
pub const DIRICHLET_MU: f64 = 2000.0;
pub const JELINEK_MERCER_LAMBDA: f64 = 0.7;
pub const PIVOTED_S: f64 = 0.2;
pub const ABSOLUTE_DISCOUNT_DELTA: f64 = 0.7;

/// A ranker with its parameters, chosen per query.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ranker {
    Bm25 { k1: f64, b: f64 },
    Dirichlet { mu: f64 },
    JelinekMercer { lambda: f64 },
    Pivoted { s: f64 },
    AbsoluteDiscount { delta: f64 },
}

/// Parameters as named on the CLI and in the HTTP API; absent ones take the ranker's default.
#[derive(Clone, Copy, Debug, Default)]
pub struct RankerParams {
    pub k1: Option<f64>,
    pub b: Option<f64>,
    pub mu: Option<f64>,
    pub lambda: Option<f64>,
    pub s: Option<f64>,
    pub delta: Option<f64>,
}

/// Corpus statistics of one query term in one field.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TermStats {
    /// Documents in the index.
    pub(crate) num_docs: f64,
    /// Average field length in tokens.
    pub(crate) avg_len: f64,
    /// Documents containing the term in this field.
    pub(crate) doc_freq: f64,
    /// Occurrences of the term in this field over all documents, over the field's total tokens:
    /// p(w | C), the collection language model.
    pub(crate) collection_prob: f64,
    /// How many times the term appears in the query.
    pub(crate) query_weight: f64,
}

/// Term frequencies below this have their tf-only factor precomputed per query term.
const TF_TABLE: usize = 32;

/// The document-independent part of a ranker for one query term, computed once per query: the idf,
/// query weight and length normalisation constants, and a table of the tf-only factor for small tf
/// (ln is the costliest operation in WebAssembly, which has no instruction for it).
#[derive(Clone, Copy, Debug)]
enum Scorer {
    Bm25 {
        weight: f64,
        base: f64,
        per_token: f64,
    },
    Pivoted {
        weight: f64,
        base: f64,
        per_token: f64,
    },
    Dirichlet {
        weight: f64,
        per_tf: f64,
    },
    JelinekMercer {
        weight: f64,
        per_tf: f64,
    },
    AbsoluteDiscount {
        weight: f64,
        delta: f64,
        per_tf: f64,
    },
}

impl Scorer {
    /// The factor of the score that depends on tf alone (1 where there is none).
    #[inline]
    fn tf_factor(&self, tf: f64) -> f64 {
        match *self {
            Scorer::Pivoted { .. } => 1.0 + (1.0 + tf.ln()).ln(),
            Scorer::Dirichlet { weight, per_tf } => weight * (1.0 + tf * per_tf).ln(),
            _ => 1.0,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct TermScorer {
    kind: Scorer,
    by_tf: [f64; TF_TABLE],
}

impl TermScorer {
    #[inline]
    fn tf_factor(&self, tf: u32) -> f64 {
        match self.by_tf.get(tf as usize) {
            Some(&f) => f,
            None => self.kind.tf_factor(tf as f64),
        }
    }

    /// See `Ranker::term_score`: the same value, from the prepared constants.
    #[inline]
    pub(crate) fn score(&self, tf: u32, len: u32, unique: u32) -> f64 {
        let len = len as f64;
        match self.kind {
            Scorer::Bm25 {
                weight,
                base,
                per_token,
            } => {
                let tf = tf as f64;
                weight * tf / (base + per_token * len + tf)
            }
            Scorer::Pivoted {
                weight,
                base,
                per_token,
            } => self.tf_factor(tf) / (base + per_token * len) * weight,
            Scorer::Dirichlet { .. } => self.tf_factor(tf),
            Scorer::JelinekMercer { weight, per_tf } => {
                weight * (1.0 + tf as f64 * per_tf / len.max(1.0)).ln()
            }
            Scorer::AbsoluteDiscount {
                weight,
                delta,
                per_tf,
            } => {
                let unique = (unique as f64).max(1.0);
                weight * (1.0 + (tf as f64 - delta).max(0.0) * per_tf / unique).ln()
            }
        }
    }

    /// Whether `score` reads the document's distinct-term count (only absolute discount does).
    #[inline]
    pub(crate) fn needs_unique(&self) -> bool {
        matches!(self.kind, Scorer::AbsoluteDiscount { .. })
    }
}

fn check(name: &str, value: f64, ok: bool, accepted: &str) -> Result<f64> {
    if value.is_finite() && ok {
        Ok(value)
    } else {
        Err(Error::bad_query(format!(
            "ranker parameter {} must be {}, got {}",
            name, accepted, value
        )))
    }
}

impl Ranker {
    /// The ranker called `name` (`bm25`, `dirichlet`, `jelinek-mercer`, `pivoted`,
    /// `absolute-discount`) with `params`; a parameter that belongs to another ranker is an error.
    pub fn from_name(name: &str, p: RankerParams) -> Result<Ranker> {
        let given: Vec<&str> = [
            ("k1", p.k1),
            ("b", p.b),
            ("mu", p.mu),
            ("lambda", p.lambda),
            ("s", p.s),
            ("delta", p.delta),
        ]
        .iter()
        .filter(|(_, v)| v.is_some())
        .map(|(n, _)| *n)
        .collect();
        let (ranker, allowed): (Ranker, &[&str]) = match name {
            "bm25" => {
                let k1 = check("k1", p.k1.unwrap_or(BM25_K1), p.k1.map_or(true, |v| v >= 0.0), "≥ 0 (default 0.9)")?;
                let b = check("b", p.b.unwrap_or(BM25_B), p.b.map_or(true, |v| (0.0..=1.0).contains(&v)), "from 0 to 1 (default 0.4)")?;
                (Ranker::Bm25 { k1, b }, &["k1", "b"])
            }
            "dirichlet" => {
                let mu = check("mu", p.mu.unwrap_or(DIRICHLET_MU), p.mu.map_or(true, |v| v > 0.0), "> 0 (default 2000)")?;
                (Ranker::Dirichlet { mu }, &["mu"])
            }
            "jelinek-mercer" => {
                let lambda = check(
                    "lambda",
                    p.lambda.unwrap_or(JELINEK_MERCER_LAMBDA),
                    p.lambda.map_or(true, |v| v > 0.0 && v < 1.0),
                    "between 0 and 1, exclusive (default 0.7)",
                )?;
                (Ranker::JelinekMercer { lambda }, &["lambda"])
            }
            "pivoted" => {
                let s = check("s", p.s.unwrap_or(PIVOTED_S), p.s.map_or(true, |v| (0.0..=1.0).contains(&v)), "from 0 to 1 (default 0.2)")?;
                (Ranker::Pivoted { s }, &["s"])
            }
            "absolute-discount" => {
                let delta = check(
                    "delta",
                    p.delta.unwrap_or(ABSOLUTE_DISCOUNT_DELTA),
                    p.delta.map_or(true, |v| v > 0.0 && v < 1.0),
                    "between 0 and 1, exclusive (default 0.7)",
                )?;
                (Ranker::AbsoluteDiscount { delta }, &["delta"])
            }
            other => {
                return Err(Error::bad_query(format!(
                    "unknown ranker \"{}\": use bm25, dirichlet, jelinek-mercer, pivoted or absolute-discount",
                    other
                )))
            }
        };
        if let Some(extra) = given.iter().find(|g| !allowed.contains(g)) {
            return Err(Error::bad_query(format!(
                "parameter {} does not apply to ranker {} (its parameters: {})",
                extra,
                name,
                allowed.join(", ")
            )));
        }
        Ok(ranker)
    }

    /// Whether the ranker adds a per-document prior (the language models do).
    pub(crate) fn has_prior(&self) -> bool {
        matches!(
            self,
            Ranker::Dirichlet { .. }
                | Ranker::JelinekMercer { .. }
                | Ranker::AbsoluteDiscount { .. }
        )
    }

    /// This ranker prepared for one query term (see `TermScorer`).
    pub(crate) fn scorer(&self, st: &TermStats) -> TermScorer {
        let kind = match *self {
            Ranker::Bm25 { k1, b } => {
                let idf = (1.0 + (st.num_docs - st.doc_freq + 0.5) / (st.doc_freq + 0.5)).ln();
                let qtf = (BM25_K3 + 1.0) * st.query_weight / (BM25_K3 + st.query_weight);
                Scorer::Bm25 {
                    weight: idf * qtf * (k1 + 1.0),
                    base: k1 * (1.0 - b),
                    per_token: k1 * b / st.avg_len,
                }
            }
            Ranker::Pivoted { s } => {
                let idf = ((st.num_docs + 1.0) / (0.5 + st.doc_freq)).ln();
                Scorer::Pivoted {
                    weight: st.query_weight * idf,
                    base: 1.0 - s,
                    per_token: s / st.avg_len,
                }
            }
            // Language models: query_weight · log(p_s(w|d) / (α_d · p(w|C))), which the
            // document's prior |q|·log(α_d) completes to log-likelihood rank equivalence.
            Ranker::Dirichlet { mu } => Scorer::Dirichlet {
                weight: st.query_weight,
                per_tf: 1.0 / (mu * st.collection_prob),
            },
            Ranker::JelinekMercer { lambda } => Scorer::JelinekMercer {
                weight: st.query_weight,
                per_tf: (1.0 - lambda) / (lambda * st.collection_prob),
            },
            Ranker::AbsoluteDiscount { delta } => Scorer::AbsoluteDiscount {
                weight: st.query_weight,
                delta,
                per_tf: 1.0 / (delta * st.collection_prob),
            },
        };
        let mut by_tf = [0.0; TF_TABLE];
        for (tf, slot) in by_tf.iter_mut().enumerate().skip(1) {
            *slot = kind.tf_factor(tf as f64);
        }
        TermScorer { kind, by_tf }
    }

    /// The score one query term contributes to a document containing it `tf` ≥ 1 times in a field of
    /// `len` tokens with `unique` distinct terms. (Search prepares a `TermScorer` once per term.)
    #[cfg(test)]
    pub(crate) fn term_score(&self, st: &TermStats, tf: u32, len: u32, unique: u32) -> f64 {
        self.scorer(st).score(tf, len, unique)
    }

    /// `query_len · log(α_d)`, the language models' document prior (0 for BM25 and pivoted).
    #[inline]
    pub(crate) fn doc_prior(&self, query_len: f64, len: u32, unique: u32) -> f64 {
        let len = len as f64;
        match *self {
            Ranker::Bm25 { .. } | Ranker::Pivoted { .. } => 0.0,
            Ranker::Dirichlet { mu } => query_len * (mu / (len + mu)).ln(),
            Ranker::JelinekMercer { lambda } => query_len * lambda.ln(),
            // α_d = δ·|unique terms|/|d|; an empty field takes the limit δ.
            Ranker::AbsoluteDiscount { delta } => {
                let ratio = if len == 0.0 { 1.0 } else { unique as f64 / len };
                query_len * (delta * ratio).ln()
            }
        }
    }

    /// An upper bound of `doc_prior` over every document whose field is at least `min_len` long.
    pub(crate) fn prior_bound(&self, query_len: f64, min_len: u32) -> f64 {
        match *self {
            Ranker::Bm25 { .. } | Ranker::Pivoted { .. } => 0.0,
            Ranker::Dirichlet { .. } => self.doc_prior(query_len, min_len, 0),
            Ranker::JelinekMercer { .. } => self.doc_prior(query_len, 0, 0),
            // unique ≤ len, so the ratio is at most 1.
            Ranker::AbsoluteDiscount { delta } => query_len * delta.ln(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats() -> TermStats {
        TermStats {
            num_docs: 1000.0,
            avg_len: 100.0,
            doc_freq: 50.0,
            collection_prob: 0.001,
            query_weight: 1.0,
        }
    }

    fn all_rankers() -> Vec<Ranker> {
        [
            "bm25",
            "dirichlet",
            "jelinek-mercer",
            "pivoted",
            "absolute-discount",
        ]
        .iter()
        .map(|n| Ranker::from_name(n, RankerParams::default()).unwrap())
        .collect()
    }

    /// Hand computations for tf=3, |d|=80, 20 distinct terms, N=1000, df=50, p(w|C)=0.001, avg |d|=100
    /// (each line checked independently with Python's math module).
    #[test]
    fn each_ranker_matches_a_hand_computation() {
        let st = stats();
        let cases = [
            // BM25 k1=0.9 b=0.4: idf = ln(1 + 950.5/50.5) = 2.986781; norm = 0.9·(0.6 + 0.4·0.8) = 0.828;
            // tf part = 1.9·3/(0.828 + 3) = 1.489028; qtf = 501·1/501 = 1 → 4.447402
            (Ranker::Bm25 { k1: 0.9, b: 0.4 }, 4.447_402),
            // Dirichlet μ=2000: ln(1 + 3/(2000·0.001)) = ln(2.5) = 0.916291
            (Ranker::Dirichlet { mu: 2000.0 }, 0.916_291),
            // JM λ=0.7: ln(1 + 0.3·3/(0.7·0.001·80)) = ln(17.071429) = 2.837406
            (Ranker::JelinekMercer { lambda: 0.7 }, 2.837_406),
            // pivoted s=0.2: (1 + ln(1 + ln 3))/(0.8 + 0.2·0.8) · ln(1001/50.5) = 1.813851 · 2.986781 = 5.417512
            (Ranker::Pivoted { s: 0.2 }, 5.417_512),
            // absolute discount δ=0.7: ln(1 + 2.3/(0.7·20·0.001)) = ln(165.285714) = 5.107676
            (Ranker::AbsoluteDiscount { delta: 0.7 }, 5.107_676),
        ];
        for (r, expected) in cases {
            let got = r.term_score(&st, 3, 80, 20);
            assert!(
                (got - expected).abs() < 1e-4,
                "{:?}: {} vs {}",
                r,
                got,
                expected
            );
        }
        // Priors for a two-term query: Dirichlet 2·ln(2000/2080) = -0.078441; JM 2·ln 0.7 = -0.713350;
        // absolute discount 2·ln(0.7·20/80) = -3.485939
        let priors = [
            (Ranker::Dirichlet { mu: 2000.0 }, -0.078_441),
            (Ranker::JelinekMercer { lambda: 0.7 }, -0.713_350),
            (Ranker::AbsoluteDiscount { delta: 0.7 }, -3.485_939),
        ];
        for (r, expected) in priors {
            let got = r.doc_prior(2.0, 80, 20);
            assert!(
                (got - expected).abs() < 1e-5,
                "{:?}: {} vs {}",
                r,
                got,
                expected
            );
        }
    }

    #[test]
    fn scores_are_monotone_so_block_bounds_hold() {
        let st = stats();
        for r in all_rankers() {
            for tf in 1..40u32 {
                for len in (tf..400).step_by(7) {
                    for unique in (1..=len.min(60)).step_by(5) {
                        let s = r.term_score(&st, tf, len, unique);
                        assert!(s >= 0.0 && s.is_finite(), "{:?}", r);
                        assert!(r.term_score(&st, tf + 1, len, unique) >= s, "{:?} tf", r);
                        assert!(r.term_score(&st, tf, len + 1, unique) <= s, "{:?} len", r);
                        assert!(
                            r.term_score(&st, tf, len, unique + 1) <= s,
                            "{:?} unique",
                            r
                        );
                        assert!(
                            r.doc_prior(3.0, len, unique)
                                <= r.prior_bound(3.0, len.saturating_sub(1)) + 1e-12,
                            "{:?} prior",
                            r
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn bad_names_and_parameters_say_what_is_accepted() {
        let e = Ranker::from_name("tfidf", RankerParams::default()).unwrap_err();
        assert!(e.message.contains("bm25, dirichlet"), "{}", e.message);
        let e = Ranker::from_name(
            "bm25",
            RankerParams {
                b: Some(1.5),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(e.message.contains("from 0 to 1"), "{}", e.message);
        let e = Ranker::from_name(
            "bm25",
            RankerParams {
                k1: Some(f64::NAN),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(e.message.contains("k1"), "{}", e.message);
        let e = Ranker::from_name(
            "dirichlet",
            RankerParams {
                k1: Some(1.0),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(e.message.contains("does not apply"), "{}", e.message);
        assert_eq!(
            Ranker::from_name("bm25", RankerParams::default()).unwrap(),
            Ranker::Bm25 {
                k1: BM25_K1,
                b: BM25_B
            }
        );
    }
}
