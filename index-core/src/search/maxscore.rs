//! Top-k by dynamic pruning: MaxScore (Turtle & Flood, 1995) with block-max bounds.
//!
//! Terms are ordered by their largest possible score. Once k hits are held with threshold θ, the
//! longest prefix of terms whose bounds sum (plus the prior's bound) to at most θ is
//! "non-essential": a document containing only those terms cannot enter the results, so
//! candidates come from the essential terms alone. For each candidate, non-essential terms are
//! checked from the strongest down, and the candidate is dropped as soon as its partial score plus
//! the remaining bounds — refined to the bound of the block that would hold the document — cannot
//! beat θ. When clauses are required, candidates come from the cheapest required clause instead
//! and every scoring term is checked this way.
//!
//! Exactness: a dropped document's score is provably ≤ θ, and documents arrive in ascending doc
//! id order, so a dropped document would also lose a tie. Bounds are compared with a small margin
//! against floating-point rounding, and kept scores are recomputed in canonical term order, so the
//! results equal `exhaustive` bit for bit (property-tested in `tests`).

use super::constraint::Union;
use super::plan::Plan;
use super::topk::{after_cursor, Hit, TopK};
use crate::error::Result;
use crate::postings::DOC_END;

/// Relative slack for comparing sums of bounds with the threshold (bounds are sums of f64 in a
/// different order than the canonical score).
const BOUND_MARGIN: f64 = 1e-9;

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
    let n = plan.terms.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        plan.terms[a]
            .max_score
            .partial_cmp(&plan.terms[b].max_score)
            .unwrap()
            .then(a.cmp(&b))
    });
    // prefix[i] = sum of the bounds of order[..i]
    let mut prefix = vec![0.0; n + 1];
    for i in 0..n {
        prefix[i + 1] = prefix[i] + plan.terms[order[i]].max_score;
    }
    let mut driver: Option<Union> = if plan.required.is_empty() {
        None
    } else {
        plan.candidates()
    };
    // In required mode every term is checked against the driver's candidates (essential = none).
    let mut essential = if driver.is_some() { n } else { 0 };
    let mut contributions = vec![0.0f64; n];
    let mut theta = top.threshold();

    loop {
        let doc = match &driver {
            Some(u) => u.doc(),
            None => order[essential..]
                .iter()
                .map(|&t| plan.terms[t].cursor.doc())
                .min()
                .unwrap_or(DOC_END),
        };
        if doc == DOC_END {
            break;
        }
        // The filter bit is checked before scoring; the other constraints only for survivors.
        if plan.passes_filters(doc) {
            let mut partial = 0.0;
            for &t in &order[essential..] {
                if plan.terms[t].cursor.doc() == doc {
                    let s = plan.term_score(t, doc);
                    contributions[t] = s;
                    partial += s;
                }
            }
            let mut bound = partial + prefix[essential] + plan.doc_prior(doc);
            let mut pruned = false;
            for i in (0..essential).rev() {
                let t = order[i];
                if bound + margin(theta) <= theta {
                    pruned = true;
                    break;
                }
                let term = &mut plan.terms[t];
                let block_bound = match term.cursor.block_meta_for(doc) {
                    Some(m) => term.scorer.score(m.max_tf, m.min_len, m.min_unique),
                    None => 0.0,
                };
                bound += block_bound - term.max_score;
                if bound + margin(theta) <= theta {
                    pruned = true;
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
            if !pruned && bound + margin(theta) > theta && plan.accepts(doc)? {
                let hit = Hit {
                    score: plan.total(&contributions, doc),
                    doc,
                };
                if after_cursor(after, &hit) && top.push(hit) {
                    theta = top.threshold();
                    if driver.is_none() {
                        while essential < n
                            && prefix[essential + 1] + plan.prior_bound + margin(theta) <= theta
                        {
                            essential += 1;
                        }
                    }
                }
            }
            contributions.iter_mut().for_each(|c| *c = 0.0);
        }
        match driver.as_mut() {
            Some(u) => u.advance_past(doc)?,
            None => {
                for &t in &order[essential..] {
                    let c = &mut plan.terms[t].cursor;
                    if c.doc() == doc {
                        c.advance()?;
                    }
                }
            }
        }
        if driver.is_none() && essential == n {
            break; // no term can lift a document above θ any more
        }
    }
    Ok(top.into_sorted())
}
