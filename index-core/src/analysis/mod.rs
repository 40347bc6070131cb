//! Analysis: how does text become the terms we index and search?
//!
//! One `Analyzer` per index, chosen when the index is built and recorded in it, so that queries are
//! analysed exactly like the documents were. The chain follows Lucene's English analysis as Anserini
//! uses it: tokenizer (Unicode letters and digits, lowercased, Latin accents folded) → English
//! possessive removal → stop words → Porter stemmer.
//!
//! Positions count every token the tokenizer emits, including removed stop words (Lucene's position
//! increments), so that phrase queries keep their gaps.

mod analyzer;
mod folding;
mod porter;
mod possessive;
mod stopwords;
mod tokenizer;

pub use analyzer::{
    words, Analyzer, AnalyzerConfig, Stemmer, StopWords, TermScratch, Token, FIXED_COMPONENTS,
};
pub use stopwords::LUCENE_STOP_WORDS;
