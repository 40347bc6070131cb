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

use super::plan::{allowed, score_block, Plan, ScoringTerm};
use super::topk::{after_cursor, Hit, TopK};
use super::zeros;
use crate::error::Result;
use crate::postings::{PostingCursor, BLOCK_LEN, DOC_END};

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
    let mut c = Collector {
        top: TopK::new(k),
        after,
        theta: f64::NEG_INFINITY,
        contributions: vec![0.0; plan.terms.len()],
    };
    c.theta = c.top.threshold();
    if plan.impossible || plan.terms.is_empty() || k == 0 {
        return Ok(c.top.into_sorted());
    }
    if plan.required.is_empty() {
        windows(plan, &mut c)?;
    } else {
        driven(plan, &mut c)?;
    }
    Ok(c.top.into_sorted())
}

/// Documents per sub-window of the bulk path: its scores fit in 8 KiB, its bitset in 128 bytes.
/// A sub-window also ends where an essential term's block does, which on dense terms is well
/// within this. The buffer is zeroed for each query: at 4,096 (32 KiB) SciFact's queries took 3%
/// more instructions, the 100k corpus' the same (bench/PROFILE.md).
const BULK_DOCS: u32 = 1024;

/// How many of `prefix`'s terms (`prefix[i]` the sum of the first i bounds) cannot, with the
/// prior, lift a document above `theta`.
fn non_essential(prefix: &[f64], prior_bound: f64, theta: f64) -> usize {
    let n = prefix.len() - 1;
    (0..n)
        .take_while(|&i| prefix[i + 1] + prior_bound + margin(theta) <= theta)
        .count()
}

/// Terms ordered by ascending bound (over a window, or over the index), with prefix sums:
/// `order[..essential]` together cannot lift a document above θ.
struct Partition {
    bounds: Vec<f64>,
    order: Vec<usize>,
    prefix: Vec<f64>,
    essential: usize,
}

impl Partition {
    fn new(bounds: Vec<f64>) -> Partition {
        let n = bounds.len();
        let mut p = Partition {
            bounds,
            order: (0..n).collect(),
            prefix: vec![0.0; n + 1],
            essential: 0,
        };
        p.sort();
        p
    }

    /// Orders the terms by `bounds` (ties by index, so every run orders them alike).
    fn sort(&mut self) {
        let bounds = &self.bounds;
        self.order
            .sort_by(|&a, &b| bounds[a].partial_cmp(&bounds[b]).unwrap().then(a.cmp(&b)));
        for (i, &t) in self.order.iter().enumerate() {
            self.prefix[i + 1] = self.prefix[i] + bounds[t];
        }
    }

    fn update(&mut self, prior_bound: f64, theta: f64) {
        self.essential = non_essential(&self.prefix, prior_bound, theta);
    }

    /// The bound of the non-essential terms and the prior: what a document of the essential terms
    /// may add to their scores.
    fn rest(&self, prior_bound: f64) -> f64 {
        self.prefix[self.essential] + prior_bound
    }

