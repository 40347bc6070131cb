//! The envelope of an index file: header, section table, footer.
//!
//! ```text
//! header   magic "SIRINDEX" (8) | format version u32 | section count u32
//! table    per section: kind u32 | crc32 u32 | offset u64 | length u64      (24 bytes each)
//! sections each starts at a multiple of 8
//! footer   crc32 of header+table u32 | format version u32 | magic "SIRINDEX" (8)
//! ```
//! All numbers are little-endian. The footer repeats magic and version so that a truncated file is
//! recognised as truncated rather than as some other format.

use crate::codec::{crc32, ByteWriter, Bytes};
use crate::error::{Error, Result};

pub(crate) const MAGIC: &[u8; 8] = b"SIRINDEX";
/// Bumped on any change a reader of the previous version could misread. Saved sample indexes of
/// every version live in `index-core/tests/samples/`.
pub const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 16;
const TABLE_ENTRY_LEN: usize = 24;
const FOOTER_LEN: usize = 16;

/// The sections of format version 1, in file order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SectionKind {
    Meta = 1,
    Terms = 2,
    Postings = 3,
    Positions = 4,
    DocStats = 5,
    Store = 6,
    Ids = 7,
    Columns = 8,
}

pub(crate) const SECTIONS: [SectionKind; 8] = [
    SectionKind::Meta,
    SectionKind::Terms,
    SectionKind::Postings,
    SectionKind::Positions,
    SectionKind::DocStats,
    SectionKind::Store,
    SectionKind::Ids,
    SectionKind::Columns,
];

impl SectionKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            SectionKind::Meta => "meta",
            SectionKind::Terms => "terms",
            SectionKind::Postings => "postings",
            SectionKind::Positions => "positions",
            SectionKind::DocStats => "doc stats",
            SectionKind::Store => "stored documents",
            SectionKind::Ids => "ids",
            SectionKind::Columns => "columns",
        }
    }
}

/// Writes the envelope around `sections` (given in `SECTIONS` order).
pub(crate) fn assemble(sections: &[Vec<u8>]) -> Vec<u8> {
    assert_eq!(
        sections.len(),
        SECTIONS.len(),
        "one buffer per section kind"
    );
    let table_end = HEADER_LEN + TABLE_ENTRY_LEN * sections.len();
    let mut out = ByteWriter::default();
    out.bytes(MAGIC);
    out.u32(FORMAT_VERSION);
    out.u32(sections.len() as u32);
    let mut offset = (table_end + 7) / 8 * 8;
    for (kind, data) in SECTIONS.iter().zip(sections) {
        out.u32(*kind as u32);
        out.u32(crc32(data));
        out.u64(offset as u64);
        out.u64(data.len() as u64);
        offset = (offset + data.len() + 7) / 8 * 8;
    }
    let envelope_crc = crc32(&out.buf);
    for data in sections {
        out.align(8);
        out.bytes(data);
    }
    out.align(8);
    out.u32(envelope_crc);
    out.u32(FORMAT_VERSION);
    out.bytes(MAGIC);
    out.buf
}

/// Checks the envelope and every section checksum; returns each section's byte range.
pub(crate) fn validate(buf: &[u8]) -> Result<Vec<(usize, usize)>> {
    if buf.len() < HEADER_LEN + FOOTER_LEN || &buf[..8] != MAGIC {
        if buf.len() >= 8 && &buf[..8] == MAGIC {
            return Err(Error::corrupt(format!(
                "the index file is truncated ({} bytes)",
                buf.len()
            )));
        }
        return Err(Error::corrupt(
            "this is not a serverless-ir index file (its first bytes are not \"SIRINDEX\")",
        ));
    }
    let b = Bytes::new(buf, "the index header");
    let version = b.u32(8)?;
    if version != FORMAT_VERSION {
        return Err(Error::unsupported_version(format!(
            "the index has format version {}, this build reads version {}: rebuild the index with `sir index`, or use the release that wrote it",
            version, FORMAT_VERSION
        )));
    }
    let footer = &buf[buf.len() - FOOTER_LEN..];
    if &footer[8..] != MAGIC {
        return Err(Error::corrupt(
            "the index file is truncated: its footer is missing",
        ));
    }
    let count = b.u32(12)? as usize;
    if count != SECTIONS.len() {
        return Err(Error::corrupt(format!(
            "the index names {} sections, format version 1 has {}",
            count,
            SECTIONS.len()
        )));
    }
    let table_end = HEADER_LEN + TABLE_ENTRY_LEN * count;
    let envelope_crc = Bytes::new(footer, "the index footer").u32(0)?;
    if crc32(b.slice(0, table_end)?) != envelope_crc {
        return Err(Error::corrupt(
            "the index header or section table fails its checksum",
        ));
    }
    let body_end = buf.len() - FOOTER_LEN;
    let mut ranges = Vec::with_capacity(count);
    for (i, kind) in SECTIONS.iter().enumerate() {
        let at = HEADER_LEN + i * TABLE_ENTRY_LEN;
        if b.u32(at)? != *kind as u32 {
            return Err(Error::corrupt(format!(
                "section {} of the index is not the {} section",
                i,
                kind.name()
            )));
        }
        let crc = b.u32(at + 4)?;
        let offset = b.offset(at + 8)?;
        let len = b.offset(at + 16)?;
        if offset.checked_add(len).map_or(true, |end| end > body_end) {
            return Err(Error::corrupt(format!(
                "the {} section runs past the end of the file: it is truncated",
                kind.name()
            )));
        }
        if crc32(&buf[offset..offset + len]) != crc {
            return Err(Error::corrupt(format!(
                "the {} section fails its checksum: the file is damaged",
                kind.name()
            )));
        }
        ranges.push((offset, len));
    }
    Ok(ranges)
}
