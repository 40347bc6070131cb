//! Assembles a segment.
//!
//! Call order: `new` with the schema and every document's field statistics, then `add_term` once
//! per (field, term) in ascending (field, term bytes) order — asserted, since the dictionary is
//! binary-searched — then `finish` with the stored documents, ids and columns. Sections are
//! written core first (meta, terms, doc stats, ids, columns, stored documents index), then the
//! lazy ones (postings, positions, stored document blocks), so that opening reads one range.
//!
//! Everything goes to an `IndexSink`: postings and positions are appended to their streams a
//! megabyte at a time while terms are added, the stored blocks by the `DocStoreWriter`, and
//! `finish` writes the file around them. The core sections are held until `finish` (the section
//! table needs their lengths); of the lazy ones only what is not yet appended: under a megabyte of
//! postings and of positions, and the stored blocks a builder's in-memory segment holds within its
//! memory budget (a merge copies blocks on).

use super::columns::ColumnsWriter;
use super::docstore::DocStoreWriter;
use super::format::write_file;
use super::ids::IdsWriter;
use super::meta::{ColumnMeta, FieldMeta, IndexMeta};
use super::sink::{IndexSink, SectionStream, Stream, STREAM_CHUNK};
use super::terms::TermsWriter;
use crate::analysis::AnalyzerConfig;
use crate::codec::ByteWriter;
use crate::error::Result;
use crate::postings::{serialize_postings, FieldStats, PostingsScratch};
use crate::scoring::{average_length, Bm25Saturation, Norms, BLOCK_MAX_BM25};

/// How a segment's documents were indexed, beyond its fields: recorded in the meta section.
#[derive(Clone, Debug)]
pub(crate) struct IndexingSettings {
    pub(crate) analyzer: AnalyzerConfig,
    pub(crate) norms: Norms,
    pub(crate) position_gap: u32,
}

pub(crate) struct SegmentWriter {
    fields: Vec<(String, Vec<String>)>,
    settings: IndexingSettings,
    /// Exact indexed tokens of each field over all documents (lengths may be quantised).
    total_tokens: Vec<u64>,
    lengths: Vec<Vec<u32>>,
    unique: Vec<Vec<u32>>,
    /// Each field's BM25 saturation for the blocks' stored maxima (its average length fixed).
    saturation: Vec<Bm25Saturation>,
    terms: TermsWriter,
    /// Postings not yet appended to the sink; they follow the `postings_written` ones.
    postings: ByteWriter,
    postings_written: SectionStream,
    /// Positions not yet appended to the sink; they follow the `positions_written` ones.
    positions: ByteWriter,
    positions_written: SectionStream,
    scratch: PostingsScratch,
    last: Option<(u32, Vec<u8>)>,
}

impl SegmentWriter {
    /// `lengths[f][doc]` (as the norms record them) and `unique[f][doc]`: indexed tokens and
    /// distinct terms of field `f`; `total_tokens[f]`: the field's exact token count.
    pub(crate) fn new(
        fields: Vec<(String, Vec<String>)>,
        settings: IndexingSettings,
        total_tokens: Vec<u64>,
        lengths: Vec<Vec<u32>>,
        unique: Vec<Vec<u32>>,
    ) -> SegmentWriter {
        assert_eq!(fields.len(), lengths.len());
        assert_eq!(fields.len(), unique.len());
        assert_eq!(fields.len(), total_tokens.len());
        let (k1, b) = BLOCK_MAX_BM25;
        let saturation = total_tokens
            .iter()
            .zip(&lengths)
            .map(|(&total, l)| Bm25Saturation::new(k1, b, average_length(total, l.len() as u32)))
            .collect();
        SegmentWriter {
            fields,
            settings,
            total_tokens,
            lengths,
            unique,
            saturation,
            terms: TermsWriter::default(),
            postings: ByteWriter::default(),
            postings_written: SectionStream::new(Stream::Postings),
            positions: ByteWriter::default(),
            positions_written: SectionStream::new(Stream::Positions),
            scratch: PostingsScratch::default(),
            last: None,
        }
    }