    /// Offers `doc`, whose essential terms' cursors rest on it or past it; re-partitions when the
    /// threshold rises.
    fn offer(&mut self, plan: &mut Plan, doc: u32, c: &mut Collector) -> Result<()> {
        let (checked, leading) = self.order.split_at(self.essential);
        let checked_sum = self.prefix[self.essential];
        if c.offer(plan, doc, leading, checked, &self.bounds, checked_sum)? {
            self.update(plan.prior_bound, c.theta);
        }
        Ok(())
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
    let mut bound = term.block_maxima[first];
    let mut b = first + 1;
    // Block b holds docs after the last doc of block b - 1.
    while b < term.block_maxima.len() && term.cursor.block_last_doc(b - 1) < hi {
        bound = bound.max(term.block_maxima[b]);
        b += 1;
    }
    // The scale is positive: the largest maximum makes the largest bound.
    term.bound_scale * bound
}

/// Without required clauses: candidates are the documents of each window's essential terms.
fn windows(plan: &mut Plan, c: &mut Collector) -> Result<()> {
    let n = plan.terms.len();
    // Over the whole index: the terms that can no longer lead decide where the next window may
    // start, and when none can, the search is over.
    let mut global = Partition::new(plan.terms.iter().map(|t| t.max_score).collect());
    let mut window = Partition::new(vec![0.0; n]);
    let mut bulk = Bulk::default();
    let min_window = MIN_WINDOW_PER_TERM.saturating_mul(n as u32);
    let mut lo = plan
        .terms
        .iter()
        .map(|t| t.cursor.doc())
        .min()
        .unwrap_or(DOC_END);
    while lo != DOC_END {
        // The window [lo, hi]: to the end of the first block of the last window's essential
        // terms to end (as Lucene: a dense term that cannot lead does not cut windows short), at
        // least `min_window` long.
        let mut hi = DOC_END - 1;
        // When the last window had none (every term fell below θ there), the terms that can
        // still lead anywhere cut it instead: else it would run to the end of the index, past
        // every block bound that could have skipped a block.
        let cutting = if window.essential < n {
            &window.order[window.essential..]
        } else {
            &global.order[global.essential..]
        };
        for &t in cutting {
            let cursor = &mut plan.terms[t].cursor;
            if let Some(b) = cursor.block_for(lo) {
                hi = hi.min(cursor.block_last_doc(b));
            }
        }
        hi = hi.max(lo.saturating_add(min_window - 1)).min(DOC_END - 1);
        for (t, term) in plan.terms.iter_mut().enumerate() {
            window.bounds[t] = window_bound(term, lo, hi);
        }
        window.sort();
        window.update(plan.prior_bound, c.theta);
        for &t in &window.order[window.essential..] {
            plan.terms[t].cursor.seek(lo)?;
        }
        let mut from = lo;
        while window.essential < n && from <= hi {
            if bulk.split(plan, &window) > 1 {
                from = bulk.run(plan, &mut window, c, from, hi)?;
                continue;
            }
            let lead = window.order[n - 1];
            let doc = next_competitive(plan, lead, hi, window.rest(plan.prior_bound), c.theta)?;
            if doc > hi {
                break;
            }
            window.offer(plan, doc, c)?;
            let cursor = &mut plan.terms[lead].cursor;
            if cursor.doc() == doc {
                cursor.advance()?;
            }
        }
        global.update(plan.prior_bound, c.theta);
        // No document after this window holds a leading term before the first leader's next
        // document (cursors never pass a document of a later window without resting on it; a
        // non-essential cursor the bulk path left behind only holds the next window at hi + 1).
        lo = global.order[global.essential..]
            .iter()
            .map(|&t| plan.terms[t].cursor.doc())
            .min()
            .map_or(DOC_END, |next| next.max(hi + 1));
    }
    Ok(())
}

/// A non-essential term is scanned with the essential ones when its document frequency is at most
/// this many times theirs: evaluating candidates one by one and seeking it costs more than testing
/// its postings in bulk once it is about as dense as they are. (The 100k benchmark's 500 top-10
/// queries took 610, 597, 605 and 632 million instructions natively at 2, 4, 8 and 16.)
const SCAN_DENSITY: u32 = 4;

/// Several terms to scan, a sub-window at a time: every posting of an essential term adds its
/// score into a per-document accumulator (independent work, no merging of cursors) unless it
/// falls short of θ with every other term at its bound (tested without a division); a scanned
/// non-essential term adds its score only where a document of the essential terms can still beat
/// θ with it and the terms after it (a bit test and one comparison for the others). Documents whose
/// sum with the other terms' bounds could beat θ are then evaluated, their scores recomputed in
/// canonical order, so the sums here only select. The non-essential terms about as dense as the
/// essential ones (`SCAN_DENSITY`) are scanned; the others are sought per candidate. A scanned
/// non-essential term is read block by block through the sub-window, and a block where no sum so
/// far (kept per 64 documents) can reach θ with the block's bound is passed over unread.
#[derive(Default)]
struct Bulk<'a> {
    scores: Vec<f64>,
    seen: Vec<u64>,
    /// The essential terms, then the scanned non-essential ones by descending bound.
    scan: Vec<usize>,
    essential: usize,
    /// The terms not scanned, ascending by bound, and the sum of their bounds.
    seek: Vec<usize>,
    seek_sum: f64,
    /// The best sum so far in each word of `seen`.
    best: Vec<f64>,
    /// Per term, a second cursor that scans a non-essential term's blocks through a sub-window,
    /// so that the term's own cursor stays where the sub-window's candidates will seek it.
    scanners: Vec<Option<PostingCursor<'a>>>,
    /// Per term of `scan`, in its order, the scores it added in this sub-window: a candidate's
    /// contributions are read back from them, not sought and scored again.
    added: Vec<Added>,
    /// One block's postings that can still count, lengths, distinct-term counts and scores.
    docs: Vec<u32>,
    tfs: Vec<u32>,
    lens: Vec<u32>,
    uniques: Vec<u32>,
    block_scores: Vec<f64>,
}

