//! `Segment`: an opened index. The core sections live in memory, read and checked once at open;
//! postings, positions and stored documents are read from the file on demand, each piece checked
//! on its own.

use super::columns::ColumnReader;
use super::docstore::StoreReader;
use super::format::{read_envelope, SectionEntry, SectionKind};
use super::ids::IdsReader;
use super::meta::IndexMeta;
use super::source::{short_read, ReadAt};
use super::terms::{Entries, TermEntry, TermsReader};
use crate::analysis::Analyzer;
use crate::codec::{crc32, crc32_append, Bytes};
use crate::error::{Error, Result};
use crate::postings::{expand, TermPostings};
use once_cell::unsync::OnceCell;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// The index file, counting the bytes read from it.
struct CountedFile {
    file: Box<dyn ReadAt>,
    read: Cell<u64>,
}

impl ReadAt for CountedFile {
    fn len(&self) -> u64 {
        self.file.len()
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        self.read.set(self.read.get() + buf.len() as u64);
        self.file.read_at(offset, buf)
    }

    fn read_vec(&self, offset: u64, len: usize) -> Result<Vec<u8>> {
        self.read.set(self.read.get() + len as u64);
        self.file.read_vec(offset, len)
    }
}

/// A term's blocks' stored BM25 saturation maxima, and the largest of them.
type BlockSaturations = (Rc<[f64]>, f64);

pub struct Segment {
    file: CountedFile,
    /// The core sections' bytes: the file from the first core section to the end of the last.
    core: Vec<u8>,
    core_start: u64,
    sections: Vec<SectionEntry>,
    meta: IndexMeta,
    analyzer: Analyzer,
    term_count: usize,
    /// Where the doc stats start in `core` (read per scored document).
    doc_stats: usize,
    /// Postings of the terms read so far, checked and their metas expanded, by dictionary record
    /// (a pointer and a length per term).
    postings: Vec<OnceCell<Box<[u8]>>>,
    /// Positions of the terms read so far (by dictionary record), checked.
    positions: RefCell<HashMap<usize, Rc<[u8]>>>,
    /// Per term queried so far (by dictionary record): its blocks' stored BM25 saturation maxima,
    /// checked, and their largest.
    saturations: RefCell<HashMap<usize, BlockSaturations>>,
}

impl Segment {
    /// Opens an index held in memory (tests, the builder's segments, the merger's input).
    pub fn open(buf: Vec<u8>) -> Result<Segment> {
        Segment::open_file(Box::new(buf))
    }

    /// Reads the envelope and the core sections (one read), checks every core section's CRC-32,
    /// the meta (including that this build can reproduce the index's analysis) and the tables'
    /// sizes. Postings, positions and stored documents are read later, when a query needs them.
    pub fn open_file(file: Box<dyn ReadAt>) -> Result<Segment> {
        let file = CountedFile {
            file,
            read: Cell::new(0),
        };
        let sections = read_envelope(&file)?;
        let core = sections.iter().filter(|s| !s.kind.is_lazy());
        let core_start = core.clone().map(|s| s.offset).min().unwrap_or(0);
        let core_end = core.map(|s| s.offset + s.len).max().unwrap_or(0);
        let core_len = usize::try_from(core_end - core_start)
            .map_err(|_| Error::corrupt("the index's core sections do not fit in memory"))?;
        for s in &sections {
            if s.kind.is_lazy() && s.offset < core_end && s.offset + s.len > core_start {
                return Err(Error::corrupt(format!(
                    "the {} section overlaps the index's core sections",
                    s.kind.name()
                )));
            }
        }
        let bytes = file.read_vec(core_start, core_len)?;
        let core_slice = |e: &SectionEntry| {
            let start = (e.offset - core_start) as usize;
            &bytes[start..start + e.len as usize]
        };
        for e in sections.iter().filter(|s| !s.kind.is_lazy()) {
            if crc32(core_slice(e)) != e.crc {
                return Err(Error::corrupt(format!(
                    "the {} section fails its checksum: the file is damaged",
                    e.kind.name()
                )));
            }
        }
        let meta = IndexMeta::parse(core_slice(&sections[SectionKind::Meta as usize - 1]))?;
        let mut seg = Segment {
            file,
            core: bytes,
            core_start,
            sections,
            analyzer: Analyzer::new(meta.analyzer.clone()),
            meta,
            term_count: 0,
            doc_stats: 0,
            postings: Vec::new(),
            positions: RefCell::new(HashMap::new()),
            saturations: RefCell::new(HashMap::new()),
        };
        seg.term_count = seg.terms()?.count();
        seg.postings = (0..seg.term_count).map(|_| OnceCell::new()).collect();
        seg.doc_stats = (seg.entry(SectionKind::DocStats).offset - seg.core_start) as usize;
        let stats_len = seg.meta.fields.len() * seg.meta.doc_count as usize * 8;
        if seg.core_section(SectionKind::DocStats).len() != stats_len {
            return Err(Error::corrupt(
                "the doc stats section does not match the document count",
            ));
        }
        seg.ids()?;
        seg.store()?;
        for c in &seg.meta.columns {
            ColumnReader::new(
                c.kind,
                seg.section_slice(SectionKind::Columns, c.offset, c.length)?,
                seg.meta.doc_count,
            )?;
        }
        Ok(seg)
    }

