//! Analysis: how does text become the terms we index and search?
//!
//! One `Analyzer` per index, chosen when the index is built and recorded in it, so that queries are
//! analysed exactly like the documents were. The chain follows Lucene's English analysis as Anserini
//! uses it: tokenizer (Unicode letters and digits, lowercased, Latin accents folded) → English
//! possessive removal → stop words → Porter stemmer.
//!
//! Positions count every token the tokenizer emits, including removed stop words (Lucene's position
//! increments), so that phrase queries keep their gaps.

// CONTRACT (written before the implementation; helpers fill in the modules below):
//
// pub enum Stemmer { Porter, None }
// pub enum StopWords { Lucene, None, Custom(Vec<String>) }   // Custom words are analysed (lowercased, folded) like text
// pub struct AnalyzerConfig { pub stemmer: Stemmer, pub stopwords: StopWords }
// impl Default for AnalyzerConfig  // Porter + Lucene
// pub struct Token<'a> { pub term: &'a str, pub position: u32, pub start: usize, pub end: usize }  // byte offsets into the input
// pub struct Analyzer;  impl Analyzer {
//     pub fn new(config: AnalyzerConfig) -> Analyzer;
//     pub fn config(&self) -> &AnalyzerConfig;
//     /// Calls `sink` for each indexed token in order. `position` starts at `first_position`.
//     /// Returns the position after the last token (so a second field/value can continue).
//     pub fn analyze(&self, text: &str, first_position: u32, sink: impl FnMut(Token)) -> u32;
// }
// pub const LUCENE_STOP_WORDS: [&str; 33];
