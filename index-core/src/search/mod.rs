//! search/: which documents answer this query best, and how many match at all?
//!
//! `plan` resolves a request once — the query parsed and analysed, scoring terms (one posting
//! cursor per field and term, with its statistics and score bound), constraints (required and
//! excluded terms and phrases) and the filter bitset — and every evaluation works from that one
//! plan: `maxscore` finds the top k by dynamic pruning (MaxScore with block-max bounds);
//! `exhaustive` scores every document and is the reference the pruning must equal exactly;
//! `count` counts matches without scoring, on a fork of the plan, exactly or up to a limit;
//! `accumulate` scores every posting and counts in the same pass, for the disjunctions of short
//! postings lists where that costs less than pruning.
//! Results are ordered by score descending, ties broken by ascending doc id (`topk`).

mod accumulate;
mod constraint;
mod count;
mod exhaustive;
mod maxscore;
mod plan;
mod request;
mod topk;

pub use request::{Counting, SearchRequest, SearchResults, Total, MAX_WINDOW};

use crate::error::{Error, Result};
use crate::segment::Segment;

/// `n` zeros for a query's scratch buffer, filled here rather than by `vec![0; n]`: that asks
/// the allocator for zeroed memory, and in WebAssembly its zeroing is the prebuilt standard
/// library's word-at-a-time loop (built without bulk memory), where a fill in this crate is one
/// `memory.fill` (bench/PROFILE.md, sixteenth pass).
pub(crate) fn zeros<T: Copy + Default>(n: usize) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    v.resize(n, T::default());
    v
}

/// Runs `request` against `segment`: one plan, evaluated for the top k and, when asked, counted.
pub fn search(segment: &Segment, request: &SearchRequest) -> Result<SearchResults> {
    evaluate(segment, request, Evaluation::Chosen)
}

/// How a disjunction's top k is found: `search` chooses; the tests hold each way to `exhaustive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) enum Evaluation {
    Chosen,
    /// Counted apart, then found by pruning (`count`, `maxscore`).
    Pruned,
    /// Every posting scored and counted in one pass (`accumulate`), where it applies.
    Accumulated,
}

pub(crate) fn evaluate(
    segment: &Segment,
    request: &SearchRequest,
    how: Evaluation,
) -> Result<SearchResults> {
    let k = request.offset + request.size;
    let mut top = plan::Plan::build(segment, request)?;
    let accumulated = !request.exhaustive
        && accumulate::applies(&top)
        && match how {
            Evaluation::Chosen => accumulate::worth_it(&top),
            Evaluation::Pruned => false,
            Evaluation::Accumulated => true,
        };
    let (hits, total) = if accumulated {
        let (hits, counted) = accumulate::top_k_counted(&mut top, k, request.after)?;
        let total = match request.count {
            Counting::Skip => None,
            counting => Some(count::total(counted, counting.limit())),
        };
        (hits, total)
    } else {
        let total = match request.count {
            Counting::Skip => None,
            counting => Some(count::count(&mut top.fork(), counting.limit())?),
        };
        let hits = if request.exhaustive {
            exhaustive::top_k(&mut top, k, request.after)?
        } else {
            maxscore::top_k(&mut top, k, request.after)?
        };
        (hits, total)
    };
    // The ranker table's ranges keep every score finite; a NaN or infinity would rank documents in
    // arbitrary order and break cursors, so it is refused rather than returned.
    if let Some(&(doc, score)) = hits.iter().find(|h| !h.1.is_finite()) {
        return Err(Error::internal(format!(
            "{:?} gave document {} the score {}, which is not a finite number; please report this with the query and parameters",
            request.ranker, doc, score
        )));
    }
    Ok(SearchResults {
        total,
        hits: hits.into_iter().skip(request.offset).collect(),
        terms: top.highlight_terms,
    })
}
