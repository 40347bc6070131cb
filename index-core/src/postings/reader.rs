//! Reads one term's postings in place from their bytes (read from the file on first use).
//!
//! `PostingCursor` is the iterator search uses: `doc()` is the current doc id (`DOC_END` when
//! exhausted), `advance()` moves to the next posting, `seek(target)` to the first doc ≥ target,
//! skipping whole blocks through their metas without decoding them. `block_for(target)`
//! ("shallow advance") names the block that would hold `target`, without moving. A block stored as
//! a bit set is not decoded to be sought in: the cursor scans its bits, and decodes its doc ids
//! only when its postings are scanned together (`block_docs`, `block_postings`).

use super::{BITSET_BLOCK, BLOCK_LEN, BLOCK_META_LEN, DOC_END};
use crate::codec::{packed_len, read_varint, unpack, unpack_in_bounds, unpack_one, Bitset, Finish};
use crate::error::{Error, Result};

#[cfg(test)]
thread_local! {
    /// Blocks whose doc ids were decoded on this thread (a bit set read in place is not): tests
    /// check that pruning skips blocks, not only scores.
    pub(crate) static BLOCKS_DECODED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A block's skip data and score-bound statistics (in memory `BLOCK_META_LEN` bytes: six
/// little-endian u32, then an f32; in the file varints, `metas`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BlockMeta {
    pub(crate) last_doc: u32,
    pub(crate) data_offset: u32,
    pub(crate) positions_offset: u32,
    pub(crate) max_tf: u32,
    pub(crate) min_len: u32,
    pub(crate) min_unique: u32,
    /// The largest BM25 saturation of the block's documents under the index's block-max
    /// parameters, rounded up.
    pub(crate) max_saturation: f32,
}

impl BlockMeta {
    /// Reads the fixed record `write_fixed` wrote.
    fn read_fixed(m: &[u8]) -> BlockMeta {
        let w = |k: usize| u32::from_le_bytes([m[k * 4], m[k * 4 + 1], m[k * 4 + 2], m[k * 4 + 3]]);
        BlockMeta {
            last_doc: w(0),
            data_offset: w(1),
            positions_offset: w(2),
            max_tf: w(3),
            min_len: w(4),
            min_unique: w(5),
            max_saturation: f32::from_bits(w(6)),
        }
    }

    /// Appends the fixed record of `BLOCK_META_LEN` bytes that `TermPostings` indexes.
    pub(crate) fn write_fixed(&self, out: &mut Vec<u8>) {
        for v in [
            self.last_doc,
            self.data_offset,
            self.positions_offset,
            self.max_tf,
            self.min_len,
            self.min_unique,
            self.max_saturation.to_bits(),
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
}

/// A term's postings as read (`metas::expand`): the fixed block metas and the packed blocks. (Its
/// positions are read separately, only for phrases: `Segment::positions`.)
#[derive(Clone, Copy)]
pub(crate) struct TermPostings<'a> {
    pub(crate) doc_freq: u32,
    metas: &'a [u8],
    data: &'a [u8],
}

impl<'a> TermPostings<'a> {
    /// `postings` are this term's bytes as `metas::expand` makes them (they may run on past
    /// them); `doc_freq` tells how many blocks there are.
    pub(crate) fn new(doc_freq: u32, postings: &'a [u8]) -> Result<Self> {
        let meta_len = super::block_count(doc_freq) * BLOCK_META_LEN as u64;
        if doc_freq == 0 || (postings.len() as u64) < meta_len {
            return Err(Error::corrupt("a term's postings are truncated or empty"));
        }
        let meta_len = meta_len as usize;
        Ok(TermPostings {
            doc_freq,
            metas: &postings[..meta_len],
            data: &postings[meta_len..],
        })
    }

    pub(crate) fn block_count(&self) -> usize {
        self.metas.len() / BLOCK_META_LEN
    }

    /// The last doc id of block `b` (the skip data alone, without decoding the rest of the meta).
    #[inline]
    fn last_doc(&self, b: usize) -> u32 {
        let m = &self.metas[b * BLOCK_META_LEN..b * BLOCK_META_LEN + 4];
        u32::from_le_bytes([m[0], m[1], m[2], m[3]])
    }

    pub(crate) fn block_meta(&self, b: usize) -> BlockMeta {
        BlockMeta::read_fixed(&self.metas[b * BLOCK_META_LEN..(b + 1) * BLOCK_META_LEN])
    }

