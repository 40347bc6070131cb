//! postings/: which documents contain this term, how often, and where?
//!
//! A term's postings are a sorted list of doc ids with a term frequency each, cut into blocks of
//! `BLOCK_LEN` documents. Every block has a `BlockMeta` (varints in the file, fixed-size once read:
//! `metas`) — its last doc id (to skip without decoding), where its data and positions start, and
//! what bounds the score any of its documents can reach: the largest BM25 saturation of its
//! documents under the default parameters (an exact bound for the default ranker), and for every
//! other ranker the (largest tf, shortest document, fewest distinct terms) corner. Top-k search reads only these metas to skip blocks that
//! cannot enter the results. A block's doc ids are bit-packed gaps, or a bit set over the block's
//! span when that is no larger (`BITSET_BLOCK`), which is read without decoding.
//!
//! `serializer` writes a term's postings (inverted in memory, or decoded during a merge) in this layout;
//! `reader` walks it in place, straight from the index buffer. The byte layout is in FORMAT.md.

mod metas;
mod reader;
mod serializer;

pub(crate) use metas::expand;
#[cfg(test)]
pub(crate) use reader::BLOCKS_DECODED;
pub(crate) use reader::{PostingCursor, TermPostings};
pub(crate) use serializer::{serialize_postings, FieldStats, PostingsScratch};

/// Documents per block. 128 matches Lucene and PISA: one block decodes into a few cache lines, and
/// skipping block by block is fine-grained enough for block-max pruning.
pub(crate) const BLOCK_LEN: usize = 128;

/// The doc-bits byte of a block stored as a bit set (a width no packed block has): its documents
/// are the set bits of the span from the block's base to its last doc, when that takes no more
/// bytes than their packed gaps (Lucene's dense blocks, since 10.1). A seek into such a block is a
/// bit scan, not a decode.
pub(crate) const BITSET_BLOCK: u8 = u8::MAX;

/// Size in bytes of one `BlockMeta` record as read (in the file they are variable: `metas`).
pub(crate) const BLOCK_META_LEN: usize = 28;

/// How many blocks hold `doc_freq` postings. In u64: a doc freq near 2³² must not wrap a 32-bit
/// (WebAssembly) usize to no blocks.
pub(crate) fn block_count(doc_freq: u32) -> u64 {
    (u64::from(doc_freq) + BLOCK_LEN as u64 - 1) / BLOCK_LEN as u64
}

/// The doc id returned by a cursor that has run past its last posting.
pub(crate) const DOC_END: u32 = u32::MAX;

/// One term's postings in memory: ascending doc ids, one tf per doc, and `tf` positions per doc
/// (ascending within a doc) concatenated in doc order.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct PostingList {
    pub(crate) docs: Vec<u32>,
    pub(crate) tfs: Vec<u32>,
    pub(crate) positions: Vec<u32>,
}

impl PostingList {
    pub(crate) fn clear(&mut self) {
        self.docs.clear();
        self.tfs.clear();
        self.positions.clear();
    }

    /// Each document's id and positions, as `serialize_postings` takes them.
    pub(crate) fn per_doc(&self) -> impl Iterator<Item = (u32, &[u32])> + '_ {
        assert_eq!(self.docs.len(), self.tfs.len(), "one tf per doc");
        assert_eq!(
            self.tfs.iter().map(|&tf| tf as usize).sum::<usize>(),
            self.positions.len(),
            "tf positions per doc"
        );
        let mut at = 0;
        self.docs.iter().zip(&self.tfs).map(move |(&doc, &tf)| {
            let positions = &self.positions[at..at + tf as usize];
            at += tf as usize;
            (doc, positions)
        })
    }
}
