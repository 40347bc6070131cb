//! `TermDictionary`: the terms of one field of the segment being built, each given a dense id in
//! order of first appearance.
//!
//! Every token of the corpus looks its term up here, so the lookup is the build's hottest loop. A
//! `HashMap<String, u32>` compares keys through a pointer to a separately allocated string — a
//! cache miss per token once the vocabulary outgrows the cache. Here the terms' bytes live in one
//! arena, and each slot of an open-addressing table (linear probing, at most half full) carries the
//! key's length and its first 16 bytes (zero padded) inline: a term of up to 16 bytes — nearly
//! every term — is compared within the slot the probe already loaded. A longer term's slot holds
//! its first 8 bytes and its 64-bit hash instead, so the arena is read only to confirm a match.

/// Bytes of a term held inline in its slot.
const INLINE: usize = 16;
/// Slots of an empty dictionary (a power of two).
const INITIAL_SLOTS: usize = 1 << 10;
/// FxHash's multiplier (rustc's hasher); the table takes the product's high bits.
const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Clone, Copy, Default)]
struct Slot {
    /// The term's id + 1; 0 marks an empty slot.
    id1: u32,
    len: u32,
    /// Up to 16 bytes: the term, zero padded. Longer: its first 8 bytes, then its hash.
    key: [u64; 2],
}

pub(crate) struct TermDictionary {
    slots: Vec<Slot>,
    /// Terms by id, concatenated: term `i` is `arena[starts[i]..starts[i + 1]]`.
    arena: Vec<u8>,
    starts: Vec<usize>,
}

/// Up to 8 bytes of `bytes` from `at`, little-endian, zero padded. Whole words are loaded
/// directly: copying a variable length into a buffer is a call to `memcpy` in WebAssembly.
#[inline]
fn word(bytes: &[u8], at: usize) -> u64 {
    let len = bytes.len();
    if at + 8 <= len {
        u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
    } else if len >= 8 {
        // The last 8 bytes, shifted down to start at `at`.
        u64::from_le_bytes(bytes[len - 8..].try_into().expect("8 bytes")) >> (8 * (at + 8 - len))
    } else {
        bytes[at.min(len)..]
            .iter()
            .rev()
            .fold(0, |w, &b| w << 8 | u64::from(b))
    }
}

/// A term's inline key and hash.
fn key_of(term: &[u8]) -> ([u64; 2], u64) {
    let w0 = word(term, 0);
    if term.len() <= INLINE {
        let w1 = if term.len() > 8 { word(term, 8) } else { 0 };
        ([w0, w1], short_hash([w0, w1], term.len()))
    } else {
        let mut h = term.len() as u64;
        let mut chunks = term.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
        ([w0, h], h)
    }
}

fn short_hash(key: [u64; 2], len: usize) -> u64 {
    let h = (len as u64).wrapping_mul(K);
    let h = (h.rotate_left(5) ^ key[0]).wrapping_mul(K);
    (h.rotate_left(5) ^ key[1]).wrapping_mul(K)
}

impl Slot {
    fn hash(&self) -> u64 {
        if self.len as usize <= INLINE {
            short_hash(self.key, self.len as usize)
        } else {
            self.key[1]
        }
    }
}

impl TermDictionary {
    pub(crate) fn new() -> TermDictionary {
        TermDictionary {
            slots: vec![Slot::default(); INITIAL_SLOTS],
            arena: Vec::new(),
            starts: vec![0],
        }
    }

    /// The number of terms.
    pub(crate) fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Term `id`'s bytes.
    pub(crate) fn term(&self, id: u32) -> &[u8] {
        &self.arena[self.starts[id as usize]..self.starts[id as usize + 1]]
    }

