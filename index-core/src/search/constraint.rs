//! Required and excluded clauses: does this document contain the term, or the phrase?
//!
//! A constraint holds in a document when any of its alternatives (one per field searched) does.
//! Checks must come in ascending doc order: the cursors only move forward.

use crate::error::Result;
use crate::postings::{PostingCursor, DOC_END};
use std::rc::Rc;

/// One term of a phrase: its cursor, its offset from the phrase's first token (stop words keep
/// their gaps), and its positions (read from the file for the phrase).
#[derive(Clone)]
pub(crate) struct PhraseTerm<'a> {
    pub(crate) cursor: PostingCursor<'a>,
    pub(crate) offset: u32,
    pub(crate) positions: Rc<[u8]>,
}

#[derive(Clone)]
pub(crate) struct Phrase<'a> {
    pub(crate) terms: Vec<PhraseTerm<'a>>,
}

// A term cursor is large (it holds a decoded block), but alternatives are few per query and
// scanned per candidate: keeping the cursor inline saves a pointer chase on the hot path.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub(crate) enum Alternative<'a> {
    Term(PostingCursor<'a>),
    Phrase(Phrase<'a>),
}

#[derive(Clone)]
pub(crate) struct Constraint<'a> {
    pub(crate) alternatives: Vec<Alternative<'a>>,
}

impl<'a> Alternative<'a> {
    fn holds(&mut self, doc: u32, scratch: &mut [Vec<u32>; 2]) -> Result<bool> {
        match self {
            Alternative::Term(c) => Ok(c.seek(doc)? == doc),
            Alternative::Phrase(p) => {
                for t in p.terms.iter_mut() {
                    if t.cursor.seek(doc)? != doc {
                        return Ok(false);
                    }
                }
                // Candidate starts from the first term; each further term must sit at its offset.
                let (first, rest) = p
                    .terms
                    .split_first_mut()
                    .expect("phrases have two or more terms");
                first.cursor.positions(&first.positions, &mut scratch[0])?;
                let mut starts: Vec<u32> = scratch[0]
                    .iter()
                    .map(|&pos| pos.wrapping_sub(first.offset))
                    .collect();
                for t in rest.iter_mut() {
                    t.cursor.positions(&t.positions, &mut scratch[1])?;
                    let here = &scratch[1];
                    let offset = t.offset;
                    starts.retain(|&s| here.binary_search(&s.wrapping_add(offset)).is_ok());
                    if starts.is_empty() {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
        }
    }

    /// The cursor that proposes candidates for this alternative: the term itself, or the phrase's
    /// rarest term (every phrase match contains it).
    pub(crate) fn driver(&self) -> &PostingCursor<'a> {
        match self {
            Alternative::Term(c) => c,
            Alternative::Phrase(p) => {
                &p.terms
                    .iter()
                    .min_by_key(|t| t.cursor.doc_freq())
                    .expect("non-empty")
                    .cursor
            }
        }
    }
}

impl<'a> Constraint<'a> {
    pub(crate) fn holds(&mut self, doc: u32, scratch: &mut [Vec<u32>; 2]) -> Result<bool> {
        for a in self.alternatives.iter_mut() {
            if a.holds(doc, scratch)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Upper estimate of the documents this constraint can match, to pick the cheapest driver.
    pub(crate) fn cost(&self) -> u64 {
        self.alternatives
            .iter()
            .map(|a| a.driver().doc_freq() as u64)
            .sum()
    }
}

/// Proposes candidate documents in ascending order: the union of some cursors.
pub(crate) struct Union<'a> {
    cursors: Vec<PostingCursor<'a>>,
}

impl<'a> Union<'a> {
    pub(crate) fn new(cursors: Vec<PostingCursor<'a>>) -> Union<'a> {
        Union { cursors }
    }

    pub(crate) fn doc(&self) -> u32 {
        self.cursors
            .iter()
            .map(PostingCursor::doc)
            .min()
            .unwrap_or(DOC_END)
    }

    /// Moves every cursor past `doc`.
    pub(crate) fn advance_past(&mut self, doc: u32) -> Result<()> {
        for c in self.cursors.iter_mut() {
            if c.doc() == doc {
                c.advance()?;
            }
        }
        Ok(())
    }
}
