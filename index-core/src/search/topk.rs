//! The k best (score, doc) pairs: higher score first, ties broken by ascending doc id.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Hit {
    pub(crate) score: f64,
    pub(crate) doc: u32,
}

impl Hit {
    /// The total order of results: `Less` means `self` ranks before `other`.
    pub(crate) fn rank_cmp(&self, other: &Hit) -> Ordering {
        other
            .score
            .partial_cmp(&self.score)
            .unwrap_or(Ordering::Equal)
            .then(self.doc.cmp(&other.doc))
    }
}

impl Eq for Hit {}
impl PartialOrd for Hit {
    fn partial_cmp(&self, other: &Hit) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
// The max-heap's top is the worst hit kept: the one that ranks last.
impl Ord for Hit {
    fn cmp(&self, other: &Hit) -> Ordering {
        self.rank_cmp(other)
    }
}

pub(crate) struct TopK {
    k: usize,
    heap: BinaryHeap<Hit>,
}

impl TopK {
    pub(crate) fn new(k: usize) -> TopK {
        TopK {
            k,
            heap: BinaryHeap::with_capacity(k + 1),
        }
    }

    /// The score a new document must beat to enter; −∞ until k hits are held.
    pub(crate) fn threshold(&self) -> f64 {
        if self.k == 0 {
            return f64::INFINITY;
        }
        if self.heap.len() < self.k {
            f64::NEG_INFINITY
        } else {
            self.heap.peek().map_or(f64::NEG_INFINITY, |h| h.score)
        }
    }

    /// Offers a hit; returns whether it was kept.
    pub(crate) fn push(&mut self, hit: Hit) -> bool {
        if self.k == 0 {
            return false;
        }
        if self.heap.len() < self.k {
            self.heap.push(hit);
            return true;
        }
        let mut worst = self.heap.peek_mut().expect("k > 0");
        if hit.rank_cmp(&worst) == Ordering::Less {
            // Replaced in place: one sift down when `worst` drops, not a pop and a push.
            *worst = hit;
            true
        } else {
            false
        }
    }

    pub(crate) fn into_sorted(self) -> Vec<(u32, f64)> {
        let mut hits = self.heap.into_vec();
        hits.sort_by(Hit::rank_cmp);
        hits.into_iter().map(|h| (h.doc, h.score)).collect()
    }
}

/// Whether a hit ranks strictly after the cursor `after` (the last hit of the previous page).
pub(crate) fn after_cursor(after: Option<(f64, u32)>, hit: &Hit) -> bool {
    match after {
        None => true,
        Some((score, doc)) => hit.rank_cmp(&Hit { score, doc }) == Ordering::Greater,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_best_with_ties_by_ascending_doc() {
        let mut t = TopK::new(3);
        for (doc, score) in [(5, 1.0), (1, 2.0), (3, 1.0), (2, 1.0), (4, 3.0)] {
            t.push(Hit { score, doc });
        }
        assert_eq!(t.into_sorted(), vec![(4, 3.0), (1, 2.0), (2, 1.0)]);
        let mut z = TopK::new(0);
        assert!(!z.push(Hit { score: 1.0, doc: 0 }));
        assert_eq!(z.threshold(), f64::INFINITY);
    }

    #[test]
    fn cursor_excludes_the_page_before() {
        let a = Some((2.0, 5));
        assert!(!after_cursor(a, &Hit { score: 2.0, doc: 5 }));
        assert!(!after_cursor(a, &Hit { score: 2.0, doc: 4 }));
        assert!(after_cursor(a, &Hit { score: 2.0, doc: 6 }));
        assert!(after_cursor(a, &Hit { score: 1.9, doc: 0 }));
        assert!(!after_cursor(a, &Hit { score: 2.1, doc: 9 }));
    }
}
