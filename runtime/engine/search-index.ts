/**
 * `SearchIndex`: an opened index — a typed handle over index-core's `Index`, read into memory from
 * `DIR/index.sir` and searched in place. `free()` releases the WebAssembly memory when the host
 * knows the index is no longer used (the live index swap does).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineCall } from './engine-error.js';
import { engine } from './wasm-module.js';
import type { Index } from '../../index-core/pkg/index_core.js';

/** The index file inside an index directory. */
export const INDEX_FILE = 'index.sir';

export type RankerName = 'bm25' | 'dirichlet' | 'jelinek-mercer' | 'pivoted' | 'absolute-discount';
export const RANKERS: readonly RankerName[] = [
  'bm25',
  'dirichlet',
  'jelinek-mercer',
  'pivoted',
  'absolute-discount',
];

/**
 * The count limit the API and the CLI use unless asked for an exact total: matches are counted
 * exactly up to it, beyond it the total is a lower bound (Elasticsearch's `track_total_hits`).
 */
export const DEFAULT_COUNT_LIMIT = 10_000;

/** Ranker parameters; each ranker accepts only its own (bm25: k1, b; dirichlet: mu; ...). */
export interface RankerParams {
  k1?: number;
  b?: number;
  mu?: number;
  lambda?: number;
  s?: number;
  delta?: number;
}

export interface SearchOptions {
  ranker?: RankerName;
  params?: RankerParams;
  /** Hits to skip (default 0) and to return (default 10); offset + size ≤ 100,000. */
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
      return { total: r.total < 0 ? undefined : r.total, totalExact: r.totalExact, hits, terms };
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

  /** The analysed terms of `text` with their positions. */
  analyze(text: string): Array<[string, number]> {
    return JSON.parse(this.live().analyzeJson(text)) as Array<[string, number]>;
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