    pub fn meta(&self) -> &IndexMeta {
        &self.meta
    }

    /// The analyzer the index was built with; queries must be analysed by it.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// The size of the index file.
    pub fn size_bytes(&self) -> u64 {
        self.file.len()
    }

    /// Bytes read from the file so far: the core at open, then postings, positions and stored
    /// blocks.
    pub fn bytes_read(&self) -> u64 {
        self.file.read.get()
    }

    /// Byte size of each section, by name (for `sir` to report where the space goes).
    pub fn section_sizes(&self) -> Vec<(&'static str, u64)> {
        self.sections
            .iter()
            .map(|s| (s.kind.name(), s.len))
            .collect()
    }

    fn entry(&self, kind: SectionKind) -> &SectionEntry {
        // read_envelope returns one entry per kind, in `SECTIONS` order (kinds number from 1).
        &self.sections[kind as usize - 1]
    }

    /// A core section's bytes (in memory since open).
    fn core_section(&self, kind: SectionKind) -> &[u8] {
        debug_assert!(!kind.is_lazy());
        let e = self.entry(kind);
        let start = (e.offset - self.core_start) as usize;
        &self.core[start..start + e.len as usize]
    }

    fn section_slice(&self, kind: SectionKind, offset: usize, len: usize) -> Result<&[u8]> {
        Bytes::new(self.core_section(kind), kind.name()).slice(offset, len)
    }

    /// Reads `len` bytes at `offset` of a lazy section from the file.
    pub(crate) fn read_lazy(&self, kind: SectionKind, offset: u64, len: usize) -> Result<Vec<u8>> {
        let e = self.entry(kind);
        if offset
            .checked_add(len as u64)
            .map_or(true, |end| end > e.len)
        {
            return Err(short_read(offset, len, e.len));
        }
        self.file.read_vec(e.offset + offset, len)
    }

    /// Reads every lazy section through and checks it against the section table's CRC-32: the
    /// whole file is then verified, as at open for the core. Reads in pieces of 1 MiB.
    pub fn verify_all(&self) -> Result<()> {
        const PIECE: u64 = 1 << 20;
        for e in self.sections.iter().filter(|s| s.kind.is_lazy()) {
            let mut crc = 0;
            let mut at = 0;
            while at < e.len {
                let n = PIECE.min(e.len - at) as usize;
                crc = crc32_append(crc, &self.read_lazy(e.kind, at, n)?);
                at += n as u64;
            }
            if crc != e.crc {
                return Err(Error::corrupt(format!(
                    "the {} section fails its checksum: the file is damaged",
                    e.kind.name()
                )));
            }
        }
        Ok(())
    }

