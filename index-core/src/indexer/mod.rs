//! indexer/: how does a JSONL corpus become an index, in bounded memory?
//!
//! `IndexBuilder` takes corpus lines, analyses their fields and accumulates postings in memory.
//! When its estimate of the memory it holds passes the budget, the host takes the documents so far
//! as a finished segment (`take_segment`) and writes it out; at the end `IndexMerger` merges the
//! segments into the final index, renumbering doc ids in segment order. A corpus that fits in the
//! budget never touches a merge. Both write to an `IndexSink`: the merge holds the core sections of
//! the segments being merged and of its output — bounded by what serving the index needs anyway,
//! since the core is searched from memory — while postings, positions and stored blocks pass
//! through a megabyte at a time.

mod builder;
mod document;
mod merger;
mod options;
mod terms;

pub use builder::IndexBuilder;
pub use merger::IndexMerger;
pub(crate) use options::ID_KEYS;
pub use options::{BuildOptions, FieldMode};
