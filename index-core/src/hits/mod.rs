//! hits/: what does a page of results show?
//!
//! One call shapes every hit of a page: its external id, its title, a snippet window of its text
//! with the query's terms located in it, and its other stored keys as metadata. Stored blocks are
//! read and inflated once per page (`Segment::stored_many`), the text never leaves the engine to be
//! sent back for highlighting, and the work per hit is bounded however large the document
//! (`snippet`). A stored document that is damaged or not a JSON object becomes a hit without a
//! body that says why; the page still answers. `layout` writes the page in one binary layout that
//! the runtime decodes (`runtime/engine/hit-page.ts`).

mod layout;
mod snippet;

pub use layout::encode_page;
pub use snippet::{Snippet, SNIPPET_CHARS};

use crate::error::{Error, Result};
use crate::indexer::ID_KEYS;
use crate::segment::Segment;
use serde_json::{Map, Value};

/// Longest title shown, in characters (a title is a field like any other and may be huge).
pub const TITLE_CHARS: usize = 512;

/// Which stored keys play which part in a hit.
#[derive(Clone, Debug)]
pub struct HitFields {
    /// Shown as the title (default: the index's first source field).
    pub title: String,
    /// Their text, joined by a space, is what the snippet shows (default: the other source fields).
    pub snippet: Vec<String>,
    /// Keys left out of the metadata: the id keys and every indexed source field.
    hidden: Vec<String>,
}

impl HitFields {
    /// The roles for `segment`'s fields, with `title` naming the title field (one of the index's
    /// source fields) or `None` for the first.
    pub fn for_index(segment: &Segment, title: Option<&str>) -> Result<HitFields> {
        let sources: Vec<String> = segment
            .meta()
            .fields
            .iter()
            .flat_map(|f| f.sources.iter().cloned())
            .collect();
        let title = match title {
            None => sources[0].clone(),
            Some(t) if sources.iter().any(|s| s == t) => t.to_string(),
            Some(t) => {
                return Err(Error::bad_options(format!(
                    "title field \"{}\" is not one of the index's fields ({})",
                    t,
                    sources.join(", ")
                )))
            }
        };
        let mut hidden: Vec<String> = ID_KEYS.iter().map(|k| k.to_string()).collect();
        hidden.extend(sources.iter().cloned());
        Ok(HitFields {
            snippet: sources.into_iter().filter(|s| *s != title).collect(),
            title,
            hidden,
        })
    }
}

/// One shaped hit: its parts, or why its stored document could not be read.
pub struct ShapedHit {
    pub id: String,
    pub body: std::result::Result<HitBody, String>,
}

pub struct HitBody {
    pub title: String,
    pub snippet: Snippet,
    /// The stored object without the id and the indexed fields, as JSON.
    pub metadata: String,
}

/// Shapes the hits `docs` of a page, highlighting `terms` (the query's analysed terms).
pub fn shape_page(
    segment: &Segment,
    docs: &[u32],
    terms: &[String],
    fields: &HitFields,
) -> Result<Vec<ShapedHit>> {
    let stored = segment.stored_many(docs);
    let mut out = Vec::with_capacity(docs.len());
    for (&doc, stored) in docs.iter().zip(stored) {
        let id = segment.external_id(doc)?.to_string();
        let body = match stored {
            Err(e) if e.kind == crate::ErrorKind::BadQuery => return Err(e),
            Err(e) => Err(e.message),
            Ok(bytes) => shape(segment, &bytes, terms, fields)
                .map_err(|why| format!("stored document \"{}\" {}", id, why)),
        };
        out.push(ShapedHit { id, body });
    }
    Ok(out)
}

/// Shapes one stored document, or says what is wrong with it.
fn shape(
    segment: &Segment,
    bytes: &[u8],
    terms: &[String],
    fields: &HitFields,
) -> std::result::Result<HitBody, String> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("is not valid JSON ({}): the index is damaged", e))?;
    let object = match value {
        Value::Object(o) => o,
        _ => return Err("is not a JSON object: the index is damaged".to_string()),
    };
    let text_of = |key: &str| object.get(key).and_then(Value::as_str).unwrap_or("");
    let title = text_of(&fields.title);
    let title = match title.char_indices().nth(TITLE_CHARS) {
        Some((cut, _)) => format!("{}…", &title[..cut]),
        None => title.to_string(),
    };
    let snippet_text: Vec<&str> = fields
        .snippet
        .iter()
        .map(|k| text_of(k))
        .filter(|t| !t.is_empty())
        .collect();
    let snippet = Snippet::of(segment.analyzer(), &snippet_text.join(" "), terms);
    let metadata: Map<String, Value> = object
        .iter()
        .filter(|(k, _)| !fields.hidden.contains(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(HitBody {
        title,
        snippet,
        metadata: Value::Object(metadata).to_string(),
    })
}
