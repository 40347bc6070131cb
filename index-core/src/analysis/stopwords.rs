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
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

/// The stop words an analyzer removes, spelled as terms.
///
/// Looked up for every token, so it is a small open-addressing hash table (FNV-1a, linear probing)
/// rather than a `HashSet<String>`, whose SipHash costs more than the rest of a lookup.
#[derive(Clone, Debug)]
pub(crate) struct StopWordSet {
    /// Sorted and deduplicated, so that the table's layout does not depend on the input order.
    words: Vec<String>,
    /// `index + 1` into `words`, 0 for an empty slot; a power of two long, at most half full.
    slots: Vec<u32>,
    /// Byte length of the longest word: longer terms, most of them, skip hashing.
    longest: usize,
}

impl StopWordSet {
    pub(crate) fn new(stop_words: &StopWords) -> StopWordSet {
        let mut words: Vec<String> = match stop_words {
            StopWords::Lucene => LUCENE_STOP_WORDS
                .iter()
                .map(|word| word.to_string())
                .collect(),
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
        let mut slots = vec![0u32; (words.len() * 2).next_power_of_two()];
        for (index, word) in words.iter().enumerate() {
            let mut slot = slot_of(word, slots.len());
            while slots[slot] != 0 {
                slot = (slot + 1) % slots.len();
            }
            slots[slot] = index as u32 + 1;
        }
        let longest = words.iter().map(String::len).max().unwrap_or(0);
        StopWordSet {
            words,
            slots,
            longest,
        }
    }

    pub(crate) fn contains(&self, term: &str) -> bool {
        if term.len() > self.longest {
            return false;
        }
        let mut slot = slot_of(term, self.slots.len());
        loop {
            match self.slots[slot] {
                0 => return false,
                entry if self.words[entry as usize - 1] == term => return true,
                _ => slot = (slot + 1) & (self.slots.len() - 1),
            }
        }
    }
}

/// The home slot of `word` in a table of `table_len` (a power of two) slots: FNV-1a, 32 bits.
fn slot_of(word: &str, table_len: usize) -> usize {
    let hash = word.bytes().fold(0x811c_9dc5u32, |hash, byte| {
        (hash ^ byte as u32).wrapping_mul(0x0100_0193)
    });
    hash as usize & (table_len - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lucene_list_is_the_33_words_sorted() {
        assert_eq!(LUCENE_STOP_WORDS.len(), 33);
        assert!(
            LUCENE_STOP_WORDS.windows(2).all(|pair| pair[0] < pair[1]),
            "sorted and distinct"
        );
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
        let list = vec![
            "Über".to_string(),
            " THE ".to_string(),
            "".to_string(),
            "the".to_string(),
        ];
        let set = StopWordSet::new(&StopWords::Custom(list));
        assert!(set.contains("uber"));
        assert!(set.contains("the"));
        assert!(!set.contains("Über"));
        assert!(!set.contains("a"));
        assert!(!set.contains(""));
        assert_eq!(set.words, ["the", "uber"]);
    }

    #[test]
    fn many_custom_words_all_found() {
        let list: Vec<String> = (0..1000).map(|n| format!("w{n}")).collect();
        let set = StopWordSet::new(&StopWords::Custom(list.clone()));
        assert!(list.iter().all(|word| set.contains(word)));
        assert!(!set.contains("w1000") && !set.contains("w"));
    }
}
