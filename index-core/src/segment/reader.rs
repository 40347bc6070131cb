//! `Segment`: an opened index, read in place from one buffer.

use super::columns::ColumnReader;
use super::docstore::StoreReader;
use super::format::{validate, SectionKind};
use super::ids::IdsReader;
use super::meta::IndexMeta;
use super::writer::TERM_RECORD_LEN;
use crate::analysis::Analyzer;
use crate::codec::Bytes;
use crate::error::{Error, Result};
use crate::postings::TermPostings;
use std::cmp::Ordering;

/// One term dictionary record.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TermEntry<'a> {
    pub(crate) field: u32,
    pub(crate) term: &'a [u8],
    pub(crate) doc_freq: u32,
    pub(crate) coll_freq: u64,
    postings_offset: usize,
    positions_offset: usize,
}

pub struct Segment {
    buf: Vec<u8>,
    ranges: Vec<(usize, usize)>,
    meta: IndexMeta,
    analyzer: Analyzer,
    term_count: usize,
}

impl Segment {
    /// Validates the envelope, every section checksum and the meta; then reads nothing else until
    /// asked. Takes ownership of the buffer so that every later read is a view into it.
    pub fn open(buf: Vec<u8>) -> Result<Segment> {
        let ranges = validate(&buf)?;
        let (o, l) = ranges[SectionKind::Meta as usize - 1];
        let meta = IndexMeta::parse(&buf[o..o + l])?;
        let analyzer = Analyzer::new(meta.analyzer.clone());
        let mut seg = Segment {
            buf,
            ranges,
            meta,
            analyzer,
            term_count: 0,
        };
        let term_count = {
            let terms = Bytes::new(seg.section(SectionKind::Terms), "the terms section");
            let n = terms.u32(0)? as usize;
            terms.slice(8, n * TERM_RECORD_LEN)?;
            n
        };
        seg.term_count = term_count;
        let stats_len = seg.meta.fields.len() * seg.meta.doc_count as usize * 8;
        if seg.section(SectionKind::DocStats).len() != stats_len {
            return Err(Error::corrupt(
                "the doc stats section does not match the document count",
            ));
        }
        seg.ids()?;
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

    pub fn size_bytes(&self) -> usize {
        self.buf.len()
    }

    /// Byte size of each section, by name (for `sir` to report where the space goes).
    pub fn section_sizes(&self) -> Vec<(&'static str, usize)> {
        super::format::SECTIONS
            .iter()
            .zip(&self.ranges)
            .map(|(k, r)| (k.name(), r.1))
            .collect()
    }

    fn section(&self, kind: SectionKind) -> &[u8] {
        let (o, l) = self.ranges[kind as usize - 1];
        &self.buf[o..o + l]
    }

    fn section_slice(&self, kind: SectionKind, offset: usize, len: usize) -> Result<&[u8]> {
        Bytes::new(self.section(kind), kind.name()).slice(offset, len)
    }

    pub(crate) fn term_count(&self) -> usize {
        self.term_count
    }

    pub(crate) fn term_entry(&self, i: usize) -> Result<TermEntry<'_>> {
        let terms = Bytes::new(self.section(SectionKind::Terms), "the terms section");
        let at = 8 + i * TERM_RECORD_LEN;
        let keys = 8 + self.term_count * TERM_RECORD_LEN;
        Ok(TermEntry {
            field: terms.u32(at)?,
            term: terms.slice(
                keys + terms.u32(at + 4)? as usize,
                terms.u32(at + 8)? as usize,
            )?,
            doc_freq: terms.u32(at + 12)?,
            coll_freq: terms.u64(at + 16)?,
            postings_offset: terms.offset(at + 24)?,
            positions_offset: terms.offset(at + 32)?,
        })
    }

    /// Binary search of the dictionary for `(field, term)`.
    pub(crate) fn find_term(&self, field: u32, term: &[u8]) -> Result<Option<TermEntry<'_>>> {
        let (mut lo, mut hi) = (0usize, self.term_count);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let e = self.term_entry(mid)?;
            match (e.field, e.term).cmp(&(field, term)) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Ok(Some(e)),
            }
        }
        Ok(None)
    }

    pub(crate) fn postings(&self, e: &TermEntry) -> Result<TermPostings<'_>> {
        let postings = self.section(SectionKind::Postings);
        let positions = self.section(SectionKind::Positions);
        if e.postings_offset > postings.len() || e.positions_offset > positions.len() {
            return Err(Error::corrupt(
                "a term's postings start past the end of their section",
            ));
        }
        TermPostings::new(
            e.doc_freq,
            &postings[e.postings_offset..],
            &positions[e.positions_offset..],
        )
    }

    #[inline]
    fn doc_stat(&self, field: u32, doc: u32, which: usize) -> u32 {
        let n = self.meta.doc_count as usize;
        // In bounds: open() checked the section size, callers pass doc < doc_count.
        let at = self.ranges[SectionKind::DocStats as usize - 1].0
            + ((field as usize * 2 + which) * n + doc as usize) * 4;
        let b = &self.buf[at..at + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    /// Indexed tokens of `field` in `doc`.
    #[inline]
    pub(crate) fn field_length(&self, field: u32, doc: u32) -> u32 {
        self.doc_stat(field, doc, 0)
    }

    /// Distinct terms of `field` in `doc`.
    #[inline]
    pub(crate) fn unique_terms(&self, field: u32, doc: u32) -> u32 {
        self.doc_stat(field, doc, 1)
    }

    /// The stored JSON of `doc`, as it appeared in the corpus.
    pub fn stored(&self, doc: u32) -> Result<Vec<u8>> {
        if doc >= self.meta.doc_count {
            return Err(Error::bad_query(
                "doc",
                format!(
                    "doc {} does not exist (the index has {})",
                    doc, self.meta.doc_count
                ),
            ));
        }
        StoreReader::new(self.section(SectionKind::Store))?.get(doc)
    }

    pub(crate) fn store(&self) -> Result<StoreReader<'_>> {
        StoreReader::new(self.section(SectionKind::Store))
    }

    pub(crate) fn ids(&self) -> Result<IdsReader<'_>> {
        IdsReader::new(self.section(SectionKind::Ids), self.meta.doc_count)
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
