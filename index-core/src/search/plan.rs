//! From a request to what the search loops evaluate.

use super::constraint::{Alternative, Constraint, Phrase, PhraseTerm, Union};
use super::request::SearchRequest;
use crate::error::{Error, Result};
use crate::postings::PostingCursor;
use crate::query::{filter_bitset, parse_query, plain_words, ClauseText, Occur, MAX_PHRASE_SPAN};
use crate::scoring::{average_length, Norms, Ranker, TermScorer, TermStats};
use crate::segment::{DocStat, Segment};
use std::rc::Rc;

/// One (field, term) of the query that contributes to scores.
#[derive(Clone)]
pub(crate) struct ScoringTerm<'a> {
    pub(crate) field: u32,
    pub(crate) scorer: TermScorer,
    pub(crate) cursor: PostingCursor<'a>,
    /// The largest score this term gives any document (max over its blocks' bounds).
    pub(crate) max_score: f64,
    /// Per block, the largest score this term gives a document of it, divided by `bound_scale`:
    /// the stored saturation maxima (kept by the segment across queries), or for other rankers
    /// the (largest tf, shortest length, fewest distinct terms) corner's score.
    pub(crate) block_maxima: Rc<[f64]>,
    pub(crate) bound_scale: f64,
}

impl ScoringTerm<'_> {
    /// The largest score this term gives a document of block `b`: pruning reads it per window
    /// and per candidate.
    #[inline]
    pub(crate) fn block_bound(&self, b: usize) -> f64 {
        self.bound_scale * self.block_maxima[b]
    }
}

pub(crate) struct Plan<'a> {
    pub(crate) segment: &'a Segment,
    pub(crate) ranker: Ranker,
    /// In canonical order: scores are summed in this order so that every algorithm computes
    /// bit-identical totals.
    pub(crate) terms: Vec<ScoringTerm<'a>>,
    pub(crate) required: Vec<Constraint<'a>>,
    pub(crate) excluded: Vec<Constraint<'a>>,
    /// Documents passing the metadata filters (one bit each), when there are filters; shared by
    /// the plan's forks.
    pub(crate) allowed: Option<Rc<Vec<u64>>>,
    /// (field, query length) of every field the positive clauses search: the language models'
    /// document prior is summed over these.
    pub(crate) prior_fields: Vec<(u32, f64)>,
    /// Upper bound of the prior over all documents.
    pub(crate) prior_bound: f64,
    /// No document can match (a required clause has no postings).
    pub(crate) impossible: bool,
    pub(crate) highlight_terms: Vec<String>,
    pub(crate) scratch: [Vec<u32>; 2],
}

struct AnalyzedClause {
    occur: Occur,
    fields: Vec<u32>,
    /// (term, offset from the first token)
    tokens: Vec<(String, u32)>,
    is_phrase: bool,
}

impl<'a> Plan<'a> {
    /// Resolves `request` against `segment` once: fields, analysed clauses, scoring terms with their
    /// bounds, constraints and the filter bitset. Top-k and counting both evaluate this one plan.
    pub(crate) fn build(segment: &'a Segment, request: &SearchRequest) -> Result<Plan<'a>> {
        let clauses = analyze_clauses(segment, request)?;
        let mut plan = Plan {
            segment,
            ranker: request.ranker,
            terms: Vec::new(),
            required: Vec::new(),
            excluded: Vec::new(),
            allowed: filter_bitset(segment, &request.filters)?.map(Rc::new),
            prior_fields: Vec::new(),
            prior_bound: 0.0,
            impossible: false,
            highlight_terms: Vec::new(),
            scratch: [Vec::new(), Vec::new()],
        };
        plan.add_scoring_terms(&clauses)?;
        plan.add_constraints(&clauses)?;
        Ok(plan)
    }

    /// A second evaluation of the same plan: fresh cursors at the start of their postings (the
    /// plan's are moved by evaluating it), the filter bitset shared.
    pub(crate) fn fork(&self) -> Plan<'a> {
        Plan {
            segment: self.segment,
            ranker: self.ranker,
            terms: self.terms.clone(),
            required: self.required.clone(),
            excluded: self.excluded.clone(),
            allowed: self.allowed.clone(),
            prior_fields: self.prior_fields.clone(),
            prior_bound: self.prior_bound,
            impossible: self.impossible,
            highlight_terms: Vec::new(),
            scratch: [Vec::new(), Vec::new()],
        }
    }

