//! Metadata filters: `name OP value` with OP one of `=`, `!=`, `<`, `<=`, `>`, `>=`.
//! Comparisons other than `=`/`!=` need a number column; a value that parses as a number is
//! compared as one on number columns and as text on keyword columns.

use crate::error::{Error, Result};

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
