use super::{MAX_CLAUSES, MAX_QUERY_BYTES};
use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Occur {
    /// Ranked; a document needs at least one optional clause when no clause is required.
    Should,
    Must,
    MustNot,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ClauseText {
    /// One word as typed; analysis may turn it into several terms.
    Word(String),
    /// The text between quotes.
    Phrase(String),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Clause {
    pub(crate) occur: Occur,
    pub(crate) field: Option<String>,
    pub(crate) text: ClauseText,
}

fn is_field_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
}

fn check_length(query: &str) -> Result<()> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(Error::bad_query(
            "query",
            format!(
                "the query is {} bytes long; at most {} are accepted",
                query.len(),
                MAX_QUERY_BYTES
            ),
        ));
    }
    Ok(())
}

/// Splits a query into clauses. `known_fields` decides whether `x:y` is a field query: a prefix
/// that is not a field of the index is plain text (so "ratio:3" in free text still searches).
pub(crate) fn parse_query(query: &str, known_fields: &[&str]) -> Result<Vec<Clause>> {
    check_length(query)?;
    let mut clauses = Vec::new();
    let mut rest = query.trim_start();
    while !rest.is_empty() {
        let mut occur = Occur::Should;
        if let Some(r) = rest.strip_prefix('+') {
            occur = Occur::Must;
            rest = r;
        } else if let Some(r) = rest.strip_prefix('-') {
            occur = Occur::MustNot;
            rest = r;
        }
        let mut field = None;
        // A field prefix ends at the first ':' before any whitespace or quote.
        let word_end = rest
            .find(|c: char| c.is_whitespace() || c == '"')
            .unwrap_or(rest.len());
        if let Some(colon) = rest[..word_end].find(':') {
            let name = &rest[..colon];
            if is_field_name(name) && known_fields.contains(&name) {
                field = Some(name.to_string());
                rest = &rest[colon + 1..];
            }
        }
        let text = if let Some(r) = rest.strip_prefix('"') {
            let close = r.find('"').ok_or_else(|| {
                Error::bad_query(
                    "query",
                    "a phrase is missing its closing quote: write \"words in quotes\"",
                )
            })?;
            let phrase = &r[..close];
            rest = &r[close + 1..];
            ClauseText::Phrase(phrase.to_string())
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let word = &rest[..end];
            rest = &rest[end..];
            ClauseText::Word(word.to_string())
        };
        let empty = match &text {
            ClauseText::Word(w) | ClauseText::Phrase(w) => w.trim().is_empty(),
        };
        if !empty {
            clauses.push(Clause { occur, field, text });
        }
        if clauses.len() > MAX_CLAUSES {
            return Err(Error::bad_query(
                "query",
                format!("the query has more than {} words or phrases", MAX_CLAUSES),
            ));
        }
        rest = rest.trim_start();
    }
    Ok(clauses)
}

/// Every whitespace-separated word as an optional, unqualified clause (no query syntax).
pub(crate) fn plain_words(query: &str) -> Result<Vec<Clause>> {
    check_length(query)?;
    Ok(query
        .split_whitespace()
        .map(|w| Clause {
            occur: Occur::Should,
            field: None,
            text: ClauseText::Word(w.to_string()),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(occur: Occur, field: Option<&str>, w: &str) -> Clause {
        Clause {
            occur,
            field: field.map(str::to_string),
            text: ClauseText::Word(w.to_string()),
        }
    }

    #[test]
    fn parses_every_kind_of_clause() {
        let c = parse_query("  climate +policy -coal title:energy \"carbon tax\" -\"fossil fuel\" text:\"sea level\"", &["title", "text"]).unwrap();
        assert_eq!(c[0], word(Occur::Should, None, "climate"));
        assert_eq!(c[1], word(Occur::Must, None, "policy"));
        assert_eq!(c[2], word(Occur::MustNot, None, "coal"));
        assert_eq!(c[3], word(Occur::Should, Some("title"), "energy"));
        assert_eq!(c[4].text, ClauseText::Phrase("carbon tax".into()));
        assert_eq!(
            (c[5].occur, &c[5].text),
            (Occur::MustNot, &ClauseText::Phrase("fossil fuel".into()))
        );
        assert_eq!(
            (c[6].field.as_deref(), &c[6].text),
            (Some("text"), &ClauseText::Phrase("sea level".into()))
        );
        assert_eq!(c.len(), 7);
    }

    #[test]
    fn unknown_field_prefix_is_text() {
        let c = parse_query("ratio:3 title:x", &["title"]).unwrap();
        assert_eq!(c[0], word(Occur::Should, None, "ratio:3"));
        assert_eq!(c[1], word(Occur::Should, Some("title"), "x"));
    }

    #[test]
    fn edges() {
        assert!(parse_query("", &[]).unwrap().is_empty());
        assert!(parse_query("   + - \"\" ", &[]).unwrap().is_empty());
        assert!(parse_query("\"open phrase", &[])
            .unwrap_err()
            .message
            .contains("closing quote"));
        assert!(parse_query(&"a ".repeat(65), &[]).is_err());
        assert!(parse_query(&"a".repeat(5000), &[])
            .unwrap_err()
            .message
            .contains("at most 4096"));
        assert_eq!(
            parse_query("a\"b c\"", &[]).unwrap()[0],
            word(Occur::Should, None, "a\"b")
        );
    }
}
