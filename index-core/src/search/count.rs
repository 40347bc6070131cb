//! Counts matching documents without scoring them, exactly or up to a limit.
//!
//! Without required clauses, a match is any document of any scoring term: the postings are OR-ed
//! into a bitset window by window (`WINDOW_DOCS` documents at a time, block by block, no
//! per-document merging), filters AND-ed in, and only excluded clauses, if any, are checked one
//! document at a time. With required clauses, candidates come from the cheapest one and every
//! constraint is checked. With a limit, counting stops as soon as more than `limit` documents are
//! known to match, and the total is reported as "at least `limit`" (Elasticsearch's
//! `track_total_hits`, Lucene's total hits threshold).

use super::plan::Plan;
use super::request::Total;
use super::zeros;
use crate::error::Result;
use crate::postings::DOC_END;

/// Documents per counting window: a 8 KiB bitset, which stays in the L1 cache.
const WINDOW_DOCS: u32 = 1 << 16;

/// The matches of `plan`, exact up to `limit` (or all of them when `limit` is `None`).
pub(crate) fn count(plan: &mut Plan, limit: Option<u64>) -> Result<Total> {
    let limit = limit.unwrap_or(u64::MAX);
    let counted = if plan.impossible {
        0
    } else if plan.required.is_empty() {
        count_union(plan, limit)?
    } else {
        count_candidates(plan, limit)?
    };
    Ok(total(counted, Some(limit)))
}

/// The total reported for `counted` matches under `limit`: "at least `limit`" beyond it.
pub(crate) fn total(counted: u64, limit: Option<u64>) -> Total {
    match limit {
        Some(limit) if counted > limit => Total {
            value: limit,
            exact: false,
        },
        _ => Total {
            value: counted,
            exact: true,
        },
    }
}

/// Counts candidates of the cheapest required clause that every constraint accepts; stops past
/// `limit`.
fn count_candidates(plan: &mut Plan, limit: u64) -> Result<u64> {
    let mut candidates = match plan.candidates() {
        Some(c) => c,
        None => return Ok(0),
    };
    let mut total = 0;
    loop {
        let doc = candidates.doc();
        if doc == DOC_END || total > limit {
            return Ok(total);
        }
        if plan.accepts(doc)? {
            total += 1;
        }
        candidates.advance_past(doc)?;
    }
}

/// Counts the union of the scoring terms window by window; stops after the window that passes
/// `limit`.
fn count_union(plan: &mut Plan, limit: u64) -> Result<u64> {
    if plan.allowed.is_none() && plan.excluded.is_empty() {
        // Every document of every term's postings matches: one term's document frequency is its
        // count, and the largest is a lower bound that already answers a count past its limit
        // without reading a posting (the common case of "top 10, at least N").
        let largest = plan
            .terms
            .iter()
            .map(|t| t.cursor.doc_freq() as u64)
            .max()
            .unwrap_or(0);
        if plan.terms.len() <= 1 || largest > limit {
            return Ok(largest);
        }
    }
    let n = plan.segment.meta().doc_count;
    let mut cursors: Vec<_> = plan.terms.iter().map(|t| t.cursor.clone()).collect();
    // No window spans more documents than the index holds: a small index zeroes a small bitset.
    let window = WINDOW_DOCS.min(n);
    let mut bits = zeros::<u64>((window as usize + 63) / 64);
    let mut total = 0u64;
    let mut lo = 0u32;
    while lo < n && total <= limit {
        let hi = lo.saturating_add(window).min(n);
        let words = ((hi - lo) as usize + 63) / 64;
        bits[..words].iter_mut().for_each(|w| *w = 0);
        for c in cursors.iter_mut() {
            while c.doc() < hi {
                let docs = c.block_docs();
                let inside = docs.partition_point(|&d| d < hi);
                for &d in &docs[..inside] {
                    let d = d - lo;
                    bits[d as usize / 64] |= 1u64 << (d % 64);
                }
                if inside < docs.len() {
                    c.seek(hi)?;
                } else {
                    c.next_block()?;
                }
            }
        }
        if let Some(allowed) = &plan.allowed {
            let first = lo as usize / 64;
            for (w, a) in bits[..words].iter_mut().zip(&allowed[first..first + words]) {
                *w &= a;
            }
        }
        if plan.excluded.is_empty() {
            total += bits[..words]
                .iter()
                .map(|w| w.count_ones() as u64)
                .sum::<u64>();
        } else {
            for (i, &word) in bits[..words].iter().enumerate() {
                let mut w = word;
                while w != 0 {
                    let doc = lo + (i * 64) as u32 + w.trailing_zeros();
                    w &= w - 1;
                    if plan.accepts(doc)? {
                        total += 1;
                    }
                }
            }
        }
        lo = hi;
    }
    Ok(total)
}
