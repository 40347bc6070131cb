//! Top-k by dynamic pruning: block-max MaxScore (Turtle & Flood, 1995; per window as in
//! Chakrabarti et al., 2011, and Lucene's `MaxScoreBulkScorer`).
//!
//! Documents are taken in windows of doc ids that end where the first of the terms' blocks ends
//! (so each term's bound over the window is the bound of one or two blocks, read from the block
//! metas). In each window terms are ordered by that bound; once k hits are held with threshold θ,
//! the longest prefix of terms whose bounds sum (plus the prior's bound) to at most θ is
//! "non-essential": a document containing only those terms cannot enter the results, so
//! candidates come from the essential terms alone, and a window where every term is
//! non-essential is skipped without decoding a block. For each candidate, non-essential terms are
//! checked from the strongest down, and the candidate is dropped as soon as its partial score plus
//! the remaining bounds — refined to the bound of the block that would hold the document — cannot
//! beat θ. When clauses are required, candidates come from the cheapest required clause instead
//! and every scoring term is checked this way.
//!
//! Exactness: a dropped document's score is provably ≤ θ, and documents arrive in ascending doc
//! id order, so a dropped document would also lose a tie. Bounds are compared with a small margin
//! against floating-point rounding, and kept scores are recomputed in canonical term order, so the
//! results equal `exhaustive` bit for bit (property-tested in `tests`).

use super::plan::{allowed, Plan, ScoringTerm};
use super::topk::{after_cursor, Hit, TopK};
use crate::error::Result;
use crate::postings::DOC_END;

/// Relative slack for comparing sums of bounds with the threshold (bounds are sums of f64 in a
/// different order than the canonical score).
const BOUND_MARGIN: f64 = 1e-9;

/// Fewest doc ids a window spans, per scoring term: with many terms one of them soon ends a
/// block, and windows shorter than this cost more in bounds than they save (Lucene's choice).
const MIN_WINDOW_PER_TERM: u32 = 32;

fn margin(theta: f64) -> f64 {
    BOUND_MARGIN * (1.0 + theta.abs())
}

pub(crate) fn top_k(
    plan: &mut Plan,
    k: usize,
    after: Option<(f64, u32)>,
) -> Result<Vec<(u32, f64)>> {
    let mut top = TopK::new(k);
    if plan.impossible || plan.terms.is_empty() || k == 0 {
        return Ok(top.into_sorted());
    }
    if plan.required.is_empty() {
        windows(plan, &mut top, after)?;
    } else {
        driven(plan, &mut top, after)?;
    }
    Ok(top.into_sorted())
}

/// Term indices by ascending `bounds`, ties by index (so every run orders them alike).
fn sort_by_bound(order: &mut [usize], bounds: &[f64]) {
    order.sort_by(|&a, &b| bounds[a].partial_cmp(&bounds[b]).unwrap().then(a.cmp(&b)));
}

/// How many of `order`'s terms (a prefix; `prefix[i]` the sum of the first i bounds) cannot, with
/// the prior, lift a document above `theta`.
fn non_essential(prefix: &[f64], prior_bound: f64, theta: f64) -> usize {
    let n = prefix.len() - 1;
    (0..n)
        .take_while(|&i| prefix[i + 1] + prior_bound + margin(theta) <= theta)
        .count()
}

fn prefix_sums(order: &[usize], bounds: &[f64], prefix: &mut [f64]) {
    for (i, &t) in order.iter().enumerate() {
        prefix[i + 1] = prefix[i] + bounds[t];
    }
}

/// The largest score `term` gives a document in `[lo, hi]`: the bound of every block that may
/// hold one (0 when none does).
fn window_bound(term: &mut ScoringTerm, lo: u32, hi: u32) -> f64 {
    if term.cursor.doc() > hi {
        return 0.0;
    }
    let first = match term.cursor.block_for(lo) {
        Some(b) => b,
        None => return 0.0,
    };
    let mut bound = term.block_bounds[first];
    let mut b = first + 1;
    // Block b holds docs after the last doc of block b - 1.
    while b < term.block_bounds.len() && term.cursor.block_last_doc(b - 1) < hi {
        bound = bound.max(term.block_bounds[b]);
        b += 1;
    }
    bound
}