    /// Adds a term with its postings: each document's id and positions, in document order.
    pub(crate) fn add_term<'a>(
        &mut self,
        field: u32,
        term: &[u8],
        docs: impl IntoIterator<Item = (u32, &'a [u32])>,
        sink: &mut dyn IndexSink,
    ) -> Result<()> {
        if let Some((f, t)) = &self.last {
            assert!(
                (*f, t.as_slice()) < (field, term),
                "terms must be added in ascending (field, term) order"
            );
        }
        self.last = Some((field, term.to_vec()));
        let f = field as usize;
        let stats = FieldStats {
            lengths: &self.lengths[f],
            unique_terms: &self.unique[f],
            saturation: self.saturation[f],
        };
        let t = serialize_postings(
            docs,
            &stats,
            &mut self.postings,
            &mut self.positions,
            &mut self.scratch,
        );
        let postings = &self.postings.buf[t.postings_offset as usize..];
        let positions = &self.positions.buf[t.positions_offset as usize..];
        self.terms.add(
            field,
            term,
            t.doc_freq,
            t.coll_freq,
            (self.postings_written.len + t.postings_offset, postings),
            (self.positions_written.len + t.positions_offset, positions),
        );
        if self.postings.len() >= STREAM_CHUNK {
            drain(&mut self.postings_written, &mut self.postings, sink)?;
        }
        if self.positions.len() >= STREAM_CHUNK {
            drain(&mut self.positions_written, &mut self.positions, sink)?;
        }
        Ok(())
    }

    /// Writes the index file to `sink`.
    pub(crate) fn finish(
        mut self,
        store: DocStoreWriter,
        ids: IdsWriter,
        columns: ColumnsWriter,
        sink: &mut dyn IndexSink,
    ) -> Result<()> {
        drain(&mut self.postings_written, &mut self.postings, sink)?;
        drain(&mut self.positions_written, &mut self.positions, sink)?;
        let doc_count = self.lengths.first().map_or(0, Vec::len) as u32;
        let terms = self.terms.finish();

        let mut doc_stats = ByteWriter::default();
        for f in 0..self.fields.len() {
            for &l in &self.lengths[f] {
                doc_stats.u32(l);
            }
            for &u in &self.unique[f] {
                doc_stats.u32(u);
            }
        }

        let (columns, column_metas) = columns.finish();
        let meta = IndexMeta {
            doc_count,
            fields: self
                .fields
                .into_iter()
                .zip(&self.lengths)
                .zip(self.total_tokens)
                .map(|(((name, sources), lengths), total_tokens)| FieldMeta {
                    name,
                    sources,
                    total_tokens,
                    min_length: lengths.iter().copied().min().unwrap_or(0),
                })
                .collect(),
            analyzer: self.settings.analyzer,
            norms: self.settings.norms,
            position_gap: self.settings.position_gap,
            block_max_bm25: BLOCK_MAX_BM25,
            columns: column_metas
                .into_iter()
                .map(|(name, kind, offset, length)| ColumnMeta {
                    name,
                    kind,
                    offset,
                    length,
                })
                .collect(),
        };
        let meta = serde_json::to_vec(&meta.to_json()).expect("meta serialises");
        let (store_index, store_data) = store.finish(sink)?;
        write_file(
            sink,
            &[
                &meta,
                &terms,
                &doc_stats.buf,
                &ids.finish(),
                &columns,
                &store_index,
            ],
            &[&self.postings_written, &self.positions_written, &store_data],
        )
    }
}

/// Appends what `pending` holds of a lazy section to its stream.
fn drain(
    written: &mut SectionStream,
    pending: &mut ByteWriter,
    sink: &mut dyn IndexSink,
) -> Result<()> {
    written.write(sink, &pending.buf)?;
    pending.buf.clear();
    Ok(())
}