impl<'a> Bulk<'a> {
    /// Splits the window's terms into those to scan and those to seek; returns how many to scan.
    fn split(&mut self, plan: &Plan, window: &Partition) -> usize {
        let essential = &window.order[window.essential..];
        let densest = essential
            .iter()
            .map(|&t| plan.terms[t].cursor.doc_freq())
            .max()
            .unwrap_or(0);
        let limit = densest.saturating_mul(SCAN_DENSITY);
        self.scan.clear();
        self.scan.extend_from_slice(essential);
        self.essential = essential.len();
        self.seek.clear();
        self.seek_sum = 0.0;
        for &t in window.order[..window.essential].iter().rev() {
            if plan.terms[t].cursor.doc_freq() <= limit {
                self.scan.push(t);
            } else {
                self.seek.push(t);
                self.seek_sum += window.bounds[t];
            }
        }
        self.seek.reverse();
        self.scan.len()
    }

    /// Runs the sub-window of `split`'s terms from the essential terms' next document to the end
    /// of the first of their blocks to end (at most `BULK_DOCS` documents, at most `hi`); returns
    /// where the next one starts.
    fn run(
        &mut self,
        plan: &mut Plan<'a>,
        window: &mut Partition,
        c: &mut Collector,
        from: u32,
        hi: u32,
    ) -> Result<u32> {
        if self.scores.is_empty() {
            self.scores = zeros(BULK_DOCS as usize);
            self.seen = zeros(BULK_DOCS as usize / 64);
            self.docs = zeros(BLOCK_LEN);
            self.tfs = zeros(BLOCK_LEN);
            self.lens = zeros(BLOCK_LEN);
            self.uniques = zeros(BLOCK_LEN);
            self.block_scores = zeros(BLOCK_LEN);
            self.scanners = plan.terms.iter().map(|_| None).collect();
        }
        if self.added.len() < self.scan.len() {
            self.added.resize_with(self.scan.len(), Added::default);
        }
        self.added.iter_mut().for_each(Added::clear);
        // Locals, not fields: a store through one of these buffers could otherwise overwrite
        // another's pointer or length as far as the compiler knows, and each index would reload
        // them from the struct.
        let Bulk {
            scores: acc,
            seen,
            scan,
            essential: n_essential,
            seek,
            seek_sum,
            best: word_best,
            scanners,
            added,
            docs: kept_docs,
            tfs: kept_tfs,
            lens: lens_buf,
            uniques: uniques_buf,
            block_scores: block_buf,
        } = self;
        let (n_essential, seek_sum) = (*n_essential, *seek_sum);
        let (acc, seen) = (&mut acc[..], &mut seen[..]);
        let (kept_docs, kept_tfs) = (&mut kept_docs[..], &mut kept_tfs[..]);
        let (lens_buf, uniques_buf) = (&mut lens_buf[..], &mut uniques_buf[..]);
        let block_buf = &mut block_buf[..];
        let essential = &scan[..n_essential];
        let mut start = DOC_END;
        for &t in essential {
            start = start.min(plan.terms[t].cursor.seek(from)?);
        }
        if start > hi {
            return Ok(hi + 1);
        }
        // Only the essential terms' documents can beat θ. A sub-window does not end where a
        // non-essential term's block does: on a dense term that is every hundred-odd documents,
        // and the sub-window's fixed costs (seeks, the candidate pass) would be paid that often.
        let mut upto = hi.min(start.saturating_add(BULK_DOCS - 1));
        for &t in essential {
            let cursor = &plan.terms[t].cursor;
            if cursor.doc() <= upto {
                upto = upto.min(cursor.block_end());
            }
        }
        // What the terms after the current one may add (over the window; each term's block
        // bounds refine its own below).
        let scanned = &scan[n_essential..];
        let mut after =
            seek_sum + plan.prior_bound + scanned.iter().map(|&t| window.bounds[t]).sum::<f64>();
        let essential_sum = essential.iter().map(|&t| window.bounds[t]).sum::<f64>();
        // The best sum so far in each 64 documents of the sub-window (a word of `seen`).
        let words = (upto - start) as usize / 64 + 1;
        word_best.clear();
        word_best.resize(words, f64::NEG_INFINITY);
        let word_best = &mut word_best[..];
        let segment = plan.segment;
        for (i, &t) in scan.iter().enumerate() {
            let term = &mut plan.terms[t];
            // A non-essential term counts only at a document of the essential terms whose sum with
            // it and the terms after it can beat θ; when none can, neither this term nor the rest
            // can make a candidate. Its own bound is refined block by block below.
            let needed = if i < n_essential {
                None
            } else {
                let bound = window.bounds[t];
                after -= bound;
                let needed = c.theta - margin(c.theta) - after;
                if word_best.iter().all(|&b| b <= needed - bound) {
                    break;
                }
                Some(needed)
            };
            let (lengths, uniques) = (
                segment.field_lengths(term.field),
                segment.unique_term_counts(term.field),
            );
            let (maxima, scale) = (&term.block_maxima, term.bound_scale);
            // What an essential term's posting must exceed for its document to beat θ with every
            // other term at its bound over the window. Not a positive number (NaN included, from
            // bounds that overflowed): nothing to filter, every posting is scored.
            let own_floor = c.theta - margin(c.theta) - (after + essential_sum - window.bounds[t]);
            let filtering = own_floor > 0.0;
            // An essential term's sub-window lies within its current block; a non-essential
            // term is scanned by a second cursor, as its blocks may end inside the sub-window.
            let cursor = match needed {
                None => &mut term.cursor,
                Some(_) => scanners[t].get_or_insert_with(|| term.cursor.clone()),
            };
            cursor.seek(start)?;
            // Block by block, from the skip data: a block no sum so far can use is passed over
            // without being read. `from` is where the term's next posting may be.
            let (mut b, mut from) = (cursor.block(), cursor.doc());
            while from <= upto {
                let block_end = cursor.block_last_doc(b);
                // Past this block, or past the sub-window when the block runs on.
                let done = block_end >= upto || b + 1 == cursor.block_count();
                // The term's `block_bound(b)`, read from its fields: `cursor` may borrow the term.
                let floor = needed.map(|n| n - scale * maxima[b]);
                let words_in = |doc: u32| (doc - start) as usize / 64;
                let used = words_in(from)..=words_in(upto.min(block_end));
                if floor.map_or(false, |f| word_best[used].iter().all(|&best| best <= f)) {
                    if done {
                        break;
                    }
                    (b, from) = (b + 1, block_end + 1);
                    continue;
                }
                if cursor.seek(from)? > upto {
                    break;
                }
                let (docs, tfs) = match (floor, cursor.dense_block()) {
                    (None, _) if !filtering => {
                        let (docs, tfs) = cursor.block_postings();
                        let inside = docs.partition_point(|&d| d <= upto);
                        (&docs[..inside], &tfs[..inside])
                    }
                    // An essential posting whose score is at most `own_floor` cannot make a
                    // candidate with every other term at its bound: it is not scored or added.
                    (None, _) => {
                        let (docs, tfs) = cursor.block_postings();
                        let inside = docs.partition_point(|&d| d <= upto);
                        let kept = term.scorer.keep_exceeding(
                            (&docs[..inside], &tfs[..inside]),
                            |doc| lengths.get(doc),
                            |doc| uniques.get(doc),
                            own_floor,
                            (kept_docs, kept_tfs),
                        );
                        (&kept_docs[..kept], &kept_tfs[..kept])
                    }
                    // A block stored as a bit set is intersected with the documents seen a word at
                    // a time, and only the documents kept have their tf read; it is not decoded.
                    (Some(floor), Some(block)) => {
                        let mut kept = 0;
                        let first = (cursor.doc() - start) as usize;
                        let last = (upto.min(block.last) - start) as usize;
                        for w in first / 64..=last / 64 {
                            if word_best[w] <= floor {
                                continue;
                            }
                            let mut bits = seen[w] & block.docs_from(start + w as u32 * 64);
                            if w == first / 64 {
                                bits &= u64::MAX << (first % 64);
                            }
                            if w == last / 64 {
                                bits &= u64::MAX >> (63 - last % 64);
                            }
                            while bits != 0 {
                                let at = w * 64 + bits.trailing_zeros() as usize;
                                bits &= bits - 1;
                                if acc[at] > floor {
                                    let doc = start + at as u32;
                                    kept_docs[kept] = doc;
                                    kept_tfs[kept] = block.tf(doc);
                                    kept += 1;
                                }
                            }
                        }
                        (&kept_docs[..kept], &kept_tfs[..kept])
                    }
                    (Some(floor), None) => {
                        let (docs, tfs) = cursor.block_postings();
                        let inside = docs.partition_point(|&d| d <= upto);
                        let mut kept = 0;
                        for (&doc, &tf) in docs[..inside].iter().zip(&tfs[..inside]) {
                            let at = (doc - start) as usize;
                            if seen[at / 64] >> (at % 64) & 1 != 0 && acc[at] > floor {
                                kept_docs[kept] = doc;
                                kept_tfs[kept] = tf;
                                kept += 1;
                            }
                        }
                        (&kept_docs[..kept], &kept_tfs[..kept])
                    }
                };
                let scores = &mut block_buf[..docs.len()];
                score_block(
                    &term.scorer,
                    (docs, tfs),
                    (lengths, uniques),
                    (lens_buf, uniques_buf),
                    scores,
                );
                added[i].push(docs, scores);
                // Documents ascend: a word's bits and best sum are kept in registers while its
                // documents last, not read back from memory for each.
                if let Some(&first) = docs.first() {
                    let mut word = (first - start) as usize / 64;
                    let (mut bits, mut best) = (seen[word], word_best[word]);
                    for (&doc, &score) in docs.iter().zip(scores.iter()) {
                        let at = (doc - start) as usize;
                        if at / 64 != word {
                            (seen[word], word_best[word]) = (bits, best);
                            word = at / 64;
                            (bits, best) = (seen[word], word_best[word]);
                        }
                        let sum = acc[at] + score;
                        acc[at] = sum;
                        if sum > best {
                            best = sum;
                        }
                        bits |= 1 << (at % 64);
                    }
                    (seen[word], word_best[word]) = (bits, best);
                }
                if done {
                    break;
                }
                (b, from) = (b + 1, block_end + 1);
            }
        }
        let n = plan.terms.len();
        let rest = seek_sum + plan.prior_bound;
        // A sum above this may beat θ with the terms not scanned and the prior.
        let need_for = |window: &Partition, theta: f64| {
            if window.essential < n {
                theta - margin(theta) - rest
            } else {
                f64::INFINITY
            }
        };
        let mut need = need_for(window, c.theta);
        // Indexed rather than iterated: compiled so it takes 0.6% fewer instructions natively.
        #[allow(clippy::needless_range_loop)]
        for w in 0..words {
            let mut bits = std::mem::take(&mut seen[w]);
            while bits != 0 {
                let at = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let sum = std::mem::take(&mut acc[at]);
                let doc = start + at as u32;
                if sum > need && plan.passes_filters(doc) {
                    // Every score a scanned term gives this document was added here: a posting
                    // passed over above leaves a sum that cannot exceed `need` (scores are ≥ 0).
                    let mut partial = 0.0;
                    for (&t, added) in scan.iter().zip(added.iter_mut()) {
                        if let Some(s) = added.score_at(doc) {
                            c.contributions[t] = s;
                            partial += s;
                        }
                    }
                    let bounds = &window.bounds;
                    if c.complete(plan, doc, partial, seek, bounds, seek_sum)? {
                        window.update(plan.prior_bound, c.theta);
                        need = need_for(window, c.theta);
                    }
                }
            }
        }
        for &t in &scan[..n_essential] {
            plan.terms[t].cursor.seek(upto + 1)?;
        }
        Ok(upto + 1)
    }
}

