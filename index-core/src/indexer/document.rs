//! One corpus line: a JSON object with an id (`_id` or `id`), text fields, and any other keys,
//! which are stored and — when they are scalars — become filterable columns.
//!
//! The line is stored byte for byte, so parsing keeps only what indexing needs: the id, the text
//! fields (borrowed from the line unless they contain escapes) and the top-level scalars for
//! columns. Everything else is walked by the same parser code a `serde_json::Value` would use
//! (`deserialize_any`, so numbers are range-checked and strings UTF-8-checked alike) but kept
//! nowhere: a line is accepted or refused, with the same message, as if it were parsed into a
//! `Value` — the checks on the parsed object run only after the whole line parsed, as they did.

use super::options::ID_KEYS;
use crate::error::{Error, Result};
use crate::segment::ColumnValue;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// Longest keyword a column keeps; longer strings are stored but not filterable.
const MAX_KEYWORD_LEN: usize = 256;

pub(crate) struct CorpusDocument<'a> {
    pub(crate) id: String,
    /// The value of each text field (in the order of the `text_fields` parsed with), if a string.
    texts: Vec<Option<Cow<'a, str>>>,
    text_fields: &'a [String],
    /// Top-level scalars that are neither the id nor a text field, by key (ascending, unique).
    columns: Vec<(Cow<'a, str>, ColumnValue)>,
}

/// A top-level value of a corpus line, as far as indexing looks into it.
enum Scalar<'a> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Str(Cow<'a, str>),
    Array,
    Object,
}

impl Scalar<'_> {
    fn type_name(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::Unsigned(_) | Scalar::Signed(_) | Scalar::Float(_) => "a number",
            Scalar::Str(_) => "a string",
            Scalar::Array => "an array",
            Scalar::Object => "an object",
        }
    }

    fn column_value(&self) -> Option<ColumnValue> {
        Some(match self {
            Scalar::Unsigned(n) => ColumnValue::Number(*n as f64),
            Scalar::Signed(n) => ColumnValue::Number(*n as f64),
            Scalar::Float(x) => ColumnValue::Number(Some(*x).filter(|x| x.is_finite())?),
            Scalar::Str(s) if s.len() <= MAX_KEYWORD_LEN => ColumnValue::Keyword(s.to_string()),
            Scalar::Bool(b) => ColumnValue::Keyword(b.to_string()),
            _ => return None,
        })
    }
}

impl<'a> CorpusDocument<'a> {
    pub(crate) fn parse(line: &'a [u8], text_fields: &'a [String]) -> Result<CorpusDocument<'a>> {
        let mut de = serde_json::Deserializer::from_slice(line);
        let object = LineSeed
            .deserialize(&mut de)
            .and_then(|o| de.end().map(|()| o))
            .map_err(|e| Error::bad_document(format!("invalid JSON: {}", e)))?;
        let mut entries = object
            .map_err(|got| Error::bad_document(format!("expected a JSON object, got {}", got)))?;
        // A key given twice keeps its last value, as a JSON object parsed into a map does.
        entries.reverse();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, first| later.0 == first.0);
        let find = |key: &str| {
            entries
                .binary_search_by(|e| e.0.as_ref().cmp(key))
                .ok()
                .map(|i| &entries[i].1)
        };
        let id = match ID_KEYS.iter().find_map(|k| find(k)) {
            Some(Scalar::Str(s)) if !s.is_empty() => s.to_string(),
            Some(Scalar::Unsigned(n)) => n.to_string(),
            Some(Scalar::Signed(n)) => n.to_string(),
            Some(Scalar::Str(_)) => {
                return Err(Error::bad_document("the document id is an empty string"))
            }
            Some(other) => {
                return Err(Error::bad_document(format!(
                    "the document id must be a non-empty string or an integer, got {}",
                    other.type_name()
                )))
            }
            None => {
                return Err(Error::bad_document(
                    "a document needs an \"_id\" or \"id\" (string or integer)",
                ))
            }
        };
        for f in text_fields {
            match find(f) {
                None | Some(Scalar::Null) | Some(Scalar::Str(_)) => {}
                Some(other) => {
                    return Err(Error::bad_document(format!(
                        "\"{}\" must be a string, got {}",
                        f,
                        other.type_name()
                    )))
                }
            }
        }
        let mut texts: Vec<Option<Cow<'a, str>>> = vec![None; text_fields.len()];
        let mut columns = Vec::new();
        for (key, value) in entries {
            if let Some(i) = text_fields.iter().position(|f| *f == key) {
                if let Scalar::Str(s) = value {
                    texts[i] = Some(s);
                }
            } else if !ID_KEYS.contains(&key.as_ref()) {
                if let Some(v) = value.column_value() {
                    columns.push((key, v));
                }
            }
        }
        Ok(CorpusDocument {
            id,
            texts,
            text_fields,
            columns,
        })
    }

    pub(crate) fn text(&self, field: &str) -> Option<&str> {
        let i = self.text_fields.iter().position(|f| f == field)?;
        self.texts[i].as_deref()
    }

    /// Top-level scalars that are neither the id nor indexed text, as column values, by key.
    pub(crate) fn column_values(&self) -> impl Iterator<Item = (&str, ColumnValue)> + '_ {
        self.columns.iter().map(|(k, v)| (k.as_ref(), v.clone()))
    }
}

