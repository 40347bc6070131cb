//! `IndexBuilder`: corpus lines in, segments out.

use super::document::CorpusDocument;
use super::options::BuildOptions;
use super::terms::TermDictionary;
use crate::analysis::{words, Analyzer, TermScratch};
use crate::error::{Error, Result};
use crate::query::MAX_PHRASE_SPAN;
use crate::segment::{
    ColumnsWriter, DocStoreWriter, IdsWriter, IndexSink, IndexingSettings, SegmentWriter, VecSink,
};
use std::collections::HashSet;

/// Estimated bytes per distinct term beyond its text (hash entry + empty posting list).
const TERM_OVERHEAD: usize = 96;
/// Bytes per distinct spelling beyond its text, at least: its slot (24 bytes in a table at most
/// half full) and its term id.
const WORD_OVERHEAD: usize = 52;
/// `FieldInProgress::spelling_terms` of a stop word.
const NO_TERM: u32 = u32::MAX;
/// Positions left empty between two source fields indexed into one field (Lucene's position
/// increment gap): more than any phrase spans, so no phrase matches across them — not even one
/// whose stop words leave gaps of their own.
pub(crate) const POSITION_GAP: u32 = MAX_PHRASE_SPAN + 1;

/// One field of the documents since the last flush, inverted in memory.
struct FieldInProgress {
    terms: TermDictionary,
    /// Each spelling of a word seen, and in `spelling_terms` by its id the term it is indexed as
    /// (`NO_TERM` for a stop word): the analyzer runs once per spelling, not per token,
    /// and a token costs one lookup, as a term's did (a tenth of the build in WebAssembly).
    spellings: TermDictionary,
    spelling_terms: Vec<u32>,
    /// Postings by term id.
    lists: Vec<Inverted>,
    lengths: Vec<u32>,
    total_tokens: u64,
    unique: Vec<u32>,
}

impl FieldInProgress {
    fn new() -> Self {
        FieldInProgress {
            terms: TermDictionary::new(),
            spellings: TermDictionary::new(),
            spelling_terms: Vec::new(),
            lists: Vec::new(),
            lengths: Vec::new(),
            total_tokens: 0,
            unique: Vec::new(),
        }
    }
}

/// One term's postings since the last flush in one vector: for each document its id, its tf, then
/// its positions. A token touches this header and the vector's tail; three vectors (docs, tfs,
/// positions, as `PostingList` holds them) cost a cache miss each per token once the vocabulary
/// outgrows the cache.
#[derive(Default)]
struct Inverted {
    data: Vec<u32>,
    /// Where the last document's tf is (its id just before it).
    tf_at: usize,
}

impl Inverted {
    /// Adds an occurrence at `position` in `doc` (documents in ascending order, positions
    /// ascending within one); returns whether `doc` is new to the term.
    #[inline]
    fn add(&mut self, doc: u32, position: u32) -> bool {
        let new = self.data.is_empty() || self.data[self.tf_at - 1] != doc;
        if new {
            self.tf_at = self.data.len() + 1;
            self.data.extend_from_slice(&[doc, 0]);
        }
        self.data[self.tf_at] += 1;
        self.data.push(position);
        new
    }

    /// Each document's id and positions, as the segment writer takes them.
    fn per_doc(&self) -> impl Iterator<Item = (u32, &[u32])> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            let (doc, tf) = (*self.data.get(at)?, self.data[at + 1] as usize);
            let positions = &self.data[at + 2..at + 2 + tf];
            at += 2 + tf;
            Some((doc, positions))
        })
    }
}

/// The documents since the last flush, inverted in memory.
struct SegmentInProgress {
    fields: Vec<FieldInProgress>,
    store: DocStoreWriter,
    ids: IdsWriter,
    columns: ColumnsWriter,
    docs: u32,
    postings_heap: usize,
}

