/**
 * `SearchIndex`: an opened index — a typed handle over index-core's `Index`. Opening reads and
 * checks the core of `DIR/index.sir` (dictionary, lengths, ids, columns); postings, positions and
 * stored documents are read from the file when a query needs them, each piece checked against its
 * own checksum. `free()` releases the WebAssembly memory and closes the file when the host knows
 * the index is no longer used (the live index swap does).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, engineCall } from './engine-error.js';
import { decodeHitPage, type PageHit } from './hit-page.js';
import { bufferReader, fileReader, type IndexFileReader } from './index-file.js';
import { engine, engineIndex } from './wasm-module.js';
import type { Index } from '../../index-core/pkg/index_core.js';
import type { RankerName, RankerParams } from './rankers.js';

/** The index file inside an index directory. */
export const INDEX_FILE = 'index.sir';

/** The largest `offset + size` a search accepts (the engine's); deeper pages go through `after`. */
export const MAX_WINDOW: number = engine().maxWindow();

/**
 * The count limit the API and the CLI use unless asked for an exact total: matches are counted
 * exactly up to it, beyond it the total is a lower bound (Elasticsearch's `track_total_hits`).
 */
export const DEFAULT_COUNT_LIMIT = 10_000;

export interface SearchOptions {
  /** One of `RANKERS` (default `DEFAULT_RANKER`). */
  ranker?: RankerName;
  /** The ranker's parameters; ranges and defaults in `RANKER_TABLE`. */
  params?: RankerParams;
  /** Hits to skip (default 0) and to return (default 10); offset + size ≤ `MAX_WINDOW`. */
  offset?: number;
  size?: number;
  /** Search unqualified words in these fields only (index built with `--field-mode separate`). */
  fields?: string[];
  /** Metadata filters such as `year>=1900` or `party=Whig`; all must hold. */
  filters?: string[];
  /** Return only hits ranking after this one (the last hit of the previous page). */
  after?: { score: number; doc: number };
  /**
   * Count the matches: `true` (default) exactly, `false` not at all, or a positive integer N
   * exactly up to N and beyond it "at least N" (`totalExact` false), which bounds the work a broad
   * query does (Elasticsearch's `track_total_hits`).
   */
  count?: boolean | number;
  /** Score every document instead of pruning (the reference; slow). */
  exhaustive?: boolean;
  /** Read the query as plain words, without query syntax (research runs). */
  plain?: boolean;
}

export interface Hit {
  /** Internal doc id (stable within one index version). */
  doc: number;
  score: number;
}

export interface SearchResult {
  /** Matching documents, or undefined when not counted. */
  total: number | undefined;
  /** False when counting stopped at its limit: `total` is then "at least". */
  totalExact: boolean;
  hits: Hit[];
  /** The query's analysed terms, for highlighting. */
  terms: string[];
}

/** One indexed term of an analysed text; stop words leave gaps in `position`. */
export interface AnalyzedToken {
  /** The text as written. */
  token: string;
  /** What is indexed and searched (lowercased, folded, stemmed). */
  term: string;
  position: number;
}

export interface FieldInfo {
  name: string;
  sources: string[];
  totalTokens: number;
  minLength: number;
}

export interface IndexInfo {
  format: string;
  formatVersion: number;
  engine: string;
  docCount: number;
  fields: FieldInfo[];
  analyzer: { stemmer: string; stopwords: string | string[]; [key: string]: unknown };
  /** How document lengths were recorded: `exact`, or Lucene's one byte (`lucene`). */
  norms: 'exact' | 'lucene';
  /** The ranker and parameters under which each postings block stores its exact score bound. */
  blockMax: { ranker: 'bm25'; k1: number; b: number };
  columns: { name: string; kind: 'number' | 'keyword' }[];
}

export interface OpenOptions {
  /**
   * `core` (default): check the core at open, and postings, positions and stored blocks as they
   * are read.
   * `all`: also read the rest of the file through and check it before returning, so that a damaged
   * file is refused now rather than when a query reaches the damage.
   */
  verify?: 'core' | 'all';
}

export class SearchIndex {
  readonly info: IndexInfo;
  private freed = false;

  private readonly index: Index;
  private readonly file: IndexFileReader;

  private constructor(index: Index, file: IndexFileReader) {
    this.index = index;
    this.file = file;
    this.info = JSON.parse(index.metaJson()) as IndexInfo;
  }

  /** Bytes of the index file. */
  get sizeBytes(): number {
    return this.file.size;
  }

  /** Bytes read from the index file so far (the core at open, then what queries needed). */
  get bytesRead(): number {
    return this.file.bytesRead;
  }

  /** Opens an index from its bytes in memory. */
  static fromBytes(bytes: Uint8Array, options: OpenOptions = {}): SearchIndex {
    return SearchIndex.fromFile(bufferReader(bytes), options);
  }