    /// A section's bytes, from memory or the file (tests rebuild files from them).
    #[cfg(test)]
    pub(crate) fn section_bytes(&self, kind: SectionKind) -> Vec<u8> {
        if kind.is_lazy() {
            self.read_lazy(kind, 0, self.entry(kind).len as usize)
                .unwrap()
        } else {
            self.core_section(kind).to_vec()
        }
    }

    /// Where in the file a term's postings start (tests that damage them).
    #[cfg(test)]
    pub(crate) fn postings_file_offset(&self, e: &TermEntry) -> u64 {
        self.entry(SectionKind::Postings).offset + e.postings_offset
    }

    #[cfg(test)]
    pub(crate) fn term_count(&self) -> usize {
        self.term_count
    }

    fn terms(&self) -> Result<TermsReader<'_>> {
        TermsReader::new(self.core_section(SectionKind::Terms))
    }

    /// Every dictionary record, in order.
    pub(crate) fn term_entries(&self) -> Result<Entries<'_>> {
        Ok(self.terms()?.entries())
    }

    /// The dictionary's record of `(field, term)`, if it holds one.
    pub(crate) fn find_term(&self, field: u32, term: &[u8]) -> Result<Option<TermEntry<'_>>> {
        self.terms()?.find(field, term)
    }

    /// A term's postings, read from the file and checked against the dictionary's CRC-32 on first
    /// use, then kept for later queries.
    pub(crate) fn postings(&self, e: &TermEntry) -> Result<TermPostings<'_>> {
        let cell = self
            .postings
            .get(e.index)
            .ok_or_else(|| Error::corrupt("a term record past the dictionary's end"))?;
        let bytes = cell.get_or_try_init(|| self.read_postings(e).map(Vec::into_boxed_slice))?;
        TermPostings::new(e.doc_freq, bytes)
    }

    /// A term's blocks' stored BM25 saturation maxima (what the default ranker's block bounds
    /// scale) and the largest of them, read from its skip data and checked on first use, then
    /// kept: planning a query over a dense term would otherwise read hundreds of block metas.
    pub(crate) fn block_saturations(&self, e: &TermEntry) -> Result<BlockSaturations> {
        if let Some(s) = self.saturations.borrow().get(&e.index) {
            return Ok(s.clone());
        }
        let postings = self.postings(e)?;
        let maxima: Rc<[f64]> = (0..postings.block_count())
            .map(|b| {
                let saturation = f64::from(postings.block_meta(b).max_saturation);
                // A saturation lies in (0, 1]; anything else (only a forged file, its checksum
                // valid, holds one) would prune wrongly or not order at all.
                if saturation > 0.0 && saturation <= 1.0 {
                    Ok(saturation)
                } else {
                    Err(Error::corrupt(format!(
                        "the postings of term \"{}\" store the block maximum {}, not a BM25 saturation: the index file is damaged",
                        String::from_utf8_lossy(e.term),
                        saturation
                    )))
                }
            })
            .collect::<Result<_>>()?;
        let largest = maxima.iter().copied().fold(0.0, f64::max);
        let kept = (maxima, largest);
        self.saturations.borrow_mut().insert(e.index, kept.clone());
        Ok(kept)
    }

    /// A term's postings read from the file, checked and their block metas expanded
    /// (`TermPostings` reads them), not kept (`postings` keeps them).
    pub(crate) fn read_postings(&self, e: &TermEntry) -> Result<Vec<u8>> {
        let stored = self.read_checked(
            SectionKind::Postings,
            e,
            e.postings_offset,
            e.postings_len,
            e.postings_crc,
        )?;
        expand(e.doc_freq, &stored)
    }

    /// A term's positions, read from the file and checked against the dictionary's CRC-32 on first
    /// use, then kept for later queries.
    pub(crate) fn positions(&self, e: &TermEntry) -> Result<Rc<[u8]>> {
        if let Some(p) = self.positions.borrow().get(&e.index) {
            return Ok(p.clone());
        }
        let bytes: Rc<[u8]> = self.read_positions(e)?.into();
        self.positions.borrow_mut().insert(e.index, bytes.clone());
        Ok(bytes)
    }

    /// A term's positions read from the file and checked, not kept (`positions` keeps them).
    pub(crate) fn read_positions(&self, e: &TermEntry) -> Result<Vec<u8>> {
        self.read_checked(
            SectionKind::Positions,
            e,
            e.positions_offset,
            e.positions_len,
            e.positions_crc,
        )
    }

    /// A term's postings (metas expanded) and positions, read through `reads` and checked: a
    /// merge reads every term once, in dictionary order.
    pub(crate) fn read_term_in_order<'r>(
        &self,
        e: &TermEntry,
        reads: &'r mut InOrderReads,
    ) -> Result<(Vec<u8>, Cow<'r, [u8]>)> {
        let postings =
            reads
                .postings
                .read(self, e, e.postings_offset, e.postings_len, e.postings_crc)?;
        let postings = expand(e.doc_freq, &postings)?;
        let positions = reads.positions.read(
            self,
            e,
            e.positions_offset,
            e.positions_len,
            e.positions_crc,
        )?;
        Ok((postings, positions))
    }

    /// One term's piece of a lazy section, checked against the CRC-32 of its dictionary record.
    fn read_checked(
        &self,
        kind: SectionKind,
        e: &TermEntry,
        offset: u64,
        len: u32,
        crc: u32,
    ) -> Result<Vec<u8>> {
        let bytes = self.read_lazy(kind, offset, len as usize)?;
        check_term_piece(kind, e, &bytes, crc)?;
        Ok(bytes)
    }

    #[inline]
    fn doc_stat(&self, field: u32, which: usize) -> DocStat<'_> {
        let n = self.meta.doc_count as usize;
        // In bounds: open() checked the section size.
        let at = self.doc_stats + (field as usize * 2 + which) * n * 4;
        DocStat(&self.core[at..at + n * 4])
    }

    /// Indexed tokens of `field` in `doc` (as the index's norms record them).
    #[inline]
    pub(crate) fn field_length(&self, field: u32, doc: u32) -> u32 {
        self.field_lengths(field).get(doc)
    }

    /// Distinct terms of `field` in `doc`.
    #[inline]
    pub(crate) fn unique_terms(&self, field: u32, doc: u32) -> u32 {
        self.unique_term_counts(field).get(doc)
    }

    /// `field_length` of every document, for a loop over many: the column is found once.
    #[inline]
    pub(crate) fn field_lengths(&self, field: u32) -> DocStat<'_> {
        self.doc_stat(field, 0)
    }

    /// `unique_terms` of every document.
    #[inline]
    pub(crate) fn unique_term_counts(&self, field: u32) -> DocStat<'_> {
        self.doc_stat(field, 1)
    }

    /// The stored JSON of `doc`, as it appeared in the corpus.
    pub fn stored(&self, doc: u32) -> Result<Vec<u8>> {
        self.stored_many(&[doc]).pop().expect("one result per doc")
    }

    /// The stored JSON of each of `docs`, in order: every block read, checked and inflated once, as
    /// far as the last of `docs` it holds. A block that fails its checksum fails only its own
    /// documents; one that does not inflate, only those it cannot produce.
    pub fn stored_many(&self, docs: &[u32]) -> Vec<Result<Vec<u8>>> {
        match self.store() {
            Ok(store) => store.get_many(docs, self.meta.doc_count),
            Err(e) => docs.iter().map(|_| Err(e.clone())).collect(),
        }
    }

    pub(crate) fn store(&self) -> Result<StoreReader<'_>> {
        StoreReader::new(self.core_section(SectionKind::StoreIndex), self)
    }

    pub(crate) fn ids(&self) -> Result<IdsReader<'_>> {
        IdsReader::new(self.core_section(SectionKind::Ids), self.meta.doc_count)
    }

    pub fn external_id(&self, doc: u32) -> Result<&str> {
        self.ids()?.id(doc)
    }

    pub fn lookup_id(&self, id: &str) -> Result<Option<u32>> {
        self.ids()?.lookup(id)
    }

    pub(crate) fn column(&self, name: &str) -> Result<Option<ColumnReader<'_>>> {
        match self.meta.columns.iter().find(|c| c.name == name) {
            None => Ok(None),
            Some(c) => Ok(Some(ColumnReader::new(
                c.kind,
                self.section_slice(SectionKind::Columns, c.offset, c.length)?,
                self.meta.doc_count,
            )?)),
        }
    }

    pub(crate) fn column_names(&self) -> Vec<&str> {
        self.meta.columns.iter().map(|c| c.name.as_str()).collect()
    }
}

