//! A term's block metas as stored and as read. In the file they are variable-length (about ten
//! bytes a block: most terms of a small corpus are one block, and their fixed records were a tenth
//! of the index); `expand` turns them into the fixed `BLOCK_META_LEN`-byte records the cursor
//! indexes, once per term, when its postings are read.

use super::reader::BlockMeta;
use super::{block_count, BLOCK_META_LEN};
use crate::codec::{read_varint, write_varint};
use crate::error::{Error, Result};

/// The fewest bytes a stored meta takes: one for each of the four varints every block has, and the
/// saturation's four.
const MIN_META: usize = 8;

/// Appends `metas` as stored: per block its last doc (less the previous block's), its data's length
/// (not for the last block, whose data runs to the end), its positions' offset less the previous
/// block's (not for the first, at 0), max tf, min length, min distinct terms (varints) and the
/// saturation (f32).
pub(crate) fn write_metas(metas: &[BlockMeta], out: &mut Vec<u8>) {
    for (b, m) in metas.iter().enumerate() {
        let prev = b.checked_sub(1).map(|p| metas[p]);
        write_varint(out, m.last_doc - prev.map_or(0, |p| p.last_doc));
        if let Some(next) = metas.get(b + 1) {
            write_varint(out, next.data_offset - m.data_offset);
        }
        if let Some(p) = prev {
            write_varint(out, m.positions_offset - p.positions_offset);
        }
        write_varint(out, m.max_tf);
        write_varint(out, m.min_len);
        write_varint(out, m.min_unique);
        out.extend_from_slice(&m.max_saturation.to_bits().to_le_bytes());
    }
}

/// A term's postings as stored (its metas as `write_metas` wrote them, then its blocks' data) with
/// the metas rewritten as fixed records, which `TermPostings` reads.
pub(crate) fn expand(doc_freq: u32, stored: &[u8]) -> Result<Vec<u8>> {
    // At most 2²⁵: fits any usize.
    let blocks = block_count(doc_freq) as usize;
    let damaged =
        || Error::corrupt("a term's block metas do not add up: the index file is damaged");
    // A stored meta takes at least `MIN_META` bytes: a doc freq the bytes cannot hold is damage,
    // found before it sizes an allocation.
    if blocks
        .checked_mul(MIN_META)
        .map_or(true, |n| n > stored.len())
    {
        return Err(Error::corrupt(
            "a term's postings are truncated: fewer bytes than its blocks' metas",
        ));
    }
    let mut out = Vec::with_capacity(
        blocks
            .saturating_mul(BLOCK_META_LEN)
            .saturating_add(stored.len()),
    );
    let mut at = 0;
    let (mut last_doc, mut data_offset, mut positions_offset) = (0u32, 0u32, 0u32);
    for b in 0..blocks {
        let step = read_varint(stored, &mut at)?;
        last_doc = if b == 0 {
            step
        } else {
            last_doc
                .checked_add(step)
                .filter(|_| step > 0)
                .ok_or_else(damaged)?
        };
        let data_len = if b + 1 < blocks {
            Some(read_varint(stored, &mut at)?)
        } else {
            None
        };
        if b > 0 {
            positions_offset = positions_offset
                .checked_add(read_varint(stored, &mut at)?)
                .ok_or_else(damaged)?;
        }
        let max_tf = read_varint(stored, &mut at)?;
        let min_len = read_varint(stored, &mut at)?;
        let min_unique = read_varint(stored, &mut at)?;
        let saturation = stored.get(at..at + 4).ok_or_else(damaged)?;
        at += 4;
        BlockMeta {
            last_doc,
            data_offset,
            positions_offset,
            max_tf,
            min_len,
            min_unique,
            max_saturation: f32::from_le_bytes([
                saturation[0],
                saturation[1],
                saturation[2],
                saturation[3],
            ]),
        }
        .write_fixed(&mut out);
        if let Some(len) = data_len {
            data_offset = data_offset.checked_add(len).ok_or_else(damaged)?;
        }
    }
    let data = &stored[at..];
    if data_offset as usize > data.len() {
        return Err(damaged());
    }
    out.extend_from_slice(data);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(last_doc: u32, data_offset: u32, positions_offset: u32) -> BlockMeta {
        BlockMeta {
            last_doc,
            data_offset,
            positions_offset,
            max_tf: 3,
            min_len: 200,
            min_unique: 70,
            max_saturation: 0.75,
        }
    }

    /// Three blocks (a doc freq of 300) and 30 bytes of data.
    fn stored() -> (Vec<BlockMeta>, Vec<u8>) {
        let metas = vec![meta(130, 0, 0), meta(400, 10, 150), meta(100_000, 25, 300)];
        let mut out = Vec::new();
        write_metas(&metas, &mut out);
        out.extend_from_slice(&[7; 30]);
        (metas, out)
    }

    #[test]
    fn expanded_metas_are_the_written_ones_and_the_data_follows() {
        let (metas, stored) = stored();
        // Last doc step, data length (not the last block's), positions step (not the first's),
        // max tf, min length (200: two bytes), min distinct, saturation.
        assert_eq!(
            stored.len(),
            (2 + 1 + 1 + 2 + 1 + 4) + (2 + 1 + 2 + 1 + 2 + 1 + 4) + (3 + 2 + 1 + 2 + 1 + 4) + 30
        );
        let expanded = expand(300, &stored).unwrap();
        let mut fixed = Vec::new();
        for m in &metas {
            m.write_fixed(&mut fixed);
        }
        fixed.extend_from_slice(&[7; 30]);
        assert_eq!(expanded, fixed);
    }

    #[test]
    fn metas_that_do_not_add_up_are_errors() {
        let (_, stored) = stored();
        for cut in 0..stored.len() - 30 {
            assert!(expand(300, &stored[..cut]).is_err(), "cut at {}", cut);
        }
        // A doc freq whose metas the bytes cannot hold: an error before any allocation.
        let e = expand(u32::MAX, &stored).unwrap_err();
        assert!(e.message.contains("fewer bytes"), "{}", e.message);
        // The last block's data starting past the data.
        assert!(expand(300, &stored[..stored.len() - 26]).is_err());
        // A block ending where the previous one did.
        let mut same = Vec::new();
        write_metas(&[meta(5, 0, 0), meta(5, 1, 1)], &mut same);
        same.extend_from_slice(&[0; 4]);
        let e = expand(256, &same).unwrap_err();
        assert!(e.message.contains("do not add up"), "{}", e.message);
    }
}
