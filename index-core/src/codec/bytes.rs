//! Little-endian fixed-width reads and writes over one byte buffer.
//!
//! Reads never panic on short input: every read is bounds-checked and a short read reports the
//! section being decoded, because a truncated or tampered index must fail with a sentence, never
//! with a panic inside WebAssembly.

use crate::error::{Error, Result};

/// A read-only view of part of the index buffer, named for error messages.
#[derive(Clone, Copy)]
pub(crate) struct Bytes<'a> {
    data: &'a [u8],
    what: &'static str,
}

impl<'a> Bytes<'a> {
    pub(crate) fn new(data: &'a [u8], what: &'static str) -> Bytes<'a> {
        Bytes { data, what }
    }

    // Inlined, with the error's formatting out of line: WebAssembly pays a call for each read
    // that is not (a term's record is read this way on every query).
    #[inline]
    pub(crate) fn slice(&self, start: usize, len: usize) -> Result<&'a [u8]> {
        match start.checked_add(len) {
            Some(end) if end <= self.data.len() => Ok(&self.data[start..end]),
            _ => Err(self.truncated(start, len)),
        }
    }

    #[cold]
    fn truncated(&self, start: usize, len: usize) -> Error {
        Error::corrupt(format!(
            "{} is truncated: needs bytes {}..{} of {}",
            self.what,
            start,
            start.saturating_add(len),
            self.data.len()
        ))
    }

    #[inline]
    pub(crate) fn u32(&self, at: usize) -> Result<u32> {
        let s = self.slice(at, 4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }

    pub(crate) fn u64(&self, at: usize) -> Result<u64> {
        let s = self.slice(at, 8)?;
        let mut b = [0u8; 8];
        b.copy_from_slice(s);
        Ok(u64::from_le_bytes(b))
    }

    pub(crate) fn f64(&self, at: usize) -> Result<f64> {
        Ok(f64::from_bits(self.u64(at)?))
    }
}

/// Appends little-endian values to a growing section.
#[derive(Default)]
pub(crate) struct ByteWriter {
    pub(crate) buf: Vec<u8>,
}

impl ByteWriter {
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }
    pub(crate) fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }
    pub(crate) fn bytes(&mut self, v: &[u8]) {
        self.buf.extend_from_slice(v);
    }
    /// Pads with zeros to a multiple of `align`, so fixed-width tables start aligned.
    pub(crate) fn align(&mut self, align: usize) {
        while self.buf.len() % align != 0 {
            self.buf.push(0);
        }
    }
}
