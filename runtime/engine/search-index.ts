/**
 * `SearchIndex`: an opened index — a typed handle over index-core's `Index`, read into memory from
 * `DIR/index.sir` and searched in place. `free()` releases the WebAssembly memory when the host
 * knows the index is no longer used (the live index swap does).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { engineCall } from './engine-error.js';
import { engine } from './wasm-module.js';
import type { Index } from '../../index-core/pkg/index_core.js';
import type { RankerName, RankerParams } from './rankers.js';

/** The index file inside an index directory. */
export const INDEX_FILE = 'index.sir';

/** The largest `offset + size` a search accepts (the engine's); deeper pages go through `after`. */
export const MAX_WINDOW: number = engine().maxWindow();

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
  /** Count all matches (default true). */
  count?: boolean;
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
  columns: { name: string; kind: 'number' | 'keyword' }[];
}

export class SearchIndex {
  readonly info: IndexInfo;
  private freed = false;

  private constructor(
    private readonly index: Index,
    /** Bytes of the index file. */
    readonly sizeBytes: number,
  ) {
    this.info = JSON.parse(index.metaJson()) as IndexInfo;
  }

  /** Opens an index from its bytes; checks the format version and every checksum. */
  static fromBytes(bytes: Uint8Array): SearchIndex {
    const core = engine();
    return new SearchIndex(
      engineCall(() => new core.Index(bytes)),
      bytes.length,
    );
  }

  /** Opens `DIR/index.sir`. */
  static open(dir: string): SearchIndex {
    return SearchIndex.fromBytes(readFileSync(join(dir, INDEX_FILE)));
  }

  search(query: string, options: SearchOptions = {}): SearchResult {
    const r = engineCall(() => this.live().search(query, JSON.stringify(options)));
    try {
      const docs = r.docs();
      const scores = r.scores();
      const hits: Hit[] = Array.from(docs, (doc, i) => ({ doc, score: scores[i]! }));
      const terms = r.terms === '' ? [] : r.terms.split('\n');
      return { total: r.total < 0 ? undefined : r.total, hits, terms };
    } finally {
      r.free();
    }
  }

  /** The stored JSON of a document, parsed. */
  document(doc: number): Record<string, unknown> {
    return JSON.parse(engineCall(() => this.live().stored(doc))) as Record<string, unknown>;
  }

  externalId(doc: number): string {
    return engineCall(() => this.live().externalId(doc));
  }

  /** The internal doc id of an external id (`_id`/`id` of the corpus). */
  lookup(id: string): number | undefined {
    return engineCall(() => this.live().lookupId(id));
  }

  /** [start, end) UTF-16 spans of `text` whose analysed term is one of `terms`. */
  highlightSpans(text: string, terms: string[]): Array<[number, number]> {
    const flat = this.live().highlightSpans(text, terms.join('\n'));
    const spans: Array<[number, number]> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) spans.push([flat[i]!, flat[i + 1]!]);
    return spans;
  }

  /** How this index's analyzer reads `text`: each indexed term with its token and position. */
  analyze(text: string): AnalyzedToken[] {
    return JSON.parse(this.live().analyzeJson(text)) as AnalyzedToken[];
  }

  /** Bytes per section of the index file. */
  sectionSizes(): Record<string, number> {
    return JSON.parse(this.live().sectionSizesJson()) as Record<string, number>;
  }

  /** Releases the engine memory. Later calls throw. */
  free(): void {
    if (!this.freed) {
      this.freed = true;
      this.index.free();
    }
  }

  private live(): Index {
    if (this.freed) throw new Error('SearchIndex: used after free()');
    return this.index;
  }
}

/**
 * Whether `dir` holds an index this engine opens (header, format version, every section checksum,
 * analyzer); throws a sentence saying why not. The index store's `validate` hook: no version
 * becomes live unless it passes (`sir publish`, `sir index --store`, the loader agent).
 */
export function checkIndexVersion(dir: string): void {
  const file = join(dir, INDEX_FILE);
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) throw new Error(`it holds no ${INDEX_FILE} (the output of sir index)`);
  if (!stat.isFile()) throw new Error(`its ${INDEX_FILE} is a folder, not an index file`);
  SearchIndex.open(dir).free();
}
