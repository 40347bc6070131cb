/**
 * `CorpusBuilder`: JSONL bytes in, one index file's bytes out, in bounded memory. Bytes may arrive
 * in pieces cut anywhere (file reads, an S3 stream); the builder hands the engine whole lines, in
 * slices small enough that the memory budget is checked often, writes a segment to `spillDir`
 * whenever the engine's builder passes its budget, and merges the segments at the end.
 *
 * `sir index` (build-index.ts) feeds it a whole file; a job worker feeds it one byte range of a
 * corpus. Line numbers in errors and skipped lines count from `firstLine` (1 for a whole file).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IndexBuilder } from '../../index-core/pkg/index_core.js';
import { engineCall } from './engine-error.js';
import { engine } from './wasm-module.js';

/** Analyzer and memory options of a build (what the engine's `IndexBuilder` takes). */
export interface CorpusBuildOptions {
  /** Corpus keys indexed (default title, text). */
  fields?: string[];
  /** `combined` (default): all fields as one; `separate`: each its own, for `field:term`. */
  fieldMode?: 'combined' | 'separate';
  stemmer?: 'porter' | 'none';
  /** `lucene` (default), `none`, or the words themselves. */
  stopwords?: 'lucene' | 'none' | string[];
  /** Memory the in-memory segment may use before it is written out (MiB, default 256). */
  memoryBudgetMb?: number;
  /** Skip malformed lines instead of failing (they are reported). */
  skipBad?: boolean;
}

/**
 * The analyzer a build uses when an option is not given: the engine's own defaults
 * (index-core/src/indexer/options.rs), spelled out for callers that must write a request down in
 * full, such as a job's canonical request.
 */
export const DEFAULT_ANALYZER = {
  fields: ['title', 'text'],
  fieldMode: 'combined',
  stemmer: 'porter',
  stopwords: 'lucene',
} as const satisfies CorpusBuildOptions;

export interface CorpusBuilderOptions extends CorpusBuildOptions {
  /** Where segments spill when the budget is passed; removed by `finish` and `free`. */
  spillDir: string;
  /** Number of the first line fed (1-based; default 1). */
  firstLine?: number;
}

export interface CorpusBuildOutput {
  /** The index file, or undefined when no line held a document (see `finish`). */
  bytes: Uint8Array | undefined;
  docs: number;
  /** Lines fed, blank ones included (a last line without a newline counts). */
  lines: number;
  segments: number;
  skipped: Array<{ line: number; reason: string }>;
}

const SLICE_BYTES = 256 << 10;

export class CorpusBuilder {
  readonly #builder: IndexBuilder;
  readonly #skipBad: boolean;
  readonly #spillDir: string;
  readonly #segments: string[] = [];
  #carry: Uint8Array = new Uint8Array(0);
  #line: number;
  readonly #firstLine: number;
  #freed = false;

  constructor({
    spillDir,
    firstLine = 1,
    skipBad = false,
    ...engineOptions
  }: CorpusBuilderOptions) {
    this.#builder = engineCall(() => new (engine().IndexBuilder)(JSON.stringify(engineOptions)));
    this.#skipBad = skipBad;
    this.#spillDir = spillDir;
    this.#line = firstLine;
    this.#firstLine = firstLine;
    rmSync(spillDir, { recursive: true, force: true });
  }

  /** Documents added so far. */
  get docs(): number {
    return this.#builder.totalDocs();
  }

  /** Adds bytes; whole lines go to the engine now, an unfinished last line waits for the next call. */
  push(bytes: Uint8Array): void {
    const data = this.#carry.length ? concat(this.#carry, bytes) : bytes;
    const cut = data.lastIndexOf(0x0a) + 1;
    this.#feed(data, cut);
    // Copy: the caller may reuse its buffer.
    this.#carry = Uint8Array.from(data.subarray(cut));
  }

  /**
   * Feeds the unfinished last line and returns the index. With no document at all it throws the
   * engine's "no documents" error, unless `allowEmpty` (a job's byte range may own no line).
   */
  finish({ allowEmpty = false }: { allowEmpty?: boolean } = {}): CorpusBuildOutput {
    this.#feed(this.#carry, this.#carry.length);
    this.#carry = new Uint8Array(0);
    const skipped = JSON.parse(this.#builder.skippedJson()) as CorpusBuildOutput['skipped'];
    const docs = this.docs;
    const lines = this.#line - this.#firstLine;
    let bytes: Uint8Array | undefined;
    try {
      if (docs === 0 && allowEmpty) bytes = undefined;
      else if (this.#segments.length === 0) bytes = engineCall(() => this.#builder.takeSegment());
      else {
        if (this.#builder.pendingDocs() > 0) this.#spill();
        const merger = new SegmentMerger();
        try {
          for (const path of this.#segments) merger.add(readFileSync(path));
          bytes = merger.finish();
        } finally {
          merger.free();
        }
      }
    } finally {
      this.free();
    }
    return { bytes, docs, lines, segments: Math.max(1, this.#segments.length), skipped };
  }

  /** Releases the engine's builder and the spilled segments (idempotent). */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    this.#builder.free();
    rmSync(this.#spillDir, { recursive: true, force: true });
  }

  /** Feeds `data[0, cut)`, which ends at a line boundary (or is the last line), in slices. */
  #feed(data: Uint8Array, cut: number): void {
    let from = 0;
    while (from < cut) {
      const next =
        from + SLICE_BYTES >= cut ? cut : data.indexOf(0x0a, from + SLICE_BYTES) + 1 || cut;
      const slice = data.subarray(from, next);
      engineCall(() => this.#builder.addJsonl(slice, this.#line, this.#skipBad));
      this.#line += countLines(slice);
      from = next;
      if (this.#builder.shouldFlush()) this.#spill();
    }
  }

  #spill(): void {
    mkdirSync(this.#spillDir, { recursive: true });
    const path = join(this.#spillDir, `segment-${this.#segments.length}.sir`);
    writeFileSync(
      path,
      engineCall(() => this.#builder.takeSegment()),
    );
    this.#segments.push(path);
  }
}

/** Newlines in `b`, plus one for a last line without a newline. */
function countLines(b: Uint8Array): number {
  let n = 0;
  for (let i = b.indexOf(0x0a); i !== -1; i = b.indexOf(0x0a, i + 1)) n++;
  return b.length > 0 && b[b.length - 1] !== 0x0a ? n + 1 : n;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Merges index files (segments) into one, renumbering documents in the order they were added:
 * segments of consecutive parts of a corpus, added in corpus order, give the index one build of
 * the whole corpus gives. Each segment is checked when added; the merger holds them until `finish`.
 */
export class SegmentMerger {
  readonly #merger = new (engine().IndexMerger)();
  #count = 0;
  #done = false;

  get count(): number {
    return this.#count;
  }

  add(segment: Uint8Array): void {
    const core = engine();
    const index = engineCall(() => new core.Index(segment));
    engineCall(() => this.#merger.add(index));
    this.#count++;
  }

  /** The merged index file's bytes (consumes the merger). */
  finish(): Uint8Array {
    this.#done = true;
    return engineCall(() => this.#merger.finish());
  }

  /** Releases the segments held, when `finish` will not be called (a failure part-way). */
  free(): void {
    if (this.#done) return;
    this.#done = true;
    this.#merger.free();
  }
}
