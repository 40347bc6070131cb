//! Stored documents: the original JSON line of every document, returned with hits and by id.
//!
//! Two sections: the block table (core, in memory from open) and the blocks (lazy, read from the
//! file when a document of the block is asked for).
//!
//! ```text
//! stored documents index:  block count u32 | 0 u32
//!     per block (32 bytes): first doc u32 | doc count u32 | offset u64 | compressed length u32
//!                           | raw length u32 | crc32 of the compressed bytes u32 | 0 u32
//! stored documents:        per block, DEFLATE (raw) of [length u32 | bytes] per document
//! ```
//! Documents are compressed in blocks of about `BLOCK_TARGET` bytes: big enough for DEFLATE to find
//! the repetition between JSON lines, small enough that fetching ten hits reads ~10 blocks, each
//! inflated only as far as its last hit. Each block carries its own CRC-32, checked whenever it is
//! read, so a damaged block fails only the documents it holds. Blocks are self-contained, so
//! merging segments copies them (and their checksums) without recompressing.

use super::format::SectionKind;
use super::reader::Segment;
use super::sink::{IndexSink, SectionStream, Stream, STREAM_CHUNK};
use crate::codec::deflate::Deflater;
use crate::codec::{crc32, ByteWriter, Bytes};
use crate::error::{Error, Result};
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

const BLOCK_TARGET: usize = 16 * 1024;
const BLOCK_RECORD_LEN: usize = 32;

struct BlockRecord {
    first_doc: u32,
    doc_count: u32,
    offset: u64,
    compressed_len: u32,
    raw_len: u32,
    crc: u32,
}

pub(crate) struct DocStoreWriter {
    /// One compressor for every block (its tables are ~390 KB), made at the first block: a merge
    /// copies blocks and compresses none.
    compressor: Option<Box<Deflater>>,
    scratch: Vec<u8>,
    blocks: Vec<BlockRecord>,
    /// Compressed blocks not yet appended to the sink; they follow the `written` ones.
    data: Vec<u8>,
    written: SectionStream,
    pending: Vec<u8>,
    pending_docs: u32,
    docs: u32,
}

impl Default for DocStoreWriter {
    fn default() -> Self {
        DocStoreWriter {
            compressor: None,
            scratch: Vec::new(),
            blocks: Vec::new(),
            data: Vec::new(),
            written: SectionStream::new(Stream::StoredDocuments),
            pending: Vec::new(),
            pending_docs: 0,
            docs: 0,
        }
    }
}

impl DocStoreWriter {
    /// Appends the next document (doc ids are implicit and ascending).
    pub(crate) fn add(&mut self, doc: &[u8]) {
        self.pending
            .extend_from_slice(&(doc.len() as u32).to_le_bytes());
        self.pending.extend_from_slice(doc);
        self.pending_docs += 1;
        self.docs += 1;
        if self.pending.len() >= BLOCK_TARGET {
            self.seal();
        }
    }

    fn seal(&mut self) {
        if self.pending_docs == 0 {
            return;
        }
        let mut compressed = std::mem::take(&mut self.scratch);
        self.compressor
            .get_or_insert_with(|| Box::new(Deflater::new()))
            .compress(&self.pending, &mut compressed);
        self.push_block(
            self.docs - self.pending_docs,
            self.pending_docs,
            &compressed,
            self.pending.len() as u32,
        );
        self.scratch = compressed;
        self.pending.clear();
        self.pending_docs = 0;
    }

    fn push_block(&mut self, first_doc: u32, doc_count: u32, compressed: &[u8], raw_len: u32) {
        self.blocks.push(BlockRecord {
            first_doc,
            doc_count,
            offset: self.written.len + self.data.len() as u64,
            compressed_len: compressed.len() as u32,
            raw_len,
            crc: crc32(compressed),
        });
        self.data.extend_from_slice(compressed);
    }

    /// Copies every block of another segment's store (checked on the way), its doc ids shifted to
    /// follow ours, on to `sink` a chunk at a time: blocks are copied as they are, never inflated.
    pub(crate) fn append_store(
        &mut self,
        store: &StoreReader,
        sink: &mut dyn IndexSink,
    ) -> Result<()> {
        self.seal();
        for i in 0..store.block_count() {
            let r = store.record(i)?;
            let compressed = store.compressed(&r)?;
            self.push_block(self.docs + r.first_doc, r.doc_count, &compressed, r.raw_len);
            if self.data.len() >= STREAM_CHUNK {
                self.drain(sink)?;
            }
        }
        self.docs += store.doc_count()?;
        Ok(())
    }

