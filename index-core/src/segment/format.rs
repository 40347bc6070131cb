//! The envelope of an index file: header, section table, footer.
//!
//! ```text
//! header   magic "SIRINDEX" (8) | format version u32 | section count u32
//! table    per section: kind u32 | crc32 u32 | offset u64 | length u64      (24 bytes each)
//! sections each starts at a multiple of 8; core sections first, then the lazy ones
//! footer   crc32 of header+table u32 | format version u32 | magic "SIRINDEX" (8)
//! ```
//! All numbers are little-endian. The footer repeats magic and version: a file whose last bytes
//! are not the footer is truncated (or not an index), and a footer that names another version than
//! the header is a damaged file, not a file of another version.
//!
//! Core sections are read into memory and checked against their CRC-32 when the index is opened.
//! Lazy sections (postings, positions, stored document blocks) stay in the file: each piece read on
//! demand is checked against its own CRC-32 (in the term dictionary, in the stored block table), and the
//! table's CRC-32 of the whole section is checked by a full verification (`Segment::verify_all`).

#[cfg(test)]
use super::sink::VecSink;
use super::sink::{IndexSink, SectionStream, Stream};
use super::source::ReadAt;
use crate::codec::{crc32, ByteWriter, Bytes};
use crate::error::{Error, Result};

pub(crate) const MAGIC: &[u8; 8] = b"SIRINDEX";
/// Bumped on any change a reader of the previous version could misread. Saved sample indexes of
/// every version live in `index-core/tests/samples/`.
pub const FORMAT_VERSION: u32 = 6;
const HEADER_LEN: usize = 16;
const TABLE_ENTRY_LEN: usize = 24;
const FOOTER_LEN: usize = 16;

/// The sections, in file order: the six core sections, then the three lazy ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SectionKind {
    Meta = 1,
    Terms = 2,
    DocStats = 3,
    Ids = 4,
    Columns = 5,
    StoreIndex = 6,
    Postings = 7,
    Positions = 8,
    StoreData = 9,
}

pub(crate) const SECTIONS: [SectionKind; 9] = [
    SectionKind::Meta,
    SectionKind::Terms,
    SectionKind::DocStats,
    SectionKind::Ids,
    SectionKind::Columns,
    SectionKind::StoreIndex,
    SectionKind::Postings,
    SectionKind::Positions,
    SectionKind::StoreData,
];

impl SectionKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            SectionKind::Meta => "meta",
            SectionKind::Terms => "terms",
            SectionKind::Postings => "postings",
            SectionKind::DocStats => "doc stats",
            SectionKind::Ids => "ids",
            SectionKind::Columns => "columns",
            SectionKind::StoreIndex => "stored documents index",
            SectionKind::Positions => "positions",
            SectionKind::StoreData => "stored documents",
        }
    }

    /// Read piece by piece on demand rather than at open.
    pub(crate) fn is_lazy(self) -> bool {
        matches!(
            self,
            SectionKind::Postings | SectionKind::Positions | SectionKind::StoreData
        )
    }
}

/// Where a section lies in the file, and its CRC-32.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SectionEntry {
    pub(crate) kind: SectionKind,
    pub(crate) crc: u32,
    pub(crate) offset: u64,
    pub(crate) len: u64,
}

/// Writes the index file to `sink`'s `File` stream: header, section table, the core sections (given
/// in `SECTIONS` order), each lazy section spliced in from its stream (already appended, its length
/// and CRC-32 in `lazy`), and the footer.
pub(crate) fn write_file(
    sink: &mut dyn IndexSink,
    core: &[&[u8]],
    lazy: &[&SectionStream],
) -> Result<()> {
    assert_eq!(
        core.len() + lazy.len(),
        SECTIONS.len(),
        "one buffer or stream per section kind"
    );
    let sizes = core
        .iter()
        .map(|data| (crc32(data), data.len() as u64))
        .chain(lazy.iter().map(|s| (s.crc, s.len)));
    let table_end = HEADER_LEN + TABLE_ENTRY_LEN * SECTIONS.len();
    let mut envelope = ByteWriter::default();
    envelope.bytes(MAGIC);
    envelope.u32(FORMAT_VERSION);
    envelope.u32(SECTIONS.len() as u32);
    let mut offset = align8(table_end as u64);
    for (kind, (crc, len)) in SECTIONS.iter().zip(sizes) {
        envelope.u32(*kind as u32);
        envelope.u32(crc);
        envelope.u64(offset);
        envelope.u64(len);
        offset = align8(offset + len);
    }
    let envelope_crc = crc32(&envelope.buf);
    let mut written = envelope.len() as u64;
    sink.append(Stream::File, &envelope.buf)?;
    for data in core {
        pad(sink, &mut written)?;
        sink.append(Stream::File, data)?;
        written += data.len() as u64;
    }
    for section in lazy {
        pad(sink, &mut written)?;
        sink.splice(section.stream)?;
        written += section.len;
    }
    pad(sink, &mut written)?;
    let mut footer = ByteWriter::default();
    footer.u32(envelope_crc);
    footer.u32(FORMAT_VERSION);
    footer.bytes(MAGIC);
    sink.append(Stream::File, &footer.buf)
}

