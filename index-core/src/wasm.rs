//! The WebAssembly boundary: thin handles over the engine for the TypeScript runtime.
//!
//! Large data crosses as bytes (`Uint8Array`), hits as typed arrays (doc ids, scores); small
//! descriptive results (index meta, section sizes, skipped lines, analysed terms, the ranker
//! table) as JSON strings. Every fallible call returns `Result<_, JsError>`, so JavaScript sees a
//! thrown `Error` whose message starts with the error's code in brackets, and for a bad search
//! request the field at fault (`[bad-query:filters] filter "x" is not of the form ...`); the
//! TypeScript binding turns that into a typed `EngineError`. No raw pointers, no nulls for failures.

use crate::error::Error;
use crate::hits::{encode_page, shape_page, HitFields};
use crate::indexer::{BuildOptions, IndexBuilder as Builder, IndexMerger as Merger};
use crate::scoring::{rankers_json, Ranker, RankerParams};
use crate::search::{search, SearchRequest, MAX_WINDOW};
use crate::segment::{IndexSink, ReadAt, Segment, Stream, FORMAT_VERSION};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The host's handle on an index file: its size and positional reads (`fs.readSync` on a file
    /// descriptor in Node, a copy out of a buffer for bytes already in memory).
    pub type IndexFile;

    #[wasm_bindgen(method, getter)]
    fn size(this: &IndexFile) -> f64;

    /// Fills `into` with the file's bytes at `offset`; throws on a short read or an I/O error.
    #[wasm_bindgen(method, catch, js_name = readAt)]
    fn read_at(this: &IndexFile, offset: f64, into: &mut [u8]) -> Result<(), JsValue>;

    /// Writes the `len` bytes at `offset` into this module's memory at address `at`; throws as
    /// `readAt` does. A raw address, not a slice: the memory there is a new vector's capacity,
    /// which Rust may not borrow as bytes before it is written.
    #[wasm_bindgen(method, catch, js_name = readInto)]
    fn read_into(this: &IndexFile, offset: f64, at: *mut u8, len: usize) -> Result<(), JsValue>;
}

impl ReadAt for IndexFile {
    fn len(&self) -> u64 {
        self.size() as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> crate::error::Result<()> {
        IndexFile::read_at(self, offset as f64, buf).map_err(|e| read_failed(buf.len(), offset, e))
    }

    fn read_vec(&self, offset: u64, len: usize) -> crate::error::Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(len);
        IndexFile::read_into(self, offset as f64, buf.as_mut_ptr(), len)
            .map_err(|e| read_failed(len, offset, e))?;
        // SAFETY: the host wrote all `len` bytes of the capacity (a short read throws).
        unsafe { buf.set_len(len) };
        Ok(buf)
    }
}

fn read_failed(len: usize, offset: u64, e: JsValue) -> Error {
    Error::corrupt(format!(
        "reading {} bytes of the index file at {} failed: {}",
        len,
        offset,
        e.as_string().unwrap_or_else(|| format!("{:?}", e))
    ))
}

#[wasm_bindgen]
extern "C" {
    /// The host's destination for an index being written (`IndexSink`): the index file and three
    /// temporary files for the lazy sections (`runtime/engine/index-sink.ts`).
    pub type IndexFileSink;

    /// Appends `bytes` to stream `stream` (0: the file; 7: postings; 8: positions; 9: stored
    /// documents).
    #[wasm_bindgen(method, catch)]
    fn append(this: &IndexFileSink, stream: u32, bytes: &[u8]) -> Result<(), JsValue>;

    /// Appends stream `from` to the file.
    #[wasm_bindgen(method, catch)]
    fn splice(this: &IndexFileSink, from: u32) -> Result<(), JsValue>;
}

impl IndexSink for IndexFileSink {
    fn append(&mut self, stream: Stream, bytes: &[u8]) -> crate::error::Result<()> {
        IndexFileSink::append(self, stream as u32, bytes).map_err(write_failed)
    }

