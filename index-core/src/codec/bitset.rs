//! A run of bits stored as little-endian 64-bit words: a dense postings block's documents, bit
//! `i` set when document `base + i` holds the term.
//!
//! Reading one needs no prefix sum: whether a document is in it is one bit, the next document one
//! `trailing_zeros`, and a document's rank (its index in the block, to find its term frequency)
//! the population count of the words before it.

/// Bytes that hold `span` bits, in whole words.
pub(crate) fn bitset_len(span: usize) -> usize {
    (span + 63) / 64 * 8
}

/// Appends the bit set of `offsets` (ascending, each below `span`).
pub(crate) fn write_bitset(offsets: impl Iterator<Item = u32>, span: usize, out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + bitset_len(span), 0);
    for i in offsets {
        debug_assert!((i as usize) < span, "offset {} past a span of {}", i, span);
        out[start + i as usize / 8] |= 1 << (i % 8);
    }
}

/// A bit set as stored, checked by `new`: exactly `count` bits set, the last of them bit
/// `span - 1`.
#[derive(Clone, Copy, Default)]
pub(crate) struct Bitset<'a> {
    words: &'a [u8],
}

impl<'a> Bitset<'a> {
    /// The set of `span` (≥ 1) bits at the start of `data`, or `None` when `data` is too short or
    /// the bits are not `count` with the last at `span - 1` — so `next_set` from any bit up to
    /// that one finds a set bit inside the words.
    pub(crate) fn new(data: &'a [u8], span: usize, count: usize) -> Option<Self> {
        let set = Bitset {
            words: data.get(..bitset_len(span))?,
        };
        let last = span.checked_sub(1)?;
        let ones: u32 = (0..set.words.len() / 8)
            .map(|k| set.word(k).count_ones())
            .sum();
        let top = set.word(last / 64) >> (last % 64);
        (ones as usize == count && top == 1).then_some(set)
    }

    /// The bytes this set occupies.
    pub(crate) fn byte_len(&self) -> usize {
        self.words.len()
    }

    #[inline]
    fn word(&self, k: usize) -> u64 {
        let b = &self.words[k * 8..k * 8 + 8];
        u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
    }

    /// The first set bit at or after `from` (which must not pass the last set bit).
    #[inline]
    pub(crate) fn next_set(&self, from: usize) -> usize {
        let mut k = from / 64;
        let mut w = self.word(k) & (u64::MAX << (from % 64));
        while w == 0 {
            k += 1;
            w = self.word(k);
        }
        k * 64 + w.trailing_zeros() as usize
    }

    /// How many bits below `bit` are set.
    #[inline]
    pub(crate) fn rank(&self, bit: usize) -> usize {
        let k = bit / 64;
        let below: u32 = (0..k).map(|j| self.word(j).count_ones()).sum();
        let partial = self.word(k) & ((1u64 << (bit % 64)) - 1);
        (below + partial.count_ones()) as usize
    }

    /// Bits `offset .. offset + 64` of the set as one word (bit 0 of the word is bit `offset`),
    /// those outside the set reading as zero: the set lined up with another window of documents.
    #[inline]
    pub(crate) fn bits_from(&self, offset: i64) -> u64 {
        let words = (self.words.len() / 8) as i64;
        let word = |k: i64| {
            if (0..words).contains(&k) {
                self.word(k as usize)
            } else {
                0
            }
        };
        let (k, r) = (offset.div_euclid(64), offset.rem_euclid(64) as u32);
        if r == 0 {
            word(k)
        } else {
            word(k) >> r | word(k + 1) << (64 - r)
        }
    }

    /// Writes `base + i` for every set bit `i`, in order, to `out` (which holds exactly as many).
    pub(crate) fn decode(&self, base: u32, out: &mut [u32]) {
        let mut n = 0;
        for k in 0..self.words.len() / 8 {
            let mut w = self.word(k);
            while w != 0 {
                out[n] = base + (k * 64) as u32 + w.trailing_zeros();
                w &= w - 1;
                n += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;

    #[test]
    fn round_trip_next_set_and_rank_against_a_plain_list() {
        let mut rng = Rng::new(17);
        for round in 0..200 {
            let span = 1 + rng.below(700) as usize;
            let density = [0.02, 0.3, 0.9, 1.0][round % 4];
            let mut offsets: Vec<u32> = (0..span as u32 - 1)
                .filter(|_| rng.chance(density))
                .collect();
            offsets.push(span as u32 - 1);
            let mut bytes = vec![7u8];
            write_bitset(offsets.iter().copied(), span, &mut bytes);
            let set = Bitset::new(&bytes[1..], span, offsets.len()).expect("a valid set");
            assert_eq!(set.byte_len(), bytes.len() - 1);
            let mut out = vec![0; offsets.len()];
            set.decode(1000, &mut out);
            assert!(out.iter().zip(&offsets).all(|(&d, &o)| d == 1000 + o));
            for from in 0..span {
                let next = offsets.iter().position(|&o| o as usize >= from).unwrap();
                assert_eq!(set.next_set(from), offsets[next] as usize, "from {}", from);
                assert_eq!(set.rank(from), next, "rank {}", from);
            }
        }
    }

    #[test]
    fn a_window_of_64_bits_from_any_offset() {
        let mut rng = Rng::new(23);
        let span = 300;
        let offsets: Vec<u32> = (0..span as u32).filter(|_| rng.chance(0.4)).collect();
        let mut bytes = Vec::new();
        write_bitset(offsets.iter().copied(), span, &mut bytes);
        let set = Bitset { words: &bytes };
        for offset in -70i64..370 {
            let expect = (0..64)
                .filter(|i| offsets.contains(&((offset + i) as u32)) && offset + i >= 0)
                .fold(0u64, |w, i| w | 1 << i);
            assert_eq!(set.bits_from(offset), expect, "offset {}", offset);
        }
    }

    #[test]
    fn sets_that_do_not_match_their_count_or_span_are_refused() {
        let mut bytes = Vec::new();
        write_bitset([0, 5, 9].iter().copied(), 10, &mut bytes);
        assert!(Bitset::new(&bytes, 10, 3).is_some());
        assert!(Bitset::new(&bytes, 10, 4).is_none(), "count");
        assert!(Bitset::new(&bytes, 11, 3).is_none(), "last bit not set");
        let mut past = Vec::new();
        write_bitset([0, 5, 8, 9].iter().copied(), 10, &mut past);
        assert!(Bitset::new(&past, 9, 4).is_none(), "a bit past the span");
        assert!(Bitset::new(&bytes, 65, 3).is_none(), "truncated");
        assert!(Bitset::new(&bytes, 0, 0).is_none(), "empty span");
    }
}