impl SegmentInProgress {
    fn new(fields: usize) -> Self {
        SegmentInProgress {
            fields: (0..fields).map(|_| FieldInProgress::new()).collect(),
            store: DocStoreWriter::default(),
            ids: IdsWriter::default(),
            columns: ColumnsWriter::default(),
            docs: 0,
            postings_heap: 0,
        }
    }

    fn heap_bytes(&self) -> usize {
        self.postings_heap
            + self.store.heap_bytes()
            + self.ids.heap_bytes()
            + self.columns.heap_bytes()
    }
}

/// A corpus line that was skipped (`skip_bad`), with its 1-based line number and the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct SkippedLine {
    pub line: u64,
    pub reason: String,
}

pub struct IndexBuilder {
    options: BuildOptions,
    fields: Vec<(String, Vec<String>)>,
    analyzer: Analyzer,
    seen_ids: HashSet<String>,
    segment: SegmentInProgress,
    skipped: Vec<SkippedLine>,
    total_docs: u64,
    /// Documents added that had each of `options.fields` as text (a string), in its order.
    field_docs: Vec<u64>,
    /// Scratch: (term id, position) of the field being inverted; reused across documents.
    tokens: Vec<(u32, u32)>,
    /// Scratch: (positions spanned, first token, end token) of each source of that field.
    spans: Vec<(u32, usize, usize)>,
    scratch: TermScratch,
}

impl IndexBuilder {
    pub fn new(options: BuildOptions) -> IndexBuilder {
        let fields = options.indexed_fields();
        let fields_given = options.fields.len();
        IndexBuilder {
            analyzer: Analyzer::new(options.analyzer.clone()),
            segment: SegmentInProgress::new(fields.len()),
            fields,
            options,
            seen_ids: HashSet::new(),
            skipped: Vec::new(),
            total_docs: 0,
            field_docs: vec![0; fields_given],
            tokens: Vec::new(),
            spans: Vec::new(),
            scratch: TermScratch::default(),
        }
    }

    /// Adds the documents of a chunk of JSONL whose first line is line `first_line` (1-based) of the
    /// corpus. The chunk must end at a line boundary. Blank lines are ignored. A bad line is an
    /// error naming its line number — unless `skip_bad`, which records it (`skipped`) and goes on.
    /// Returns the number of documents added.
    pub fn add_jsonl(&mut self, chunk: &[u8], first_line: u64, skip_bad: bool) -> Result<u32> {
        let mut added = 0;
        for (i, line) in chunk.split(|&b| b == b'\n').enumerate() {
            // A CRLF line keeps its '\r' (JSON whitespace): documents are stored byte for byte.
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let number = first_line + i as u64;
            match self.add_line(line) {
                Ok(()) => added += 1,
                Err(e) if skip_bad => self.skipped.push(SkippedLine {
                    line: number,
                    reason: e.message,
                }),
                Err(e) => {
                    return Err(Error {
                        message: format!("line {}: {}", number, e.message),
                        ..e
                    })
                }
            }
        }
        Ok(added)
    }