    fn splice(&mut self, from: Stream) -> crate::error::Result<()> {
        IndexFileSink::splice(self, from as u32).map_err(write_failed)
    }
}

/// A failed write, as an internal error; the host keeps the system error and throws that instead.
fn write_failed(e: JsValue) -> Error {
    Error::internal(format!(
        "writing the index failed: {}",
        e.as_string().unwrap_or_else(|| format!("{:?}", e))
    ))
}

fn js(e: Error) -> JsError {
    match e.field {
        Some(field) => JsError::new(&format!("[{}:{}] {}", e.code(), field, e.message)),
        None => JsError::new(&format!("[{}] {}", e.code(), e.message)),
    }
}

/// The index format version this build reads and writes.
#[wasm_bindgen(js_name = formatVersion)]
pub fn format_version() -> u32 {
    FORMAT_VERSION
}

/// The rankers, their parameters, defaults and ranges, as JSON (see `scoring::RANKERS`).
#[wasm_bindgen(js_name = rankersJson)]
pub fn rankers_json_string() -> String {
    rankers_json().to_string()
}

/// Checks a ranker and its parameters (`{"k1": 1.2}`) against the ranker table without an index:
/// what a search would refuse, with the same error (for validating a parameter grid up front).
#[wasm_bindgen(js_name = checkRanker)]
pub fn check_ranker(name: &str, params_json: &str) -> Result<(), JsError> {
    let params: serde_json::Value = serde_json::from_str(params_json).map_err(|e| {
        js(Error::bad_query(
            "params",
            format!("\"params\" is not JSON: {}", e),
        ))
    })?;
    let params = RankerParams::from_json(&params).map_err(js)?;
    Ranker::from_name(name, &params).map(|_| ()).map_err(js)
}

/// The largest `offset + size` a search accepts; deeper pages go through `after`.
#[wasm_bindgen(js_name = maxWindow)]
pub fn max_window() -> u32 {
    MAX_WINDOW as u32
}

#[wasm_bindgen]
pub struct IndexBuilder {
    inner: Builder,
}

#[wasm_bindgen]
impl IndexBuilder {
    /// `options`: JSON of `BuildOptions` (fields, fieldMode, stemmer, stopwords, memoryBudgetMb).
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str) -> Result<IndexBuilder, JsError> {
        let options = BuildOptions::from_json(options).map_err(js)?;
        // Grow the WebAssembly memory once, by the budget the builder will fill before a flush,
        // and hand it back to the allocator, which reuses it: grown piecemeal, the memory grows
        // a few hundred times over a large segment, and V8 answers each growth with a full
        // garbage collection — half of `sir index`'s time on 100k documents (bench/PROFILE.md).
        // Untouched pages cost no resident memory; if the memory cannot grow that far, the
        // builder grows it as it goes, as before.
        let _ = Vec::<u8>::new().try_reserve_exact(options.memory_budget);
        Ok(IndexBuilder {
            inner: Builder::new(options),
        })
    }

    /// Adds the documents of whole JSONL lines; `first_line` is the 1-based number of the first.
    #[wasm_bindgen(js_name = addJsonl)]
    pub fn add_jsonl(
        &mut self,
        chunk: &[u8],
        first_line: f64,
        skip_bad: bool,
    ) -> Result<u32, JsError> {
        self.inner
            .add_jsonl(chunk, first_line as u64, skip_bad)
            .map_err(js)
    }

    #[wasm_bindgen(js_name = shouldFlush)]
    pub fn should_flush(&self) -> bool {
        self.inner.should_flush()
    }

    #[wasm_bindgen(js_name = pendingDocs)]
    pub fn pending_docs(&self) -> u32 {
        self.inner.pending_docs()
    }

    #[wasm_bindgen(js_name = totalDocs)]
    pub fn total_docs(&self) -> f64 {
        self.inner.total_docs() as f64
    }

    /// Lines skipped so far under `skip_bad`, as JSON `[{"line": n, "reason": "..."}]`.
    #[wasm_bindgen(js_name = skippedJson)]
    pub fn skipped_json(&self) -> String {
        let list: Vec<_> = self
            .inner
            .skipped()
            .iter()
            .map(|s| serde_json::json!({ "line": s.line, "reason": s.reason }))
            .collect();
        serde_json::Value::Array(list).to_string()
    }

    /// Each corpus field indexed with the number of documents added that had it as text, as JSON
    /// `[{"field": "title", "docs": n}]` in the order of the build options' fields.
    #[wasm_bindgen(js_name = fieldDocsJson)]
    pub fn field_docs_json(&self) -> String {
        let list: Vec<_> = self
            .inner
            .field_docs()
            .map(|(field, docs)| serde_json::json!({ "field": field, "docs": docs }))
            .collect();
        serde_json::Value::Array(list).to_string()
    }

    /// Writes the documents held in memory to `sink` as a finished segment (an index file).
    #[wasm_bindgen(js_name = takeSegment)]
    pub fn take_segment(&mut self, mut sink: IndexFileSink) -> Result<(), JsError> {
        self.inner.take_segment_into(&mut sink).map_err(js)
    }
}

