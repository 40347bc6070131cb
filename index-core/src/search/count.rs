//! Counts matching documents without scoring them.
//!
//! Without required clauses, a match is any document of any scoring term: the postings are OR-ed
//! into a bitset block by block (no per-document merging), filters AND-ed in, and only excluded
//! clauses, if any, are checked one document at a time. With required clauses, candidates come
//! from the cheapest one and every constraint is checked.

use super::plan::Plan;
use crate::error::Result;
use crate::postings::DOC_END;

pub(crate) fn count(plan: &mut Plan) -> Result<u64> {
    if plan.impossible {
        return Ok(0);
    }
    if plan.required.is_empty() {
        return count_union(plan);
    }
    let mut candidates = match plan.candidates() {
        Some(c) => c,
        None => return Ok(0),
    };
    let mut total = 0;
    loop {
        let doc = candidates.doc();
        if doc == DOC_END {
            return Ok(total);
        }
        if plan.accepts(doc)? {
            total += 1;
        }
        candidates.advance_past(doc)?;
    }
}

fn count_union(plan: &mut Plan) -> Result<u64> {
    let n = plan.segment.meta().doc_count as usize;
    let mut bits = vec![0u64; (n + 63) / 64];
    for term in &plan.terms {
        let mut c = term.cursor.clone();
        while c.doc() != DOC_END {
            for &d in c.block_docs() {
                bits[d as usize / 64] |= 1u64 << (d % 64);
            }
            c.next_block()?;
        }
    }
    if let Some(allowed) = &plan.allowed {
        for (w, a) in bits.iter_mut().zip(allowed) {
            *w &= a;
        }
    }
    if plan.excluded.is_empty() {
        return Ok(bits.iter().map(|w| w.count_ones() as u64).sum());
    }
    let mut total = 0;
    for (i, &word) in bits.iter().enumerate() {
        let mut w = word;
        while w != 0 {
            let doc = (i * 64) as u32 + w.trailing_zeros();
            w &= w - 1;
            if plan.accepts(doc)? {
                total += 1;
            }
        }
    }
    Ok(total)
}
