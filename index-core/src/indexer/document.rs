//! One corpus line: a JSON object with an id (`_id` or `id`), text fields, and any other keys,
//! which are stored and — when they are scalars — become filterable columns.

use super::options::ID_KEYS;
use crate::error::{Error, Result};
use crate::segment::ColumnValue;
use serde_json::{Map, Value};

/// Longest keyword a column keeps; longer strings are stored but not filterable.
const MAX_KEYWORD_LEN: usize = 256;

pub(crate) struct CorpusDocument {
    pub(crate) id: String,
    pub(crate) object: Map<String, Value>,
}

impl CorpusDocument {
    pub(crate) fn parse(line: &[u8], text_fields: &[String]) -> Result<CorpusDocument> {
        let value: Value = serde_json::from_slice(line)
            .map_err(|e| Error::bad_document(format!("invalid JSON: {}", e)))?;
        let object = match value {
            Value::Object(o) => o,
            other => {
                return Err(Error::bad_document(format!(
                    "expected a JSON object, got {}",
                    type_name(&other)
                )))
            }
        };
        let id = match ID_KEYS.iter().find_map(|k| object.get(*k)) {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::Number(n)) if n.is_u64() || n.is_i64() => n.to_string(),
            Some(Value::String(_)) => {
                return Err(Error::bad_document("the document id is an empty string"))
            }
            Some(other) => {
                return Err(Error::bad_document(format!(
                    "the document id must be a non-empty string or an integer, got {}",
                    type_name(other)
                )))
            }
            None => {
                return Err(Error::bad_document(
                    "a document needs an \"_id\" or \"id\" (string or integer)",
                ))
            }
        };
        for f in text_fields {
            match object.get(f) {
                None | Some(Value::Null) | Some(Value::String(_)) => {}
                Some(other) => {
                    return Err(Error::bad_document(format!(
                        "\"{}\" must be a string, got {}",
                        f,
                        type_name(other)
                    )))
                }
            }
        }
        Ok(CorpusDocument { id, object })
    }

    pub(crate) fn text(&self, field: &str) -> Option<&str> {
        self.object.get(field).and_then(Value::as_str)
    }

    /// Top-level scalars that are neither the id nor indexed text, as column values.
    pub(crate) fn column_values<'a>(
        &'a self,
        text_fields: &'a [String],
    ) -> impl Iterator<Item = (&'a str, ColumnValue)> + 'a {
        self.object.iter().filter_map(move |(k, v)| {
            if ID_KEYS.contains(&k.as_str()) || text_fields.iter().any(|f| f == k) {
                return None;
            }
            let value = match v {
                Value::Number(n) => ColumnValue::Number(n.as_f64().filter(|x| x.is_finite())?),
                Value::String(s) if s.len() <= MAX_KEYWORD_LEN => ColumnValue::Keyword(s.clone()),
                Value::Bool(b) => ColumnValue::Keyword(b.to_string()),
                _ => return None,
            };
            Some((k.as_str(), value))
        })
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
