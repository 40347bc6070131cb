//! From a request to what the search loops evaluate.

use super::constraint::{Alternative, Constraint, Phrase, Union};
use super::request::SearchRequest;
use crate::error::{Error, Result};
use crate::postings::PostingCursor;
use crate::query::{
    parse_filter, parse_query, plain_words, ClauseText, FilterOp, FilterValue, Occur,
};
use crate::scoring::{Ranker, TermScorer, TermStats};
use crate::segment::{ColumnKind, Segment};
use std::cmp::Ordering;

/// One (field, term) of the query that contributes to scores.
pub(crate) struct ScoringTerm<'a> {
    pub(crate) field: u32,
    pub(crate) scorer: TermScorer,
    pub(crate) cursor: PostingCursor<'a>,
    /// The largest score this term gives any document (max over its blocks' bounds).
    pub(crate) max_score: f64,
}

pub(crate) struct Plan<'a> {
    pub(crate) segment: &'a Segment,
    pub(crate) ranker: Ranker,
    /// In canonical order: scores are summed in this order so that every algorithm computes
    /// bit-identical totals.
    pub(crate) terms: Vec<ScoringTerm<'a>>,
    pub(crate) required: Vec<Constraint<'a>>,
    pub(crate) excluded: Vec<Constraint<'a>>,
    /// Documents passing the metadata filters (one bit each), when there are filters.
    pub(crate) allowed: Option<Vec<u64>>,
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
    pub(crate) fn build(segment: &'a Segment, request: &SearchRequest) -> Result<Plan<'a>> {
        let meta = segment.meta();
        let names: Vec<&str> = meta.fields.iter().map(|f| f.name.as_str()).collect();
        let field_id = |name: &str| -> Result<u32> {
            names.iter().position(|n| *n == name).map(|i| i as u32).ok_or_else(|| {
                if names.len() == 1 {
                    Error::bad_query("fields", format!(
                        "unknown field \"{}\": this index has one field, \"{}\" (built with its fields combined; build with --field-mode separate to search fields apart)",
                        name, names[0]
                    ))
                } else {
                    Error::bad_query("fields", format!("unknown field \"{}\": this index has {}", name, names.join(", ")))
                }
            })
        };
        let default_fields: Vec<u32> = match &request.fields {
            None => (0..names.len() as u32).collect(),
            Some(list) if list.is_empty() => {
                return Err(Error::bad_query(
                    "fields",
                    "\"fields\" must name at least one field",
                ))
            }
            Some(list) => list.iter().map(|f| field_id(f)).collect::<Result<_>>()?,
        };

        let analyzer = segment.analyzer();
        let mut clauses = Vec::new();
        let parsed = if request.plain {
            plain_words(&request.query)?
        } else {
            parse_query(&request.query, &names)?
        };
        for c in parsed {
            let fields = match &c.field {
                Some(f) => vec![field_id(f)?],
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

        let mut plan = Plan {
            segment,
            ranker: request.ranker,
            terms: Vec::new(),
            required: Vec::new(),
            excluded: Vec::new(),
            allowed: None,
            prior_fields: Vec::new(),
            prior_bound: 0.0,
            impossible: false,
            highlight_terms: Vec::new(),
            scratch: [Vec::new(), Vec::new()],
        };
        // Scoring terms: every (field, term) of a positive clause, repeated terms weighted.
        let mut weights: Vec<((u32, String), f64)> = Vec::new();
        for c in clauses.iter().filter(|c| c.occur != Occur::MustNot) {
            for (term, _) in &c.tokens {
                if !plan.highlight_terms.contains(term) {
                    plan.highlight_terms.push(term.clone());
                }
                for &f in &c.fields {
                    let key = (f, term.clone());
                    match weights.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, w)) => *w += 1.0,
                        None => weights.push((key, 1.0)),
                    }
                    match plan.prior_fields.iter_mut().find(|(pf, _)| *pf == f) {
                        Some((_, n)) => *n += 1.0,
                        None => plan.prior_fields.push((f, 1.0)),
                    }
                }
            }
        }
        let num_docs = meta.doc_count as f64;
        for ((field, term), weight) in weights {
            let entry = match segment.find_term(field, term.as_bytes())? {
                Some(e) => e,
                None => continue,
            };
            let fm = &meta.fields[field as usize];
            let stats = TermStats {
                num_docs,
                avg_len: (fm.total_tokens as f64 / num_docs).max(1e-9),
                doc_freq: entry.doc_freq as f64,
                collection_prob: entry.coll_freq as f64 / (fm.total_tokens as f64).max(1.0),
                query_weight: weight,
            };
            let postings = segment.postings(&entry)?;
            let scorer = request.ranker.scorer(&stats);
            let max_score = (0..postings.block_count())
                .map(|b| {
                    let m = postings.block_meta(b);
                    scorer.score(m.max_tf, m.min_len, m.min_unique)
                })
                .fold(0.0, f64::max);
            plan.terms.push(ScoringTerm {
                field,
                scorer,
                cursor: postings.cursor()?,
                max_score,
            });
        }
        if request.ranker.has_prior() {
            plan.prior_bound = plan
                .prior_fields
                .iter()
                .map(|&(f, qlen)| {
                    request
                        .ranker
                        .prior_bound(qlen, meta.fields[f as usize].min_length)
                })
                .sum();
        }

        // Constraints: +words, phrases (quotes mean "must appear"), -words, -phrases.
        for c in &clauses {
            let required = c.occur == Occur::Must || (c.is_phrase && c.occur == Occur::Should);
            if !(required || c.occur == Occur::MustNot) {
                continue;
            }
            let mut alternatives = Vec::new();
            'fields: for &f in &c.fields {
                let mut cursors = Vec::new();
                for (term, offset) in &c.tokens {
                    match segment.find_term(f, term.as_bytes())? {
                        Some(e) => cursors.push((segment.postings(&e)?.cursor()?, *offset)),
                        None => continue 'fields,
                    }
                }
                alternatives.push(if cursors.len() == 1 {
                    Alternative::Term(cursors.pop().expect("one").0)
                } else {
                    Alternative::Phrase(Phrase { terms: cursors })
                });
            }
            if c.occur == Occur::MustNot {
                if !alternatives.is_empty() {
                    plan.excluded.push(Constraint { alternatives });
                }
            } else if alternatives.is_empty() {
                plan.impossible = true;
            } else {
                plan.required.push(Constraint { alternatives });
            }
        }
        plan.allowed = filter_bitset(segment, &request.filters)?;
        Ok(plan)
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
        self.allowed.as_ref().map_or(true, |bits| {
            bits[doc as usize / 64] & (1u64 << (doc % 64)) != 0
        })
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

