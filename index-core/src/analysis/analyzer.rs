//! The analyzer: the configured chain from a text to the terms we index, with their positions.

use super::porter;
use super::possessive::strip_possessive;
use super::stopwords::StopWordSet;
use super::tokenizer::{push_term, WordSpans};

/// The parts of the chain that are not configurable, as the meta section records them. An index
/// recording other values was analysed by an engine this build cannot imitate, and is refused.
pub const FIXED_COMPONENTS: [(&str, &str); 3] = [
    ("tokenizer", "standard"),
    ("folding", "latin"),
    ("possessives", "english"),
];

/// Which stemmer reduces terms to their stem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stemmer {
    /// Porter's algorithm as Lucene's `PorterStemFilter` runs it ("running" → "run"). Only terms made
    /// entirely of ASCII are stemmed: after accent folding these are all the Latin-script words, and
    /// Porter's English suffixes mean nothing to the others (Greek, Cyrillic, ...), which stay as they are.
    /// Lucene stems every term, a non-ASCII letter counting as a consonant ("gαs" → "gα", "κstudy" →
    /// "κstudi"): a departure `bench/analysis-diff.ts` finds in 11 of SciFact's 5,183 documents.
    Porter,
    /// Terms are indexed as spelled.
    None,
}

/// Which stop words are removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StopWords {
    /// Lucene's 33 English stop words, [`LUCENE_STOP_WORDS`](super::LUCENE_STOP_WORDS).
    Lucene,
    /// Nothing is removed.
    None,
    /// These words, lowercased and accent-folded like text (surrounding spaces and empty entries ignored).
    Custom(Vec<String>),
}

/// How text is analysed. Chosen when an index is built and recorded in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnalyzerConfig {
    /// Default: [`Stemmer::Porter`].
    pub stemmer: Stemmer,
    /// Default: [`StopWords::Lucene`].
    pub stopwords: StopWords,
}

impl Default for AnalyzerConfig {
    /// Anserini's English analysis, for which our BM25 numbers are comparable with Lucene's.
    fn default() -> AnalyzerConfig {
        AnalyzerConfig {
            stemmer: Stemmer::Porter,
            stopwords: StopWords::Lucene,
        }
    }
}

/// One indexed term occurrence. `term` borrows the analyzer's buffers and lives only for the call to
/// the sink; `start..end` are byte offsets of its surface form in the analysed text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    pub term: &'a str,
    pub position: u32,
    pub start: usize,
    pub end: usize,
}

/// Tokenizer → lowercasing and accent folding → possessive removal → stop words → stemmer.
#[derive(Clone, Debug)]
pub struct Analyzer {
    config: AnalyzerConfig,
    stop_words: StopWordSet,
}

impl Analyzer {
    pub fn new(config: AnalyzerConfig) -> Analyzer {
        let stop_words = StopWordSet::new(&config.stopwords);
        Analyzer { config, stop_words }
    }

    pub fn config(&self) -> &AnalyzerConfig {
        &self.config
    }

    /// Calls `sink` for each indexed token in order. Positions start at `first_position` and count every
    /// token the tokenizer emitted, including removed stop words (Lucene position increments).
    /// Returns the position after the last token emitted by the tokenizer (so another field value can
    /// continue).
    ///
    /// Allocates two small buffers per call, none per token.
    pub fn analyze<F: FnMut(Token)>(&self, text: &str, first_position: u32, mut sink: F) -> u32 {
        let mut scratch = TermScratch::default();
        let mut position = first_position;
        for (start, end) in words(text) {
            let token_position = position;
            position += 1;
            if let Some(term) = self.term(&text[start..end], &mut scratch) {
                sink(Token {
                    term,
                    position: token_position,
                    start,
                    end,
                });
            }
        }
        position
    }

    /// The term a word of [`words`] is indexed as, or `None` for a stop word. A function of the
    /// word alone, which is what lets the builder remember it per spelling.
    pub fn term<'s>(&self, word: &str, scratch: &'s mut TermScratch) -> Option<&'s str> {
        let term = &mut scratch.term;
        term.clear();
        push_term(word, term);
        strip_possessive(term);
        if self.stop_words.contains(term) {
            return None;
        }
        Some(match self.config.stemmer {
            Stemmer::Porter if term.is_ascii() => {
                let stem = &mut scratch.stem;
                stem.clear();
                stem.extend_from_slice(term.as_bytes());
                let len = porter::stem(stem);
                std::str::from_utf8(&stem[..len]).expect("Porter rewrites ASCII into ASCII")
            }
            Stemmer::Porter | Stemmer::None => term.as_str(),
        })
    }
}

/// The words of `text` as byte spans `(start, end)`, in order: each one token position.
pub fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    WordSpans::new(text)
}

/// [`Analyzer::term`]'s buffers, reused from word to word.
#[derive(Default)]
pub struct TermScratch {
    term: String,
    stem: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms_with(config: AnalyzerConfig, text: &str) -> Vec<(String, u32)> {
        let mut out = Vec::new();
        Analyzer::new(config).analyze(text, 0, |token| {
            out.push((token.term.to_string(), token.position))
        });
        out
    }

    fn terms(text: &str) -> Vec<(String, u32)> {
        terms_with(AnalyzerConfig::default(), text)
    }

    fn owned(expected: &[(&str, u32)]) -> Vec<(String, u32)> {
        expected
            .iter()
            .map(|&(term, position)| (term.to_string(), position))
            .collect()
    }

