//! Writes one term's postings.
//!
//! Call order: for each term in dictionary order, `serialize_postings` once, appending to the
//! postings and positions sections. It takes each document's id and positions (its tf is their
//! count) and expects doc ids strictly ascending, at least one position per document, and positions
//! ascending within each; it asserts all three, because a violation would silently corrupt
//! rankings.

use super::metas::write_metas;
use super::reader::BlockMeta;
use super::{BITSET_BLOCK, BLOCK_LEN};
use crate::codec::{
    bits_needed, bitset_len, pack, packed_len, write_bitset, write_varint, ByteWriter,
};
use crate::scoring::Bm25Saturation;

/// Per-document statistics of one field, needed to compute each block's score bounds.
pub(crate) struct FieldStats<'a> {
    pub(crate) lengths: &'a [u32],
    pub(crate) unique_terms: &'a [u32],
    /// BM25's saturation under the stored block maxima's parameters and this field's average
    /// length.
    pub(crate) saturation: Bm25Saturation,
}

/// The smallest `f32` strictly above `x` (finite, ≥ 0): the stored maximum is never below the
/// largest saturation as computed here (the query's product adds a slack for its own roundings:
/// `TermScorer::saturation_bound`).
fn f32_above(x: f64) -> f32 {
    let rounded = x as f32;
    if f64::from(rounded) > x {
        rounded
    } else {
        f32::from_bits(rounded.to_bits() + 1)
    }
}

/// Where a serialized term landed, for its dictionary entry.
pub(crate) struct SerializedTerm {
    pub(crate) doc_freq: u32,
    pub(crate) coll_freq: u64,
    pub(crate) postings_offset: u64,
    pub(crate) positions_offset: u64,
}

/// What `serialize_postings` reuses from term to term: the blocks' data follow their metas in
/// the file, and the metas' lengths are known only once every block is packed.
pub(crate) struct PostingsScratch {
    metas: Vec<BlockMeta>,
    data: Vec<u8>,
    block: Block,
}

impl Default for PostingsScratch {
    fn default() -> Self {
        PostingsScratch {
            metas: Vec::new(),
            data: Vec::new(),
            // Cleared by each term.
            block: Block {
                docs: [0; BLOCK_LEN],
                tfs: [0; BLOCK_LEN],
                gaps: [0; BLOCK_LEN],
                len: 0,
                positions_offset: 0,
                max_tf: 0,
                min_len: 0,
                min_unique: 0,
                max_saturation: 0.0,
            },
        }
    }
}

/// One block being gathered: its documents, their tfs less one, and the bounds of their scores
/// (`gaps` is where `finish_block` packs from).
struct Block {
    docs: [u32; BLOCK_LEN],
    tfs: [u32; BLOCK_LEN],
    gaps: [u32; BLOCK_LEN],
    len: usize,
    positions_offset: u32,
    max_tf: u32,
    min_len: u32,
    min_unique: u32,
    max_saturation: f64,
}

/// Appends one term's postings: `docs` gives each document's id and its positions, in document
/// order.
pub(crate) fn serialize_postings<'a>(
    docs: impl IntoIterator<Item = (u32, &'a [u32])>,
    stats: &FieldStats,
    postings: &mut ByteWriter,
    positions: &mut ByteWriter,
    scratch: &mut PostingsScratch,
) -> SerializedTerm {
    let postings_offset = postings.len() as u64;
    let positions_offset = positions.len() as u64;
    let PostingsScratch { metas, data, block } = scratch;
    metas.clear();
    data.clear();
    block.clear();
    let mut previous: Option<u32> = None;
    let (mut doc_freq, mut coll_freq) = (0u32, 0u64);
    for (doc, doc_positions) in docs {
        assert!(
            previous.map_or(true, |p| doc > p),
            "doc ids strictly ascending"
        );
        let tf = doc_positions.len() as u32;
        assert!(tf >= 1, "every tf at least 1");
        if block.len == 0 {
            block.positions_offset = (positions.len() as u64 - positions_offset) as u32;
        }
        block.docs[block.len] = doc;
        block.tfs[block.len] = tf - 1;
        block.len += 1;
        let d = doc as usize;
        block.max_tf = block.max_tf.max(tf);
        block.min_len = block.min_len.min(stats.lengths[d]);
        block.min_unique = block.min_unique.min(stats.unique_terms[d]);
        block.max_saturation = block
            .max_saturation
            .max(stats.saturation.of(tf, stats.lengths[d]));
        let mut prev = 0u32;
        for (j, &p) in doc_positions.iter().enumerate() {
            assert!(j == 0 || p > prev, "positions ascending within a doc");
            write_varint(&mut positions.buf, p - prev);
            prev = p;
        }
        previous = Some(doc);
        doc_freq += 1;
        coll_freq += u64::from(tf);
        if block.len == BLOCK_LEN {
            finish_block(block, metas, data);
        }
    }
    assert!(doc_freq > 0, "a term without postings cannot be serialized");
    if block.len > 0 {
        finish_block(block, metas, data);
    }
    write_metas(metas, &mut postings.buf);
    postings.bytes(data);
    SerializedTerm {
        doc_freq,
        coll_freq,
        postings_offset,
        positions_offset,
    }
}