/// Zeros up to the next multiple of 8, where every section and the footer start.
fn pad(sink: &mut dyn IndexSink, written: &mut u64) -> Result<()> {
    let n = (align8(*written) - *written) as usize;
    *written += n as u64;
    sink.append(Stream::File, &[0u8; 7][..n])
}

fn align8(n: u64) -> u64 {
    (n + 7) / 8 * 8
}

/// The index file of `sections`, every one given whole (tests that forge a file).
#[cfg(test)]
pub(crate) fn assemble(sections: &[Vec<u8>]) -> Vec<u8> {
    let mut sink = VecSink::default();
    let mut lazy = Vec::new();
    for (kind, data) in SECTIONS.iter().zip(sections).filter(|(k, _)| k.is_lazy()) {
        let stream = match kind {
            SectionKind::Postings => Stream::Postings,
            SectionKind::Positions => Stream::Positions,
            _ => Stream::StoredDocuments,
        };
        let mut s = SectionStream::new(stream);
        s.write(&mut sink, data).expect("a VecSink cannot fail");
        lazy.push(s);
    }
    let core: Vec<&[u8]> = SECTIONS
        .iter()
        .zip(sections)
        .filter(|(k, _)| !k.is_lazy())
        .map(|(_, d)| d.as_slice())
        .collect();
    write_file(&mut sink, &core, &lazy.iter().collect::<Vec<_>>()).expect("a VecSink cannot fail");
    sink.file
}

/// Reads and checks the envelope — header, section table, footer — with two small reads, and
/// returns where each section lies. Section contents are not read here.
pub(crate) fn read_envelope(file: &dyn ReadAt) -> Result<Vec<SectionEntry>> {
    let file_len = file.len();
    let table_end = HEADER_LEN + TABLE_ENTRY_LEN * SECTIONS.len();
    let mut envelope = vec![0u8; (file_len as usize).min(table_end)];
    file.read_at(0, &mut envelope)?;
    if envelope.len() < 8 || &envelope[..8] != MAGIC {
        return Err(Error::corrupt(
            "this is not a serverless-ir index file (its first bytes are not \"SIRINDEX\")",
        ));
    }
    if file_len < (HEADER_LEN + FOOTER_LEN) as u64 {
        return Err(Error::corrupt(format!(
            "the index file is truncated ({} bytes)",
            file_len
        )));
    }
    let h = Bytes::new(&envelope, "the index header");
    let version = h.u32(8)?;
    let mut footer = [0u8; FOOTER_LEN];
    file.read_at(file_len - FOOTER_LEN as u64, &mut footer)?;
    if &footer[8..] != MAGIC {
        return Err(Error::corrupt(
            "the index file is truncated: its footer is missing",
        ));
    }
    let f = Bytes::new(&footer, "the index footer");
    if f.u32(4)? != version {
        return Err(Error::corrupt(format!(
            "the index header names format version {} and its footer version {}: the file is damaged",
            version,
            f.u32(4)?
        )));
    }
    if version != FORMAT_VERSION {
        return Err(Error::unsupported_version(format!(
            "the index has format version {}, this build reads version {}: rebuild the index with `sir index`, or use the release that wrote it",
            version, FORMAT_VERSION
        )));
    }
    let count = h.u32(12)? as usize;
    if count != SECTIONS.len() {
        return Err(Error::corrupt(format!(
            "the index names {} sections, format version {} has {}",
            count,
            FORMAT_VERSION,
            SECTIONS.len()
        )));
    }
    if envelope.len() < table_end || crc32(&envelope) != f.u32(0)? {
        return Err(Error::corrupt(
            "the index header or section table fails its checksum",
        ));
    }
    let b = Bytes::new(&envelope, "the section table");
    let body_end = file_len - FOOTER_LEN as u64;
    let mut entries = Vec::with_capacity(count);
    for (i, kind) in SECTIONS.iter().enumerate() {
        let at = HEADER_LEN + i * TABLE_ENTRY_LEN;
        if b.u32(at)? != *kind as u32 {
            return Err(Error::corrupt(format!(
                "section {} of the index is not the {} section",
                i,
                kind.name()
            )));
        }
        let (offset, len) = (b.u64(at + 8)?, b.u64(at + 16)?);
        if offset.checked_add(len).map_or(true, |end| end > body_end) {
            return Err(Error::corrupt(format!(
                "the {} section runs past the end of the file: it is truncated",
                kind.name()
            )));
        }
        entries.push(SectionEntry {
            kind: *kind,
            crc: b.u32(at + 4)?,
            offset,
            len,
        });
    }
    Ok(entries)
}