/// Checks one term's piece of a lazy section against the CRC-32 of its dictionary record.
fn check_term_piece(kind: SectionKind, e: &TermEntry, bytes: &[u8], crc: u32) -> Result<()> {
    if crc32(bytes) == crc {
        return Ok(());
    }
    Err(Error::corrupt(format!(
        "the {} of term \"{}\" fail their checksum: the index file is damaged",
        kind.name(),
        String::from_utf8_lossy(e.term)
    )))
}

/// A segment's postings and positions read front to back, a window at a time: in dictionary
/// order a term's pieces follow the previous term's, so one read of the file serves many terms (a
/// read per term crossed into JavaScript and allocated each time: a fifth of a merge's time in
/// WebAssembly).
pub(crate) struct InOrderReads {
    postings: Window,
    positions: Window,
}

impl InOrderReads {
    /// Windows of `window_bytes` each (a merge of many segments gives each less).
    pub(crate) fn new(window_bytes: usize) -> InOrderReads {
        let window = |kind| Window {
            kind,
            bytes: Vec::new(),
            start: 0,
            size: window_bytes.max(1),
        };
        InOrderReads {
            postings: window(SectionKind::Postings),
            positions: window(SectionKind::Positions),
        }
    }
}

/// The bytes of one lazy section from `start`; a piece larger than `size` is read on its own.
struct Window {
    kind: SectionKind,
    bytes: Vec<u8>,
    start: u64,
    size: usize,
}