/// Without required clauses: candidates are the documents of the window's essential terms.
fn windows(plan: &mut Plan, top: &mut TopK, after: Option<(f64, u32)>) -> Result<()> {
    let n = plan.terms.len();
    // Over the whole index: the terms that can no longer lead decide where the next window may
    // start, and when none can, the search is over.
    let max_scores: Vec<f64> = plan.terms.iter().map(|t| t.max_score).collect();
    let mut global: Vec<usize> = (0..n).collect();
    sort_by_bound(&mut global, &max_scores);
    let mut global_prefix = vec![0.0; n + 1];
    prefix_sums(&global, &max_scores, &mut global_prefix);

    let mut bounds = vec![0.0; n];
    let mut order: Vec<usize> = (0..n).collect();
    let mut prefix = vec![0.0; n + 1];
    let mut contributions = vec![0.0f64; n];
    let min_window = MIN_WINDOW_PER_TERM.saturating_mul(n as u32);
    let mut theta = top.threshold();
    let mut lo = plan
        .terms
        .iter()
        .map(|t| t.cursor.doc())
        .min()
        .unwrap_or(DOC_END);
    while lo != DOC_END {
        // The window [lo, hi]: to the end of the first block to end, at least `min_window` long.
        let mut hi = DOC_END - 1;
        for term in plan.terms.iter_mut() {
            if let Some(b) = term.cursor.block_for(lo) {
                hi = hi.min(term.cursor.block_last_doc(b));
            }
        }
        hi = hi.max(lo.saturating_add(min_window - 1)).min(DOC_END - 1);
        for (t, term) in plan.terms.iter_mut().enumerate() {
            bounds[t] = window_bound(term, lo, hi);
        }
        sort_by_bound(&mut order, &bounds);
        prefix_sums(&order, &bounds, &mut prefix);
        let mut essential = non_essential(&prefix, plan.prior_bound, theta);
        if essential < n {
            for &t in &order[essential..] {
                plan.terms[t].cursor.seek(lo)?;
            }
        }
        while essential < n {
            let doc = if essential == n - 1 {
                let rest = prefix[essential] + plan.prior_bound;
                next_competitive(plan, order[essential], hi, rest, theta)?
            } else {
                order[essential..]
                    .iter()
                    .map(|&t| plan.terms[t].cursor.doc())
                    .min()
                    .unwrap_or(DOC_END)
            };
            if doc > hi {
                break;
            }
            // The filter bit is checked before scoring; the other constraints only for survivors.
            if plan.passes_filters(doc) {
                let (checked, leading) = order.split_at(essential);
                let hit = evaluate(
                    plan,
                    doc,
                    leading,
                    checked,
                    &bounds,
                    prefix[essential],
                    theta,
                    &mut contributions,
                )?;
                if let Some(hit) = hit.filter(|h| after_cursor(after, h)) {
                    if top.push(hit) {
                        theta = top.threshold();
                        essential = non_essential(&prefix, plan.prior_bound, theta);
                    }
                }
            }
            for &t in &order[essential..] {
                let c = &mut plan.terms[t].cursor;
                if c.doc() == doc {
                    c.advance()?;
                }
            }
        }
        let leaders = non_essential(&global_prefix, plan.prior_bound, theta);
        // No document after this window holds a leading term before the first leader's next
        // document (cursors never pass a document of a later window without resting on it).
        lo = global[leaders..]
            .iter()
            .map(|&t| plan.terms[t].cursor.doc())
            .min()
            .map_or(DOC_END, |next| next.max(hi + 1));
    }
    Ok(())
}