    /// Appends every posting, doc ids shifted by `base`, to `out` — sequentially, for merging;
    /// `positions` are the term's positions.
    pub(crate) fn decode_into(
        &self,
        base: u32,
        positions: &[u8],
        out: &mut crate::postings::PostingList,
    ) -> Result<()> {
        let mut c = self.cursor()?;
        let mut at = 0usize;
        while c.doc() != DOC_END {
            out.docs.push(base + c.doc());
            let tf = c.tf();
            out.tfs.push(tf);
            let mut p = 0u32;
            for j in 0..tf {
                let gap = read_varint(positions, &mut at)?;
                p = if j == 0 {
                    gap
                } else {
                    p.checked_add(gap)
                        .ok_or_else(|| Error::corrupt("a position overflows"))?
                };
                out.positions.push(p);
            }
            c.advance()?;
        }
        Ok(())
    }

    pub(crate) fn cursor(&self) -> Result<PostingCursor<'a>> {
        let mut c = PostingCursor {
            postings: *self,
            block: 0,
            len: 0,
            at: 0,
            docs: [0; BLOCK_LEN],
            bits: Bitset::default(),
            base: 0,
            last: 0,
            dense: false,
            docs_decoded: true,
            tfs: [0; BLOCK_LEN],
            tf_data: &[],
            tf_bits: 0,
            tfs_decoded: false,
            doc: DOC_END,
            shallow: 0,
        };
        c.load_block(0)?;
        Ok(c)
    }
}

/// A block stored as a bit set, read in place: doc `base + i` holds the term for each set bit `i`
/// (up to `last`).
#[derive(Clone, Copy)]
pub(crate) struct DenseBlock<'a> {
    bits: Bitset<'a>,
    pub(crate) base: u32,
    pub(crate) last: u32,
    tf_data: &'a [u8],
    tf_bits: u8,
}

impl<'a> DenseBlock<'a> {
    /// Which of the 64 documents from `first` hold the term (bit `i` for document `first + i`).
    #[inline]
    pub(crate) fn docs_from(&self, first: u32) -> u64 {
        self.bits.bits_from(i64::from(first) - i64::from(self.base))
    }

    /// The term frequency of `doc`, which must hold the term.
    #[inline]
    pub(crate) fn tf(&self, doc: u32) -> u32 {
        unpack_one(
            self.tf_data,
            self.tf_bits,
            self.bits.rank((doc - self.base) as usize),
        ) + 1
    }
}

/// How many postings `seek` steps through one by one before it bisects the rest of the block.
const NEAR: usize = 8;

#[derive(Clone)]
pub(crate) struct PostingCursor<'a> {
    postings: TermPostings<'a>,
    block: usize,
    len: usize,
    at: usize,
    /// The block's doc ids, when `docs_decoded`; a block stored as a bit set is read from `bits`
    /// (doc `base + i` for each set bit `i`) until its postings are scanned together.
    docs: [u32; BLOCK_LEN],
    bits: Bitset<'a>,
    base: u32,
    last: u32,
    dense: bool,
    docs_decoded: bool,
    tfs: [u32; BLOCK_LEN],
    /// The block's packed tfs, decoded only when the block's postings are scanned (`block_postings`,
    /// `positions`); `tf` reads one in place. Counting and skipping never need them.
    tf_data: &'a [u8],
    tf_bits: u8,
    tfs_decoded: bool,
    doc: u32,
    shallow: usize,
}

impl<'a> PostingCursor<'a> {
    #[inline]
    pub(crate) fn doc(&self) -> u32 {
        self.doc
    }

    #[inline]
    pub(crate) fn tf(&self) -> u32 {
        if self.tfs_decoded {
            self.tfs[self.at]
        } else {
            // One candidate's tf (the common case: a term sought to a candidate) is read in place;
            // decoding the block's 128 cost more than the rest of its evaluation.
            unpack_one(self.tf_data, self.tf_bits, self.at) + 1
        }
    }

    fn decode_tfs(&mut self) {
        // load_block checked that tf_data holds the packed tfs, so this cannot fail.
        let tfs = &mut self.tfs[..self.len];
        unpack_in_bounds::<{ Finish::PLUS_ONE }>(self.tf_data, self.tf_bits, 0, tfs);
        self.tfs_decoded = true;
    }

    pub(crate) fn doc_freq(&self) -> u32 {
        self.postings.doc_freq
    }

