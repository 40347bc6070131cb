//! The meta section: what this index is — its schema, analyzer, statistics and columns — as a small
//! JSON document, so that `sir` and the HTTP API can show it as it is.

use crate::analysis::{AnalyzerConfig, Stemmer, StopWords, FIXED_COMPONENTS};
use crate::error::{Error, Result};
use crate::scoring::Norms;
use serde_json::{json, Value};

/// An indexed field: its name (as used in `field:term` queries) and the JSON keys whose text it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldMeta {
    pub name: String,
    pub sources: Vec<String>,
    /// Indexed tokens of this field over all documents (stop words excluded).
    pub total_tokens: u64,
    /// The shortest length of this field over all documents (bounds the language models' priors).
    pub min_length: u32,
}

/// A metadata column (a top-level scalar of the corpus) that filters can test.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ColumnMeta {
    pub(crate) name: String,
    pub(crate) kind: super::ColumnKind,
    pub(crate) offset: usize,
    pub(crate) length: usize,
}

#[derive(Clone, Debug)]
pub struct IndexMeta {
    pub doc_count: u32,
    pub fields: Vec<FieldMeta>,
    pub analyzer: AnalyzerConfig,
    /// How document lengths were recorded (`exact`, or Lucene's one-byte encoding).
    pub norms: Norms,
    /// The position gap left between two source fields indexed into one field (no phrase spans it).
    pub position_gap: u32,
    /// The BM25 (k1, b) under which each postings block stores its exact maximum.
    pub(crate) block_max_bm25: (f64, f64),
    pub(crate) columns: Vec<ColumnMeta>,
}

fn analyzer_json(a: &AnalyzerConfig) -> Value {
    let stemmer = match a.stemmer {
        Stemmer::Porter => "porter",
        Stemmer::None => "none",
    };
    let stopwords = match &a.stopwords {
        StopWords::Lucene => json!("lucene"),
        StopWords::None => json!("none"),
        StopWords::Custom(words) => json!(words),
    };
    let mut v = json!({ "stemmer": stemmer, "stopwords": stopwords });
    for (k, value) in FIXED_COMPONENTS {
        v[k] = json!(value);
    }
    v
}

impl IndexMeta {
    pub fn to_json(&self) -> Value {
        json!({
            "format": "serverless-ir index",
            "formatVersion": super::FORMAT_VERSION,
            "engine": concat!("index-core ", env!("CARGO_PKG_VERSION")),
            "docCount": self.doc_count,
            "fields": self.fields.iter().map(|f| json!({
                "name": f.name, "sources": f.sources, "totalTokens": f.total_tokens, "minLength": f.min_length,
            })).collect::<Vec<_>>(),
            "analyzer": analyzer_json(&self.analyzer),
            "norms": self.norms.name(),
            "positionGap": self.position_gap,
            "blockMax": { "ranker": "bm25", "k1": self.block_max_bm25.0, "b": self.block_max_bm25.1 },
            "columns": self.columns.iter().map(|c| json!({
                "name": c.name, "kind": c.kind.name(), "offset": c.offset, "length": c.length,
            })).collect::<Vec<_>>(),
        })
    }

    pub(crate) fn parse(bytes: &[u8]) -> Result<IndexMeta> {
        let bad = |what: &str| Error::corrupt(format!("the meta section is invalid: {}", what));
        let v: Value = serde_json::from_slice(bytes).map_err(|e| bad(&e.to_string()))?;
        let u64_of = |v: &Value, k: &str| v.get(k).and_then(Value::as_u64).ok_or_else(|| bad(k));
        let str_of = |v: &Value, k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| bad(k))
        };
        let mut fields = Vec::new();
        for f in v
            .get("fields")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("fields"))?
        {
            let sources = f
                .get("sources")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("sources"))?
                .iter()
                .map(|s| s.as_str().map(str::to_string).ok_or_else(|| bad("sources")))
                .collect::<Result<Vec<_>>>()?;
            fields.push(FieldMeta {
                name: str_of(f, "name")?,
                sources,
                total_tokens: u64_of(f, "totalTokens")?,
                min_length: u64_of(f, "minLength")? as u32,
            });
        }
        let a = v.get("analyzer").ok_or_else(|| bad("analyzer"))?;
        for (k, value) in FIXED_COMPONENTS {
            let recorded = a.get(k).and_then(Value::as_str);
            if recorded != Some(value) {
                return Err(Error::unsupported_version(format!(
                    "the index was analysed with {} \"{}\", which this build cannot reproduce (it has {} \"{}\"): queries would not match its terms; rebuild the index with `sir index`",
                    k,
                    recorded.unwrap_or("(none)"),
                    k,
                    value
                )));
            }
        }
        let stemmer = match a.get("stemmer").and_then(Value::as_str) {
            Some("porter") => Stemmer::Porter,
            Some("none") => Stemmer::None,
            _ => return Err(bad("analyzer.stemmer")),
        };
        let stopwords = match a.get("stopwords") {
            Some(Value::String(s)) if s == "lucene" => StopWords::Lucene,
            Some(Value::String(s)) if s == "none" => StopWords::None,
            Some(Value::Array(words)) => StopWords::Custom(
                words
                    .iter()
                    .map(|w| {
                        w.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| bad("stopwords"))
                    })
                    .collect::<Result<_>>()?,
            ),
            _ => return Err(bad("analyzer.stopwords")),
        };
        let mut columns = Vec::new();
        for c in v
            .get("columns")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("columns"))?
        {
            columns.push(ColumnMeta {
                name: str_of(c, "name")?,
                kind: super::ColumnKind::parse(&str_of(c, "kind")?)
                    .ok_or_else(|| bad("column kind"))?,
                offset: u64_of(c, "offset")? as usize,
                length: u64_of(c, "length")? as usize,
            });
        }
        if fields.is_empty() {
            return Err(bad("no fields"));
        }
        let norms = v
            .get("norms")
            .and_then(Value::as_str)
            .and_then(Norms::parse)
            .ok_or_else(|| bad("norms"))?;
        let block_max = v.get("blockMax").ok_or_else(|| bad("blockMax"))?;
        let param = |k: &str| {
            block_max
                .get(k)
                .and_then(Value::as_f64)
                .filter(|x| x.is_finite())
                .ok_or_else(|| bad("blockMax"))
        };
        if block_max.get("ranker").and_then(Value::as_str) != Some("bm25") {
            return Err(bad("blockMax.ranker"));
        }
        Ok(IndexMeta {
            doc_count: u64_of(&v, "docCount")? as u32,
            fields,
            analyzer: AnalyzerConfig { stemmer, stopwords },
            norms,
            position_gap: u64_of(&v, "positionGap")? as u32,
            block_max_bm25: (param("k1")?, param("b")?),
            columns,
        })
    }
}