fn filter_bitset(segment: &Segment, filters: &[String]) -> Result<Option<Vec<u64>>> {
    if filters.is_empty() {
        return Ok(None);
    }
    let n = segment.meta().doc_count;
    let mut bits = vec![!0u64; (n as usize + 63) / 64];
    for expr in filters {
        let f = parse_filter(expr)?;
        let column = segment.column(&f.column)?.ok_or_else(|| {
            let names = segment.column_names();
            Error::bad_query(
                "filters",
                if names.is_empty() {
                    format!(
                        "filter on \"{}\": this index has no metadata columns to filter on",
                        f.column
                    )
                } else {
                    format!(
                        "filter on \"{}\": unknown column; this index can filter on {}",
                        f.column,
                        names.join(", ")
                    )
                },
            )
        })?;
        match (column.kind, &f.value) {
            (ColumnKind::Number, FilterValue::Number(x)) => {
                for d in 0..n {
                    let v = column.number(d)?;
                    let keep =
                        !v.is_nan() && f.op.test(v.partial_cmp(x).unwrap_or(Ordering::Equal));
                    if !keep {
                        bits[d as usize / 64] &= !(1u64 << (d % 64));
                    }
                }
            }
            (ColumnKind::Number, FilterValue::Text(t)) => {
                return Err(Error::bad_query(
                    "filters",
                    format!(
                        "filter on \"{}\": it holds numbers, \"{}\" is not one",
                        f.column, t
                    ),
                ))
            }
            (ColumnKind::Keyword, _) => {
                if !matches!(f.op, FilterOp::Eq | FilterOp::Ne) {
                    return Err(Error::bad_query(
                        "filters",
                        format!(
                            "filter on \"{}\": it holds text, which only = and != compare",
                            f.column
                        ),
                    ));
                }
                let ord = column.find(&f.text)?;
                for d in 0..n {
                    let o = column.ordinal(d)?;
                    let equal = ord == Some(o);
                    let keep = match f.op {
                        FilterOp::Eq => equal,
                        _ => o != u32::MAX && !equal,
                    };
                    if !keep {
                        bits[d as usize / 64] &= !(1u64 << (d % 64));
                    }
                }
            }
        }
    }
    Ok(Some(bits))
}
