//! How document lengths are recorded: exactly (the default), or as Lucene records them.
//!
//! Lucene keeps a field's length in one byte per document (`SmallFloat.intToByte4`: exact up to
//! 23, then 4 significant bits) and scores with the length that byte decodes to. Researchers who
//! must reproduce published Lucene/Anserini numbers build with `Norms::Lucene`: lengths are
//! quantised when the index is built, recorded in the index, and every ranker sees the decoded
//! length, as Lucene's BM25 does. The average length stays exact (Lucene's `sumTotalTermFreq /
//! docCount`). Quantising is monotone, so block score bounds stay valid.

/// Length values below this are stored exactly (`255 − longToInt4(i32::MAX)`).
const NUM_FREE_VALUES: u32 = 24;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Norms {
    /// Exact token counts.
    Exact,
    /// Lucene's one-byte encoding, decoded.
    Lucene,
}

impl Norms {
    pub fn name(self) -> &'static str {
        match self {
            Norms::Exact => "exact",
            Norms::Lucene => "lucene",
        }
    }

    pub fn parse(s: &str) -> Option<Norms> {
        match s {
            "exact" => Some(Norms::Exact),
            "lucene" => Some(Norms::Lucene),
            _ => None,
        }
    }

    /// The length a document of `len` indexed tokens is scored with.
    pub fn length(self, len: u32) -> u32 {
        match self {
            Norms::Exact => len,
            Norms::Lucene => byte4_to_int(int_to_byte4(len)),
        }
    }
}

/// Lucene's `SmallFloat.longToInt4`: a float-like encoding keeping the 4 most significant bits
/// (the top one implicit) and the shift.
fn long_to_int4(i: u64) -> u32 {
    let bits = 64 - i.leading_zeros();
    if bits < 4 {
        return i as u32; // subnormal
    }
    let shift = bits - 4;
    let mantissa = (i >> shift) as u32 & 0x07;
    mantissa | ((shift + 1) << 3)
}

/// Lucene's `SmallFloat.int4ToLong`.
fn int4_to_long(i: u32) -> u64 {
    let bits = (i & 0x07) as u64;
    let shift = (i >> 3) as i32 - 1;
    if shift == -1 {
        bits
    } else {
        (bits | 0x08) << shift
    }
}

/// Lucene's `SmallFloat.intToByte4` (lengths are at most `i32::MAX` there).
fn int_to_byte4(i: u32) -> u8 {
    let i = i.min(i32::MAX as u32);
    if i < NUM_FREE_VALUES {
        i as u8
    } else {
        (NUM_FREE_VALUES + long_to_int4((i - NUM_FREE_VALUES) as u64)) as u8
    }
}

/// Lucene's `SmallFloat.byte4ToInt`.
fn byte4_to_int(b: u8) -> u32 {
    let i = b as u32;
    if i < NUM_FREE_VALUES {
        i
    } else {
        (NUM_FREE_VALUES as u64 + int4_to_long(i - NUM_FREE_VALUES)).min(i32::MAX as u64) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_below_24_then_four_significant_bits() {
        for len in 0..24 {
            assert_eq!(Norms::Lucene.length(len), len);
        }
        // Values Lucene's SmallFloat gives (byte4ToInt(intToByte4(n))).
        for (len, decoded) in [
            (24, 24),
            (39, 39),
            (40, 40),
            (41, 40),
            (42, 42),
            (100, 96),
            (150, 144),
            (1000, 984),
            (i32::MAX as u32, 2_013_265_944),
        ] {
            assert_eq!(Norms::Lucene.length(len), decoded, "{}", len);
        }
        assert_eq!(NUM_FREE_VALUES, 255 - long_to_int4(i32::MAX as u64));
    }

    #[test]
    fn monotone_and_idempotent() {
        let mut previous = 0;
        for len in 0..200_000u32 {
            let q = Norms::Lucene.length(len);
            assert!(q <= len && q >= previous, "{}", len);
            assert_eq!(Norms::Lucene.length(q), q, "decoding is a fixed point");
            previous = q;
        }
        assert_eq!(Norms::Exact.length(12345), 12345);
    }
}
