//! Stop words: which terms are too common to be worth indexing?
//!
//! A removed stop word still takes its position (see `Analyzer::analyze`), as in Lucene's `StopFilter`.
//! Matching is exact on the term after lowercasing, folding and possessive removal, and before stemming,
//! so "The" and "it's" are stopped but "thes" is not.

use super::analyzer::StopWords;
use super::tokenizer::push_term;

/// Lucene's English stop words (`EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`), which Anserini uses by
/// default; sorted.
pub const LUCENE_STOP_WORDS: [&str; 33] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
    "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
    "will", "with",
];

/// The stop words an analyzer removes, spelled as terms.
#[derive(Clone, Debug)]
pub(crate) struct StopWordSet {
    /// Sorted and deduplicated, for binary search.
    words: Vec<String>,
    /// Byte length of the longest word: longer terms, most of them, skip the search.
    longest: usize,
}

impl StopWordSet {
    pub(crate) fn new(stop_words: &StopWords) -> StopWordSet {
        let mut words: Vec<String> = match stop_words {
            StopWords::Lucene => LUCENE_STOP_WORDS.iter().map(|word| word.to_string()).collect(),
            StopWords::None => Vec::new(),
            // Spelled like terms so that "The" or "Über" in a list matches the text's "the" and "uber".
            // An entry of several words can never match a single term; it is kept, harmlessly.
            StopWords::Custom(list) => list
                .iter()
                .map(|word| word.trim())
                .filter(|word| !word.is_empty())
                .map(|word| {
                    let mut term = String::with_capacity(word.len());
                    push_term(word, &mut term);
                    term
                })
                .collect(),
        };
        words.sort();
        words.dedup();
        let longest = words.iter().map(String::len).max().unwrap_or(0);
        StopWordSet { words, longest }
    }

    pub(crate) fn contains(&self, term: &str) -> bool {
        term.len() <= self.longest && self.words.binary_search_by(|word| word.as_str().cmp(term)).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lucene_list_is_the_33_words_sorted() {
        assert_eq!(LUCENE_STOP_WORDS.len(), 33);
        assert!(LUCENE_STOP_WORDS.windows(2).all(|pair| pair[0] < pair[1]), "sorted and distinct");
        let set = StopWordSet::new(&StopWords::Lucene);
        for word in LUCENE_STOP_WORDS {
            assert!(set.contains(word), "{word}");
        }
        for term in ["", "thes", "with1", "an't", "patient", "i", "s", "The"] {
            assert!(!set.contains(term), "{term}");
        }
    }

    #[test]
    fn none_stops_nothing() {
        let set = StopWordSet::new(&StopWords::None);
        assert!(!set.contains("the"));
        assert!(!set.contains(""));
    }

    #[test]
    fn custom_words_are_spelled_as_terms() {
        let list = vec!["Über".to_string(), " THE ".to_string(), "".to_string(), "the".to_string()];
        let set = StopWordSet::new(&StopWords::Custom(list));
        assert!(set.contains("uber"));
        assert!(set.contains("the"));
        assert!(!set.contains("Über"));
        assert!(!set.contains("a"));
        assert!(!set.contains(""));
        assert_eq!(set.words, ["the", "uber"]);
    }
}
