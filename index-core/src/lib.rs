//! index-core: serverless-ir's search engine.
//!
//! Text analysis, index building in bounded memory, a versioned and checksummed on-disk format read
//! in place from one buffer, the MeTA rankers, and exact top-k search by dynamic pruning. The same
//! crate is compiled natively (tests, the native benchmark) and to WebAssembly (`wasm`), where the
//! TypeScript runtime drives it. See ARCHITECTURE.md for the map and FORMAT.md for the bytes.

pub mod analysis;
mod codec;
mod error;
pub mod hits;
pub mod indexer;
mod postings;
mod query;
pub mod scoring;
pub mod search;
pub mod segment;
#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;

pub use error::{Error, ErrorKind, Result};
pub use indexer::{BuildOptions, FieldMode, IndexBuilder, IndexMerger};
pub use scoring::{Ranker, RankerParams, RankerSpec, RANKERS};
pub use search::{search, SearchRequest, SearchResults};
pub use segment::{IndexMeta, Segment};