#[wasm_bindgen]
pub struct IndexMerger {
    inner: Merger,
}

#[wasm_bindgen]
impl IndexMerger {
    #[wasm_bindgen(constructor)]
    pub fn new() -> IndexMerger {
        IndexMerger {
            inner: Merger::new(),
        }
    }

    /// Adds an opened segment; the handle is consumed.
    pub fn add(&mut self, segment: Index) -> Result<(), JsError> {
        self.inner.add(segment.segment).map_err(js)
    }

    /// Writes the merged index to `sink`.
    pub fn finish(self, mut sink: IndexFileSink) -> Result<(), JsError> {
        self.inner.finish_into(&mut sink).map_err(js)
    }
}

impl Default for IndexMerger {
    fn default() -> Self {
        IndexMerger::new()
    }
}

/// An opened index: its core read and checked, the rest read from the file on demand.
#[wasm_bindgen]
pub struct Index {
    segment: Segment,
}

#[wasm_bindgen]
impl Index {
    /// Reads the envelope and the core sections of `file` and checks them (format version,
    /// checksums, analysis); fails with a sentence otherwise. Postings, positions and stored
    /// documents are read later, each piece checked on its own.
    #[wasm_bindgen(constructor)]
    pub fn open(file: IndexFile) -> Result<Index, JsError> {
        Ok(Index {
            segment: Segment::open_file(Box::new(file)).map_err(js)?,
        })
    }

    /// Reads the lazy sections through and checks their checksums: afterwards the whole file is
    /// verified.
    #[wasm_bindgen(js_name = verifyAll)]
    pub fn verify_all(&self) -> Result<(), JsError> {
        self.segment.verify_all().map_err(js)
    }

    /// Bytes read from the file so far.
    #[wasm_bindgen(getter, js_name = bytesRead)]
    pub fn bytes_read(&self) -> f64 {
        self.segment.bytes_read() as f64
    }

    /// The meta section as JSON: fields, analyzer, document count, columns.
    #[wasm_bindgen(js_name = metaJson)]
    pub fn meta_json(&self) -> String {
        self.segment.meta().to_json().to_string()
    }

