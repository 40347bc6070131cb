//! `IndexMerger`: segments in, one index out, doc ids renumbered in the order segments were added.

use crate::error::{Error, Result};
use crate::postings::{PostingList, TermPostings};
use crate::segment::{
    ColumnsWriter, DocStoreWriter, Entries, IdsWriter, InOrderReads, IndexSink, IndexingSettings,
    Segment, SegmentWriter, TermEntry, VecSink,
};
use std::collections::HashSet;

/// What the merge's read windows hold in all (two per segment, at most 1 MiB each, and at least
/// 4 KiB: beyond 8,192 segments they hold more): larger than the JavaScript side's windows of the
/// same segment (`build-range.ts`), so its reads of them go straight to the file.
const MERGE_WINDOWS_BYTES: usize = 64 << 20;

/// One segment being merged: its dictionary's walk, the record at its head, its reads.
struct MergeInput<'a> {
    seg: &'a Segment,
    /// The merged doc id of its first document.
    base: u32,
    entries: Entries<'a>,
    head: Option<TermEntry<'a>>,
    reads: InOrderReads,
}

#[derive(Default)]
pub struct IndexMerger {
    segments: Vec<Segment>,
}

impl IndexMerger {
    pub fn new() -> IndexMerger {
        IndexMerger::default()
    }

    /// Adds a segment; it must have been built with the same fields and analyzer as the first.
    pub fn add(&mut self, segment: Segment) -> Result<()> {
        if let Some(first) = self.segments.first() {
            let (a, b) = (first.meta(), segment.meta());
            let names = |m: &crate::segment::IndexMeta| {
                m.fields
                    .iter()
                    .map(|f| (f.name.clone(), f.sources.clone()))
                    .collect::<Vec<_>>()
            };
            if names(a) != names(b)
                || a.analyzer != b.analyzer
                || a.norms != b.norms
                || a.position_gap != b.position_gap
            {
                return Err(Error::bad_options(
                    "segments with different fields, analyzers or norms cannot be merged",
                ));
            }
        }
        self.segments.push(segment);
        Ok(())
    }

    /// The merged index file's bytes; see `finish_into`.
    pub fn finish(self) -> Result<Vec<u8>> {
        let mut sink = VecSink::default();
        self.finish_into(&mut sink)?;
        Ok(sink.file)
    }

    /// Merges the segments into one index written to `sink`. The postings, the positions and the
    /// stored blocks (copied as they are, a block at a time) go to the sink as they are produced;
    /// the merged core sections are held until the end.
    pub fn finish_into(self, sink: &mut dyn IndexSink) -> Result<()> {
        let first = self
            .segments
            .first()
            .ok_or_else(|| Error::bad_options("nothing to merge: no segments were added"))?;
        let meta = first.meta().clone();
        let fields = meta.fields.len();
        let mut bases = Vec::with_capacity(self.segments.len());
        let mut docs: u64 = 0;
        for s in &self.segments {
            bases.push(docs as u32);
            docs += s.meta().doc_count as u64;
        }
        if docs > u32::MAX as u64 - 1 {
            return Err(Error::bad_options(
                "a merged index can hold at most 4,294,967,294 documents",
            ));
        }
        let (mut lengths, mut unique) = (vec![Vec::new(); fields], vec![Vec::new(); fields]);
        for s in &self.segments {
            for f in 0..fields {
                for d in 0..s.meta().doc_count {
                    lengths[f].push(s.field_length(f as u32, d));
                    unique[f].push(s.unique_terms(f as u32, d));
                }
            }
        }
        let field_specs = meta
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.sources.clone()))
            .collect();
        let total_tokens = (0..fields)
            .map(|f| {
                self.segments
                    .iter()
                    .map(|s| s.meta().fields[f].total_tokens)
                    .sum()
            })
            .collect();
        let settings = IndexingSettings {
            analyzer: meta.analyzer.clone(),
            norms: meta.norms,
            position_gap: meta.position_gap,
        };
        let mut writer = SegmentWriter::new(field_specs, settings, total_tokens, lengths, unique);

        // k-way merge of the sorted dictionaries, each walked once and its postings and positions
        // read in file order; k is small, so a linear scan for the least head.
        let window = (MERGE_WINDOWS_BYTES / (2 * self.segments.len())).clamp(4 << 10, 1 << 20);
        let mut inputs = Vec::with_capacity(self.segments.len());
        for (seg, &base) in self.segments.iter().zip(&bases) {
            let mut entries = seg.term_entries()?;
            let head = entries.next().transpose()?;
            inputs.push(MergeInput {
                seg,
                base,
                entries,
                head,
                reads: InOrderReads::new(window),
            });
        }
        let mut list = PostingList::default();
        loop {
            let key = inputs
                .iter()
                .filter_map(|i| i.head.map(|e| (e.field, e.term)))
                .min();
            let (field, term) = match key {
                None => break,
                Some(k) => k,
            };
            list.clear();
            for input in &mut inputs {
                let e = match input.head {
                    Some(e) if (e.field, e.term) == (field, term) => e,
                    _ => continue,
                };
                let (postings, positions) = input.seg.read_term_in_order(&e, &mut input.reads)?;
                TermPostings::new(e.doc_freq, &postings)?
                    .decode_into(input.base, &positions, &mut list)?;
                input.head = input.entries.next().transpose()?;
            }
            writer.add_term(field, term, list.per_doc(), sink)?;
        }

        let mut store = DocStoreWriter::default();
        let mut ids = IdsWriter::default();
        let mut seen = HashSet::new();
        let mut columns = ColumnsWriter::default();
        for seg in &self.segments {
            store.append_store(&seg.store()?, sink)?;
            let readers = seg
                .column_names()
                .into_iter()
                .map(|n| Ok((n.to_string(), seg.column(n)?.expect("listed column exists"))))
                .collect::<Result<Vec<_>>>()?;
            for d in 0..seg.meta().doc_count {
                let id = seg.external_id(d)?;
                if !seen.insert(id.to_string()) {
                    return Err(Error::bad_document(format!(
                        "duplicate document id \"{}\" across segments",
                        id
                    )));
                }
                ids.add(id);
                for (name, r) in &readers {
                    if let Some(v) = r.get(d)? {
                        columns.set(name, v);
                    }
                }
                columns.end_doc();
            }
        }
        writer.finish(store, ids, columns, sink)
    }
}
