//! Metadata filters: `name OP value` with OP one of `=`, `!=`, `<`, `<=`, `>`, `>=`.
//! Comparisons other than `=`/`!=` need a number column; a value that parses as a number is
//! compared as one on number columns and as text on keyword columns.
//!
//! `filter_bitset` evaluates a request's filters against the index's columns once per search: one
//! bit per document, which top-k and counting then test in O(1).

use crate::error::{Error, Result};
use crate::segment::{ColumnKind, ColumnReader, Segment};
use std::cmp::Ordering;

/// The characters an operator starts with.
const OP_CHARS: &[char] = &['=', '<', '>', '!'];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FilterOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FilterValue {
    Number(f64),
    Text(String),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Filter {
    pub(crate) column: String,
    /// The value as written (quotes removed), compared as text on keyword columns.
    pub(crate) text: String,
    pub(crate) op: FilterOp,
    pub(crate) value: FilterValue,
}

impl FilterOp {
    pub(crate) fn test(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            FilterOp::Eq => ord == Equal,
            FilterOp::Ne => ord != Equal,
            FilterOp::Lt => ord == Less,
            FilterOp::Le => ord != Greater,
            FilterOp::Gt => ord == Greater,
            FilterOp::Ge => ord != Less,
        }
    }
}

pub(crate) fn parse_filter(expr: &str) -> Result<Filter> {
    const OPS: [(&str, FilterOp); 6] = [
        ("!=", FilterOp::Ne),
        ("<=", FilterOp::Le),
        (">=", FilterOp::Ge),
        ("=", FilterOp::Eq),
        ("<", FilterOp::Lt),
        (">", FilterOp::Gt),
    ];
    let bad = || {
        Error::bad_query("filters", format!(
            "filter \"{}\" is not of the form name=value, name!=value, name<value, name<=value, name>value or name>=value",
            expr
        ))
    };
    let at = expr.find(OP_CHARS).ok_or_else(bad)?;
    let (column, rest) = expr.split_at(at);
    let (op, value) = OPS
        .iter()
        .find_map(|(s, op)| rest.strip_prefix(s).map(|v| (*op, v)))
        .ok_or_else(bad)?;
    let column = column.trim();
    let value = value.trim();
    if column.is_empty() || value.is_empty() || value.starts_with(OP_CHARS) {
        return Err(bad());
    }
    let value_text = value.trim_matches('"').to_string();
    let value = match value.parse::<f64>() {
        Ok(n) if n.is_finite() => FilterValue::Number(n),
        _ => FilterValue::Text(value.trim_matches('"').to_string()),
    };
    if matches!(value, FilterValue::Text(_)) && !matches!(op, FilterOp::Eq | FilterOp::Ne) {
        return Err(Error::bad_query(
            "filters",
            format!("filter \"{}\": <, <=, > and >= need a number", expr),
        ));
    }
    Ok(Filter {
        column: column.to_string(),
        text: value_text,
        op,
        value,
    })
}

impl Filter {
    /// Clears the bit of every document of `column` that fails this filter.
    fn retain_matching(&self, column: &ColumnReader, bits: &mut [u64]) -> Result<()> {
        let clear = |bits: &mut [u64], d: u32| bits[d as usize / 64] &= !(1u64 << (d % 64));
        let docs = (bits.len() * 64) as u32;
        match (column.kind, &self.value) {
            (ColumnKind::Number, FilterValue::Number(x)) => {
                for d in 0..column.doc_count().min(docs) {
                    let v = column.number(d)?;
                    if v.is_nan() || !self.op.test(v.partial_cmp(x).unwrap_or(Ordering::Equal)) {
                        clear(bits, d);
                    }
                }
            }
            (ColumnKind::Number, FilterValue::Text(t)) => {
                return Err(Error::bad_query(
                    "filters",
                    format!(
                        "filter on \"{}\": it holds numbers, \"{}\" is not one",
                        self.column, t
                    ),
                ))
            }
            (ColumnKind::Keyword, _) => {
                if !matches!(self.op, FilterOp::Eq | FilterOp::Ne) {
                    return Err(Error::bad_query(
                        "filters",
                        format!(
                            "filter on \"{}\": it holds text, which only = and != compare",
                            self.column
                        ),
                    ));
                }
                let ord = column.find(&self.text)?;
                for d in 0..column.doc_count().min(docs) {
                    let o = column.ordinal(d)?;
                    let equal = ord == Some(o);
                    let keep = match self.op {
                        FilterOp::Eq => equal,
                        _ => o != u32::MAX && !equal,
                    };
                    if !keep {
                        clear(bits, d);
                    }
                }
            }
        }
        Ok(())
    }
}

/// The documents passing every filter of `exprs`, one bit each (`None` without filters).
pub(crate) fn filter_bitset(segment: &Segment, exprs: &[String]) -> Result<Option<Vec<u64>>> {
    if exprs.is_empty() {
        return Ok(None);
    }
    let n = segment.meta().doc_count as usize;
    let mut bits = vec![!0u64; (n + 63) / 64];
    for expr in exprs {
        let f = parse_filter(expr)?;
        let column = segment.column(&f.column)?.ok_or_else(|| {
            let names = segment.column_names();
            Error::bad_query(
                "filters",
                if names.is_empty() {
                    format!(
                        "filter on \"{}\": this index has no metadata columns to filter on",
                        f.column
                    )
                } else {
                    format!(
                        "filter on \"{}\": unknown column; this index can filter on {}",
                        f.column,
                        names.join(", ")
                    )
                },
            )
        })?;
        f.retain_matching(&column, &mut bits)?;
    }
    Ok(Some(bits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_operators_and_values() {
        let f = parse_filter("year>=1900").unwrap();
        assert_eq!(
            (f.column.as_str(), f.op, f.value),
            ("year", FilterOp::Ge, FilterValue::Number(1900.0))
        );
        let f = parse_filter("party = \"Whig\"").unwrap();
        assert_eq!(
            (f.op, f.value),
            (FilterOp::Eq, FilterValue::Text("Whig".into()))
        );
        assert_eq!(parse_filter("a!=b").unwrap().op, FilterOp::Ne);
        assert_eq!(parse_filter("a<2").unwrap().op, FilterOp::Lt);
    }

    #[test]
    fn rejects_malformed() {
        for bad in ["year", "=1900", "year>=", "year=>1900", "party>Whig", "a!b"] {
            assert!(parse_filter(bad).is_err(), "{}", bad);
        }
    }
}