    /// Scoring terms: every (field, term) of a positive clause, a repeated term weighted by its
    /// repetitions; each with its scorer and the largest score its blocks allow.
    fn add_scoring_terms(&mut self, clauses: &[AnalyzedClause]) -> Result<()> {
        let segment = self.segment;
        let meta = segment.meta();
        let mut weights: Vec<((u32, &str), f64)> = Vec::new();
        for c in clauses.iter().filter(|c| c.occur != Occur::MustNot) {
            for (term, _) in &c.tokens {
                if !self.highlight_terms.contains(term) {
                    self.highlight_terms.push(term.clone());
                }
                for &f in &c.fields {
                    let key = (f, term.as_str());
                    match weights.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, w)) => *w += 1.0,
                        None => weights.push((key, 1.0)),
                    }
                    match self.prior_fields.iter_mut().find(|(pf, _)| *pf == f) {
                        Some((_, n)) => *n += 1.0,
                        None => self.prior_fields.push((f, 1.0)),
                    }
                }
            }
        }
        let num_docs = meta.doc_count as f64;
        // The blocks' stored maxima bound this ranker's scores exactly when it is the one they
        // were computed for; any other ranker or parameters take the (largest tf, shortest
        // length, fewest distinct terms) corner, a looser bound.
        let (k1, b) = meta.block_max_bm25;
        let stored_maxima = self.ranker == Ranker::Bm25 { k1, b };
        for ((field, term), weight) in weights {
            let entry = match segment.find_term(field, term.as_bytes())? {
                Some(e) => e,
                None => continue,
            };
            let fm = &meta.fields[field as usize];
            let stats = TermStats {
                num_docs,
                avg_len: average_length(fm.total_tokens, meta.doc_count),
                doc_freq: entry.doc_freq as f64,
                collection_prob: entry.coll_freq as f64 / (fm.total_tokens as f64).max(1.0),
                query_weight: weight,
                lucene_query_weights: meta.norms == Norms::Lucene,
            };
            let postings = segment.postings(&entry)?;
            let scorer = self.ranker.scorer(&stats);
            let (block_maxima, largest, bound_scale) = match scorer.saturation_bound(1.0) {
                // A block's bound is its stored saturation maximum times the term's weight.
                Some(scale) if stored_maxima => {
                    let (maxima, largest) = segment.block_saturations(&entry)?;
                    (maxima, largest, scale)
                }
                _ => {
                    let corners: Rc<[f64]> = (0..postings.block_count())
                        .map(|b| {
                            let m = postings.block_meta(b);
                            scorer.score(m.max_tf, m.min_len, m.min_unique)
                        })
                        .collect();
                    let largest = corners.iter().copied().fold(0.0, f64::max);
                    (corners, largest, 1.0)
                }
            };
            self.terms.push(ScoringTerm {
                field,
                scorer,
                cursor: postings.cursor()?,
                max_score: largest * bound_scale,
                block_maxima,
                bound_scale,
            });
        }
        if self.ranker.has_prior() {
            let ranker = self.ranker;
            self.prior_bound = self
                .prior_fields
                .iter()
                .map(|&(f, qlen)| ranker.prior_bound(qlen, meta.fields[f as usize].min_length))
                .sum();
        }
        Ok(())
    }

    /// Constraints: +words, phrases (quotes mean "must appear"), -words, -phrases. A required
    /// clause that no field holds makes the plan impossible.
    fn add_constraints(&mut self, clauses: &[AnalyzedClause]) -> Result<()> {
        let segment = self.segment;
        for c in clauses {
            let required = c.occur == Occur::Must || (c.is_phrase && c.occur == Occur::Should);
            if !(required || c.occur == Occur::MustNot) {
                continue;
            }
            let mut alternatives = Vec::new();
            'fields: for &f in &c.fields {
                let mut entries = Vec::new();
                for (term, offset) in &c.tokens {
                    match segment.find_term(f, term.as_bytes())? {
                        Some(e) => entries.push((e, *offset)),
                        None => continue 'fields,
                    }
                }
                alternatives.push(if entries.len() == 1 {
                    Alternative::Term(segment.postings(&entries[0].0)?.cursor()?)
                } else {
                    // Only phrases read positions, from the file, once per term.
                    let mut terms = Vec::with_capacity(entries.len());
                    for (e, offset) in &entries {
                        terms.push(PhraseTerm {
                            cursor: segment.postings(e)?.cursor()?,
                            offset: *offset,
                            positions: segment.positions(e)?,
                        });
                    }
                    Alternative::Phrase(Phrase { terms })
                });
            }
            if c.occur == Occur::MustNot {
                if !alternatives.is_empty() {
                    self.excluded.push(Constraint { alternatives });
                }
            } else if alternatives.is_empty() {
                self.impossible = true;
            } else {
                self.required.push(Constraint { alternatives });
            }
        }
        Ok(())
    }

    /// Candidate documents in ascending order: the union of the scoring terms, or — when clauses
    /// are required — the union of the cheapest required clause's driver cursors.
    pub(crate) fn candidates(&mut self) -> Option<Union<'a>> {
        if self.impossible {
            return None;
        }
        match self.required.iter().min_by_key(|c| c.cost()) {
            Some(c) => Some(Union::new(
                c.alternatives.iter().map(|a| a.driver().clone()).collect(),
            )),
            None => Some(Union::new(
                self.terms.iter().map(|t| t.cursor.clone()).collect(),
            )),
        }
    }

    /// Whether `doc` passes the metadata filters (a bit test; true without filters).
    #[inline]
    pub(crate) fn passes_filters(&self, doc: u32) -> bool {
        allowed(self.allowed.as_deref().map(Vec::as_slice), doc)
    }

    /// Whether `doc` passes the filters and the required and excluded clauses.
    pub(crate) fn accepts(&mut self, doc: u32) -> Result<bool> {
        if !self.passes_filters(doc) {
            return Ok(false);
        }
        for c in self.required.iter_mut() {
            if !c.holds(doc, &mut self.scratch)? {
                return Ok(false);
            }
        }
        for c in self.excluded.iter_mut() {
            if c.holds(doc, &mut self.scratch)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The score term `t` gives `doc`, whose cursor sits on `doc`.
    #[inline]
    pub(crate) fn term_score(&mut self, t: usize, doc: u32) -> f64 {
        let seg = self.segment;
        let term = &mut self.terms[t];
        let unique = if term.scorer.needs_unique() {
            seg.unique_terms(term.field, doc)
        } else {
            0
        };
        term.scorer
            .score(term.cursor.tf(), seg.field_length(term.field, doc), unique)
    }

    /// The language models' document prior of `doc` (0 for the others).
    #[inline]
    pub(crate) fn doc_prior(&self, doc: u32) -> f64 {
        if !self.ranker.has_prior() {
            return 0.0;
        }
        let seg = self.segment;
        self.prior_fields
            .iter()
            .map(|&(f, qlen)| {
                self.ranker
                    .doc_prior(qlen, seg.field_length(f, doc), seg.unique_terms(f, doc))
            })
            .sum()
    }

    /// The final score from per-term contributions (0 where absent), summed in canonical order.
    #[inline]
    pub(crate) fn total(&self, contributions: &[f64], doc: u32) -> f64 {
        contributions.iter().sum::<f64>() + self.doc_prior(doc)
    }
}

/// Scores a block's `postings` (doc ids and tfs) of one term into `out`, each document's length
/// and distinct terms read from the term's field's `columns` into `scratch` first (the distinct
/// terms only when the scorer uses them).
#[inline]
pub(crate) fn score_block(
    scorer: &TermScorer,
    (docs, tfs): (&[u32], &[u32]),
    (lengths, unique_counts): (DocStat<'_>, DocStat<'_>),
    (lens, uniques): (&mut [u32], &mut [u32]),
    out: &mut [f64],
) {
    let n = docs.len();
    for (len, &doc) in lens.iter_mut().zip(docs) {
        *len = lengths.get(doc);
    }
    let uniques: &[u32] = if scorer.needs_unique() {
        for (u, &doc) in uniques.iter_mut().zip(docs) {
            *u = unique_counts.get(doc);
        }
        &uniques[..n]
    } else {
        &[]
    };
    scorer.score_all(tfs, &lens[..n], uniques, &mut out[..n]);
}

/// Whether `doc`'s bit is set in the filter bitset `bits` (true without filters).
#[inline]
pub(crate) fn allowed(bits: Option<&[u64]>, doc: u32) -> bool {
    bits.map_or(true, |bits| {
        bits[doc as usize / 64] & (1u64 << (doc % 64)) != 0
    })
}

/// The field ids a name resolves to, with a sentence naming the index's fields otherwise.
fn field_id(names: &[&str], name: &str) -> Result<u32> {
    names
        .iter()
        .position(|n| *n == name)
        .map(|i| i as u32)
        .ok_or_else(|| {
            if names.len() == 1 {
                Error::bad_query("fields", format!(
                    "unknown field \"{}\": this index has one field, \"{}\" (built with its fields combined; build with --field-mode separate to search fields apart)",
                    name, names[0]
                ))
            } else {
                Error::bad_query(
                    "fields",
                    format!(
                    "unknown field \"{}\": this index has {}",
                    name,
                    names.join(", ")
                ),
                )
            }
        })
}

/// Parses the query (or splits it into plain words) and analyses every clause with the index's
/// analyzer, resolving each clause to the fields it searches. Clauses of stop words only vanish.
fn analyze_clauses(segment: &Segment, request: &SearchRequest) -> Result<Vec<AnalyzedClause>> {
    let names: Vec<&str> = segment
        .meta()
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    let default_fields: Vec<u32> = match &request.fields {
        None => (0..names.len() as u32).collect(),
        Some(list) if list.is_empty() => {
            return Err(Error::bad_query(
                "fields",
                "\"fields\" must name at least one field",
            ))
        }
        Some(list) => list
            .iter()
            .map(|f| field_id(&names, f))
            .collect::<Result<_>>()?,
    };
    let parsed = if request.plain {
        plain_words(&request.query)?
    } else {
        parse_query(&request.query, &names)?
    };
    let analyzer = segment.analyzer();
    let mut clauses = Vec::new();
    for c in parsed {
        let fields = match &c.field {
            Some(f) => vec![field_id(&names, f)?],
            None => default_fields.clone(),
        };
        let (text, is_phrase) = match &c.text {
            ClauseText::Word(w) => (w, false),
            ClauseText::Phrase(p) => (p, true),
        };
        let mut tokens = Vec::new();
        let mut first = None;
        analyzer.analyze(text, 0, |t| {
            let base = *first.get_or_insert(t.position);
            tokens.push((t.term.to_string(), t.position - base));
        });
        if tokens.is_empty() {
            continue; // only stop words or punctuation
        }
        let span = tokens.last().map_or(0, |t| t.1);
        if is_phrase && span > MAX_PHRASE_SPAN {
            return Err(Error::bad_query(
                "query",
                format!(
                    "a phrase may span at most {} words, stop words counted; this one spans {}",
                    MAX_PHRASE_SPAN + 1,
                    span + 1
                ),
            ));
        }
        clauses.push(AnalyzedClause {
            occur: c.occur,
            fields,
            tokens,
            is_phrase,
        });
    }
    if !clauses.is_empty() && clauses.iter().all(|c| c.occur == Occur::MustNot) {
        return Err(Error::bad_query(
            "query",
            "the query only excludes: add at least one word or phrase to search for",
        ));
    }
    Ok(clauses)
}

#[cfg(test)]
mod tests {
    use super::Plan;
    use crate::postings::{BLOCK_LEN, DOC_END};
    use crate::search::SearchRequest;

    /// Each block's bound and the best score a document of the block gets, for the query's one
    /// term.
    fn bounds_and_maxima(seg: &crate::segment::Segment, options: &str) -> Vec<(f64, f64)> {
        let request = SearchRequest::from_json("w1", options).unwrap();
        let mut plan = Plan::build(seg, &request).unwrap();
        let term = &plan.terms[0];
        let bounds: Vec<f64> = (0..term.block_maxima.len())
            .map(|b| term.block_bound(b))
            .collect();
        let mut maxima = vec![f64::NEG_INFINITY; bounds.len()];
        let mut i = 0;
        while plan.terms[0].cursor.doc() != DOC_END {
            let doc = plan.terms[0].cursor.doc();
            let score = plan.term_score(0, doc);
            maxima[i / BLOCK_LEN] = maxima[i / BLOCK_LEN].max(score);
            i += 1;
            plan.terms[0].cursor.advance().unwrap();
        }
        bounds.iter().copied().zip(maxima).collect()
    }

    /// A term's stored block maxima are read from its skip data and checked once per segment:
    /// every later plan over the term shares them. Other parameters take their own corner bounds.
    #[test]
    fn block_maxima_are_read_once_per_segment() {
        let corpus: Vec<String> = (0..2000)
            .map(|i| crate::tests::doc(&format!("d{}", i), "", &"w1 w2 ".repeat(1 + i % 7)))
            .collect();
        let seg = crate::tests::build(&corpus.join("\n"), "{}", None);
        let plan = |options: &str| {
            Plan::build(&seg, &SearchRequest::from_json("w1", options).unwrap()).unwrap()
        };
        let (first, again, corner) = (
            plan("{}"),
            plan(r#"{"size":3}"#),
            plan(r#"{"params":{"k1":1.2}}"#),
        );
        let [a, b, c] = [&first.terms[0], &again.terms[0], &corner.terms[0]];
        assert!(a.block_maxima.len() > 10, "{} blocks", a.block_maxima.len());
        assert!(std::rc::Rc::ptr_eq(&a.block_maxima, &b.block_maxima));
        assert!(!std::rc::Rc::ptr_eq(&a.block_maxima, &c.block_maxima));
        assert_eq!(c.bound_scale, 1.0);
        assert!(a.max_score > 0.0 && a.max_score == b.max_score);
    }

    /// The default ranker takes each block's stored maximum: an upper bound, within rounding of
    /// the best document's score. Other parameters take the corner (largest tf, shortest length),
    /// which lies well above it on most blocks of a frequent term.
    #[test]
    fn the_default_rankers_block_bounds_are_the_block_maxima() {
        let mut rng = crate::testing::Rng::new(3);
        let corpus: Vec<String> = (0..3000)
            .map(|i| {
                let words: Vec<&str> = (0..1 + rng.below(60))
                    .map(|_| if rng.chance(0.2) { "w1" } else { "w2" })
                    .collect();
                crate::tests::doc(&format!("d{}", i), "", &words.join(" "))
            })
            .collect();
        let seg = crate::tests::build(&corpus.join("\n"), "{}", Some(1000));
        let exact = bounds_and_maxima(&seg, "{}");
        assert!(exact.len() > 10, "{} blocks", exact.len());
        for &(bound, best) in &exact {
            assert!(
                bound >= best && bound <= best * (1.0 + 1e-6),
                "{} for {}",
                bound,
                best
            );
        }
        let corner = bounds_and_maxima(&seg, r#"{"params":{"k1":1.2}}"#);
        let loose = corner.iter().filter(|&&(b, best)| b > best * 1.01).count();
        assert!(corner.iter().all(|&(b, best)| b >= best));
        assert!(
            loose > corner.len() / 2,
            "{} of {} loose",
            loose,
            corner.len()
        );
    }
}
