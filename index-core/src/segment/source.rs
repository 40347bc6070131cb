//! Where an opened index's bytes come from: positional reads of its file.
//!
//! `Segment` reads the core of an index (header, section table, footer and the core sections) once
//! at open and keeps it in memory; stored documents and positions are read on demand, a block or a
//! term at a time. `ReadAt` is that one operation (and its form that returns a new vector). The
//! runtime implements it over a file descriptor (`fs.readSync` at a position) in WebAssembly;
//! natively a `std::fs::File` or a byte buffer (tests, the builder's in-memory segments) implement
//! it.

use crate::error::{Error, Result};

/// A file read by position.
pub trait ReadAt {
    /// The file's length in bytes.
    fn len(&self) -> u64;
    /// Fills `buf` with the bytes at `offset..offset + buf.len()`; a short read is an error.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()>;

    /// The `len` bytes at `offset`, in a new vector; a short read is an error. This zero-fills a
    /// buffer and reads into it; the WebAssembly host writes into the vector's capacity instead,
    /// which spares the core read at open a pass over megabytes (bench/PROFILE.md, First answer).
    fn read_vec(&self, offset: u64, len: usize) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; len];
        self.read_at(offset, &mut buf)?;
        Ok(buf)
    }

    /// Whether the file is empty (clippy's companion of `len`).
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A whole index held in memory.
impl ReadAt for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        let start = usize::try_from(offset).ok();
        let range = start.and_then(|s| Some(s..s.checked_add(buf.len())?));
        match range.and_then(|r| self.get(r)) {
            Some(bytes) => {
                buf.copy_from_slice(bytes);
                Ok(())
            }
            None => Err(short_read(offset, buf.len(), self.as_slice().len() as u64)),
        }
    }
}

#[cfg(unix)]
impl ReadAt for std::fs::File {
    fn len(&self) -> u64 {
        self.metadata().map(|m| m.len()).unwrap_or(0)
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(self, buf, offset).map_err(|e| {
            Error::corrupt(format!(
                "reading {} bytes of the index file at {} failed: {}",
                buf.len(),
                offset,
                e
            ))
        })
    }
}

/// The error for a read past the end of the file: the file is shorter than its table says.
pub(crate) fn short_read(offset: u64, len: usize, file_len: u64) -> Error {
    Error::corrupt(format!(
        "the index file is truncated: bytes {}..{} are past its end ({} bytes)",
        offset,
        offset.saturating_add(len as u64),
        file_len
    ))
}