/// With one essential term, `lead`: moves its cursor to its next document up to `hi` that passes
/// the filters and whose score with `rest` (the other terms' bounds and the prior's) could beat
/// `theta`, or else to its first document past `hi`; returns the document it rests on. A block's
/// documents are scored in one tight loop (independent divisions overlap), not one candidate at a
/// time: a dense term's documents mostly fall short.
fn next_competitive(plan: &mut Plan, lead: usize, hi: u32, rest: f64, theta: f64) -> Result<u32> {
    let segment = plan.segment;
    let bits = plan.allowed.as_deref().map(Vec::as_slice);
    let term = &mut plan.terms[lead];
    let (field, unique) = (term.field, term.scorer.needs_unique());
    let slack = margin(theta);
    loop {
        if term.cursor.doc() > hi {
            return Ok(term.cursor.doc());
        }
        let scorer = &term.scorer;
        let (docs, tfs) = term.cursor.block_postings();
        let inside = docs.partition_point(|&d| d <= hi);
        let competitive = (0..inside).find(|&i| {
            let doc = docs[i];
            allowed(bits, doc) && {
                let u = if unique {
                    segment.unique_terms(field, doc)
                } else {
                    0
                };
                let s = scorer.score(tfs[i], segment.field_length(field, doc), u);
                s + rest + slack > theta
            }
        });
        match competitive.or(if inside < docs.len() {
            Some(inside)
        } else {
            None
        }) {
            Some(i) => {
                let doc = docs[i];
                return term.cursor.seek(doc);
            }
            None => {
                term.cursor.next_block()?;
            }
        }
    }
}

/// With required clauses: candidates come from the cheapest one, and every term is checked
/// against its bounds.
fn driven(plan: &mut Plan, top: &mut TopK, after: Option<(f64, u32)>) -> Result<()> {
    let mut driver = match plan.candidates() {
        Some(u) => u,
        None => return Ok(()),
    };
    let n = plan.terms.len();
    let bounds: Vec<f64> = plan.terms.iter().map(|t| t.max_score).collect();
    let mut order: Vec<usize> = (0..n).collect();
    sort_by_bound(&mut order, &bounds);
    let mut prefix = vec![0.0; n + 1];
    prefix_sums(&order, &bounds, &mut prefix);
    let mut contributions = vec![0.0f64; n];
    let mut theta = top.threshold();
    loop {
        let doc = driver.doc();
        if doc == DOC_END {
            return Ok(());
        }
        if plan.passes_filters(doc) {
            let hit = evaluate(
                plan,
                doc,
                &[],
                &order,
                &bounds,
                prefix[n],
                theta,
                &mut contributions,
            )?;
            if let Some(hit) = hit.filter(|h| after_cursor(after, h)) {
                if top.push(hit) {
                    theta = top.threshold();
                }
            }
        }
        driver.advance_past(doc)?;
    }
}

/// Scores `doc` unless it provably cannot beat `theta`. The `leading` terms' cursors rest on `doc`
/// or past it; the `checked` terms (ascending by bound, their `bounds` summing to `checked_sum`)
/// are sought to `doc` from the strongest down while the bound still allows the document. Returns
/// the hit when the document passes every constraint and may beat `theta`.
#[allow(clippy::too_many_arguments)]
fn evaluate(
    plan: &mut Plan,
    doc: u32,
    leading: &[usize],
    checked: &[usize],
    bounds: &[f64],
    checked_sum: f64,
    theta: f64,
    contributions: &mut [f64],
) -> Result<Option<Hit>> {
    let mut partial = 0.0;
    for &t in leading {
        if plan.terms[t].cursor.doc() == doc {
            let s = plan.term_score(t, doc);
            contributions[t] = s;
            partial += s;
        }
    }
    let mut bound = partial + checked_sum + plan.doc_prior(doc);
    let mut alive = true;
    for &t in checked.iter().rev() {
        if bound + margin(theta) <= theta {
            alive = false;
            break;
        }
        let term = &mut plan.terms[t];
        let block_bound = term
            .cursor
            .block_for(doc)
            .map_or(0.0, |b| term.block_bounds[b]);
        bound += block_bound - bounds[t];
        if bound + margin(theta) <= theta {
            alive = false;
            break;
        }
        if term.cursor.seek(doc)? == doc {
            let s = plan.term_score(t, doc);
            contributions[t] = s;
            bound += s - block_bound;
        } else {
            bound -= block_bound;
        }
    }
    let hit = if alive && bound + margin(theta) > theta && plan.accepts(doc)? {
        Some(Hit {
            score: plan.total(contributions, doc),
            doc,
        })
    } else {
        None
    };
    contributions.iter_mut().for_each(|c| *c = 0.0);
    Ok(hit)
}
