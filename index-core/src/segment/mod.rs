//! segment/: the index file — how is everything laid out in one buffer, and how is it read in place?
//!
//! An index is one file (`index.sir`) holding one segment: a header, a section table, the
//! sections, and a footer (layout in FORMAT.md). `open` reads the envelope and the core sections
//! (dictionary, postings, doc stats, ids, columns, the stored documents' block table) in one read,
//! checks each against its CRC-32, parses the small meta section and refuses an index whose format
//! version or analysis this build cannot reproduce — a damaged or foreign file fails with a
//! sentence instead of wrong results. The core is then read in place (bounds-checked views into one
//! buffer). The lazy sections — positions and the stored document blocks, most of the file's
//! bytes — stay on disk (`source`: positional reads) and are read a term or a block at a time when
//! a query needs them, each piece checked against its own CRC-32.
//!
//! `writer` assembles sections in call order and writes them to a `sink` (the lazy ones as they are
//! produced, never held whole); `reader` is `Segment`; `terms`, `docstore`, `ids` and `columns`
//! are the writer/reader pairs of the dictionary, the stored documents, the id table and the
//! metadata columns.

mod columns;
mod docstore;
mod format;
mod ids;
mod meta;
mod reader;
mod sink;
mod source;
mod terms;
mod writer;

pub(crate) use columns::{ColumnKind, ColumnReader, ColumnValue, ColumnsWriter};
pub(crate) use docstore::DocStoreWriter;
pub(crate) use format::FORMAT_VERSION;
#[cfg(test)]
pub(crate) use format::{assemble, SectionKind, SECTIONS};
pub(crate) use ids::IdsWriter;
pub use meta::{FieldMeta, IndexMeta};
pub(crate) use reader::DocStat;
pub(crate) use reader::InOrderReads;
pub use reader::Segment;
pub use sink::{IndexSink, Stream, VecSink};
pub use source::ReadAt;
pub(crate) use terms::{Entries, TermEntry};
pub(crate) use writer::{IndexingSettings, SegmentWriter};
