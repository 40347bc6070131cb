//! Build options: which corpus fields are indexed and how, with their defaults in one place.

use crate::analysis::{AnalyzerConfig, Stemmer, StopWords};
use crate::error::{Error, Result};
use crate::scoring::Norms;
use serde_json::Value;

/// Default corpus fields indexed (BEIR's `title` and `text`).
pub const DEFAULT_FIELDS: [&str; 2] = ["title", "text"];
/// Default memory budget of the in-memory segment before it is flushed, in MiB.
pub const DEFAULT_MEMORY_BUDGET_MB: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldMode {
    /// All source fields indexed as one field (as Anserini's "flat" BEIR runs).
    Combined,
    /// Each source field its own field, queryable as `field:term`; unqualified terms search all.
    Separate,
}

#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Corpus keys whose string values are indexed (in this order).
    pub fields: Vec<String>,
    pub field_mode: FieldMode,
    pub analyzer: AnalyzerConfig,
    /// How document lengths are recorded: exactly (default) or as Lucene's one byte.
    pub norms: Norms,
    /// Bytes the in-memory segment may hold before `IndexBuilder::should_flush` says so.
    pub memory_budget: usize,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            fields: DEFAULT_FIELDS.iter().map(|s| s.to_string()).collect(),
            field_mode: FieldMode::Combined,
            analyzer: AnalyzerConfig::default(),
            norms: Norms::Exact,
            memory_budget: DEFAULT_MEMORY_BUDGET_MB << 20,
        }
    }
}

/// Keys that name a document rather than hold its text.
pub(crate) const ID_KEYS: [&str; 2] = ["_id", "id"];

impl BuildOptions {
    /// Reads options from JSON such as
    /// `{"fields":["title","text"],"fieldMode":"combined","stemmer":"porter","stopwords":"lucene",
    /// "norms":"exact","memoryBudgetMb":256}`; every key is optional.
    pub fn from_json(json: &str) -> Result<BuildOptions> {
        let v: Value = serde_json::from_str(json)
            .map_err(|e| Error::bad_options(format!("index options are not JSON: {}", e)))?;
        let mut o = BuildOptions::default();
        if let Some(f) = v.get("fields") {
            let list = f
                .as_array()
                .ok_or_else(|| Error::bad_options("\"fields\" must be a list of corpus keys"))?;
            o.fields = list
                .iter()
                .map(|x| {
                    x.as_str().map(str::to_string).ok_or_else(|| {
                        Error::bad_options("\"fields\" must be a list of corpus keys")
                    })
                })
                .collect::<Result<_>>()?;
        }
        if let Some(m) = v.get("fieldMode") {
            o.field_mode = match m.as_str() {
                Some("combined") => FieldMode::Combined,
                Some("separate") => FieldMode::Separate,
                _ => {
                    return Err(Error::bad_options(
                        "\"fieldMode\" must be \"combined\" or \"separate\"",
                    ))
                }
            };
        }
        if let Some(s) = v.get("stemmer") {
            o.analyzer.stemmer = match s.as_str() {
                Some("porter") => Stemmer::Porter,
                Some("none") => Stemmer::None,
                _ => {
                    return Err(Error::bad_options(
                        "the stemmer must be \"porter\" or \"none\"",
                    ))
                }
            };
        }
        if let Some(s) = v.get("stopwords") {
            o.analyzer.stopwords = match s {
                Value::String(x) if x == "lucene" => StopWords::Lucene,
                Value::String(x) if x == "none" => StopWords::None,
                Value::Array(words) => StopWords::Custom(
                    words
                        .iter()
                        .map(|w| {
                            w.as_str()
                                .map(str::to_string)
                                .ok_or_else(|| Error::bad_options("stop words must be strings"))
                        })
                        .collect::<Result<_>>()?,
                ),
                _ => {
                    return Err(Error::bad_options(
                        "stop words must be \"lucene\", \"none\" or a list of words",
                    ))
                }
            };
        }
        if let Some(n) = v.get("norms") {
            o.norms = n
                .as_str()
                .and_then(Norms::parse)
                .ok_or_else(|| Error::bad_options("\"norms\" must be \"exact\" or \"lucene\""))?;
        }
        if let Some(m) = v.get("memoryBudgetMb") {
            let mb = m.as_u64().filter(|&mb| (1..=65_536).contains(&mb));
            o.memory_budget = (mb.ok_or_else(|| {
                Error::bad_options("\"memoryBudgetMb\" must be an integer from 1 to 65536")
            })? as usize)
                << 20;
        }
        o.validate()?;
        Ok(o)
    }

    fn validate(&self) -> Result<()> {
        if self.fields.is_empty() {
            return Err(Error::bad_options(
                "at least one field must be indexed (for example title,text)",
            ));
        }
        for (i, f) in self.fields.iter().enumerate() {
            if f.is_empty()
                || !f
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
            {
                return Err(Error::bad_options(format!(
                    "field name \"{}\" must be letters, digits, '_', '-' or '.'",
                    f
                )));
            }
            if ID_KEYS.contains(&f.as_str()) {
                return Err(Error::bad_options(format!(
                    "\"{}\" is the document id and cannot be an indexed field",
                    f
                )));
            }
            if self.fields[..i].contains(f) {
                return Err(Error::bad_options(format!(
                    "field \"{}\" is listed twice",
                    f
                )));
            }
        }
        Ok(())
    }

    /// The indexed fields as (name, source keys).
    pub(crate) fn indexed_fields(&self) -> Vec<(String, Vec<String>)> {
        match self.field_mode {
            FieldMode::Combined => vec![(self.fields.join("+"), self.fields.clone())],
            FieldMode::Separate => self
                .fields
                .iter()
                .map(|f| (f.clone(), vec![f.clone()]))
                .collect(),
        }
    }
}