/// The documents a scanned term added a score to in a sub-window, ascending, with those scores;
/// read back in ascending order of the documents asked for.
#[derive(Default)]
struct Added {
    docs: Vec<u32>,
    scores: Vec<f64>,
    next: usize,
}

impl Added {
    fn clear(&mut self) {
        self.docs.clear();
        self.scores.clear();
        self.next = 0;
    }

    fn push(&mut self, docs: &[u32], scores: &[f64]) {
        self.docs.extend_from_slice(docs);
        self.scores.extend_from_slice(scores);
    }

    /// The score added at `doc`, if any; `doc` is at least the one asked before.
    fn score_at(&mut self, doc: u32) -> Option<f64> {
        let docs = &self.docs[self.next..];
        self.next += docs.iter().take_while(|&&d| d < doc).count();
        (self.docs.get(self.next) == Some(&doc)).then(|| self.scores[self.next])
    }
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
    let unique = term.scorer.needs_unique();
    let (lengths, uniques) = (
        segment.field_lengths(term.field),
        segment.unique_term_counts(term.field),
    );
    // A document is skipped when its lead score is at most `floor` (≈ θ − margin − rest): it then
    // falls short of θ by the margin, far more than `may_exceed`'s last-bit rounding.
    let floor = theta - margin(theta) - rest;
    loop {
        if term.cursor.doc() > hi {
            return Ok(term.cursor.doc());
        }
        let scorer = &term.scorer;
        let (docs, tfs) = term.cursor.block_postings();
        let next = docs.iter().zip(tfs).position(|(&doc, &tf)| {
            doc > hi
                || allowed(bits, doc) && {
                    let u = if unique { uniques.get(doc) } else { 0 };
                    scorer.may_exceed(tf, lengths.get(doc), u, floor)
                }
        });
        match next {
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
fn driven(plan: &mut Plan, c: &mut Collector) -> Result<()> {
    let mut driver = match plan.candidates() {
        Some(u) => u,
        None => return Ok(()),
    };
    let all = Partition::new(plan.terms.iter().map(|t| t.max_score).collect());
    let n = plan.terms.len();
    loop {
        let doc = driver.doc();
        if doc == DOC_END {
            return Ok(());
        }
        c.offer(plan, doc, &[], &all.order, &all.bounds, all.prefix[n])?;
        driver.advance_past(doc)?;
    }
}

/// The top k so far, the threshold θ a document must beat, and per-term scratch.
struct Collector {
    top: TopK,
    after: Option<(f64, u32)>,
    theta: f64,
    contributions: Vec<f64>,
}

impl Collector {
    /// Scores `doc` unless it fails the filters or provably cannot beat θ, and keeps it if it
    /// ranks; returns whether θ rose. The `leading` terms' cursors rest on `doc` or past it; the
    /// `checked` terms (ascending by bound, their `bounds` summing to `checked_sum`) are sought to
    /// `doc` from the strongest down while the bound still allows the document.
    fn offer(
        &mut self,
        plan: &mut Plan,
        doc: u32,
        leading: &[usize],
        checked: &[usize],
        bounds: &[f64],
        checked_sum: f64,
    ) -> Result<bool> {
        // The filter bit is checked before scoring; the other constraints only for survivors.
        if !plan.passes_filters(doc) {
            return Ok(false);
        }
        let mut partial = 0.0;
        for &t in leading {
            if plan.terms[t].cursor.doc() == doc {
                let s = plan.term_score(t, doc);
                self.contributions[t] = s;
                partial += s;
            }
        }
        self.complete(plan, doc, partial, checked, bounds, checked_sum)
    }

    /// `offer` of a document that passes the filters, its leading terms' contributions already
    /// in `contributions` and summing to `partial`.
    fn complete(
        &mut self,
        plan: &mut Plan,
        doc: u32,
        partial: f64,
        checked: &[usize],
        bounds: &[f64],
        checked_sum: f64,
    ) -> Result<bool> {
        let theta = self.theta;
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
                .map_or(0.0, |b| term.block_bound(b));
            bound += block_bound - bounds[t];
            if bound + margin(theta) <= theta {
                alive = false;
                break;
            }
            if term.cursor.seek(doc)? == doc {
                let s = plan.term_score(t, doc);
                self.contributions[t] = s;
                bound += s - block_bound;
            } else {
                bound -= block_bound;
            }
        }
        let mut rose = false;
        if alive && bound + margin(theta) > theta && plan.accepts(doc)? {
            let hit = Hit {
                score: plan.total(&self.contributions, doc),
                doc,
            };
            if after_cursor(self.after, &hit) && self.top.push(hit) {
                self.theta = self.top.threshold();
                rose = true;
            }
        }
        self.contributions.iter_mut().for_each(|c| *c = 0.0);
        Ok(rose)
    }
}

#[cfg(test)]
mod tests {
    use crate::postings::BLOCKS_DECODED;
    use crate::search::{search, SearchRequest};

    /// Three frequent terms, top 10: a block of a non-essential term is decoded only when a
    /// document of the essential ones in its sub-window could still beat θ with it, and a block
    /// stored as a bit set not at all. Here 97 of 236 blocks are decoded; with format 4's packed
    /// blocks 203 were (counted as blocks loaded), and before the non-essential terms were
    /// filtered, 232. The hits are the exhaustive ones.
    #[test]
    fn a_dense_queries_non_essential_blocks_are_decoded_only_where_they_can_count() {
        let mut rng = crate::testing::Rng::new(29);
        let corpus: Vec<String> = (0..20_000)
            .map(|i| {
                let mut words = Vec::new();
                for w in ["w1", "w2", "w3"] {
                    if rng.below(2) == 0 {
                        // Mostly once, rarely many times: most blocks' maxima lie well below
                        // the best documents'.
                        let tf = if rng.below(1000) == 0 {
                            2 + rng.below(8)
                        } else {
                            1
                        };
                        words.resize(words.len() + tf as usize, w);
                    }
                }
                words.resize(words.len() + 5 + rng.below(500) as usize, "w4");
                crate::tests::doc(&format!("d{}", i), "", &words.join(" "))
            })
            .collect();
        let seg = crate::tests::build(&corpus.join("\n"), "{}", None);
        let blocks: usize = ["w1", "w2", "w3"]
            .iter()
            .map(|w| {
                (seg.find_term(0, w.as_bytes()).unwrap().unwrap().doc_freq as usize + 127) / 128
            })
            .sum();
        let request = SearchRequest::from_json("w1 w2 w3", r#"{"size":10,"count":false}"#).unwrap();
        BLOCKS_DECODED.with(|n| n.set(0));
        let hits = search(&seg, &request).unwrap().hits;
        let decoded = BLOCKS_DECODED.with(|n| n.get());
        let exhaustive =
            SearchRequest::from_json("w1 w2 w3", r#"{"size":10,"count":false,"exhaustive":true}"#)
                .unwrap();
        assert_eq!(hits.len(), 10);
        assert_eq!(hits, search(&seg, &exhaustive).unwrap().hits);
        assert!(
            decoded * 2 < blocks,
            "{} of {} blocks decoded",
            decoded,
            blocks
        );
    }

    /// One frequent term, top 10: with the blocks' stored maxima (the default ranker) only the
    /// blocks that can hold a top document are decoded; with other parameters the corner bound
    /// (largest tf, shortest document) lies above most blocks, and most are.
    #[test]
    fn a_frequent_terms_top_10_decodes_only_the_blocks_that_can_hold_one() {
        let mut rng = crate::testing::Rng::new(17);
        let corpus: Vec<String> = (0..20_000)
            .map(|i| {
                // As in most text: a frequent word, a few times a document, in documents of many
                // lengths; the best are the rare short ones that hold it most.
                let tf = rng.below(4) as usize;
                let mut words = vec!["w1"; tf];
                words.resize(tf + 5 + rng.below(500) as usize, "w2");
                crate::tests::doc(&format!("d{}", i), "", &words.join(" "))
            })
            .collect();
        let seg = crate::tests::build(&corpus.join("\n"), "{}", None);
        let blocks = (seg.find_term(0, b"w1").unwrap().unwrap().doc_freq as usize + 127) / 128;
        let decoded = |options: &str| {
            let request = SearchRequest::from_json("w1", options).unwrap();
            BLOCKS_DECODED.with(|n| n.set(0));
            assert_eq!(search(&seg, &request).unwrap().hits.len(), 10);
            BLOCKS_DECODED.with(|n| n.get())
        };
        let exact = decoded(r#"{"size":10,"count":false}"#);
        let corner = decoded(r#"{"size":10,"count":false,"params":{"k1":1.2}}"#);
        // About half of this corpus' 118 blocks hold a document tied with the tenth best (its
        // lengths and tfs are few), and a block can be passed over only below θ.
        assert!(blocks > 100, "{} blocks", blocks);
        assert!(
            exact * 3 < blocks * 2,
            "{} of {} blocks decoded",
            exact,
            blocks
        );
        assert!(
            exact * 3 < corner * 2,
            "{} with the corner bound, {} with maxima",
            corner,
            exact
        );
    }
}
