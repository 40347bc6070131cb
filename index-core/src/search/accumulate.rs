//! The top k and the exact count of a disjunction in one pass, every posting scored: a window of
//! documents at a time, term after term, each posting's score added into the window's array of
//! sums (term at a time, as Lucene's `BooleanScorer` and tantivy's union scorer count and score
//! together). No bounds, no merging of cursors: each block is decoded, scored and added in
//! straight loops. An exact count reads every posting anyway, and where the postings are few (a
//! long query over a small collection) scoring them all costs less than counting them and then
//! pruning; `search` chooses (`worth_it`).
//!
//! Exactness: a document's sum is its terms' scores added in canonical order to 0 — the canonical
//! total (`Plan::total`, where an absent term adds 0) — then its prior, so the hits equal
//! `exhaustive`'s bit for bit.

use super::plan::{score_block, Plan, ScoringTerm};
use super::topk::{after_cursor, Hit, TopK};
use super::zeros;
use crate::error::Result;
use crate::postings::{BLOCK_LEN, DOC_END};

/// Documents per window: the sums take 32 KiB, the bitset of documents seen 512 bytes.
const WINDOW: u32 = 4096;

/// Whether the pass can evaluate `plan`: a disjunction (documents of any term), possibly filtered
/// and with excluded clauses, but none required.
pub(crate) fn applies(plan: &Plan) -> bool {
    plan.required.is_empty() && !plan.impossible
}

/// Whether to score every posting rather than prune: several terms, none in more than a window of
/// documents. Block-max pruning skips blocks, and such a term has few to skip; the pass's cost is
/// bounded by its terms times a window. On SciFact (long queries, short lists) this halves a
/// counted query's time; on the 100k corpus (Zipf terms, often in most documents) it picks the
/// few queries of rare terms (bench/PROFILE.md, sixteenth pass).
pub(crate) fn worth_it(plan: &Plan) -> bool {
    plan.terms.len() >= 2 && plan.terms.iter().all(|t| t.cursor.doc_freq() <= WINDOW)
}

/// The top `k` hits ranking after `after`, and how many documents match (exactly).
pub(crate) fn top_k_counted(
    plan: &mut Plan,
    k: usize,
    after: Option<(f64, u32)>,
) -> Result<(Vec<(u32, f64)>, u64)> {
    let mut top = TopK::new(k);
    let mut count = 0u64;
    if plan.impossible || plan.terms.is_empty() {
        return Ok((top.into_sorted(), 0));
    }
    // An array's length is known to the compiler: an index masked to the window needs no check.
    let mut sums: Box<[f64; WINDOW as usize]> = zeros::<f64>(WINDOW as usize)
        .into_boxed_slice()
        .try_into()
        .expect("WINDOW sums");
    let mut seen = [0u64; WINDOW as usize / 64];
    let (mut lens, mut uniques) = ([0u32; BLOCK_LEN], [0u32; BLOCK_LEN]);
    let mut scores = [0.0f64; BLOCK_LEN];
    let segment = plan.segment;
    let has_prior = plan.ranker.has_prior();
    // Without filters or excluded clauses every document seen matches: counted a word at a time.
    let every_match_counts = plan.allowed.is_none() && plan.excluded.is_empty();
    let mut theta = top.threshold();
    let next = |plan: &Plan| plan.terms.iter().map(|t| t.cursor.doc()).min();
    let mut lo = next(plan).unwrap_or(DOC_END);
    while lo != DOC_END {
        // Windows start on a word of the filter bitset.
        lo &= !63;
        let end = lo.saturating_add(WINDOW);
        for term in plan.terms.iter_mut() {
            let ScoringTerm {
                field,
                scorer,
                cursor,
                ..
            } = term;
            let columns = (
                segment.field_lengths(*field),
                segment.unique_term_counts(*field),
            );
            while cursor.doc() < end {
                let (docs, tfs) = cursor.block_postings();
                let inside = docs.partition_point(|&d| d < end);
                let whole = inside == docs.len();
                let (docs, tfs) = (&docs[..inside], &tfs[..inside]);
                let scores = &mut scores[..inside];
                score_block(
                    scorer,
                    (docs, tfs),
                    columns,
                    (&mut lens, &mut uniques),
                    scores,
                );
                for (&doc, &score) in docs.iter().zip(scores.iter()) {
                    let at = (doc - lo) as usize & (WINDOW as usize - 1);
                    sums[at] += score;
                    seen[at / 64] |= 1 << (at % 64);
                }
                if whole {
                    cursor.next_block()?;
                } else {
                    cursor.seek(end)?;
                }
            }
        }
        for (w, word) in seen.iter_mut().enumerate() {
            let mut bits = *word;
            *word = 0;
            if every_match_counts {
                count += u64::from(bits.count_ones());
            }
            while bits != 0 {
                let at = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let sum = sums[at];
                sums[at] = 0.0;
                let doc = lo + at as u32;
                if !every_match_counts {
                    if !plan.passes_filters(doc)
                        || (!plan.excluded.is_empty() && !plan.accepts(doc)?)
                    {
                        continue;
                    }
                    count += 1;
                }
                let score = if has_prior {
                    sum + plan.doc_prior(doc)
                } else {
                    sum
                };
                // Documents ascend: one that ties θ ranks after the hits that set it.
                if score <= theta {
                    continue;
                }
                let hit = Hit { score, doc };
                if after_cursor(after, &hit) && top.push(hit) {
                    theta = top.threshold();
                }
            }
        }
        lo = next(plan).unwrap_or(DOC_END);
    }
    Ok((top.into_sorted(), count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::SearchRequest;

    /// The pass is chosen for several terms of short lists only: a term in more documents than a
    /// window, a single term or a required clause leaves the query to pruning.
    #[test]
    fn is_chosen_for_several_terms_of_short_lists() {
        let corpus: Vec<String> = (0..WINDOW as usize + 100)
            .map(|i| {
                let rare = if i % 500 == 0 { " rare1 rare2" } else { "" };
                crate::tests::doc(&format!("d{}", i), "", &format!("common{}", rare))
            })
            .collect();
        let seg = crate::tests::build(&corpus.join("\n"), "{}", None);
        let chosen = |q: &str| {
            let request = SearchRequest::from_json(q, "{}").unwrap();
            let plan = Plan::build(&seg, &request).unwrap();
            applies(&plan) && worth_it(&plan)
        };
        assert!(chosen("rare1 rare2"));
        assert!(chosen("rare1 rare2 -common"));
        assert!(!chosen("rare1 common"));
        assert!(!chosen("rare1"));
        assert!(!chosen("+rare1 rare2"));
    }
}
