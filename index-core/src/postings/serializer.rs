//! Writes one term's postings.
//!
//! Call order: for each term in dictionary order, `serialize_postings` once, appending to the
//! postings and positions sections. It expects doc ids strictly ascending, every tf ≥ 1, and
//! `positions.len() == sum(tfs)` with positions ascending within each doc; it asserts all three,
//! because a violation would silently corrupt rankings.

use super::metas::write_metas;
use super::reader::BlockMeta;
use super::{PostingList, BITSET_BLOCK, BLOCK_LEN};
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

pub(crate) fn serialize_postings(
    list: &PostingList,
    stats: &FieldStats,
    postings: &mut ByteWriter,
    positions: &mut ByteWriter,
) -> SerializedTerm {
    let n = list.docs.len();
    assert!(n > 0, "a term without postings cannot be serialized");
    assert_eq!(n, list.tfs.len(), "one tf per doc");
    assert!(
        list.docs.windows(2).all(|w| w[0] < w[1]),
        "doc ids strictly ascending"
    );
    assert!(list.tfs.iter().all(|&tf| tf >= 1), "every tf at least 1");
    let coll_freq: u64 = list.tfs.iter().map(|&t| t as u64).sum();
    assert_eq!(
        coll_freq as usize,
        list.positions.len(),
        "tf positions per doc"
    );

    let postings_offset = postings.len() as u64;
    let positions_offset = positions.len() as u64;
    let blocks = (n + BLOCK_LEN - 1) / BLOCK_LEN;

    // Metas first (`metas::write_metas`), then the packed blocks.
    let mut metas = Vec::with_capacity(blocks);
    let mut data = Vec::new();
    let mut gaps = [0u32; BLOCK_LEN];
    let mut tfs = [0u32; BLOCK_LEN];
    let mut next_base = 0u32;
    let mut pos_cursor = 0usize;
    let pos_start = positions.len();
    for b in 0..blocks {
        let lo = b * BLOCK_LEN;
        let hi = (lo + BLOCK_LEN).min(n);
        let len = hi - lo;
        let docs = &list.docs[lo..hi];
        let block_base = next_base;
        let mut base = next_base;
        let (mut max_tf, mut min_len, mut min_unique) = (0u32, u32::MAX, u32::MAX);
        let mut max_saturation = 0f64;
        for i in 0..len {
            gaps[i] = docs[i] - base;
            base = docs[i] + 1;
            tfs[i] = list.tfs[lo + i] - 1;
            let d = docs[i] as usize;
            max_tf = max_tf.max(list.tfs[lo + i]);
            min_len = min_len.min(stats.lengths[d]);
            min_unique = min_unique.min(stats.unique_terms[d]);
            max_saturation =
                max_saturation.max(stats.saturation.of(list.tfs[lo + i], stats.lengths[d]));
        }
        next_base = base;
        let data_offset = data.len() as u32;
        let doc_bits = bits_needed(gaps[..len].iter().copied().max().unwrap_or(0));
        let tf_bits = bits_needed(tfs[..len].iter().copied().max().unwrap_or(0));
        let span = (docs[len - 1] - block_base) as usize + 1;
        if bitset_len(span) <= packed_len(len, doc_bits) {
            data.push(BITSET_BLOCK);
            data.push(tf_bits);
            write_bitset(docs.iter().map(|&d| d - block_base), span, &mut data);
        } else {
            data.push(doc_bits);
            data.push(tf_bits);
            pack(&gaps[..len], doc_bits, &mut data);
        }
        pack(&tfs[..len], tf_bits, &mut data);

        let block_pos_offset = (positions.len() - pos_start) as u32;
        for i in 0..len {
            let tf = list.tfs[lo + i] as usize;
            let mut prev = 0u32;
            for (j, &p) in list.positions[pos_cursor..pos_cursor + tf]
                .iter()
                .enumerate()
            {
                assert!(j == 0 || p > prev, "positions ascending within a doc");
                write_varint(&mut positions.buf, p - prev);
                prev = p;
            }
            pos_cursor += tf;
        }

        metas.push(BlockMeta {
            last_doc: docs[len - 1],
            data_offset,
            positions_offset: block_pos_offset,
            max_tf,
            min_len,
            min_unique,
            max_saturation: f32_above(max_saturation),
        });
    }
    write_metas(&metas, &mut postings.buf);
    postings.bytes(&data);
    SerializedTerm {
        doc_freq: n as u32,
        coll_freq,
        postings_offset,
        positions_offset,
    }
}
