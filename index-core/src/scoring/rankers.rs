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
/// The ranker a search uses when it names none.
pub const DEFAULT_RANKER: &str = "bm25";

/// The BM25 parameters (k1, b) under which an index stores each block's exact maximum: the
/// default ranker's. The index's meta records them, so that stored maxima are never paired with
/// other parameters, should the defaults change.
pub(crate) const BLOCK_MAX_BM25: (f64, f64) = (BM25_K1, BM25_B);

/// A field's average length as the scorers take it (`TermStats::avg_len`); the writer computes
/// the stored block maxima with the same value.
pub(crate) fn average_length(total_tokens: u64, doc_count: u32) -> f64 {
    (total_tokens as f64 / doc_count as f64).max(1e-9)
}

/// BM25's saturation `tf / (tf + k1·(1 − b) + k1·b·len/avg_len)`: a document's BM25 score for a
/// term divided by the term's weight (`idf·qtf·(k1 + 1)`). Its largest value over a block, stored
/// with the block, times a query term's weight is the block's exact bound — where the (largest
/// tf, shortest length) corner lies above nearly every block of a dense term.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bm25Saturation {
    base: f64,
    per_token: f64,
}

impl Bm25Saturation {
    pub(crate) fn new(k1: f64, b: f64, avg_len: f64) -> Bm25Saturation {
        Bm25Saturation {
            base: k1 * (1.0 - b),
            per_token: k1 * b / avg_len,
        }
    }

    #[inline]
    pub(crate) fn of(&self, tf: u32, len: u32) -> f64 {
        let (numerator, denominator) = bm25_fraction(1.0, self.base, self.per_token, tf, len);
        numerator / denominator
    }
}

/// One parameter of a ranker: its name (on the CLI, in the HTTP API, in `params`), its default,
/// the closed range `[min, max]` of accepted values, and what it does in one line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamSpec {
    pub name: &'static str,
    pub default: f64,
    pub min: f64,
    pub max: f64,
    pub meaning: &'static str,
}

/// One ranker: its name, a one-line description, and its parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RankerSpec {
    pub name: &'static str,
    pub meaning: &'static str,
    pub params: &'static [ParamSpec],
}

/// The rankers and their parameters: the one definition every layer derives from (the request
/// parser below, the HTTP schemas, the OpenAPI document, the CLI flags and help; the TypeScript
/// runtime reads it through the WebAssembly module's `rankersJson()`).
///
/// Ranges are chosen so that every score is a finite number on any index, and wide enough for any
/// sweep a researcher runs. What lies outside breaks the formulas: `k1` near f64::MAX overflows
/// `(k1 + 1)·idf`; a `mu`, `lambda` or `delta` near 0 (subnormal) makes `1/(x·p(w|C))` infinite;
/// `lambda` = 1 scores every document 0; `b` and `s` outside [0, 1] make the length
/// normalisation negative for long or short documents. Inside, with p(w|C) ≥ 2⁻⁶⁴, tf and lengths
/// below 2³² and at most a few hundred query terms, every term score and prior stays far from
/// f64's limits (tested: `in_range_parameters_give_finite_scores` in src/tests/).
pub const RANKERS: &[RankerSpec] = &[
    RankerSpec {
        name: "bm25",
        meaning: "Okapi BM25 (MeTA's formula, query-term saturation k3 = 500)",
        params: &[
            ParamSpec {
                name: "k1",
                default: BM25_K1,
                min: 0.0,
                max: 1000.0,
                meaning: "term-frequency saturation",
            },
            ParamSpec {
                name: "b",
                default: BM25_B,
                min: 0.0,
                max: 1.0,
                meaning: "document-length normalisation",
            },
        ],
    },
    RankerSpec {
        name: "dirichlet",
        meaning: "query likelihood with a Dirichlet prior",
        params: &[ParamSpec {
            name: "mu",
            default: DIRICHLET_MU,
            min: 1.0,
            max: 1_000_000.0,
            meaning: "Dirichlet prior (pseudo-count of the collection model)",
        }],
    },
    RankerSpec {
        name: "jelinek-mercer",
        meaning: "query likelihood with Jelinek-Mercer smoothing",
        params: &[ParamSpec {
            name: "lambda",
            default: JELINEK_MERCER_LAMBDA,
            min: 0.001,
            max: 0.999,
            meaning: "weight of the collection model",
        }],
    },
    RankerSpec {
        name: "pivoted",
        meaning: "pivoted length normalisation",
        params: &[ParamSpec {
            name: "s",
            default: PIVOTED_S,
            min: 0.0,
            max: 1.0,
            meaning: "pivot slope (length normalisation)",
        }],
    },
    RankerSpec {
        name: "absolute-discount",
        meaning: "query likelihood with absolute discounting",
        params: &[ParamSpec {
            name: "delta",
            default: ABSOLUTE_DISCOUNT_DELTA,
            min: 0.001,
            max: 0.999,
            meaning: "discount subtracted from each term count",
        }],
    },
];

