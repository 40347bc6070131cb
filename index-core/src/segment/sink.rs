//! Where a written index goes: a sink of four streams, so that no index is ever held whole.
//!
//! The lazy sections (postings, positions, stored document blocks) are most of an index's bytes and are
//! produced long before the file's header can be written (the section table needs every section's
//! length and CRC-32). A writer appends them, as they are produced, to a stream of their own; when
//! everything is known it appends the file itself to the `File` stream — header, section table and
//! core sections, then each lazy section spliced in from its stream, then the footer. In Node the
//! lazy streams are temporary files and `File` the index file (`runtime/engine/index-sink.ts`);
//! natively `VecSink` keeps all four in memory. Either way the file's bytes are the same.

use crate::codec::crc32_append;
use crate::error::Result;

/// One of a sink's streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// The index file, in file order.
    File = 0,
    /// The postings section (its section kind in FORMAT.md).
    Postings = 7,
    /// The positions section (its section kind in FORMAT.md).
    Positions = 8,
    /// The stored document blocks (its section kind in FORMAT.md).
    StoredDocuments = 9,
}

/// Receives a written index.
pub trait IndexSink {
    /// Appends `bytes` to `stream`.
    fn append(&mut self, stream: Stream, bytes: &[u8]) -> Result<()>;
    /// Appends everything appended so far to the lazy section stream `from` to the file, and
    /// discards it.
    fn splice(&mut self, from: Stream) -> Result<()>;
}

/// A sink in memory: the native convenience behind `IndexBuilder::take_segment` and
/// `IndexMerger::finish`, and the tests' witness of what a sink receives.
#[derive(Default)]
pub struct VecSink {
    pub file: Vec<u8>,
    pub postings: Vec<u8>,
    pub positions: Vec<u8>,
    pub stored: Vec<u8>,
}

impl VecSink {
    fn stream(&mut self, stream: Stream) -> &mut Vec<u8> {
        match stream {
            Stream::File => &mut self.file,
            Stream::Postings => &mut self.postings,
            Stream::Positions => &mut self.positions,
            Stream::StoredDocuments => &mut self.stored,
        }
    }
}

impl IndexSink for VecSink {
    fn append(&mut self, stream: Stream, bytes: &[u8]) -> Result<()> {
        self.stream(stream).extend_from_slice(bytes);
        Ok(())
    }

    fn splice(&mut self, from: Stream) -> Result<()> {
        let bytes = std::mem::take(self.stream(from));
        self.file.extend_from_slice(&bytes);
        Ok(())
    }
}

/// A lazy section being streamed: what has been appended to its stream, its length and CRC-32.
pub(crate) struct SectionStream {
    pub(crate) stream: Stream,
    pub(crate) len: u64,
    pub(crate) crc: u32,
}

impl SectionStream {
    pub(crate) fn new(stream: Stream) -> SectionStream {
        SectionStream {
            stream,
            len: 0,
            crc: 0,
        }
    }

    pub(crate) fn write(&mut self, sink: &mut dyn IndexSink, bytes: &[u8]) -> Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        sink.append(self.stream, bytes)?;
        self.len += bytes.len() as u64;
        self.crc = crc32_append(self.crc, bytes);
        Ok(())
    }
}

/// How much of a lazy section a writer buffers before appending it to its stream: large enough
/// that a call to the sink (a write to a file) is cheap per byte, small beside wasm's memory.
pub(crate) const STREAM_CHUNK: usize = 1 << 20;
