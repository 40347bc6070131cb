//! Bit-packing of up to 128 small unsigned integers (doc-id gaps, term frequencies).
//!
//! Layout of one packed run of `n` values at width `bits` (0..=32): value `i` occupies bits
//! `[i*bits, (i+1)*bits)` of a little-endian bit stream, least significant bit first; the run takes
//! `ceil(n*bits/8)` bytes. Width 0 means every value is 0 and takes no bytes.
//!
//! A whole block of 128 values decodes through code specialised for its width (`unpack_block`),
//! any other run through one general loop over a 64-bit accumulator, and a single value through
//! one unaligned 64-bit window (`unpack_one`); the encoder is the plain mirror image. A decoder
//! also undoes, in the same pass, what postings store instead of their values (`Finish`).

use crate::error::{Error, Result};

pub(crate) fn bits_needed(max: u32) -> u8 {
    (32 - max.leading_zeros()) as u8
}

pub(crate) fn packed_len(n: usize, bits: u8) -> usize {
    (n * bits as usize + 7) / 8
}

/// Appends `values` packed at `bits` (every value must fit; asserted).
pub(crate) fn pack(values: &[u32], bits: u8, out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + packed_len(values.len(), bits), 0);
    if bits == 0 {
        return;
    }
    let dst = &mut out[start..];
    for (i, &v) in values.iter().enumerate() {
        debug_assert!(
            bits == 32 || v >> bits == 0,
            "value {} does not fit in {} bits",
            v,
            bits
        );
        let bit = i * bits as usize;
        let mut rest = (v as u64) << (bit % 8);
        let mut byte = bit / 8;
        let mut remaining = bits as usize + bit % 8;
        while remaining > 0 {
            dst[byte] |= rest as u8;
            rest >>= 8;
            byte += 1;
            remaining = remaining.saturating_sub(8);
        }
    }
}

/// Most values one `unpack` call decodes (a postings block).
pub(crate) const MAX_UNPACK: usize = 128;

/// What a decoder makes of each value, a const parameter of `unpack` and `unpack_in_bounds`:
/// postings store doc ids as gaps less one and term frequencies less one, and undoing that while
/// the value is in a register saves a second pass over the block.
pub(crate) struct Finish;

impl Finish {
    /// The values as packed (the tests' view of a run).
    #[cfg(test)]
    pub(crate) const RAW: u8 = 0;
    /// Each value plus one (term frequencies).
    pub(crate) const PLUS_ONE: u8 = 1;
    /// Each value a gap less one from the previous doc id, the first from `base` (doc ids).
    pub(crate) const DOC_GAPS: u8 = 2;
}

#[inline(always)]
fn finish<const F: u8>(v: u32, base: &mut u32) -> u32 {
    match F {
        Finish::PLUS_ONE => v.wrapping_add(1),
        Finish::DOC_GAPS => {
            let doc = base.wrapping_add(v);
            *base = doc.wrapping_add(1);
            doc
        }
        _ => v,
    }
}

/// Decodes `out.len()` (≤ `MAX_UNPACK`) values packed at `bits` from the start of `data`, each
/// finished as `F` says (`base`: the first doc id's, for `Finish::DOC_GAPS`).
pub(crate) fn unpack<const F: u8>(data: &[u8], bits: u8, base: u32, out: &mut [u32]) -> Result<()> {
    if bits > 32 {
        return Err(Error::corrupt(format!(
            "a postings block has bit width {} (at most 32)",
            bits
        )));
    }
    assert!(
        out.len() <= MAX_UNPACK,
        "unpack decodes at most {} values",
        MAX_UNPACK
    );
    let need = packed_len(out.len(), bits);
    if data.len() < need {
        return Err(Error::corrupt("a postings block is truncated"));
    }
    unpack_in_bounds::<F>(data, bits, base, out);
    Ok(())
}