/// The table as JSON: `{"default":"bm25","rankers":[{"name","meaning","params":[{"name",
/// "default","min","max","meaning"}]}]}` (what the WebAssembly module's `rankersJson()` returns).
pub fn rankers_json() -> serde_json::Value {
    let rankers: Vec<serde_json::Value> = RANKERS
        .iter()
        .map(|r| {
            let params: Vec<serde_json::Value> = r
                .params
                .iter()
                .map(|p| {
                    serde_json::json!({"name": p.name, "default": p.default, "min": p.min, "max": p.max, "meaning": p.meaning})
                })
                .collect();
            serde_json::json!({"name": r.name, "meaning": r.meaning, "params": params})
        })
        .collect();
    serde_json::json!({ "default": DEFAULT_RANKER, "rankers": rankers })
}

/// What a parameter accepts, for messages: `a number from 0 to 1 (default 0.4)`.
fn accepted(p: &ParamSpec) -> String {
    format!(
        "a number from {} to {} (default {})",
        p.min, p.max, p.default
    )
}

/// The refusal of a parameter value that is not a number (JSON `null`, a string): names the
/// parameter and, when some ranker has it, its range.
fn not_a_number(name: &str) -> Error {
    let spec = RANKERS
        .iter()
        .flat_map(|r| r.params.iter())
        .find(|p| p.name == name);
    match spec {
        Some(p) => Error::bad_query(
            p.name,
            format!("ranker parameter {} must be {}", p.name, accepted(p)),
        ),
        None => Error::bad_query(
            "params",
            format!("ranker parameter {} must be a number", name),
        ),
    }
}

/// The request field a parameter name is reported under: its own name when some ranker has it,
/// `params` otherwise (an unknown name is not echoed into the field).
fn param_field(name: &str) -> &'static str {
    RANKERS
        .iter()
        .flat_map(|r| r.params.iter())
        .find(|p| p.name == name)
        .map_or("params", |p| p.name)
}

/// A ranker with its parameters, chosen per query.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ranker {
    Bm25 { k1: f64, b: f64 },
    Dirichlet { mu: f64 },
    JelinekMercer { lambda: f64 },
    Pivoted { s: f64 },
    AbsoluteDiscount { delta: f64 },
}

/// Parameters as named on the CLI and in the HTTP API, in the order given; absent ones take the
/// ranker's default.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RankerParams(pub Vec<(String, f64)>);

impl RankerParams {
    pub fn with(mut self, name: &str, value: f64) -> RankerParams {
        self.0.push((name.to_string(), value));
        self
    }