/// Packs a gathered block onto `data`, records its meta, and empties it.
fn finish_block(block: &mut Block, metas: &mut Vec<BlockMeta>, data: &mut Vec<u8>) {
    let len = block.len;
    let docs = &block.docs[..len];
    // Gaps from the previous block's last doc + 1 (0 for the first block).
    let block_base = metas.last().map_or(0, |m| m.last_doc + 1);
    let gaps = &mut block.gaps[..len];
    let mut base = block_base;
    for (gap, &doc) in gaps.iter_mut().zip(docs) {
        *gap = doc - base;
        base = doc + 1;
    }
    let data_offset = data.len() as u32;
    let doc_bits = bits_needed(gaps.iter().copied().max().unwrap_or(0));
    let tf_bits = bits_needed(block.tfs[..len].iter().copied().max().unwrap_or(0));
    let span = (docs[len - 1] - block_base) as usize + 1;
    if bitset_len(span) <= packed_len(len, doc_bits) {
        data.push(BITSET_BLOCK);
        data.push(tf_bits);
        write_bitset(docs.iter().map(|&d| d - block_base), span, data);
    } else {
        data.push(doc_bits);
        data.push(tf_bits);
        pack(gaps, doc_bits, data);
    }
    pack(&block.tfs[..len], tf_bits, data);
    metas.push(BlockMeta {
        last_doc: docs[len - 1],
        data_offset,
        positions_offset: block.positions_offset,
        max_tf: block.max_tf,
        min_len: block.min_len,
        min_unique: block.min_unique,
        max_saturation: f32_above(block.max_saturation),
    });
    block.clear();
}

impl Block {
    fn clear(&mut self) {
        self.len = 0;
        self.max_tf = 0;
        self.min_len = u32::MAX;
        self.min_unique = u32::MAX;
        self.max_saturation = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serialize(docs: &[(u32, &[u32])]) {
        let (lengths, unique) = (vec![10u32; 8], vec![5u32; 8]);
        let stats = FieldStats {
            lengths: &lengths,
            unique_terms: &unique,
            saturation: Bm25Saturation::new(0.9, 0.4, 10.0),
        };
        let (mut postings, mut positions) = (ByteWriter::default(), ByteWriter::default());
        let mut scratch = PostingsScratch::default();
        serialize_postings(
            docs.iter().copied(),
            &stats,
            &mut postings,
            &mut positions,
            &mut scratch,
        );
    }

    #[test]
    fn ascending_documents_and_positions_are_written() {
        serialize(&[(0, &[0, 3]), (4, &[2]), (7, &[1, 2, 9])]);
    }

    #[test]
    #[should_panic(expected = "doc ids strictly ascending")]
    fn a_repeated_document_is_refused() {
        serialize(&[(1, &[0]), (1, &[2])]);
    }

    #[test]
    #[should_panic(expected = "doc ids strictly ascending")]
    fn a_descending_document_is_refused() {
        serialize(&[(4, &[0]), (1, &[2])]);
    }

    #[test]
    #[should_panic(expected = "every tf at least 1")]
    fn a_document_without_positions_is_refused() {
        serialize(&[(1, &[0]), (2, &[])]);
    }

    #[test]
    #[should_panic(expected = "positions ascending within a doc")]
    fn positions_out_of_order_are_refused() {
        serialize(&[(1, &[3, 3])]);
    }

    #[test]
    #[should_panic(expected = "a term without postings cannot be serialized")]
    fn a_term_without_documents_is_refused() {
        serialize(&[]);
    }
}
