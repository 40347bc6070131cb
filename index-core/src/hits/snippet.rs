//! The snippet: a window of a hit's text around the first highlighted term, with the query's terms
//! located in it, the work bounded however long the text.
//!
//! Only the first `HIGHLIGHT_BYTES` of the text are analysed: a 55 MB document costs what a
//! 64 KiB one does. If no query term occurs there, the window is the start of the text (the
//! document matched further on). Spans come from the index's own analyzer, so stemmed matches
//! ("running" for "run") are located exactly as they were scored. Offsets given to the host are
//! UTF-16 code units within the window, as JavaScript strings count.

use crate::analysis::Analyzer;

/// Characters a snippet window holds (about three lines).
pub const SNIPPET_CHARS: usize = 240;
/// Bytes of a hit's text analysed to find the terms to highlight.
pub const HIGHLIGHT_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The window of text shown.
    pub text: String,
    /// Whether text precedes and follows the window (the host shows an ellipsis).
    pub cut_before: bool,
    pub cut_after: bool,
    /// `[start, end)` of each highlighted term in `text`, in UTF-16 code units, ascending.
    pub spans: Vec<(u32, u32)>,
}

impl Snippet {
    /// The snippet of `text` for the analysed query `terms`.
    pub fn of(analyzer: &Analyzer, text: &str, terms: &[String]) -> Snippet {
        let mut limit = text.len().min(HIGHLIGHT_BYTES);
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let analysed = &text[..limit];
        // Byte spans of the terms, in text order.
        let mut spans: Vec<(usize, usize)> = Vec::new();
        analyzer.analyze(analysed, 0, |t| {
            if terms.iter().any(|w| w == t.term) {
                spans.push((t.start, t.end));
            }
        });
        // A word cut by the analysis limit would be analysed as a shorter word: drop a span that
        // touches the limit when the text goes on.
        if limit < text.len() && spans.last().map_or(false, |s| s.1 == limit) {
            spans.pop();
        }
        let (start, end) = window(text, spans.first().map(|s| s.0));
        let mut out = Vec::new();
        let mut unit = 0u32;
        let mut at = start;
        for &(s, e) in &spans {
            if s < start || e > end {
                continue;
            }
            unit += utf16_len(&text[at..s]);
            let len = utf16_len(&text[s..e]);
            out.push((unit, unit + len));
            unit += len;
            at = e;
        }
        Snippet {
            text: text[start..end].to_string(),
            cut_before: start > 0,
            cut_after: end < text.len(),
            spans: out,
        }
    }
}

fn utf16_len(s: &str) -> u32 {
    s.chars().map(|c| c.len_utf16() as u32).sum()
}

/// The byte offset `chars` characters after `from` (or the end).
fn advance(text: &str, from: usize, chars: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| from + i)
}

/// The byte offset `chars` characters before `from` (or 0).
fn retreat(text: &str, from: usize, chars: usize) -> usize {
    text[..from]
        .char_indices()
        .rev()
        .nth(chars.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// The window `[start, end)` (byte offsets on character boundaries): `SNIPPET_CHARS` characters
/// starting a quarter window before the first match (snapped forward to a word start), or the start
/// of the text; its end snapped back to a space when that keeps at least half the window.
fn window(text: &str, first_match: Option<usize>) -> (usize, usize) {
    let mut start = 0;
    if let Some(m) = first_match {
        if advance(text, 0, SNIPPET_CHARS) < text.len() {
            start = retreat(text, m, SNIPPET_CHARS / 4);
            // Keep a full window when the match is near the end.
            let last_full = retreat(text, text.len(), SNIPPET_CHARS);
            start = start.min(last_full);
            if start > 0 {
                if let Some(space) = text[start..m].find(' ') {
                    start += space + 1;
                }
            }
        }
    }
    let mut end = advance(text, start, SNIPPET_CHARS);
    if end < text.len() {
        let half = advance(text, start, SNIPPET_CHARS / 2);
        if let Some(space) = text[start..end].rfind(' ') {
            if start + space > half {
                end = start + space;
            }
        }
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::AnalyzerConfig;

    fn snippet(text: &str, terms: &[&str]) -> Snippet {
        let terms: Vec<String> = terms.iter().map(|t| t.to_string()).collect();
        Snippet::of(&Analyzer::new(AnalyzerConfig::default()), text, &terms)
    }

    fn marked(s: &Snippet) -> Vec<String> {
        let units: Vec<u16> = s.text.encode_utf16().collect();
        s.spans
            .iter()
            .map(|&(a, b)| String::from_utf16(&units[a as usize..b as usize]).unwrap())
            .collect()
    }

    #[test]
    fn short_text_is_whole_with_stemmed_matches_marked() {
        let s = snippet("Running runners ran; 😀 the RUN café", &["run", "cafe"]);
        assert_eq!(s.text, "Running runners ran; 😀 the RUN café");
        assert!(!s.cut_before && !s.cut_after);
        assert_eq!(marked(&s), vec!["Running", "RUN", "café"]);
    }

    #[test]
    fn long_text_windows_around_the_first_match() {
        let text = format!(
            "{} needle and more {}",
            "lead ".repeat(200),
            "tail ".repeat(200)
        );
        let s = snippet(&text, &["needl"]);
        assert!(s.cut_before && s.cut_after);
        assert!(s.text.chars().count() <= SNIPPET_CHARS);
        assert!(s.text.starts_with("lead"), "{}", s.text);
        assert_eq!(marked(&s), vec!["needle"]);
        // No match: the start of the text.
        let none = snippet(&text, &["absent"]);
        assert!(!none.cut_before && none.cut_after && none.text.starts_with("lead lead"));
    }

    #[test]
    fn analysis_is_bounded_however_long_the_text() {
        // A match past the analysed prefix is not looked for: the snippet is the start of the text.
        let text = format!("{} needle", "word ".repeat(HIGHLIGHT_BYTES));
        let s = snippet(&text, &["needl"]);
        assert!(!s.cut_before && s.cut_after && s.spans.is_empty());
        // A match inside it is found, and a word cut by the limit is not marked.
        let text = format!("needle {}", "x".repeat(HIGHLIGHT_BYTES * 2));
        assert_eq!(marked(&snippet(&text, &["needl", "x"])), vec!["needle"]);
    }
}