    fn add_line(&mut self, line: &[u8]) -> Result<()> {
        let doc = CorpusDocument::parse(line, &self.options.fields)?;
        if self.seen_ids.contains(&doc.id) {
            return Err(Error::bad_document(format!(
                "duplicate document id \"{}\"",
                doc.id
            )));
        }
        let seg = &mut self.segment;
        let doc_id = seg.docs;
        for ((_, sources), field) in self.fields.iter().zip(&mut seg.fields) {
            self.tokens.clear();
            self.spans.clear();
            let tokens = &mut self.tokens;
            let heap = &mut seg.postings_heap;
            for source in sources {
                if let Some(text) = doc.text(source) {
                    let start = tokens.len();
                    let mut end = 0;
                    for (from, to) in words(text) {
                        let position = end;
                        end += 1;
                        let word = &text[from..to];
                        let (id, new) = field.spellings.intern(word.as_bytes());
                        let term = if new {
                            *heap += WORD_OVERHEAD + word.len();
                            let term = match self.analyzer.term(word, &mut self.scratch) {
                                Some(t) => {
                                    let (id, new) = field.terms.intern(t.as_bytes());
                                    if new {
                                        field.lists.push(Inverted::default());
                                        *heap += TERM_OVERHEAD + t.len();
                                    }
                                    id
                                }
                                None => NO_TERM,
                            };
                            field.spelling_terms.push(term);
                            term
                        } else {
                            field.spelling_terms[id as usize]
                        };
                        if term != NO_TERM {
                            tokens.push((term, position));
                        }
                    }
                    self.spans.push((end, start, tokens.len()));
                }
            }
            // Lay the sources out POSITION_GAP apart, the longest first: a term's first position
            // in a document is stored as is, so the sources after the gap pay a longer varint —
            // fewer terms pay it when the short sources (a title) come after the long one.
            self.spans.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            // Append each token to its term's postings in position order — the sources as laid
            // out, each in token order — so a term's positions in a document come out ascending
            // without sorting the tokens.
            let mut base = 0u32;
            let mut unique = 0u32;
            for &(end, start, stop) in &self.spans {
                for &(term, position) in &self.tokens[start..stop] {
                    if field.lists[term as usize].add(doc_id, position + base) {
                        unique += 1;
                    }
                }
                base = base.saturating_add(end).saturating_add(POSITION_GAP);
            }
            seg.postings_heap += unique as usize * 8 + self.tokens.len() * 4;
            let length = self.tokens.len() as u32;
            field.lengths.push(self.options.norms.length(length));
            field.total_tokens += length as u64;
            field.unique.push(unique);
        }
        for (name, value) in doc.column_values() {
            seg.columns.set(name, value);
        }
        seg.columns.end_doc();
        seg.store.add(line);
        seg.ids.add(&doc.id);
        seg.docs += 1;
        self.total_docs += 1;
        for (n, field) in self.field_docs.iter_mut().zip(&self.options.fields) {
            if doc.text(field).is_some() {
                *n += 1;
            }
        }
        self.seen_ids.insert(doc.id);
        Ok(())
    }

    /// Whether the documents held in memory have passed the memory budget.
    pub fn should_flush(&self) -> bool {
        self.segment.heap_bytes() >= self.options.memory_budget
    }

    /// Documents added in the segment now in memory.
    pub fn pending_docs(&self) -> u32 {
        self.segment.docs
    }

    pub fn total_docs(&self) -> u64 {
        self.total_docs
    }