    fn drain(&mut self, sink: &mut dyn IndexSink) -> Result<()> {
        self.written.write(sink, &self.data)?;
        self.data.clear();
        Ok(())
    }

    /// Approximate memory held, for the builder's budget.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.data.len() + self.pending.len() + self.blocks.len() * BLOCK_RECORD_LEN
    }

    /// The block table (a core section), once the last blocks are appended to `sink`, and the
    /// stream of the blocks.
    pub(crate) fn finish(mut self, sink: &mut dyn IndexSink) -> Result<(Vec<u8>, SectionStream)> {
        self.seal();
        self.drain(sink)?;
        let mut out = ByteWriter::default();
        out.u32(self.blocks.len() as u32);
        out.u32(0);
        for b in &self.blocks {
            out.u32(b.first_doc);
            out.u32(b.doc_count);
            out.u64(b.offset);
            out.u32(b.compressed_len);
            out.u32(b.raw_len);
            out.u32(b.crc);
            out.u32(0);
        }
        Ok((out.buf, self.written))
    }
}

/// Reads stored documents: the block table from memory, the blocks from the file.
pub(crate) struct StoreReader<'a> {
    table: Bytes<'a>,
    blocks: usize,
    segment: &'a Segment,
}

impl<'a> StoreReader<'a> {
    pub(crate) fn new(table: &'a [u8], segment: &'a Segment) -> Result<StoreReader<'a>> {
        let table = Bytes::new(table, "the stored documents index");
        let blocks = table.u32(0)? as usize;
        table.slice(8, blocks * BLOCK_RECORD_LEN)?;
        Ok(StoreReader {
            table,
            blocks,
            segment,
        })
    }

    fn block_count(&self) -> usize {
        self.blocks
    }

    fn record(&self, i: usize) -> Result<BlockRecord> {
        let at = 8 + i * BLOCK_RECORD_LEN;
        Ok(BlockRecord {
            first_doc: self.table.u32(at)?,
            doc_count: self.table.u32(at + 4)?,
            offset: self.table.u64(at + 8)?,
            compressed_len: self.table.u32(at + 16)?,
            raw_len: self.table.u32(at + 20)?,
            crc: self.table.u32(at + 24)?,
        })
    }

    /// A block's compressed bytes, read from the file and checked against its CRC-32.
    fn compressed(&self, r: &BlockRecord) -> Result<Vec<u8>> {
        let bytes =
            self.segment
                .read_lazy(SectionKind::StoreData, r.offset, r.compressed_len as usize)?;
        if crc32(&bytes) != r.crc {
            return Err(Error::corrupt(format!(
                "the stored documents block of documents {}..{} fails its checksum: the index file is damaged",
                r.first_doc,
                r.first_doc as u64 + r.doc_count as u64
            )));
        }
        Ok(bytes)
    }

    fn doc_count(&self) -> Result<u32> {
        if self.blocks == 0 {
            return Ok(0);
        }
        let last = self.record(self.blocks - 1)?;
        Ok(last.first_doc + last.doc_count)
    }

    /// The block holding `doc`: the last block whose first doc is ≤ doc.
    fn block_of(&self, doc: u32) -> Result<usize> {
        let (mut lo, mut hi) = (0usize, self.blocks);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.record(mid)?.first_doc <= doc {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let missing = || Error::corrupt(format!("stored document {} is missing", doc));
        if lo == 0 {
            return Err(missing());
        }
        let r = self.record(lo - 1)?;
        if doc >= r.first_doc + r.doc_count {
            return Err(missing());
        }
        Ok(lo - 1)
    }

    /// The stored bytes of each of `docs` (in order; `doc_count` bounds the ids), inflating each
    /// block once however many of the documents it holds.
    pub(crate) fn get_many(&self, docs: &[u32], doc_count: u32) -> Vec<Result<Vec<u8>>> {
        let mut out: Vec<Result<Vec<u8>>> = docs
            .iter()
            .map(|&d| {
                Err(Error::bad_query(
                    "doc",
                    format!("doc {} does not exist (the index has {})", d, doc_count),
                ))
            })
            .collect();
        let mut wanted: Vec<(usize, usize)> = Vec::new(); // (block, position in docs)
        for (i, &d) in docs.iter().enumerate() {
            if d < doc_count {
                match self.block_of(d) {
                    Ok(b) => wanted.push((b, i)),
                    Err(e) => out[i] = Err(e),
                }
            }
        }
        // Ascending documents within each block: each block is inflated once, as far as its last.
        wanted.sort_unstable_by_key(|&(block, i)| (block, docs[i]));
        let mut state = Box::<DecompressorOxide>::default();
        let mut at = 0;
        while at < wanted.len() {
            let block = wanted[at].0;
            let end = at + wanted[at..].iter().take_while(|w| w.0 == block).count();
            let mut block = self
                .record(block)
                .and_then(|r| Ok(Inflating::new(self.compressed(&r)?, r, &mut state)));
            for &(_, i) in &wanted[at..end] {
                out[i] = match &mut block {
                    Ok(block) => block.document(docs[i]),
                    Err(e) => Err(e.clone()),
                };
            }
            at = end;
        }
        out
    }
}