    /// Byte size of each section as JSON `{"postings": n, ...}`.
    #[wasm_bindgen(js_name = sectionSizesJson)]
    pub fn section_sizes_json(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .segment
            .section_sizes()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into()))
            .collect();
        serde_json::Value::Object(map).to_string()
    }

    #[wasm_bindgen(getter, js_name = docCount)]
    pub fn doc_count(&self) -> u32 {
        self.segment.meta().doc_count
    }

    /// Runs a query; `options` is the JSON of `SearchRequest::from_json`.
    pub fn search(&self, query: &str, options: &str) -> Result<SearchHits, JsError> {
        let request = SearchRequest::from_json(query, options).map_err(js)?;
        let r = search(&self.segment, &request).map_err(js)?;
        let mut hits = Vec::with_capacity(2 + 2 * r.hits.len());
        hits.push(r.total.map_or(-1.0, |t| t.value as f64));
        hits.push(if r.total.map_or(true, |t| t.exact) {
            1.0
        } else {
            0.0
        });
        hits.extend(r.hits.iter().map(|h| h.0 as f64));
        hits.extend(r.hits.iter().map(|h| h.1));
        Ok(SearchHits {
            hits,
            terms: r.terms,
        })
    }

    /// A page of hits shaped in one call: ids, titles, snippets with highlight spans and
    /// metadata of `docs`, in the binary layout of `hits::layout`. `terms` are the query's terms
    /// (newline-separated, as `SearchHits.terms` gives them); `title_field` names the stored key
    /// shown as the title (empty: the index's first field).
    #[wasm_bindgen(js_name = pageHits)]
    pub fn page_hits(
        &self,
        docs: &[u32],
        terms: &str,
        title_field: &str,
    ) -> Result<Vec<u8>, JsError> {
        let terms: Vec<String> = terms
            .split('\n')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        let title = Some(title_field).filter(|t| !t.is_empty());
        let fields = HitFields::for_index(&self.segment, title).map_err(js)?;
        let page = shape_page(&self.segment, docs, &terms, &fields).map_err(js)?;
        Ok(encode_page(&page))
    }

    /// The stored JSON line of a document.
    pub fn stored(&self, doc: u32) -> Result<String, JsError> {
        let bytes = self.segment.stored(doc).map_err(js)?;
        String::from_utf8(bytes).map_err(|_| {
            js(Error::corrupt(format!(
                "stored document {} is not UTF-8",
                doc
            )))
        })
    }

    #[wasm_bindgen(js_name = externalId)]
    pub fn external_id(&self, doc: u32) -> Result<String, JsError> {
        self.segment
            .external_id(doc)
            .map(str::to_string)
            .map_err(js)
    }

    /// The doc id of an external id, or `undefined`.
    #[wasm_bindgen(js_name = lookupId)]
    pub fn lookup_id(&self, id: &str) -> Result<Option<u32>, JsError> {
        self.segment.lookup_id(id).map_err(js)
    }

    /// How this index's analyzer reads `text` (for `sir analyze`): JSON
    /// `[{"token": "Running", "term": "run", "position": 1}, ...]`, one entry per indexed term, in
    /// text order; stop words leave a gap in the positions.
    #[wasm_bindgen(js_name = analyzeJson)]
    pub fn analyze_json(&self, text: &str) -> String {
        let mut out = Vec::new();
        self.segment.analyzer().analyze(text, 0, |t| {
            out.push(serde_json::json!({"token": &text[t.start..t.end], "term": t.term, "position": t.position}))
        });
        serde_json::Value::Array(out).to_string()
    }
}

/// One page of results, best first, read in two calls (each call and copy across the boundary
/// costs): `hits` and `terms`.
#[wasm_bindgen]
pub struct SearchHits {
    hits: Vec<f64>,
    terms: Vec<String>,
}

#[wasm_bindgen]
impl SearchHits {
    /// `[total (−1 when not counted), 1 when the total is exact (else 0: a lower bound), the n doc
    /// ids, their n scores]` (a u32 doc id is exact in an f64); taken, so empty if asked again.
    pub fn hits(&mut self) -> Vec<f64> {
        std::mem::take(&mut self.hits)
    }

    /// The query's analysed positive terms, newline-separated (for `pageHits`).
    #[wasm_bindgen(getter)]
    pub fn terms(&self) -> String {
        self.terms.join("\n")
    }
}