/// The line itself: its object's entries in order, or the type it has instead of an object.
struct LineSeed;

type Entries<'a> = Vec<(Cow<'a, str>, Scalar<'a>)>;

impl<'de> DeserializeSeed<'de> for LineSeed {
    type Value = std::result::Result<Entries<'de>, &'static str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LineSeed {
    type Value = std::result::Result<Entries<'de>, &'static str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Text<'de>>()? {
            entries.push((key.0, map.next_value::<Scalar<'de>>()?));
        }
        Ok(Ok(entries))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<Self::Value, A::Error> {
        ScalarVisitor.visit_seq(seq).map(|s| Err(s.type_name()))
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Ok(Err("a boolean"))
    }

    fn visit_u64<E>(self, _: u64) -> std::result::Result<Self::Value, E> {
        Ok(Err("a number"))
    }

    fn visit_i64<E>(self, _: i64) -> std::result::Result<Self::Value, E> {
        Ok(Err("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Ok(Err("a number"))
    }

    fn visit_str<E>(self, _: &str) -> std::result::Result<Self::Value, E> {
        Ok(Err("a string"))
    }

    fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
        Ok(Err("null"))
    }
}

/// A string borrowed from the line when it has no escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> std::result::Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> std::result::Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s.to_string())))
            }
        }
        d.deserialize_str(TextVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Bool(b))
    }

    fn visit_u64<E>(self, n: u64) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Unsigned(n))
    }

    fn visit_i64<E>(self, n: i64) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Signed(n))
    }

    fn visit_f64<E>(self, x: f64) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Float(x))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Owned(s.to_string())))
    }

    fn visit_unit<E>(self) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }

    // Nested values are walked (and so checked) by the same `deserialize_any`, then dropped.
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Scalar<'de>, A::Error> {
        while seq.next_element::<Scalar<'de>>()?.is_some() {}
        Ok(Scalar::Array)
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Scalar<'de>, A::Error> {
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value::<Scalar<'de>>()?;
        }
        Ok(Scalar::Object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn fields() -> Vec<String> {
        vec!["title".to_string(), "text".to_string()]
    }

    /// What the line gives: the error, or the id, the texts and the columns.
    fn outcome(line: &[u8]) -> std::result::Result<String, String> {
        let f = fields();
        CorpusDocument::parse(line, &f)
            .map(|d| {
                let cols: Vec<String> = d
                    .column_values()
                    .map(|(k, v)| format!("{}={:?}", k, v))
                    .collect();
                format!(
                    "{} {:?} {:?} {:?}",
                    d.id,
                    d.text("title"),
                    d.text("text"),
                    cols
                )
            })
            .map_err(|e| e.message)
    }

    #[test]
    fn refuses_what_a_value_parse_refuses_with_its_message() {
        let lines: [&[u8]; 9] = [
            b"{\"_id\":\"a\",\"x\":[1e400]}",
            b"{\"_id\":\"a\",\"x\":{\"k\":\"\xff\"}}",
            b"{\"_id\":\"a\",\"x\":{\"\xff\":1}}",
            b"{\"_id\":\"a\",\"title\":\"t\"} x",
            b"{\"_id\":\"a\",\"title\":\"t\"",
            b"{\"_id\":\"a\",\"x\":[1,]}",
            b"[1,2",
            b"{\"_id\":\"a\",\"title\":\"\\ud800\"}",
            b"{\"_id\":\"a\" \"title\":\"t\"}",
        ];
        for line in lines {
            let reference = serde_json::from_slice::<Value>(line).unwrap_err();
            assert_eq!(
                outcome(line),
                Err(format!("invalid JSON: {}", reference)),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn reads_the_object_as_a_map_of_its_last_values() {
        let cases = [
            // The last of a repeated key counts, for the id, the text and the columns alike.
            (
                r#"{"_id":"a","title":5,"title":"x","n":1,"n":"k","_id":"b"}"#,
                Ok(r#"b Some("x") None ["n=Keyword(\"k\")"]"#),
            ),
            (
                r#"{"_id":"a","title":"x","title":5}"#,
                Err("\"title\" must be a string, got a number"),
            ),
            // Escaped keys and values are unescaped; "_id" wins over "id".
            (
                r#"{"id":"i","\u005fid":7,"text":"a\"b","z":true,"y":-2.5,"w":[1],"v":null}"#,
                Ok(r#"7 None Some("a\"b") ["y=Number(-2.5)", "z=Keyword(\"true\")"]"#),
            ),
            (r#"{"_id":-3,"title":null}"#, Ok(r#"-3 None None []"#)),
            (
                r#"{"_id":1.5}"#,
                Err("the document id must be a non-empty string or an integer, got a number"),
            ),
            (r#"{"_id":""}"#, Err("the document id is an empty string")),
            (
                r#"{"title":"x"}"#,
                Err("a document needs an \"_id\" or \"id\" (string or integer)"),
            ),
            (
                r#"[{"_id":"a"}]"#,
                Err("expected a JSON object, got an array"),
            ),
            (r#""s""#, Err("expected a JSON object, got a string")),
            ("null", Err("expected a JSON object, got null")),
        ];
        for (line, want) in cases {
            let want = want.map(str::to_string).map_err(str::to_string);
            assert_eq!(outcome(line.as_bytes()), want, "{}", line);
        }
    }
}