/// `unpack` for input already checked: `bits` ≤ 32, `out.len()` ≤ `MAX_UNPACK` and `data` holds
/// `packed_len(out.len(), bits)` bytes (panics otherwise, never reads out of bounds).
///
/// A 64-bit accumulator yields one value per step and is refilled with one 32-bit load per 32
/// bits — far fewer loads and shifts than a window per value, which matters most in WebAssembly.
/// Loads read the packed bytes in place; only the last, partial word is assembled byte by byte
/// (zero-padding a copy of the whole run cost more than the unpacking in WebAssembly).
pub(crate) fn unpack_in_bounds<const F: u8>(data: &[u8], bits: u8, mut base: u32, out: &mut [u32]) {
    let packed = &data[..packed_len(out.len(), bits)];
    if bits == 0 {
        out.iter_mut().for_each(|v| *v = finish::<F>(0, &mut base));
        return;
    }
    if let Ok(block) = <&mut [u32; MAX_UNPACK]>::try_from(&mut *out) {
        return unpack_block::<F>(packed, bits, base, block);
    }
    let word = |pos: usize| -> u32 {
        match packed.get(pos..pos + 4) {
            Some(b) => u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            None => le_tail(&packed[pos.min(packed.len())..]) as u32,
        }
    };
    let mask: u64 = (1u64 << bits) - 1;
    let bits = bits as u32;
    let (mut acc, mut have, mut pos) = (0u64, 0u32, 0usize);
    for v in out.iter_mut() {
        if have < bits {
            acc |= (word(pos) as u64) << have;
            have += 32;
            pos += 4;
        }
        *v = finish::<F>((acc & mask) as u32, &mut base);
        acc >>= bits;
        have -= bits;
    }
}

/// A whole block of `MAX_UNPACK` values at `bits` (1..=32), from exactly its packed bytes: every
/// posting list's blocks but its last. 32 values at width `B` fill `B` 32-bit words exactly, so
/// the block is four such groups and, for a width known at compile time, every shift and mask of
/// a group is a constant — the loop unrolls into a few branch-free instructions per value (the
/// shape of Lucene's generated `ForUtil`), where the general loop above tests its accumulator for
/// every value. The layout is the same; only the decoder is specialised.
fn unpack_block<const F: u8>(packed: &[u8], bits: u8, mut base: u32, out: &mut [u32; MAX_UNPACK]) {
    macro_rules! by_width {
        ($($b:literal)*) => {
            match bits {
                $($b => {
                    for (group, values) in packed.chunks_exact(4 * $b).zip(out.chunks_exact_mut(32)) {
                        unpack_group::<$b, F>(group, &mut base, values.try_into().expect("32 values"));
                    }
                })*
                _ => unreachable!("unpack_block is called with 1..=32 bits"),
            }
        };
    }
    by_width!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32);
}

/// 32 values at width `B` from the `4 * B` bytes that hold them.
#[inline(always)]
fn unpack_group<const B: u32, const F: u8>(group: &[u8], base: &mut u32, out: &mut [u32; 32]) {
    // With the length known, every load below is at a constant offset proven in bounds.
    assert_eq!(group.len(), 4 * B as usize);
    let word = |k: usize| u32::from_le_bytes(group[4 * k..4 * k + 4].try_into().expect("4 bytes"));
    let mask = if B == 32 { u32::MAX } else { (1u32 << B) - 1 };
    // Written out for each of the 32 values (the optimiser leaves a loop of 32 rolled), so that
    // every word index, shift and crossing test is a constant and folds away.
    macro_rules! values {
        ($($j:literal)*) => {$({
            let (k, off) = (($j * B / 32) as usize, $j * B % 32);
            let mut x = word(k) >> off;
            // A value that crosses into the next word; one that ends a word never reads past it.
            if off + B > 32 {
                x |= word(k + 1) << (32 - off);
            }
            out[$j] = finish::<F>(x & mask, base);
        })*};
    }
    values!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
}

/// Value `i` of a run packed at `bits`, under `unpack_in_bounds`' precondition for a run of more
/// than `i` values: one value without decoding the run, for a caller that needs one term
/// frequency of a block (a candidate checked against a term), not all 128.
pub(crate) fn unpack_one(data: &[u8], bits: u8, i: usize) -> u32 {
    if bits == 0 {
        return 0;
    }
    let bit = i * bits as usize;
    let (start, end) = (bit / 8, packed_len(i + 1, bits));
    let window = match data.get(start..start + 8) {
        Some(b) => u64::from_le_bytes(b.try_into().expect("8 bytes")),
        None => le_tail(&data[start..end]),
    };
    ((window >> (bit % 8)) & ((1u64 << bits) - 1)) as u32
}

