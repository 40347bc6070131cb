//! The reference: every document is tested and scored, no bound is used. Slow by design; the
//! pruned search must return exactly what this returns.

use super::plan::Plan;
use super::topk::{after_cursor, Hit, TopK};
use crate::error::Result;

pub(crate) fn top_k(
    plan: &mut Plan,
    k: usize,
    after: Option<(f64, u32)>,
) -> Result<Vec<(u32, f64)>> {
    let mut top = TopK::new(k);
    if plan.impossible || plan.terms.is_empty() {
        return Ok(top.into_sorted());
    }
    let mut contributions = vec![0.0f64; plan.terms.len()];
    for doc in 0..plan.segment.meta().doc_count {
        let mut any = false;
        for (t, contribution) in contributions.iter_mut().enumerate() {
            *contribution = if plan.terms[t].cursor.seek(doc)? == doc {
                any = true;
                plan.term_score(t, doc)
            } else {
                0.0
            };
        }
        // Without required clauses a document must contain at least one scoring term.
        if (!any && plan.required.is_empty()) || !plan.accepts(doc)? {
            continue;
        }
        let hit = Hit {
            score: plan.total(&contributions, doc),
            doc,
        };
        if after_cursor(after, &hit) {
            top.push(hit);
        }
    }
    Ok(top.into_sorted())
}
