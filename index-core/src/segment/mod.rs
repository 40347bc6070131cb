//! segment/: the index file — how is everything laid out in one buffer, and how is it read in place?
//!
//! An index is one file (`index.sir`) holding one segment: a header, a section table, the
//! sections, and a footer (layout in FORMAT.md). Each section has a CRC-32 in the table; `open`
//! checks them all and the format version before anything is read, so a damaged or foreign file
//! fails with a sentence instead of wrong results. After that, every read is a bounds-checked view
//! into the one buffer: nothing is deserialised, which is what lets a Lambda answer its first query
//! a few milliseconds after reading the file.
//!
//! `writer` assembles sections in call order; `reader` is `Segment`; `docstore`, `ids` and `columns`
//! are the writer/reader pairs of the stored documents, the id table and the metadata columns.

mod columns;
mod docstore;
mod format;
mod ids;
mod meta;
mod reader;
mod writer;

pub(crate) use columns::{ColumnKind, ColumnReader, ColumnValue, ColumnsWriter};
pub(crate) use docstore::DocStoreWriter;
pub(crate) use format::FORMAT_VERSION;
pub(crate) use ids::IdsWriter;
pub use meta::{FieldMeta, IndexMeta};
pub use reader::Segment;
pub(crate) use reader::TermEntry;
pub(crate) use writer::SegmentWriter;
