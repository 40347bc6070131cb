//! scoring/: how much is a term occurrence worth to a document?
//!
//! The rankers of the MeTA toolkit, with MeTA's formulas: Okapi BM25, query likelihood with
//! Dirichlet prior, Jelinek-Mercer, pivoted length normalisation and absolute discount. Each is a
//! pure function of the term's statistics and one document's tf, length and distinct-term count.
//!
//! Invariant the pruning relies on (tested for every ranker): a term's score never decreases
//! when tf grows and never increases when the document length or its distinct-term count grows,
//! so a block's score bound is the score at (largest tf, shortest length, fewest distinct terms).
//! For the default ranker the index stores a tighter one, each block's largest BM25 saturation
//! (`Bm25Saturation`): on a frequent term the corner lies above nearly every block's best document.
//! The language models add a per-document prior (`doc_prior`, ≤ 0) that depends only on the
//! document, bounded by `prior_bound`.

mod norms;
mod rankers;

pub use norms::Norms;
pub(crate) use rankers::{average_length, Bm25Saturation, TermScorer, TermStats, BLOCK_MAX_BM25};
pub use rankers::{
    rankers_json, ParamSpec, Ranker, RankerParams, RankerSpec, DEFAULT_RANKER, RANKERS,
};