impl Window {
    fn read(
        &mut self,
        seg: &Segment,
        e: &TermEntry,
        offset: u64,
        len: u32,
        crc: u32,
    ) -> Result<Cow<'_, [u8]>> {
        let len = len as usize;
        let end = offset.checked_add(len as u64);
        let held = self.start + self.bytes.len() as u64;
        let piece = if offset >= self.start && end.map_or(false, |end| end <= held) {
            let at = (offset - self.start) as usize;
            Cow::Borrowed(&self.bytes[at..at + len])
        } else if len > self.size {
            Cow::Owned(seg.read_lazy(self.kind, offset, len)?)
        } else {
            let section = seg.entry(self.kind).len;
            let want = (self.size as u64).min(section.saturating_sub(offset)) as usize;
            self.bytes = seg.read_lazy(self.kind, offset, want.max(len))?;
            self.start = offset;
            Cow::Borrowed(&self.bytes[..len])
        };
        check_term_piece(self.kind, e, &piece, crc)?;
        Ok(piece)
    }
}

/// One field's count per document (its lengths or its distinct terms), little-endian u32s.
#[derive(Clone, Copy)]
pub(crate) struct DocStat<'a>(&'a [u8]);

impl DocStat<'_> {
    /// The count of `doc` (< the index's documents).
    #[inline]
    pub(crate) fn get(&self, doc: u32) -> u32 {
        let at = doc as usize * 4;
        let b = &self.0[at..at + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }
}
