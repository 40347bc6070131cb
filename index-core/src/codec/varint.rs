//! Variable-length unsigned integers (LEB128: 7 bits per byte, high bit = more bytes follow).
//! Used for position gaps, which are small and read rarely (phrase queries only).

use crate::error::{Error, Result};

pub(crate) fn write_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads one value at `*at` and advances `*at`. At most 5 bytes; more is corruption.
pub(crate) fn read_varint(data: &[u8], at: &mut usize) -> Result<u32> {
    let mut v: u32 = 0;
    let mut shift = 0;
    loop {
        let b = *data.get(*at).ok_or_else(|| {
            Error::corrupt("positions are truncated inside a variable-length integer")
        })?;
        *at += 1;
        if shift == 28 && b > 0x0f {
            return Err(Error::corrupt(
                "positions hold a variable-length integer over 32 bits",
            ));
        }
        v |= ((b & 0x7f) as u32) << shift;
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
    }
}
