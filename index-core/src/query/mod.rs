//! query/: what did the user ask for?
//!
//! The query language: words are optional and ranked (OR); `"a phrase"` must appear as written;
//! `+word` must appear; `-word` and `-"a phrase"` must not; `field:word` and `field:"a phrase"`
//! look in one field. Everything positive is scored. The parser only splits the text into
//! clauses; analysis and field resolution happen against a specific index in `search::plan`.
//!
//! Filters on metadata columns (`year>=1900`, `party=Whig`) are a separate list in the request,
//! parsed by `filter`, which also evaluates them against an index's columns into a bitset.

mod filter;
mod parser;

pub(crate) use filter::filter_bitset;
pub(crate) use parser::{parse_query, plain_words, ClauseText, Occur};

/// Longest query accepted, in bytes, and most clauses: bounds the work one request can cause.
pub const MAX_QUERY_BYTES: usize = 4096;
pub const MAX_CLAUSES: usize = 64;
/// Most positions a phrase may span, from its first word to its last, stop words counted. Source
/// fields indexed into one field are indexed further apart than this, so no phrase crosses them.
pub const MAX_PHRASE_SPAN: u32 = 255;