    /// The id of `term`, added if new (ids count up from 0), and whether it was new.
    pub(crate) fn intern(&mut self, term: &[u8]) -> (u32, bool) {
        let (key, hash) = key_of(term);
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash);
        loop {
            let slot = self.slots[i];
            if slot.id1 == 0 {
                break;
            }
            if slot.len as usize == term.len()
                && slot.key == key
                && (term.len() <= INLINE || self.term(slot.id1 - 1) == term)
            {
                return (slot.id1 - 1, false);
            }
            i = (i + 1) & mask;
        }
        let id = self.len() as u32;
        self.slots[i] = Slot {
            id1: id + 1,
            len: term.len() as u32,
            key,
        };
        self.arena.extend_from_slice(term);
        self.starts.push(self.arena.len());
        if self.len() * 2 > self.slots.len() {
            self.grow();
        }
        (id, true)
    }

    /// Term ids in ascending byte order of their terms. Sorted by each term's first 8 bytes as a
    /// big-endian number (zero padded, which orders as the bytes do) and only on a tie by the
    /// bytes: most comparisons are then one integer compare, not a call to compare two slices of
    /// the arena.
    pub(crate) fn ids_by_term(&self) -> Vec<u32> {
        let mut keyed: Vec<(u64, u32)> = (0..self.len() as u32)
            .map(|id| (word(self.term(id), 0).swap_bytes(), id))
            .collect();
        keyed.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| self.term(a.1).cmp(self.term(b.1)))
        });
        keyed.into_iter().map(|(_, id)| id).collect()
    }

    /// The slot a hash probes first: the product's high bits, which mix every input bit.
    fn home(&self, hash: u64) -> usize {
        (hash >> (64 - self.slots.len().trailing_zeros())) as usize
    }

    fn grow(&mut self) {
        let doubled = vec![Slot::default(); self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|s| s.id1 != 0) {
            let mut i = self.home(slot.hash());
            while self.slots[i].id1 != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;
    use std::collections::HashMap;

    #[test]
    fn interns_like_a_hash_map_across_growth_and_key_lengths() {
        let mut rng = Rng::new(7);
        let mut dict = TermDictionary::new();
        let mut reference: HashMap<Vec<u8>, u32> = HashMap::new();
        for _ in 0..50_000 {
            // Lengths around the inline limit, shared prefixes, and the empty term.
            let len = rng.below(40) as usize;
            let term: Vec<u8> = (0..len).map(|_| b'a' + rng.below(3) as u8).collect();
            let next = reference.len() as u32;
            let want = *reference.entry(term.clone()).or_insert(next);
            assert_eq!(dict.intern(&term), (want, want == next));
        }
        assert_eq!(dict.len(), reference.len());
        for (term, &id) in &reference {
            assert_eq!(dict.term(id), &term[..]);
        }
        let mut sorted: Vec<(&Vec<u8>, &u32)> = reference.iter().collect();
        sorted.sort();
        let want: Vec<u32> = sorted.into_iter().map(|(_, &id)| id).collect();
        assert_eq!(dict.ids_by_term(), want);
    }

    #[test]
    fn sorts_as_the_bytes_do_with_zero_and_high_bytes_and_shared_prefixes() {
        let mut rng = Rng::new(11);
        let mut dict = TermDictionary::new();
        let mut terms = std::collections::BTreeSet::new();
        for _ in 0..20_000 {
            let len = rng.below(20) as usize;
            let term: Vec<u8> = (0..len)
                .map(|_| [0, 1, b'a', 0x7f, 0x80, 0xff][rng.below(6) as usize])
                .collect();
            dict.intern(&term);
            terms.insert(term);
        }
        let sorted: Vec<&[u8]> = dict
            .ids_by_term()
            .into_iter()
            .map(|id| dict.term(id))
            .collect();
        assert_eq!(sorted, terms.iter().map(Vec::as_slice).collect::<Vec<_>>());
    }

    #[test]
    fn a_zero_byte_does_not_make_two_short_terms_equal() {
        let mut dict = TermDictionary::new();
        assert_eq!(dict.intern(b"ab"), (0, true));
        assert_eq!(dict.intern(b"ab\0"), (1, true));
        assert_eq!(dict.intern(b"ab"), (0, false));
    }
}