    /// Reads `{"k1": 1.2, "b": 0.75}`; every value must be a number (which ranker takes which
    /// parameter, and its range, is `Ranker::from_name`'s check).
    pub fn from_json(value: &serde_json::Value) -> Result<RankerParams> {
        let object = value
            .as_object()
            .ok_or_else(|| Error::bad_query("params", "\"params\" must be an object of numbers"))?;
        let mut params = RankerParams::default();
        for (name, value) in object {
            let x = value.as_f64().ok_or_else(|| not_a_number(name))?;
            params = params.with(name, x);
        }
        Ok(params)
    }
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
    /// BM25 weights a repeated query term by its count, as Lucene's bag of words boosts it, instead
    /// of through MeTA's query-term saturation (k3): an index built for Lucene's scores
    /// (`--norms lucene`) reproduces its ranking.
    pub(crate) lucene_query_weights: bool,
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
        let len_f = len as f64;
        match self.kind {
            Scorer::Bm25 {
                weight,
                base,
                per_token,
            } => {
                let (numerator, denominator) = bm25_fraction(weight, base, per_token, tf, len);
                numerator / denominator
            }
            Scorer::Pivoted {
                weight,
                base,
                per_token,
            } => self.tf_factor(tf) / (base + per_token * len_f) * weight,
            Scorer::Dirichlet { .. } => self.tf_factor(tf),
            Scorer::JelinekMercer { weight, per_tf } => {
                weight * (1.0 + tf as f64 * per_tf / len_f.max(1.0)).ln()
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

    /// `score` of every (tf, len, unique) triple into `out` (`uniques` may be empty when
    /// `needs_unique` is false): one loop per ranker, whose BM25 divisions the compiler can run
    /// in vector lanes — lane-wise IEEE arithmetic, so the same bits as `score`.
    pub(crate) fn score_all(&self, tfs: &[u32], lens: &[u32], uniques: &[u32], out: &mut [f64]) {
        match self.kind {
            Scorer::Bm25 {
                weight,
                base,
                per_token,
            } => {
                for ((o, &tf), &len) in out.iter_mut().zip(tfs).zip(lens) {
                    let (numerator, denominator) = bm25_fraction(weight, base, per_token, tf, len);
                    *o = numerator / denominator;
                }
            }
            _ => {
                for (i, ((o, &tf), &len)) in out.iter_mut().zip(tfs).zip(lens).enumerate() {
                    *o = self.score(tf, len, uniques.get(i).copied().unwrap_or(0));
                }
            }
        }
    }

    /// Whether `score(tf, len, unique)` may exceed `floor`: false only when it does not, up to a
    /// few units in the last place (callers compare with a margin far wider). BM25 answers
    /// without its division — the pruned search asks this of every posting of a dense term and
    /// scores only the few that pass.
    #[inline]
    pub(crate) fn may_exceed(&self, tf: u32, len: u32, unique: u32, floor: f64) -> bool {
        match self.kind {
            Scorer::Bm25 {
                weight,
                base,
                per_token,
            } => {
                // The denominator is positive: tf ≥ 1, base and per_token ≥ 0 (k1 ≥ 0, 0 ≤ b ≤ 1).
                let (numerator, denominator) = bm25_fraction(weight, base, per_token, tf, len);
                numerator > floor * denominator
            }
            _ => self.score(tf, len, unique) > floor,
        }
    }

    /// Copies the postings (doc ids, tfs) whose score may exceed `floor` (`may_exceed`, with each
    /// document's length and distinct-term count from `len_of`, `unique_of`) into the two slices
    /// of `kept`; returns how many. The ranker is matched once, not per posting, and the copy is
    /// branch-free: which postings pass is data the branch predictor cannot learn.
    pub(crate) fn keep_exceeding(
        &self,
        postings: (&[u32], &[u32]),
        len_of: impl Fn(u32) -> u32,
        unique_of: impl Fn(u32) -> u32,
        floor: f64,
        kept: (&mut [u32], &mut [u32]),
    ) -> usize {
        if let Scorer::Bm25 {
            weight,
            base,
            per_token,
        } = self.kind
        {
            keep_where(postings, kept, |doc, tf| {
                let (numerator, denominator) =
                    bm25_fraction(weight, base, per_token, tf, len_of(doc));
                numerator > floor * denominator
            })
        } else {
            let unique = self.needs_unique();
            keep_where(postings, kept, |doc, tf| {
                let u = if unique { unique_of(doc) } else { 0 };
                self.score(tf, len_of(doc), u) > floor
            })
        }
    }

    /// The bound of a block whose largest BM25 saturation (`Bm25Saturation`, under this scorer's
    /// parameters, stored rounded up) is `saturation`; `None` for the other rankers. A score is
    /// `weight·tf / denominator` and the bound `weight · saturation`: their last bits may round
    /// apart (four roundings in all), so the bound takes a relative slack far above that and far
    /// below anything that would cost pruning.
    #[inline]
    pub(crate) fn saturation_bound(&self, saturation: f64) -> Option<f64> {
        const ROUNDING_SLACK: f64 = 1e-12;
        match self.kind {
            Scorer::Bm25 { weight, .. } => Some(weight * saturation * (1.0 + ROUNDING_SLACK)),
            _ => None,
        }
    }

    /// Whether `score` reads the document's distinct-term count (only absolute discount does).
    #[inline]
    pub(crate) fn needs_unique(&self) -> bool {
        matches!(self.kind, Scorer::AbsoluteDiscount { .. })
    }
}

/// `TermScorer::keep_exceeding`'s copy, generic over the test so that each ranker's is inlined
/// (through a `dyn Fn` the WebAssembly build called it per posting).
#[inline(always)]
fn keep_where(
    (docs, tfs): (&[u32], &[u32]),
    (kept_docs, kept_tfs): (&mut [u32], &mut [u32]),
    passes: impl Fn(u32, u32) -> bool,
) -> usize {
    let mut kept = 0;
    for (&doc, &tf) in docs.iter().zip(tfs) {
        kept_docs[kept] = doc;
        kept_tfs[kept] = tf;
        kept += passes(doc, tf) as usize;
    }
    kept
}

/// BM25's score as numerator and denominator, `weight·tf / (base + per_token·len + tf)`: one
/// expression for `score`, `score_all` and `may_exceed`, so that they agree to the bit.
#[inline(always)]
fn bm25_fraction(weight: f64, base: f64, per_token: f64, tf: u32, len: u32) -> (f64, f64) {
    let tf = tf as f64;
    (weight * tf, base + per_token * len as f64 + tf)
}

fn names(list: impl Iterator<Item = &'static str>) -> String {
    let all: Vec<&str> = list.collect();
    match all.len() {
        0 => String::new(),
        1 => all[0].to_string(),
        n => format!("{} or {}", all[..n - 1].join(", "), all[n - 1]),
    }
}

impl Ranker {
    /// The ranker called `name` (one of `RANKERS`) with `params`. Refused, naming the field: an
    /// unknown ranker, a parameter another ranker has, an unknown parameter, a value that is not a
    /// finite number inside the parameter's range.
    pub fn from_name(name: &str, params: &RankerParams) -> Result<Ranker> {
        let spec = RANKERS.iter().find(|r| r.name == name).ok_or_else(|| {
            Error::bad_query(
                "ranker",
                format!(
                    "unknown ranker \"{}\": use {}",
                    name,
                    names(RANKERS.iter().map(|r| r.name))
                ),
            )
        })?;
        let mut values: Vec<f64> = spec.params.iter().map(|p| p.default).collect();
        for (given, value) in &params.0 {
            let at = match spec.params.iter().position(|p| p.name == given) {
                Some(at) => at,
                None if param_field(given) != "params" => {
                    return Err(Error::bad_query(
                        param_field(given),
                        format!(
                            "parameter {} does not apply to ranker {} (its parameters: {})",
                            given,
                            name,
                            names(spec.params.iter().map(|p| p.name))
                        ),
                    ))
                }
                None => {
                    return Err(Error::bad_query(
                        "params",
                        format!(
                            "unknown ranker parameter \"{}\": {}",
                            given,
                            names(RANKERS.iter().flat_map(|r| r.params.iter()).map(|p| p.name))
                        ),
                    ))
                }
            };
            let p = &spec.params[at];
            if !(value.is_finite() && *value >= p.min && *value <= p.max) {
                return Err(Error::bad_query(
                    p.name,
                    format!(
                        "ranker parameter {} must be {}, got {}",
                        p.name,
                        accepted(p),
                        value
                    ),
                ));
            }
            values[at] = *value;
        }
        Ok(match spec.name {
            "bm25" => Ranker::Bm25 {
                k1: values[0],
                b: values[1],
            },
            "dirichlet" => Ranker::Dirichlet { mu: values[0] },
            "jelinek-mercer" => Ranker::JelinekMercer { lambda: values[0] },
            "pivoted" => Ranker::Pivoted { s: values[0] },
            _ => Ranker::AbsoluteDiscount { delta: values[0] },
        })
    }

    /// The name this ranker has in `RANKERS`.
    pub fn name(&self) -> &'static str {
        match self {
            Ranker::Bm25 { .. } => "bm25",
            Ranker::Dirichlet { .. } => "dirichlet",
            Ranker::JelinekMercer { .. } => "jelinek-mercer",
            Ranker::Pivoted { .. } => "pivoted",
            Ranker::AbsoluteDiscount { .. } => "absolute-discount",
        }
    }

    /// The default ranker with its default parameters.
    pub fn default_ranker() -> Ranker {
        Ranker::from_name(DEFAULT_RANKER, &RankerParams::default()).expect("the table holds it")
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
                let qtf = if st.lucene_query_weights {
                    st.query_weight
                } else {
                    (BM25_K3 + 1.0) * st.query_weight / (BM25_K3 + st.query_weight)
                };
                let Bm25Saturation { base, per_token } = Bm25Saturation::new(k1, b, st.avg_len);
                Scorer::Bm25 {
                    weight: idf * qtf * (k1 + 1.0),
                    base,
                    per_token,
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
            lucene_query_weights: false,
        }
    }

    /// A term twice in the query: MeTA's saturation weights it 501·2/502 times; an index for
    /// Lucene's scores boosts it by its count, as Lucene's bag of words does.
    #[test]
    fn a_repeated_query_term_weighs_its_count_for_lucene_and_saturates_otherwise() {
        let bm25 = Ranker::from_name("bm25", &RankerParams::default()).unwrap();
        let score = |query_weight: f64, lucene_query_weights: bool| {
            let st = TermStats {
                query_weight,
                lucene_query_weights,
                ..stats()
            };
            bm25.scorer(&st).score(3, 120, 60)
        };
        assert_eq!(score(2.0, true), 2.0 * score(1.0, true));
        assert_eq!(score(1.0, true), score(1.0, false));
        let saturated = score(2.0, false) / score(1.0, false);
        assert!((saturated - 1002.0 / 502.0).abs() < 1e-12, "{}", saturated);
    }

    fn all_rankers() -> Vec<Ranker> {
        RANKERS
            .iter()
            .map(|r| Ranker::from_name(r.name, &RankerParams::default()).unwrap())
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
    fn score_all_gives_the_bits_of_score() {
        let mut rng = crate::testing::Rng::new(23);
        for r in all_rankers() {
            let scorer = r.scorer(&stats());
            let tfs: Vec<u32> = (0..200).map(|_| 1 + rng.below(40) as u32).collect();
            let lens: Vec<u32> = tfs.iter().map(|&tf| tf + rng.below(2000) as u32).collect();
            let uniques: Vec<u32> = lens
                .iter()
                .map(|&l| 1 + rng.below(l as u64) as u32)
                .collect();
            let mut out = vec![0.0; tfs.len()];
            let u: &[u32] = if scorer.needs_unique() { &uniques } else { &[] };
            scorer.score_all(&tfs, &lens, u, &mut out);
            for i in 0..tfs.len() {
                let one = scorer.score(tfs[i], lens[i], if u.is_empty() { 0 } else { uniques[i] });
                assert_eq!(out[i].to_bits(), one.to_bits(), "{:?} at {}", r, i);
            }
        }
    }

    #[test]
    fn keep_exceeding_keeps_what_may_exceed_passes_in_order() {
        let mut rng = crate::testing::Rng::new(29);
        for r in all_rankers() {
            let scorer = r.scorer(&stats());
            let docs: Vec<u32> = (0..300).map(|d| d * 3).collect();
            let tfs: Vec<u32> = docs.iter().map(|_| 1 + rng.below(40) as u32).collect();
            let len_of = |doc: u32| 40 + doc % 997;
            let unique_of = |doc: u32| 1 + doc % 31;
            let median = {
                let mut s: Vec<f64> = (0..docs.len())
                    .map(|i| scorer.score(tfs[i], len_of(docs[i]), unique_of(docs[i])))
                    .collect();
                s.sort_by(f64::total_cmp);
                s[s.len() / 2]
            };
            let (mut kept_docs, mut kept_tfs) = (vec![0; docs.len()], vec![0; docs.len()]);
            let kept = scorer.keep_exceeding(
                (&docs, &tfs),
                len_of,
                unique_of,
                median,
                (&mut kept_docs, &mut kept_tfs),
            );
            let expected: Vec<(u32, u32)> = docs
                .iter()
                .zip(&tfs)
                .filter(|&(&d, &tf)| scorer.may_exceed(tf, len_of(d), unique_of(d), median))
                .map(|(&d, &tf)| (d, tf))
                .collect();
            let got: Vec<(u32, u32)> = kept_docs[..kept]
                .iter()
                .copied()
                .zip(kept_tfs[..kept].iter().copied())
                .collect();
            assert_eq!(got, expected, "{:?}", r);
            assert!(kept > 0 && kept < docs.len(), "{:?}: {} kept", r, kept);
        }
    }

    #[test]
    fn may_exceed_agrees_with_the_score_outside_the_last_bits() {
        let mut rng = crate::testing::Rng::new(17);
        let mut rankers = all_rankers();
        rankers.push(Ranker::Bm25 { k1: 0.0, b: 1.0 });
        rankers.push(Ranker::Bm25 { k1: 3.0, b: 0.0 });
        for r in rankers {
            let scorer = r.scorer(&stats());
            for _ in 0..20_000 {
                let tf = 1 + rng.below(50) as u32;
                let len = tf + rng.below(3000) as u32;
                let unique = 1 + rng.below(len as u64) as u32;
                let s = scorer.score(tf, len, unique);
                // Floors just around the score, and far from it on both sides.
                let floor = s * [0.5, 1.0 - 1e-12, 1.0 + 1e-12, 2.0][rng.below(4) as usize]
                    - [0.0, 1.0][rng.below(2) as usize];
                let near = (s - floor).abs() <= 1e-12 * s.abs().max(1.0);
                if !near {
                    assert_eq!(
                        scorer.may_exceed(tf, len, unique, floor),
                        s > floor,
                        "{:?} tf {} len {} floor {}",
                        r,
                        tf,
                        len,
                        floor
                    );
                }
            }
            assert!(scorer.may_exceed(1, 10, 5, f64::NEG_INFINITY));
        }
    }

    #[test]
    fn the_table_names_every_ranker_with_its_defaults() {
        for spec in RANKERS {
            let r = Ranker::from_name(spec.name, &RankerParams::default()).unwrap();
            assert_eq!(r.name(), spec.name);
            for p in spec.params {
                assert!(p.min <= p.default && p.default <= p.max, "{}", p.name);
                let at_min = RankerParams::default().with(p.name, p.min);
                let at_max = RankerParams::default().with(p.name, p.max);
                assert!(Ranker::from_name(spec.name, &at_min).is_ok());
                assert!(Ranker::from_name(spec.name, &at_max).is_ok());
            }
        }
        assert_eq!(
            Ranker::default_ranker(),
            Ranker::Bm25 {
                k1: BM25_K1,
                b: BM25_B
            }
        );
        let json = rankers_json();
        assert_eq!(json["default"], "bm25");
        assert_eq!(json["rankers"][2]["params"][0]["name"], "lambda");
        assert_eq!(json["rankers"][2]["params"][0]["max"], 0.999);
    }

    #[test]
    fn bad_names_and_parameters_say_what_is_accepted() {
        let refused =
            |name: &str, params: RankerParams| Ranker::from_name(name, &params).unwrap_err();
        let e = refused("tfidf", RankerParams::default());
        assert_eq!(e.field, Some("ranker"));
        assert!(
            e.message
                .contains("bm25, dirichlet, jelinek-mercer, pivoted or absolute-discount"),
            "{}",
            e.message
        );
        let e = refused("bm25", RankerParams::default().with("b", 1.5));
        assert_eq!(e.field, Some("b"));
        assert_eq!(
            e.message,
            "ranker parameter b must be a number from 0 to 1 (default 0.4), got 1.5"
        );
        for bad in [f64::NAN, f64::INFINITY, 1e300, -0.5] {
            let e = refused("bm25", RankerParams::default().with("k1", bad));
            assert_eq!(e.field, Some("k1"), "{}", bad);
        }
        let e = refused("dirichlet", RankerParams::default().with("mu", 5e-324));
        assert!(e.message.contains("from 1 to 1000000"), "{}", e.message);
        let e = refused("dirichlet", RankerParams::default().with("k1", 1.0));
        assert_eq!(e.field, Some("k1"));
        assert!(
            e.message
                .contains("does not apply to ranker dirichlet (its parameters: mu)"),
            "{}",
            e.message
        );
        let e = refused("bm25", RankerParams::default().with("zeta", 1.0));
        assert_eq!(e.field, Some("params"));
        assert!(
            e.message.contains("k1, b, mu, lambda, s or delta"),
            "{}",
            e.message
        );
        assert_eq!(
            Ranker::from_name(
                "jelinek-mercer",
                &RankerParams::default().with("lambda", 0.2)
            )
            .unwrap(),
            Ranker::JelinekMercer { lambda: 0.2 }
        );
    }
}