    /// Each corpus field indexed, with the number of documents added so far that had it as text.
    pub fn field_docs(&self) -> impl Iterator<Item = (&str, u64)> + '_ {
        self.options
            .fields
            .iter()
            .map(String::as_str)
            .zip(self.field_docs.iter().copied())
    }

    pub fn skipped(&self) -> &[SkippedLine] {
        &self.skipped
    }

    /// The documents held in memory as a finished segment (an index file's bytes); see
    /// `take_segment_into`.
    pub fn take_segment(&mut self) -> Result<Vec<u8>> {
        let mut sink = VecSink::default();
        self.take_segment_into(&mut sink)?;
        Ok(sink.file)
    }

    /// Writes the documents held in memory to `sink` as a finished segment and starts a new one.
    /// Errors if there are none: an index needs at least one document.
    pub fn take_segment_into(&mut self, sink: &mut dyn IndexSink) -> Result<()> {
        if self.segment.docs == 0 {
            return Err(Error::bad_document(
                "the corpus has no documents: an index needs at least one",
            ));
        }
        let seg = std::mem::replace(&mut self.segment, SegmentInProgress::new(self.fields.len()));
        let mut fields = seg.fields;
        let mut writer = SegmentWriter::new(
            self.fields.clone(),
            IndexingSettings {
                analyzer: self.options.analyzer.clone(),
                norms: self.options.norms,
                position_gap: POSITION_GAP,
            },
            fields.iter().map(|f| f.total_tokens).collect(),
            fields
                .iter_mut()
                .map(|f| std::mem::take(&mut f.lengths))
                .collect(),
            fields
                .iter_mut()
                .map(|f| std::mem::take(&mut f.unique))
                .collect(),
        );
        for (f, field) in fields.iter_mut().enumerate() {
            for id in field.terms.ids_by_term() {
                // Taken, so that each term's postings are freed once written.
                let postings = std::mem::take(&mut field.lists[id as usize]);
                writer.add_term(f as u32, field.terms.term(id), postings.per_doc(), sink)?;
            }
        }
        writer.finish(seg.store, seg.ids, seg.columns, sink)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_documents_that_had_each_field() {
        let options = BuildOptions::from_json(r#"{"fields":["title","text","nosuch"]}"#).unwrap();
        let mut b = IndexBuilder::new(options);
        let corpus = concat!(
            r#"{"_id":"a","title":"one","text":"x"}"#,
            "\n",
            r#"{"_id":"b","text":"y","title":null}"#,
            "\n",
            r#"{"_id":"a","title":"dup","text":"z"}"#,
            "\n",
            r#"{"_id":"c","title":""}"#,
            "\n"
        );
        assert_eq!(b.add_jsonl(corpus.as_bytes(), 1, true).unwrap(), 3);
        // The skipped duplicate does not count; null does not; an empty string is the field, given.
        let counts: Vec<_> = b.field_docs().collect();
        assert_eq!(counts, vec![("title", 2), ("text", 2), ("nosuch", 0)]);
    }

    #[test]
    fn each_spelling_is_indexed_as_the_analyzer_analyses_it() {
        // Spellings repeated in case, inflection and possessive, stop words among them, in two
        // fields and three segments: the builder analyses a spelling once per field and segment.
        let docs = [
            ("The Running dogs", "running RUNS run; the dog's runs"),
            ("runs", "The THE the Dogs dog DOG'S"),
            ("Café cafe CAFÉ", "running Running caf\\u00e9"),
            ("dogs", "the"),
            ("The Running", "Café dogs runs"),
        ];
        let mut b = IndexBuilder::new(
            BuildOptions::from_json(r#"{"fields":["title","text"],"fieldMode":"separate"}"#)
                .unwrap(),
        );
        let analyzer = Analyzer::new(Default::default());
        for part in docs.chunks(2) {
            let first = b.total_docs;
            for (title, text) in part {
                let line = format!(
                    r#"{{"_id":"{}","title":"{title}","text":"{text}"}}"#,
                    b.total_docs
                );
                b.add_jsonl(line.as_bytes(), 1, false).unwrap();
            }
            let segment = crate::segment::Segment::open(b.take_segment().unwrap()).unwrap();
            let mut terms = 0;
            for f in 0..2 {
                let mut seen = std::collections::HashSet::new();
                for (d, doc) in part.iter().enumerate() {
                    let json = [doc.0, doc.1][f as usize];
                    let text = serde_json::from_str::<String>(&format!("\"{json}\"")).unwrap();
                    let mut want = std::collections::HashMap::<String, u32>::new();
                    analyzer.analyze(&text, 0, |t| *want.entry(t.term.into()).or_default() += 1);
                    assert_eq!(
                        segment.field_length(f, d as u32),
                        want.values().sum::<u32>()
                    );
                    for (term, tf) in want {
                        let e = segment.find_term(f, term.as_bytes()).unwrap().unwrap();
                        let mut cursor = segment.postings(&e).unwrap().cursor().unwrap();
                        assert_eq!(
                            cursor.seek(d as u32).unwrap(),
                            d as u32,
                            "{term} in doc {}",
                            first + d as u64
                        );
                        assert_eq!(cursor.tf(), tf, "{term} in doc {}", first + d as u64);
                        seen.insert(term);
                    }
                }
                terms += seen.len();
            }
            // No other term: a stop word or a spelling's other form would be one more.
            assert_eq!(segment.term_count(), terms);
        }
    }
}
