//! Metadata columns: one value per document for each top-level scalar of the corpus (a year, a
//! party), so that filters such as `year>=1900` are tested during top-k search, not after it.
//!
//! ```text
//! number column:  f64 per doc (NaN = missing)
//! keyword column: value count u32 | 0 u32 | per value (offset u32, length u32) | ordinal u32 per doc
//!                 (u32::MAX = missing) | blob of the sorted distinct values
//! ```
//! A column is a number column when every present value is a JSON number, otherwise a keyword
//! column (numbers and booleans are then written as their JSON text).

use crate::codec::{ByteWriter, Bytes};
use crate::error::{Error, Result};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ColumnKind {
    Number,
    Keyword,
}

impl ColumnKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            ColumnKind::Number => "number",
            ColumnKind::Keyword => "keyword",
        }
    }
    pub(crate) fn parse(s: &str) -> Option<ColumnKind> {
        match s {
            "number" => Some(ColumnKind::Number),
            "keyword" => Some(ColumnKind::Keyword),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ColumnValue {
    Number(f64),
    Keyword(String),
}

impl ColumnValue {
    fn as_keyword(&self) -> String {
        match self {
            // Integers as integers ("1900", not "1900.0"), so `year=1900` finds them as text too.
            ColumnValue::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
                format!("{}", *n as i64)
            }
            ColumnValue::Number(n) => format!("{}", n),
            ColumnValue::Keyword(s) => s.clone(),
        }
    }
}

/// Collects column values document by document; columns may appear at any document.
#[derive(Default)]
pub(crate) struct ColumnsWriter {
    columns: BTreeMap<String, Vec<Option<ColumnValue>>>,
    docs: u32,
    heap: usize,
}

/// Where one column landed in the section: (name, kind, offset, length).
pub(crate) type ColumnPlacement = (String, ColumnKind, usize, usize);

impl ColumnsWriter {
    /// Records `value` for the current document (the one `end_doc` will close).
    pub(crate) fn set(&mut self, name: &str, value: ColumnValue) {
        let docs = self.docs as usize;
        let col = self.columns.entry(name.to_string()).or_default();
        col.resize(docs, None);
        self.heap += 16
            + if let ColumnValue::Keyword(s) = &value {
                s.len()
            } else {
                0
            };
        col.push(Some(value));
    }

    pub(crate) fn end_doc(&mut self) {
        self.docs += 1;
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.heap
    }

    /// Serialises every column; returns the section and (name, kind, offset, length) per column.
    pub(crate) fn finish(self) -> (Vec<u8>, Vec<ColumnPlacement>) {
        let n = self.docs as usize;
        let mut out = ByteWriter::default();
        let mut metas = Vec::new();
        for (name, mut values) in self.columns {
            values.resize(n, None);
            out.align(8);
            let start = out.len();
            let numeric = values
                .iter()
                .flatten()
                .all(|v| matches!(v, ColumnValue::Number(_)));
            if numeric {
                for v in &values {
                    out.f64(match v {
                        Some(ColumnValue::Number(x)) => *x,
                        _ => f64::NAN,
                    });
                }
            } else {
                let keys: Vec<Option<String>> = values
                    .iter()
                    .map(|v| v.as_ref().map(ColumnValue::as_keyword))
                    .collect();
                let mut distinct: Vec<&String> = keys.iter().flatten().collect();
                distinct.sort();
                distinct.dedup();
                out.u32(distinct.len() as u32);
                out.u32(0);
                let mut offset = 0u32;
                for v in &distinct {
                    out.u32(offset);
                    out.u32(v.len() as u32);
                    offset += v.len() as u32;
                }
                for k in &keys {
                    out.u32(match k {
                        Some(k) => distinct
                            .binary_search(&k)
                            .map(|i| i as u32)
                            .unwrap_or(u32::MAX),
                        None => u32::MAX,
                    });
                }
                for v in &distinct {
                    out.bytes(v.as_bytes());
                }
            }
            let kind = if numeric {
                ColumnKind::Number
            } else {
                ColumnKind::Keyword
            };
            metas.push((name, kind, start, out.len() - start));
        }
        (out.buf, metas)
    }
}

/// Reads one column in place.
pub(crate) struct ColumnReader<'a> {
    pub(crate) kind: ColumnKind,
    bytes: Bytes<'a>,
    docs: usize,
    values: usize,
}

impl<'a> ColumnReader<'a> {
    pub(crate) fn new(kind: ColumnKind, data: &'a [u8], docs: u32) -> Result<ColumnReader<'a>> {
        let bytes = Bytes::new(data, "a metadata column");
        let docs = docs as usize;
        let values = match kind {
            ColumnKind::Number => {
                bytes.slice(0, docs * 8)?;
                0
            }
            ColumnKind::Keyword => {
                let v = bytes.u32(0)? as usize;
                bytes.slice(8, v * 8 + docs * 4)?;
                v
            }
        };
        Ok(ColumnReader {
            kind,
            bytes,
            docs,
            values,
        })
    }

    /// The document's value (`None` when missing).
    pub(crate) fn get(&self, doc: u32) -> Result<Option<ColumnValue>> {
        match self.kind {
            ColumnKind::Number => {
                let x = self.bytes.f64(doc as usize * 8)?;
                Ok(if x.is_nan() {
                    None
                } else {
                    Some(ColumnValue::Number(x))
                })
            }
            ColumnKind::Keyword => {
                let ord = self.ordinal(doc)?;
                if ord == u32::MAX {
                    return Ok(None);
                }
                Ok(Some(ColumnValue::Keyword(self.value(ord)?.to_string())))
            }
        }
    }

    pub(crate) fn doc_count(&self) -> u32 {
        self.docs as u32
    }

    pub(crate) fn number(&self, doc: u32) -> Result<f64> {
        self.bytes.f64(doc as usize * 8)
    }

    pub(crate) fn ordinal(&self, doc: u32) -> Result<u32> {
        self.bytes.u32(8 + self.values * 8 + doc as usize * 4)
    }

    fn value(&self, ord: u32) -> Result<&'a str> {
        if ord as usize >= self.values {
            return Err(Error::corrupt(
                "a keyword column names a value it does not hold",
            ));
        }
        let at = 8 + ord as usize * 8;
        let (o, l) = (
            self.bytes.u32(at)? as usize,
            self.bytes.u32(at + 4)? as usize,
        );
        let blob = 8 + self.values * 8 + self.docs * 4;
        std::str::from_utf8(self.bytes.slice(blob + o, l)?)
            .map_err(|_| Error::corrupt("a keyword is not UTF-8"))
    }

    /// The ordinal of `value` in a keyword column, if any document has it.
    pub(crate) fn find(&self, value: &str) -> Result<Option<u32>> {
        let (mut lo, mut hi) = (0usize, self.values);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.value(mid as u32)?.cmp(value) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(Some(mid as u32)),
            }
        }
        Ok(None)
    }
}