    fn load_block(&mut self, b: usize) -> Result<()> {
        self.block = b;
        self.at = 0;
        if b >= self.postings.block_count() {
            self.doc = DOC_END;
            self.len = 0;
            self.dense = false;
            self.docs_decoded = true;
            return Ok(());
        }
        let meta = self.postings.block_meta(b);
        let len = if b + 1 == self.postings.block_count() {
            self.postings.doc_freq as usize - b * BLOCK_LEN
        } else {
            BLOCK_LEN
        };
        let data = self
            .postings
            .data
            .get(meta.data_offset as usize..)
            .filter(|d| d.len() >= 2)
            .ok_or_else(|| Error::corrupt("a postings block starts past the end of its section"))?;
        let (doc_bits, tf_bits) = (data[0], data[1]);
        let base = if b == 0 {
            0
        } else {
            self.postings.last_doc(b - 1).wrapping_add(1)
        };
        let doc_bytes = if doc_bits == BITSET_BLOCK {
            // A bit set is chosen only when it is no larger than the packed gaps (≤ 32 bits each),
            // so its span is at most 32 bits a document.
            let bits = meta
                .last_doc
                .checked_sub(base)
                .filter(|&gap| (gap as usize) < len * 32)
                .and_then(|gap| Bitset::new(&data[2..], gap as usize + 1, len))
                .ok_or_else(|| {
                    Error::corrupt(
                        "a dense postings block's bit set is truncated or does not hold its documents",
                    )
                })?;
            self.bits = bits;
            self.dense = true;
            self.docs_decoded = false;
            self.doc = base + bits.next_set(0) as u32;
            bits.byte_len()
        } else {
            #[cfg(test)]
            BLOCKS_DECODED.with(|n| n.set(n.get() + 1));
            unpack::<{ Finish::DOC_GAPS }>(&data[2..], doc_bits, base, &mut self.docs[..len])?;
            if self.docs[len - 1] != meta.last_doc {
                return Err(Error::corrupt(
                    "a postings block does not end at the doc id its skip data names",
                ));
            }
            self.dense = false;
            self.docs_decoded = true;
            self.doc = self.docs[0];
            packed_len(len, doc_bits)
        };
        let tf_data = data.get(2 + doc_bytes..).unwrap_or(&[]);
        if tf_bits > 32 || tf_data.len() < packed_len(len, tf_bits) {
            return Err(Error::corrupt(
                "a postings block's term frequencies are truncated or malformed",
            ));
        }
        self.tf_data = tf_data;
        self.tf_bits = tf_bits;
        self.tfs_decoded = false;
        self.base = base;
        self.last = meta.last_doc;
        self.len = len;
        Ok(())
    }

    fn decode_docs(&mut self) {
        if !self.docs_decoded {
            #[cfg(test)]
            BLOCKS_DECODED.with(|n| n.set(n.get() + 1));
            self.bits.decode(self.base, &mut self.docs[..self.len]);
            self.docs_decoded = true;
        }
    }

    /// Moves to the next posting; `DOC_END` after the last.
    #[inline]
    pub(crate) fn advance(&mut self) -> Result<u32> {
        self.at += 1;
        if self.at < self.len {
            self.doc = if self.docs_decoded {
                self.docs[self.at]
            } else {
                self.base + self.bits.next_set((self.doc - self.base) as usize + 1) as u32
            };
            Ok(self.doc)
        } else {
            self.load_block(self.block + 1)?;
            Ok(self.doc)
        }
    }

    /// The doc ids from the current posting to the end of its block.
    #[inline]
    pub(crate) fn block_docs(&mut self) -> &[u32] {
        self.decode_docs();
        &self.docs[self.at..self.len]
    }

    /// The doc ids and term frequencies from the current posting to the end of its block.
    #[inline]
    pub(crate) fn block_postings(&mut self) -> (&[u32], &[u32]) {
        self.decode_docs();
        if !self.tfs_decoded {
            self.decode_tfs();
        }
        (&self.docs[self.at..self.len], &self.tfs[self.at..self.len])
    }