    #[test]
    fn default_config_is_porter_and_lucene_stop_words() {
        let analyzer = Analyzer::new(AnalyzerConfig::default());
        assert_eq!(analyzer.config().stemmer, Stemmer::Porter);
        assert_eq!(analyzer.config().stopwords, StopWords::Lucene);
    }

    #[test]
    fn lucene_english_analysis_of_a_sentence() {
        // Lucene's EnglishAnalyzer gives these terms at these positions.
        assert_eq!(
            terms("The quick brown foxes jumped over the lazy dogs"),
            owned(&[
                ("quick", 1),
                ("brown", 2),
                ("fox", 3),
                ("jump", 4),
                ("over", 5),
                ("lazi", 7),
                ("dog", 8)
            ])
        );
    }

    #[test]
    fn stop_words_leave_position_gaps() {
        assert_eq!(
            terms("state of the art"),
            owned(&[("state", 0), ("art", 3)])
        );
        assert!(terms("to be or not to be").is_empty());
    }

    #[test]
    fn possessive_is_removed_before_stop_words_and_stemming() {
        assert_eq!(
            terms("It's the patient’s relational"),
            owned(&[("patient", 2), ("relat", 3)])
        );
    }

    #[test]
    fn positions_continue_from_first_position_and_the_return_value() {
        let analyzer = Analyzer::new(AnalyzerConfig::default());
        let mut positions = Vec::new();
        let next = analyzer.analyze("Title of paper", 10, |token| positions.push(token.position));
        assert_eq!(next, 13, "three tokens, the stop word counted");
        let after = analyzer.analyze("the end", next, |token| positions.push(token.position));
        assert_eq!(after, 15);
        assert_eq!(positions, [10, 12, 14]);
        assert_eq!(analyzer.analyze("", 7, |_| panic!("no token")), 7);
        assert_eq!(
            analyzer.analyze("the a an", 7, |_| panic!("all stopped")),
            10
        );
    }

    #[test]
    fn offsets_point_at_the_surface_form() {
        let text = "Naïve Bayes’s ÉCOLES, 3.14";
        let mut seen = Vec::new();
        Analyzer::new(AnalyzerConfig::default()).analyze(text, 0, |token| {
            seen.push((token.term.to_string(), &text[token.start..token.end]))
        });
        let expected = [
            ("naiv", "Naïve"),
            ("bay", "Bayes’s"),
            ("ecol", "ÉCOLES"),
            ("3.14", "3.14"),
        ];
        assert_eq!(
            seen,
            expected
                .iter()
                .map(|&(t, s)| (t.to_string(), s))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn stemmer_none_and_stop_words_none() {
        let config = AnalyzerConfig {
            stemmer: Stemmer::None,
            stopwords: StopWords::None,
        };
        assert_eq!(
            terms_with(config, "The running Cafés"),
            owned(&[("the", 0), ("running", 1), ("cafes", 2)])
        );
    }

    #[test]
    fn custom_stop_words() {
        let config = AnalyzerConfig {
            stemmer: Stemmer::Porter,
            stopwords: StopWords::Custom(vec!["Results".to_string(), "ÉTUDE".to_string()]),
        };
        assert_eq!(
            terms_with(config, "The results of this étude"),
            owned(&[("the", 0), ("of", 2), ("thi", 3)])
        );
    }

    #[test]
    fn non_ascii_terms_are_not_stemmed() {
        assert_eq!(
            terms("ελληνικές running"),
            owned(&[("ελληνικές", 0), ("run", 1)])
        );
        assert_eq!(terms("中文"), owned(&[("中", 0), ("文", 1)]));
    }

    #[test]
    fn scientific_text() {
        assert_eq!(
            terms(
                "COVID-19 patients' IL-6 levels (p<0.05) rose 1,000-fold, e.g. in U.S.A. cohorts"
            ),
            owned(&[
                ("covid", 0),
                ("19", 1),
                ("patient", 2),
                ("il", 3),
                ("6", 4),
                ("level", 5),
                ("p", 6),
                ("0.05", 7),
                ("rose", 8),
                ("1,000", 9),
                ("fold", 10),
                ("e.g", 11),
                ("u.s.a", 13),
                ("cohort", 14),
            ])
        );
    }

    /// Throughput on SciFact: `cargo test --release -- --ignored --nocapture analysis_speed`.
    #[test]
    #[ignore]
    fn analysis_speed_on_scifact() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/scifact/corpus.jsonl"
        );
        let corpus = std::fs::read_to_string(path)
            .or_else(|_| std::fs::read_to_string("/work/shared/data/scifact/corpus.jsonl"))
            .expect("SciFact corpus");
        let analyzer = Analyzer::new(AnalyzerConfig::default());
        let started = std::time::Instant::now();
        let mut tokens = 0u64;
        let mut checksum = 0usize;
        let rounds = 5;
        for _ in 0..rounds {
            for line in corpus.lines() {
                analyzer.analyze(line, 0, |token| {
                    tokens += 1;
                    checksum = checksum.wrapping_add(token.term.len());
                });
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{tokens} tokens in {seconds:.3} s: {:.1} M tokens/s, {:.1} MB/s (checksum {checksum})",
            tokens as f64 / seconds / 1e6,
            (corpus.len() * rounds) as f64 / seconds / 1e6
        );
    }
}