/// A checked block inflated only as far as the documents asked for reach: a page's hit near the
/// start of its block does not pay for the rest of it (inflating is most of a page's time).
struct Inflating<'s> {
    record: BlockRecord,
    compressed: Vec<u8>,
    consumed: usize,
    /// The block's first `produced` bytes, then room for the rest.
    raw: Vec<u8>,
    produced: usize,
    state: &'s mut DecompressorOxide,
    /// The next document to find and where its `[length | bytes]` starts.
    next: (u32, usize),
}

/// Inflated past what a document needs, so that reading a block's lengths does not stop the
/// decompressor every few bytes.
const INFLATE_STEP: usize = 2048;

impl<'s> Inflating<'s> {
    fn new(compressed: Vec<u8>, record: BlockRecord, state: &'s mut DecompressorOxide) -> Self {
        state.init();
        Inflating {
            raw: vec![0; record.raw_len as usize],
            next: (record.first_doc, 0),
            record,
            compressed,
            consumed: 0,
            produced: 0,
            state,
        }
    }

    fn malformed(&self) -> Error {
        let r = &self.record;
        Error::corrupt(format!(
            "the stored documents block of documents {}..{} does not decompress",
            r.first_doc,
            r.first_doc as u64 + r.doc_count as u64
        ))
    }

    /// The block's bytes `at..at + len`, inflating as far as they reach.
    fn bytes(&mut self, at: usize, len: usize) -> Result<&[u8]> {
        let end = at.checked_add(len).filter(|&e| e <= self.raw.len());
        let end = end.ok_or_else(|| self.malformed())?;
        while self.produced < end {
            let limit = end.max(self.produced + INFLATE_STEP).min(self.raw.len());
            let (status, read, wrote) = decompress(
                self.state,
                &self.compressed[self.consumed..],
                &mut self.raw[..limit],
                self.produced,
                inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
            );
            self.consumed += read;
            self.produced += wrote;
            match status {
                // Ends exactly where the block record says it does.
                TINFLStatus::Done if self.produced == self.raw.len() => {}
                TINFLStatus::HasMoreOutput if wrote > 0 => {}
                _ => return Err(self.malformed()),
            }
        }
        Ok(&self.raw[at..end])
    }

    /// The length of the document whose `[length | bytes]` starts at `at`.
    fn length_at(&mut self, at: usize) -> Result<usize> {
        let b = self.bytes(at, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    /// The bytes of `doc` (of this block, at least the last one asked for).
    fn document(&mut self, doc: u32) -> Result<Vec<u8>> {
        let (mut at_doc, mut at) = self.next;
        while at_doc < doc {
            let len = self.length_at(at)?;
            at = at.checked_add(4 + len).ok_or_else(|| self.malformed())?;
            at_doc += 1;
        }
        self.next = (doc, at);
        let len = self.length_at(at)?;
        Ok(self.bytes(at + 4, len)?.to_vec())
    }
}