    /// The current block, when it is stored as a bit set: its postings can be intersected with
    /// other documents a word at a time, without decoding it.
    #[inline]
    pub(crate) fn dense_block(&self) -> Option<DenseBlock<'a>> {
        (self.dense && self.len > 0).then_some(DenseBlock {
            bits: self.bits,
            base: self.base,
            last: self.last,
            tf_data: self.tf_data,
            tf_bits: self.tf_bits,
        })
    }

    /// The term's number of blocks (from its document frequency).
    pub(crate) fn block_count(&self) -> usize {
        self.postings.block_count()
    }

    /// The index of the current block (`block_count` past the last).
    #[inline]
    pub(crate) fn block(&self) -> usize {
        self.block
    }

    /// The last doc id of the current block (`DOC_END` past the last block).
    #[inline]
    pub(crate) fn block_end(&self) -> u32 {
        if self.len == 0 {
            DOC_END
        } else {
            self.last
        }
    }

    /// Moves to the first posting of the next block (`DOC_END` after the last).
    pub(crate) fn next_block(&mut self) -> Result<u32> {
        self.load_block(self.block + 1)?;
        Ok(self.doc)
    }

    /// Moves to the first posting with doc id ≥ `target` (never backwards).
    pub(crate) fn seek(&mut self, target: u32) -> Result<u32> {
        if self.doc >= target {
            return Ok(self.doc);
        }
        let blocks = self.postings.block_count();
        let mut b = self.block;
        while b < blocks && self.postings.last_doc(b) < target {
            b += 1;
        }
        if b != self.block {
            self.load_block(b)?;
        }
        if self.doc >= target {
            return Ok(self.doc);
        }
        // The block's last doc is ≥ target. In a bit set that is the next set bit.
        if !self.docs_decoded {
            let bit = self.bits.next_set((target - self.base) as usize);
            self.at = self.bits.rank(bit);
            self.doc = self.base + bit as u32;
            return Ok(self.doc);
        }
        // Most seeks land within a few postings; a far one (a
        // block just loaded, a sparse candidate) is found by bisection.
        let docs = &self.docs[self.at..self.len];
        self.at += if docs.len() > NEAR && docs[NEAR - 1] < target {
            NEAR + docs[NEAR..].partition_point(|&d| d < target)
        } else {
            docs.iter().take_while(|&&d| d < target).count()
        };
        self.doc = self.docs[self.at];
        Ok(self.doc)
    }

    /// The index of the block that holds `target` if this term contains it (the first block whose
    /// last doc is ≥ target), or `None` past the last block: a "shallow advance", which reads only
    /// the skip data and does not move the cursor. Targets must not decrease between calls.
    #[inline]
    pub(crate) fn block_for(&mut self, target: u32) -> Option<usize> {
        let blocks = self.postings.block_count();
        if self.shallow < self.block {
            self.shallow = self.block;
        }
        while self.shallow < blocks && self.postings.last_doc(self.shallow) < target {
            self.shallow += 1;
        }
        if self.shallow < blocks {
            Some(self.shallow)
        } else {
            None
        }
    }

    /// The last doc id of block `b` (< `block_count`).
    #[inline]
    pub(crate) fn block_last_doc(&self, b: usize) -> u32 {
        self.postings.last_doc(b)
    }

    /// Decodes the positions of the current doc into `out` (cleared first); `data` are the term's
    /// positions.
    pub(crate) fn positions(&mut self, data: &[u8], out: &mut Vec<u32>) -> Result<()> {
        out.clear();
        if !self.tfs_decoded {
            self.decode_tfs();
        }
        let meta = self.postings.block_meta(self.block);
        let mut at = meta.positions_offset as usize;
        if at > data.len() {
            return Err(Error::corrupt(
                "positions start past the end of their section",
            ));
        }
        for i in 0..=self.at {
            let mut p = 0u32;
            for j in 0..self.tfs[i] {
                let gap = read_varint(data, &mut at)?;
                p = if j == 0 {
                    gap
                } else {
                    p.checked_add(gap)
                        .ok_or_else(|| Error::corrupt("a position overflows"))?
                };
                if i == self.at {
                    out.push(p);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::codec::ByteWriter;
    use crate::postings::{serialize_postings, FieldStats, PostingList, PostingsScratch, DOC_END};
    use crate::testing::Rng;

    fn random_list(rng: &mut Rng, n_docs: u32, density: f64) -> PostingList {
        let mut list = PostingList::default();
        for d in 0..n_docs {
            if rng.chance(density) {
                let spread = if rng.chance(0.05) { 300 } else { 4 };
                let tf = 1 + rng.below(spread) as u32;
                list.docs.push(d);
                list.tfs.push(tf);
                let mut p = rng.below(5) as u32;
                for _ in 0..tf {
                    list.positions.push(p);
                    p += 1 + rng.below(1000) as u32;
                }
            }
        }
        if list.docs.is_empty() {
            list.docs.push(n_docs - 1);
            list.tfs.push(1);
            list.positions.push(0);
        }
        list
    }

    /// BM25's saturation under the default parameters, for lengths averaging about 18.
    fn saturation() -> crate::scoring::Bm25Saturation {
        crate::scoring::Bm25Saturation::new(0.9, 0.4, 18.0)
    }

    fn write(list: &PostingList, n_docs: usize) -> (Vec<u8>, Vec<u8>) {
        let lengths: Vec<u32> = (0..n_docs as u32).map(|d| 10 + d % 17).collect();
        let unique: Vec<u32> = (0..n_docs as u32).map(|d| 5 + d % 7).collect();
        let stats = FieldStats {
            lengths: &lengths,
            unique_terms: &unique,
            saturation: saturation(),
        };
        let (mut p, mut q) = (ByteWriter::default(), ByteWriter::default());
        p.bytes(&[9, 9, 9]); // the term need not start the section
        let mut scratch = PostingsScratch::default();
        let t = serialize_postings(list.per_doc(), &stats, &mut p, &mut q, &mut scratch);
        (
            crate::postings::expand(list.docs.len() as u32, &p.buf[t.postings_offset as usize..])
                .unwrap(),
            q.buf[t.positions_offset as usize..].to_vec(),
        )
    }

    #[test]
    fn round_trip_random_lists_with_positions() {
        let mut rng = Rng::new(42);
        for round in 0..60 {
            let n_docs = 1 + rng.below(2000) as u32;
            let density = [0.001, 0.05, 0.5, 1.0][round % 4];
            let list = random_list(&mut rng, n_docs, density);
            let (p, q) = write(&list, n_docs as usize);
            let tp = super::TermPostings::new(list.docs.len() as u32, &p).unwrap();
            let mut c = tp.cursor().unwrap();
            let mut got = PostingList::default();
            let mut pos = Vec::new();
            while c.doc() != DOC_END {
                got.docs.push(c.doc());
                got.tfs.push(c.tf());
                c.positions(&q, &mut pos).unwrap();
                got.positions.extend_from_slice(&pos);
                c.advance().unwrap();
            }
            assert_eq!(got, list, "round {}", round);
        }
    }

    /// Whether block `b` of `p` (a term's postings) is stored as a bit set.
    fn is_bitset(tp: &super::TermPostings, b: usize) -> bool {
        let data = &tp.data[tp.block_meta(b).data_offset as usize..];
        data[0] == crate::postings::BITSET_BLOCK
    }

    #[test]
    fn dense_blocks_are_bit_sets_and_sparse_ones_packed() {
        let mut rng = Rng::new(8);
        // Every document: gaps of width 0, no bytes at all, smaller than any bit set.
        for (density, bitsets) in [(0.02, false), (0.5, true), (1.0, false)] {
            let list = random_list(&mut rng, 20_000, density);
            let (p, _) = write(&list, 20_000);
            let tp = super::TermPostings::new(list.docs.len() as u32, &p).unwrap();
            let full = list.docs.len() / super::BLOCK_LEN;
            assert!(
                (0..full).all(|b| is_bitset(&tp, b) == bitsets),
                "density {}",
                density
            );
        }
    }

    #[test]
    fn seek_lands_on_first_doc_at_or_after_target() {
        for (seed, density) in [(3, 0.1), (4, 0.5), (6, 0.97)] {
            seek_at_density(seed, density);
        }
    }

    fn seek_at_density(seed: u64, density: f64) {
        let mut rng = Rng::new(seed);
        let list = random_list(&mut rng, 5000, density);
        let (p, _) = write(&list, 5000);
        let tp = super::TermPostings::new(list.docs.len() as u32, &p).unwrap();
        let mut target = 0u32;
        let mut c = tp.cursor().unwrap();
        let step = if density > 0.3 { 20 } else { 300 };
        while target < 5100 {
            // Sometimes the block's postings are scanned first, so seeks run on decoded doc ids.
            if rng.chance(0.2) && c.doc() != DOC_END {
                let doc = c.doc();
                let (docs, _) = c.block_postings();
                assert_eq!(docs.first(), Some(&doc));
            }
            let expect = list
                .docs
                .iter()
                .copied()
                .find(|&d| d >= target)
                .unwrap_or(DOC_END);
            // the shallow advance never passes `expect`: the block it names holds it
            match c.block_for(target) {
                Some(b) => {
                    assert!(c.block_last_doc(b) >= expect);
                    assert!(b == 0 || c.block_last_doc(b - 1) < expect);
                }
                None => assert_eq!(expect, DOC_END),
            }
            assert_eq!(c.seek(target).unwrap(), expect);
            if expect != DOC_END {
                let i = list.docs.iter().position(|&d| d == expect).unwrap();
                assert_eq!(c.tf(), list.tfs[i]);
                // A bit set read in place agrees: the 64 documents from the target, each one's tf.
                if let Some(block) = c.dense_block() {
                    let held = block.docs_from(target);
                    for k in 0..64 {
                        let doc = target + k;
                        let at = list.docs.binary_search(&doc);
                        let inside = doc >= block.base && doc <= block.last;
                        assert_eq!(held >> k & 1 == 1, inside && at.is_ok(), "doc {}", doc);
                        if let (true, Ok(i)) = (inside, at) {
                            assert_eq!(block.tf(doc), list.tfs[i]);
                        }
                    }
                }
                // Stepping on from a seek sees the same postings as the list.
                if rng.chance(0.3) {
                    assert_eq!(
                        c.advance().unwrap(),
                        *list.docs.get(i + 1).unwrap_or(&DOC_END)
                    );
                    if let Some(&next) = list.docs.get(i + 1) {
                        target = next;
                    }
                }
            }
            target += 1 + rng.below(step) as u32;
        }
    }

    #[test]
    fn block_metas_bound_every_doc_in_the_block() {
        let mut rng = Rng::new(11);
        let list = random_list(&mut rng, 3000, 0.3);
        let (p, _) = write(&list, 3000);
        let tp = super::TermPostings::new(list.docs.len() as u32, &p).unwrap();
        for (i, chunk) in list.docs.chunks(super::BLOCK_LEN).enumerate() {
            let m = tp.block_meta(i);
            let tfs = &list.tfs[i * super::BLOCK_LEN..i * super::BLOCK_LEN + chunk.len()];
            assert_eq!(m.max_tf, *tfs.iter().max().unwrap());
            assert_eq!(m.min_len, chunk.iter().map(|d| 10 + d % 17).min().unwrap());
            assert_eq!(m.min_unique, chunk.iter().map(|d| 5 + d % 7).min().unwrap());
            // The stored BM25 maximum: above every document's saturation, by rounding only.
            let best = chunk
                .iter()
                .zip(tfs)
                .map(|(d, &tf)| saturation().of(tf, 10 + d % 17))
                .fold(0.0, f64::max);
            let stored = f64::from(m.max_saturation);
            assert!(
                stored > best && stored <= best * (1.0 + 1e-6),
                "{} for {}",
                stored,
                best
            );
            assert_eq!(m.last_doc, *chunk.last().unwrap());
        }
    }

    #[test]
    fn damaged_blocks_are_errors_not_panics() {
        let mut rng = Rng::new(5);
        let list = random_list(&mut rng, 1000, 0.5);
        let (p, _) = write(&list, 1000);
        for cut in [0, 10, p.len() / 2, p.len() - 1] {
            let res = super::TermPostings::new(list.docs.len() as u32, &p[..cut]).and_then(|tp| {
                let mut c = tp.cursor()?;
                while c.doc() != DOC_END {
                    c.advance()?;
                }
                Ok(())
            });
            assert!(res.is_err(), "cut at {}", cut);
        }
        // A bit set whose bits do not add up to its block's documents (`Bitset::new`'s tests
        // cover one that ends anywhere but at the doc id the skip data names).
        let tp = super::TermPostings::new(list.docs.len() as u32, &p).unwrap();
        assert!(
            is_bitset(&tp, 1),
            "a block of a list this dense is a bit set"
        );
        let at = super::BLOCK_META_LEN * tp.block_count() + tp.block_meta(1).data_offset as usize;
        for (byte, flip) in [(2, 0x10), (3, 0x80)] {
            let mut damaged = p.clone();
            damaged[at + byte] ^= flip;
            let tp = super::TermPostings::new(list.docs.len() as u32, &damaged).unwrap();
            let mut c = tp.cursor().unwrap();
            let e = c
                .seek(list.docs[super::BLOCK_LEN])
                .expect_err("damage found");
            assert!(e.message.contains("bit set"), "{}", e.message);
        }
    }
}