/// The little-endian number in `bytes` (at most 8), the bytes past the run's end reading as zero:
/// the last load of a packed run, which a full-width load would read past.
#[inline]
fn le_tail(bytes: &[u8]) -> u64 {
    bytes.iter().rev().fold(0, |w, &b| (w << 8) | b as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;

    #[test]
    fn unpack_one_reads_each_value_of_every_width() {
        let mut rng = Rng::new(11);
        for bits in 0..=32u8 {
            let max = if bits == 32 {
                u32::MAX
            } else {
                (1u32 << bits).wrapping_sub(1)
            };
            let values: Vec<u32> = (0..128).map(|_| rng.next() as u32 & max).collect();
            for n in [1usize, 5, 128] {
                let mut packed = Vec::new();
                pack(&values[..n], bits, &mut packed);
                for (i, &v) in values[..n].iter().enumerate() {
                    assert_eq!(
                        unpack_one(&packed, bits, i),
                        v,
                        "bits {} n {} i {}",
                        bits,
                        n,
                        i
                    );
                }
            }
        }
    }

    #[test]
    fn round_trip_all_widths_and_lengths() {
        let mut rng = Rng::new(7);
        for bits in 0..=32u8 {
            for &n in &[0usize, 1, 2, 7, 8, 9, 63, 127, 128] {
                let max = if bits == 32 {
                    u32::MAX
                } else {
                    (1u32 << bits).wrapping_sub(1)
                };
                let values: Vec<u32> = (0..n)
                    .map(|_| {
                        if bits == 0 {
                            0
                        } else {
                            (rng.next() as u32) & max
                        }
                    })
                    .collect();
                let mut buf = vec![0xAAu8; 3]; // packing appends after existing bytes
                pack(&values, bits, &mut buf);
                assert_eq!(buf.len(), 3 + packed_len(n, bits));
                let mut out = vec![0u32; n];
                unpack::<{ Finish::RAW }>(&buf[3..], bits, 0, &mut out).unwrap();
                assert_eq!(out, values, "bits {} n {}", bits, n);
            }
        }
    }

    #[test]
    fn finishing_equals_a_second_pass_at_every_width() {
        let mut rng = Rng::new(13);
        for bits in 0..=32u8 {
            let max = ((1u64 << bits) - 1) as u32;
            for n in [1usize, 100, 128] {
                let values: Vec<u32> = (0..n).map(|_| rng.next() as u32 & max & 0xFFFF).collect();
                let mut packed = Vec::new();
                pack(&values, bits, &mut packed);
                let base = rng.next() as u32 % 1000;
                let mut docs = vec![0u32; n];
                unpack::<{ Finish::DOC_GAPS }>(&packed, bits, base, &mut docs).unwrap();
                let mut next = base;
                for (&gap, &doc) in values.iter().zip(&docs) {
                    assert_eq!(doc, next + gap, "bits {} n {}", bits, n);
                    next = doc + 1;
                }
                let mut tfs = vec![0u32; n];
                unpack_in_bounds::<{ Finish::PLUS_ONE }>(&packed, bits, 0, &mut tfs);
                let plus: Vec<u32> = values.iter().map(|v| v + 1).collect();
                assert_eq!(tfs, plus, "bits {} n {}", bits, n);
            }
        }
    }

    #[test]
    fn bits_needed_is_minimal() {
        assert_eq!(bits_needed(0), 0);
        assert_eq!(bits_needed(1), 1);
        assert_eq!(bits_needed(255), 8);
        assert_eq!(bits_needed(256), 9);
        assert_eq!(bits_needed(u32::MAX), 32);
    }

    #[test]
    fn truncated_input_is_an_error() {
        let mut buf = Vec::new();
        pack(&[5, 6, 7], 3, &mut buf);
        let mut out = [0u32; 3];
        assert!(unpack::<{ Finish::RAW }>(&buf[..buf.len() - 1], 3, 0, &mut out).is_err());
        assert!(unpack::<{ Finish::RAW }>(&buf, 33, 0, &mut out).is_err());
    }
}
