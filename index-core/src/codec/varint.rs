//! Variable-length unsigned integers (LEB128: 7 bits per byte, high bit = more bytes follow).
//! Used for position gaps (read only by phrases), and for the dictionary's records and the block
//! metas, whose numbers are mostly small.

use crate::error::{Error, Result};

pub(crate) fn write_varint(out: &mut Vec<u8>, v: u32) {
    write_varint64(out, u64::from(v));
}

pub(crate) fn write_varint64(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads one value at `*at` and advances `*at`. At most 5 bytes; more is corruption.
#[inline(always)]
pub(crate) fn read_varint(data: &[u8], at: &mut usize) -> Result<u32> {
    // Most values fit one byte (a dictionary record's field, term length, counts): read inline,
    // where WebAssembly would otherwise pay a call for each.
    if let Some(&b) = data.get(*at) {
        if b < 0x80 {
            *at += 1;
            return Ok(u32::from(b));
        }
    }
    read_long_varint(data, at)
}

#[inline(never)]
fn read_long_varint(data: &[u8], at: &mut usize) -> Result<u32> {
    read_leb128(data, at, 32).map(|v| v as u32)
}

/// Reads one value of up to 64 bits at `*at` and advances `*at`.
pub(crate) fn read_varint64(data: &[u8], at: &mut usize) -> Result<u64> {
    read_leb128(data, at, 64)
}

/// One LEB128 value that must fit in `bits` bits.
#[inline]
fn read_leb128(data: &[u8], at: &mut usize, bits: u32) -> Result<u64> {
    let mut v: u64 = 0;
    let mut shift = 0;
    loop {
        let b = *data.get(*at).ok_or_else(|| {
            Error::corrupt("the index is truncated inside a variable-length integer")
        })?;
        *at += 1;
        let part = u64::from(b & 0x7f);
        if shift >= bits || (bits - shift < 7 && part >> (bits - shift) != 0) {
            return Err(Error::corrupt(format!(
                "the index holds a variable-length integer over {} bits",
                bits
            )));
        }
        v |= part << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
        shift += 7;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_edge_values() {
        let values = [
            0u32,
            1,
            127,
            128,
            16_383,
            16_384,
            1 << 21,
            u32::MAX - 1,
            u32::MAX,
        ];
        let mut buf = Vec::new();
        for &v in &values {
            write_varint(&mut buf, v);
        }
        let mut at = 0;
        for &v in &values {
            assert_eq!(read_varint(&buf, &mut at).unwrap(), v);
        }
        assert_eq!(at, buf.len());
    }

    #[test]
    fn truncated_and_overlong_are_errors() {
        let mut at = 0;
        assert!(read_varint(&[0x80, 0x80], &mut at).is_err());
        let mut at = 0;
        assert!(read_varint(&[0xff, 0xff, 0xff, 0xff, 0x7f], &mut at).is_err());
        let mut at = 0;
        assert!(read_varint(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00], &mut at).is_err());
        let mut at = 0;
        let overlong = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert!(read_varint64(&overlong, &mut at).is_err());
    }

    #[test]
    fn sixty_four_bits_round_trip() {
        let values = [
            0u64,
            127,
            128,
            u64::from(u32::MAX) + 1,
            u64::MAX - 1,
            u64::MAX,
        ];
        let mut buf = Vec::new();
        for &v in &values {
            write_varint64(&mut buf, v);
        }
        let mut at = 0;
        for &v in &values {
            assert_eq!(read_varint64(&buf, &mut at).unwrap(), v);
        }
        assert_eq!(at, buf.len());
    }
}
