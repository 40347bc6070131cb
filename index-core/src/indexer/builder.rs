//! `IndexBuilder`: corpus lines in, segments out.

use super::document::CorpusDocument;
use super::options::BuildOptions;
use crate::analysis::Analyzer;
use crate::error::{Error, Result};
use crate::postings::PostingList;
use crate::segment::{ColumnsWriter, DocStoreWriter, IdsWriter, SegmentWriter};
use std::collections::{HashMap, HashSet};

/// Estimated bytes per distinct term beyond its text (hash entry + empty posting list).
const TERM_OVERHEAD: usize = 96;
/// Position gap between two source fields indexed into one field, so phrases do not span them.
const FIELD_VALUE_GAP: u32 = 1;

/// The documents since the last flush, inverted in memory.
struct SegmentInProgress {
    dictionaries: Vec<HashMap<String, u32>>,
    lists: Vec<PostingList>,
    lengths: Vec<Vec<u32>>,
    unique: Vec<Vec<u32>>,
    store: DocStoreWriter,
    ids: IdsWriter,
    columns: ColumnsWriter,
    docs: u32,
    postings_heap: usize,
}

impl SegmentInProgress {
    fn new(fields: usize) -> Self {
        SegmentInProgress {
            dictionaries: vec![HashMap::new(); fields],
            lists: Vec::new(),
            lengths: vec![Vec::new(); fields],
            unique: vec![Vec::new(); fields],
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
    /// Scratch: (term id, position) of the field being inverted; reused across documents.
    tokens: Vec<(u32, u32)>,
}

impl IndexBuilder {
    pub fn new(options: BuildOptions) -> IndexBuilder {
        let fields = options.indexed_fields();
        IndexBuilder {
            analyzer: Analyzer::new(options.analyzer.clone()),
            segment: SegmentInProgress::new(fields.len()),
            fields,
            options,
            seen_ids: HashSet::new(),
            skipped: Vec::new(),
            total_docs: 0,
            tokens: Vec::new(),
        }
    }

    /// Adds the documents of a chunk of JSONL whose first line is line `first_line` (1-based) of the
    /// corpus. The chunk must end at a line boundary. Blank lines are ignored. A bad line is an
    /// error naming its line number — unless `skip_bad`, which records it (`skipped`) and goes on.
    /// Returns the number of documents added.
    pub fn add_jsonl(&mut self, chunk: &[u8], first_line: u64, skip_bad: bool) -> Result<u32> {
        let mut added = 0;
        for (i, line) in chunk.split(|&b| b == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
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
        for (f, (_, sources)) in self.fields.iter().enumerate() {
            self.tokens.clear();
            let mut position = 0u32;
            let dictionary = &mut seg.dictionaries[f];
            let lists = &mut seg.lists;
            let tokens = &mut self.tokens;
            let heap = &mut seg.postings_heap;
            for source in sources {
                if let Some(text) = doc.text(source) {
                    let end = self.analyzer.analyze(text, position, |t| {
                        let id = match dictionary.get(t.term) {
                            Some(&id) => id,
                            None => {
                                let id = lists.len() as u32;
                                lists.push(PostingList::default());
                                dictionary.insert(t.term.to_string(), id);
                                *heap += TERM_OVERHEAD + t.term.len();
                                id
                            }
                        };
                        tokens.push((id, t.position));
                    });
                    position = end + FIELD_VALUE_GAP;
                }
            }
            // Group the field's tokens by term; positions stay ascending within a term.
            self.tokens.sort_unstable();
            let mut unique = 0u32;
            let mut i = 0;
            while i < self.tokens.len() {
                let term = self.tokens[i].0;
                let mut j = i;
                let list = &mut seg.lists[term as usize];
                while j < self.tokens.len() && self.tokens[j].0 == term {
                    list.positions.push(self.tokens[j].1);
                    j += 1;
                }
                list.docs.push(doc_id);
                list.tfs.push((j - i) as u32);
                unique += 1;
                i = j;
            }
            seg.postings_heap += unique as usize * 8 + self.tokens.len() * 4;
            seg.lengths[f].push(self.tokens.len() as u32);
            seg.unique[f].push(unique);
        }
        for (name, value) in doc.column_values(&self.options.fields) {
            seg.columns.set(name, value);
        }
        seg.columns.end_doc();
        seg.store.add(line);
        seg.ids.add(&doc.id);
        seg.docs += 1;
        self.total_docs += 1;
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

    pub fn skipped(&self) -> &[SkippedLine] {
        &self.skipped
    }

    /// Writes the documents held in memory as a finished segment and starts a new one.
    /// Errors if there are none: an index needs at least one document.
    pub fn take_segment(&mut self) -> Result<Vec<u8>> {
        if self.segment.docs == 0 {
            return Err(Error::bad_document(
                "the corpus has no documents: an index needs at least one",
            ));
        }
        let seg = std::mem::replace(&mut self.segment, SegmentInProgress::new(self.fields.len()));
        let mut writer = SegmentWriter::new(
            self.fields.clone(),
            self.options.analyzer.clone(),
            seg.lengths,
            seg.unique,
        );
        let mut lists = seg.lists;
        for (f, dictionary) in seg.dictionaries.into_iter().enumerate() {
            let mut terms: Vec<(String, u32)> = dictionary.into_iter().collect();
            terms.sort_unstable();
            for (term, id) in terms {
                let list = std::mem::take(&mut lists[id as usize]);
                writer.add_term(f as u32, term.as_bytes(), &list);
            }
        }
        Ok(writer.finish(seg.store, seg.ids, seg.columns))
    }
}