  /** Opens `DIR/index.sir`, reading and checking its core; the file stays open until `free()`. */
  static open(dir: string, options: OpenOptions = {}): SearchIndex {
    return SearchIndex.fromFile(fileReader(join(dir, INDEX_FILE)), options);
  }

  private static fromFile(file: IndexFileReader, options: OpenOptions): SearchIndex {
    let index: Index | undefined;
    try {
      index = engineCall(() => engineIndex(file));
      if (options.verify === 'all') engineCall(() => index!.verifyAll());
      return new SearchIndex(index, file);
    } catch (err) {
      index?.free();
      file.close();
      throw err;
    }
  }

  search(query: string, options: SearchOptions = {}): SearchResult {
    const r = this.call((index) => index.search(query, JSON.stringify(options)));
    try {
      // [total or −1, 1 when exact, n doc ids, n scores] (SearchHits.hits in index-core/src/wasm.rs).
      const packed = r.hits();
      const n = (packed.length - 2) / 2;
      const hits: Hit[] = new Array<Hit>(n);
      for (let i = 0; i < n; i++) hits[i] = { doc: packed[2 + i]!, score: packed[2 + n + i]! };
      const termText = r.terms;
      return {
        total: packed[0]! < 0 ? undefined : packed[0],
        totalExact: packed[1] === 1,
        hits,
        terms: termText === '' ? [] : termText.split('\n'),
      };
    } finally {
      r.free();
    }
  }

  /** The stored JSON of a document, parsed (`corrupt-index` if it is not a JSON object). */
  document(doc: number): Record<string, unknown> {
    const text = this.call((index) => index.stored(doc));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new EngineError(
        'corrupt-index',
        `stored document ${doc} is not a JSON object: the index is damaged`,
      );
    return parsed as Record<string, unknown>;
  }

  externalId(doc: number): string {
    return this.call((index) => index.externalId(doc));
  }

  /** The internal doc id of an external id (`_id`/`id` of the corpus). */
  lookup(id: string): number | undefined {
    return this.call((index) => index.lookupId(id));
  }

  /**
   * A page of hits in one call: for each doc its id, title, a snippet window with the query's
   * `terms` located in it, and its metadata — stored blocks read and inflated once, the work per
   * hit bounded however large the document. A damaged stored document comes back as
   * `{ id, damaged }`. `titleField` names the stored key shown as the title (default: the index's
   * first field); the other indexed fields make the snippet.
   */
  pageHits(docs: number[], terms: string[], titleField?: string): PageHit[] {
    const bytes = this.call((index) =>
      index.pageHits(Uint32Array.from(docs), terms.join('\n'), titleField ?? ''),
    );
    return decodeHitPage(bytes);
  }

  /** How this index's analyzer reads `text`: each indexed term with its token and position. */
  analyze(text: string): AnalyzedToken[] {
    return JSON.parse(this.live().analyzeJson(text)) as AnalyzedToken[];
  }

  /** Bytes per section of the index file. */
  sectionSizes(): Record<string, number> {
    return JSON.parse(this.live().sectionSizesJson()) as Record<string, number>;
  }

  /** Releases the engine memory and closes the file. Later calls throw. */
  free(): void {
    if (!this.freed) {
      this.freed = true;
      this.index.free();
      this.file.close();
    }
  }

  /**
   * Runs a call into the engine. When a read of the file failed in the operating system during
   * the call, that error is thrown (its `code`: ENOENT, or ESTALE once an NFS/EFS file is deleted
   * under an open index) — not the engine's `corrupt-index`, nor a page whose hits say "damaged":
   * the file went away, it is not damaged, and the caller may reopen the live version.
   */
  private call<T>(fn: (index: Index) => T): T {
    const index = this.live();
    let result: T;
    try {
      result = engineCall(() => fn(index));
    } catch (err) {
      throw this.file.takeReadError() ?? err;
    }
    const readError = this.file.takeReadError();
    if (readError) throw readError;
    return result;
  }

  private live(): Index {
    if (this.freed) throw new Error('SearchIndex: used after free()');
    return this.index;
  }
}

/**
 * Whether `dir` holds an index this engine opens, read through (header, format version, every
 * section's checksum, analyzer); throws a sentence saying why not. The index store's `validate`
 * hook: no version becomes live unless it passes (`sir publish`, `sir index --store`, the loader
 * agent). Opening is lazy, so the whole file is verified here (`verify: 'all'`), once, before
 * publishing rather than on every cold start.
 */
export function checkIndexVersion(dir: string): void {
  const file = join(dir, INDEX_FILE);
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) throw new Error(`it holds no ${INDEX_FILE} (the output of sir index)`);
  if (!stat.isFile()) throw new Error(`its ${INDEX_FILE} is a folder, not an index file`);
  SearchIndex.open(dir, { verify: 'all' }).free();
}
