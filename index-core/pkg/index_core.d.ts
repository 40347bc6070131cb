/* tslint:disable */
/* eslint-disable */
/**
* The index format version this build reads and writes.
* @returns {number}
*/
export function formatVersion(): number;
/**
* The rankers, their parameters, defaults and ranges, as JSON (see `scoring::RANKERS`).
* @returns {string}
*/
export function rankersJson(): string;
/**
* Checks a ranker and its parameters (`{"k1": 1.2}`) against the ranker table without an index:
* what a search would refuse, with the same error (for validating a parameter grid up front).
* @param {string} name
* @param {string} params_json
*/
export function checkRanker(name: string, params_json: string): void;
/**
* The largest `offset + size` a search accepts; deeper pages go through `after`.
* @returns {number}
*/
export function maxWindow(): number;
/**
* An opened index: its core read and checked, the rest read from the file on demand.
*/
export class Index {
  free(): void;
/**
* Reads the envelope and the core sections of `file` and checks them (format version,
* checksums, analysis); fails with a sentence otherwise. Postings, positions and stored
* documents are read later, each piece checked on its own.
* @param {any} file
*/
  constructor(file: any);
/**
* Reads the lazy sections through and checks their checksums: afterwards the whole file is
* verified.
*/
  verifyAll(): void;
/**
* The meta section as JSON: fields, analyzer, document count, columns.
* @returns {string}
*/
  metaJson(): string;
/**
* Byte size of each section as JSON `{"postings": n, ...}`.
* @returns {string}
*/
  sectionSizesJson(): string;
/**
* Runs a query; `options` is the JSON of `SearchRequest::from_json`.
* @param {string} query
* @param {string} options
* @returns {SearchHits}
*/
  search(query: string, options: string): SearchHits;
/**
* A page of hits shaped in one call: ids, titles, snippets with highlight spans and
* metadata of `docs`, in the binary layout of `hits::layout`. `terms` are the query's terms
* (newline-separated, as `SearchHits.terms` gives them); `title_field` names the stored key
* shown as the title (empty: the index's first field).
* @param {Uint32Array} docs
* @param {string} terms
* @param {string} title_field
* @returns {Uint8Array}
*/
  pageHits(docs: Uint32Array, terms: string, title_field: string): Uint8Array;
/**
* The stored JSON line of a document.
* @param {number} doc
* @returns {string}
*/
  stored(doc: number): string;
/**
* @param {number} doc
* @returns {string}
*/
  externalId(doc: number): string;
/**
* The doc id of an external id, or `undefined`.
* @param {string} id
* @returns {number | undefined}
*/
  lookupId(id: string): number | undefined;
/**
* How this index's analyzer reads `text` (for `sir analyze`): JSON
* `[{"token": "Running", "term": "run", "position": 1}, ...]`, one entry per indexed term, in
* text order; stop words leave a gap in the positions.
* @param {string} text
* @returns {string}
*/
  analyzeJson(text: string): string;
/**
* Bytes read from the file so far.
*/
  readonly bytesRead: number;
/**
*/
  readonly docCount: number;
}
/**
*/
export class IndexBuilder {
  free(): void;
/**
* `options`: JSON of `BuildOptions` (fields, fieldMode, stemmer, stopwords, memoryBudgetMb).
* @param {string} options
*/
  constructor(options: string);
/**
* Adds the documents of whole JSONL lines; `first_line` is the 1-based number of the first.
* @param {Uint8Array} chunk
* @param {number} first_line
* @param {boolean} skip_bad
* @returns {number}
*/
  addJsonl(chunk: Uint8Array, first_line: number, skip_bad: boolean): number;
/**
* @returns {boolean}
*/
  shouldFlush(): boolean;
/**
* @returns {number}
*/
  pendingDocs(): number;
/**
* @returns {number}
*/
  totalDocs(): number;
/**
* Lines skipped so far under `skip_bad`, as JSON `[{"line": n, "reason": "..."}]`.
* @returns {string}
*/
  skippedJson(): string;
/**
* Each corpus field indexed with the number of documents added that had it as text, as JSON
* `[{"field": "title", "docs": n}]` in the order of the build options' fields.
* @returns {string}
*/
  fieldDocsJson(): string;
/**
* Writes the documents held in memory to `sink` as a finished segment (an index file).
* @param {any} sink
*/
  takeSegment(sink: any): void;
}
/**
*/
export class IndexMerger {
  free(): void;
/**
*/
  constructor();
/**
* Adds an opened segment; the handle is consumed.
* @param {Index} segment
*/
  add(segment: Index): void;
/**
* Writes the merged index to `sink`.
* @param {any} sink
*/
  finish(sink: any): void;
}
/**
* One page of results, best first, read in two calls (each call and copy across the boundary
* costs): `hits` and `terms`.
*/
export class SearchHits {
  free(): void;
/**
* `[total (−1 when not counted), 1 when the total is exact (else 0: a lower bound), the n doc
* ids, their n scores]` (a u32 doc id is exact in an f64); taken, so empty if asked again.
* @returns {Float64Array}
*/
  hits(): Float64Array;
/**
* The query's analysed positive terms, newline-separated (for `pageHits`).
*/
  readonly terms: string;
}

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
  readonly memory: WebAssembly.Memory;
  readonly formatVersion: () => number;
  readonly rankersJson: (a: number) => void;
  readonly checkRanker: (a: number, b: number, c: number, d: number, e: number) => void;
  readonly maxWindow: () => number;
  readonly __wbg_indexbuilder_free: (a: number) => void;
  readonly indexbuilder_new: (a: number, b: number, c: number) => void;
  readonly indexbuilder_addJsonl: (a: number, b: number, c: number, d: number, e: number, f: number) => void;
  readonly indexbuilder_shouldFlush: (a: number) => number;
  readonly indexbuilder_pendingDocs: (a: number) => number;
  readonly indexbuilder_totalDocs: (a: number) => number;
  readonly indexbuilder_skippedJson: (a: number, b: number) => void;
  readonly indexbuilder_fieldDocsJson: (a: number, b: number) => void;
  readonly indexbuilder_takeSegment: (a: number, b: number, c: number) => void;
  readonly __wbg_indexmerger_free: (a: number) => void;
  readonly indexmerger_new: () => number;
  readonly indexmerger_add: (a: number, b: number, c: number) => void;
  readonly indexmerger_finish: (a: number, b: number, c: number) => void;
  readonly __wbg_index_free: (a: number) => void;
  readonly index_open: (a: number, b: number) => void;
  readonly index_verifyAll: (a: number, b: number) => void;
  readonly index_bytesRead: (a: number) => number;
  readonly index_metaJson: (a: number, b: number) => void;
  readonly index_sectionSizesJson: (a: number, b: number) => void;
  readonly index_docCount: (a: number) => number;
  readonly index_search: (a: number, b: number, c: number, d: number, e: number, f: number) => void;
  readonly index_pageHits: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number) => void;
  readonly index_stored: (a: number, b: number, c: number) => void;
  readonly index_externalId: (a: number, b: number, c: number) => void;
  readonly index_lookupId: (a: number, b: number, c: number, d: number) => void;
  readonly index_analyzeJson: (a: number, b: number, c: number, d: number) => void;
  readonly __wbg_searchhits_free: (a: number) => void;
  readonly searchhits_hits: (a: number, b: number) => void;
  readonly searchhits_terms: (a: number, b: number) => void;
  readonly __wbindgen_malloc: (a: number) => number;
  readonly __wbindgen_realloc: (a: number, b: number, c: number) => number;
  readonly __wbindgen_exn_store: (a: number) => void;
  readonly __wbindgen_add_to_stack_pointer: (a: number) => number;
  readonly __wbindgen_free: (a: number, b: number) => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;
/**
* Instantiates the given `module`, which can either be bytes or
* a precompiled `WebAssembly.Module`.
*
* @param {SyncInitInput} module
*
* @returns {InitOutput}
*/
export function initSync(module: SyncInitInput): InitOutput;

/**
* If `module_or_path` is {RequestInfo} or {URL}, makes a request and
* for everything else, calls `WebAssembly.instantiate` directly.
*
* @param {InitInput | Promise<InitInput>} module_or_path
*
* @returns {Promise<InitOutput>}
*/
export default function init (module_or_path?: InitInput | Promise<InitInput>): Promise<InitOutput>;
