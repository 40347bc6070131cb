//! English possessives: "the patient's" and "the patient" are the same term.
//!
//! Lucene's `EnglishPossessiveFilter` removes a trailing `'s`, `’s` or `＇s`. Terms reach this step
//! lowercased and folded, and folding has already turned `’` and `＇` into `'`, so `'s` is the one
//! spelling left to remove.

/// Removes a trailing `'s` from `term`.
pub(crate) fn strip_possessive(term: &mut String) {
    let len = term.len();
    if len >= 2 && term.as_bytes()[len - 2..] == *b"'s" {
        term.truncate(len - 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripped(term: &str) -> String {
        let mut term = term.to_string();
        strip_possessive(&mut term);
        term
    }

    #[test]
    fn removes_trailing_apostrophe_s() {
        assert_eq!(stripped("patient's"), "patient");
        assert_eq!(stripped("it's"), "it");
    }

    #[test]
    fn leaves_other_apostrophes_alone() {
        assert_eq!(stripped("don't"), "don't");
        assert_eq!(stripped("o's.a"), "o's.a");
        assert_eq!(stripped("patients"), "patients");
        assert_eq!(stripped("s"), "s");
        assert_eq!(stripped("'"), "'");
    }
}
