//! One error type for the whole engine. Its message is what the user reads (the CLI prints it, the
//! WebAssembly boundary throws it as a JavaScript `Error`), so every message says what was wrong
//! and what is accepted. An error about a search request also names the request field it is about
//! (`field`), so that the HTTP layer can point at the field without reading the sentence.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The index bytes are damaged or not an index (bad magic, checksum, truncation).
    Corrupt,
    /// The index was written by a format version this build cannot read.
    UnsupportedVersion,
    /// A document or corpus line is malformed (missing id, wrong type, duplicate id).
    BadDocument,
    /// A query, its options, a ranker name or parameter is invalid.
    BadQuery,
    /// Index options (fields, analyzer) are invalid.
    BadOptions,
    /// An invariant of the engine failed (for example a score that is not a finite number): a bug.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// The search request field at fault: `query`, `ranker`, a ranker parameter (`k1`, `mu`, ...),
    /// `params`, `offset`, `size`, `fields`, `filters`, `after`, `options` or `doc`. Always set for
    /// `BadQuery`, never for the other kinds.
    pub field: Option<&'static str>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            field: None,
        }
    }
    pub(crate) fn corrupt(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Corrupt, message)
    }
    pub(crate) fn unsupported_version(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::UnsupportedVersion, message)
    }
    pub(crate) fn bad_document(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::BadDocument, message)
    }
    /// A bad search request; `field` names the request field at fault (see `Error::field`).
    pub(crate) fn bad_query(field: &'static str, message: impl Into<String>) -> Error {
        Error {
            field: Some(field),
            ..Error::new(ErrorKind::BadQuery, message)
        }
    }
    pub(crate) fn bad_options(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::BadOptions, message)
    }
    pub(crate) fn internal(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Internal, message)
    }
    /// A short machine-readable name of the kind, carried across the WebAssembly boundary.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ErrorKind::Corrupt => "corrupt-index",
            ErrorKind::UnsupportedVersion => "unsupported-version",
            ErrorKind::BadDocument => "bad-document",
            ErrorKind::BadQuery => "bad-query",
            ErrorKind::BadOptions => "bad-options",
            ErrorKind::Internal => "internal",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
