/**
 * Builds an index directory from a JSONL corpus. `buildIndex` streams the file through one builder
 * in this thread; `buildIndexParallel` cuts it into consecutive line-aligned ranges, builds each in
 * a worker thread (`build-worker.ts`), and merges their segments in corpus order — the same
 * map/reduce a job pipeline runs. Either way a builder writes a segment to scratch space whenever
 * it passes its memory budget, the segments are merged at the end, and the result is
 * `OUT/index.sir`; where each of these is written, and what is removed when, is `build-files.ts`.
 *
 * The corpus may start with a UTF-8 byte-order mark; CR-only line ends are named (`corpus-start.ts`);
 * a field that no document gives any text is refused, naming the keys the corpus has.
 */
import { availableParallelism } from 'node:os';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { withScratch, writeIndexFile } from './build-files.js';
import {
  buildRange,
  cutRanges,
  mergeSegments,
  type FieldDocs,
  type RangeJob,
  type RangeResult,
} from './build-range.js';
import { corpusStart } from './corpus-start.js';
import { EngineError, engineCall } from './engine-error.js';
import { fileReader } from './index-file.js';
import { engine, engineIndex } from './wasm-module.js';
import { INDEX_FILE, type IndexInfo } from './search-index.js';

export interface BuildOptions {
  /** Corpus keys indexed (default title, text). */
  fields?: string[];
  /** `combined` (default): all fields as one; `separate`: each its own, for `field:term`. */
  fieldMode?: 'combined' | 'separate';
  stemmer?: 'porter' | 'none';
  /** `lucene` (default), `none`, or the words themselves. */
  stopwords?: 'lucene' | 'none' | string[];
  /** `exact` (default) document lengths, or `lucene`: Lucene's one-byte lengths, recorded in the index. */
  norms?: 'exact' | 'lucene';
  /** Memory the in-memory segment may use before it is written out (MiB, default 256). */
  memoryBudgetMb?: number;
  /** Skip malformed lines instead of failing (they are reported). */
  skipBad?: boolean;
  /**
   * Worker threads for `buildIndexParallel` (default: the machine's cores), at most one per
   * `MIN_BYTES_PER_THREAD` of corpus.
   */
  threads?: number;
  /** Called after every chunk. */
  onProgress?: (p: BuildProgress) => void;
}

export interface BuildProgress {
  bytesRead: number;
  totalBytes: number;
  docs: number;
}

export interface BuildResult {
  docs: number;
  /** The threads that built it (`buildIndexParallel` uses fewer on a small corpus). */
  threads: number;
  segments: number;
  indexBytes: number;
  corpusBytes: number;
  seconds: number;
  skipped: Array<{ line: number; reason: string }>;
  /** Each corpus field indexed, with the number of documents that had it as text. */
  fieldDocs: FieldDocs[];
}

function engineOptionsJson(options: BuildOptions): string {
  const { onProgress: _p, skipBad: _s, threads: _t, ...engineOptions } = options;
  return JSON.stringify(engineOptions);
}

/** Builds in this thread. */
export function buildIndex(
  corpusPath: string,
  outDir: string,
  options: BuildOptions = {},
): BuildResult {
  const started = performance.now();
  const totalBytes = statSync(corpusPath).size;
  return withScratch(outDir, (scratch) => {
    const r = buildRange(
      {
        corpusPath,
        start: 0,
        end: totalBytes,
        firstLine: 1,
        engineOptions: engineOptionsJson(options),
        skipBad: options.skipBad ?? false,
        segmentDir: scratch,
        prefix: '',
      },
      (bytesRead, docs) => options.onProgress?.({ bytesRead, totalBytes, docs }),
    );
    return {
      docs: r.docs,
      threads: 1,
      segments: r.segments.length,
      indexBytes: writeIndex(
        r.segments,
        outDir,
        scratch,
        corpusPath,
        r.fieldDocs,
        options.fields !== undefined,
      ),
      corpusBytes: totalBytes,
      seconds: (performance.now() - started) / 1000,
      skipped: r.skipped,
      fieldDocs: r.fieldDocs,
    };
  });
}

/** The worker script, when running from source (a bundle has none: it builds in one thread). */
const WORKER = fileURLToPath(new URL('./build-worker.ts', import.meta.url));

/**
 * The least corpus a worker thread is given. A worker's start (about 40 ms, 70 where tsx loads
 * the sources: a thread, the sources, the module) and the merge its segment adds cost about what
 * building 8 MiB in parallel saves: the 100k corpus cut to 8, 16 and 32 MB built in 1.11×, 0.96×
 * and 0.84× one thread's time on two (bench/PROFILE.md, eighteenth pass).
 */
const MIN_BYTES_PER_THREAD = 8 << 20;

/**
 * The threads a corpus of `bytes` is built with: `requested` (default, or not a finite number: the
 * machine's cores) but at most one per `MIN_BYTES_PER_THREAD`, and at least one.
 */
export function threadsFor(bytes: number, requested?: number): number {
  const asked = Number.isFinite(requested) ? Math.floor(requested!) : availableParallelism();
  return Math.max(1, Math.min(asked, Math.floor(bytes / MIN_BYTES_PER_THREAD)));
}

/**
 * Builds with `options.threads` worker threads (default: the machine's cores), at most one per
 * `MIN_BYTES_PER_THREAD` of corpus (a smaller corpus builds in this thread), each over one
 * consecutive range of the corpus, then merges their segments in corpus order. The index answers
 * every query exactly as a one-thread build does (doc ids follow the corpus either way); each
 * worker's memory budget is the budget divided by the threads.
 */
export async function buildIndexParallel(
  corpusPath: string,
  outDir: string,
  options: BuildOptions = {},
): Promise<BuildResult> {
  const totalBytes = statSync(corpusPath).size;
  const threads = threadsFor(totalBytes, options.threads);
  if (threads === 1 || !existsSync(WORKER)) return buildIndex(corpusPath, outDir, options);
  const started = performance.now();
  const ranges = cutRanges(corpusPath, totalBytes, threads);
  const budget = options.memoryBudgetMb ?? 256;
  const engineOptions = engineOptionsJson({
    ...options,
    memoryBudgetMb: Math.max(1, Math.floor(budget / ranges.length)),
  });
  return withScratch(outDir, async (scratch) => {
    const progress = ranges.map(() => ({ bytesRead: 0, docs: 0 }));
    const workers: Worker[] = [];
    const results = await Promise.all(
      ranges.map((r, i) =>
        runWorker(
          {
            corpusPath,
            ...r,
            engineOptions,
            skipBad: options.skipBad ?? false,
            segmentDir: scratch,
            prefix: `r${String(i).padStart(4, '0')}-`,
          },
          (bytesRead, docs) => {
            progress[i] = { bytesRead, docs };
            options.onProgress?.({
              bytesRead: progress.reduce((a, p) => a + p.bytesRead, 0),
              totalBytes,
              docs: progress.reduce((a, p) => a + p.docs, 0),
            });
          },
          (worker) => workers.push(worker),
        ),
      ),
    ).catch(async (err: unknown) => {
      // The other workers stop before the scratch folder they write into is removed.
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    });
    const segments = results.flatMap((r) => r.segments);
    // Every range counts the same fields, in the same order.
    const fieldDocs = results[0]!.fieldDocs.map(({ field }, i) => ({
      field,
      docs: results.reduce((a, r) => a + r.fieldDocs[i]!.docs, 0),
    }));
    return {
      docs: results.reduce((a, r) => a + r.docs, 0),
      threads: ranges.length,
      segments: segments.length,
      indexBytes: writeIndex(
        segments,
        outDir,
        scratch,
        corpusPath,
        fieldDocs,
        options.fields !== undefined,
      ),
      corpusBytes: totalBytes,
      seconds: (performance.now() - started) / 1000,
      skipped: results.flatMap((r) => r.skipped),
      fieldDocs,
    };
  });
}

/**
 * Merges `segments` (or takes the only one) into `OUT/index.sir`, put in place once every field
 * has text; returns the index's size.
 */
function writeIndex(
  segments: string[],
  outDir: string,
  scratch: string,
  corpusPath: string,
  fieldDocs: FieldDocs[],
  fieldsGiven: boolean,
): number {
  if (segments.length === 0) noDocuments();
  return writeIndexFile(join(outDir, INDEX_FILE), (temp) => {
    const size = mergeSegments(segments, temp, scratch);
    refuseEmptyFields(temp, corpusPath, fieldDocs, fieldsGiven);
    return size;
  });
}

/** The engine's own error for a corpus without documents (it refuses before writing anything). */
function noDocuments(): never {
  const builder = new (engine().IndexBuilder)('{}');
  try {
    engineCall(() =>
      builder.takeSegment({
        append: () => {},
        splice: () => {},
      }),
    );
  } finally {
    builder.free();
  }
  throw new EngineError('bad-document', 'the corpus has no documents');
}

/** Runs one range in a worker thread (loading the sources as bin/sir.mjs does). */
async function runWorker(
  job: RangeJob,
  onProgress: (bytesRead: number, docs: number) => void,
  onStart: (worker: Worker) => void,
): Promise<RangeResult> {
  // Imported here: the search Lambda imports the engine but never builds, and worker_threads
  // loads Node's streams, some ms of its cold start (bench/PROFILE.md, First answer).
  const { Worker } = await import('node:worker_threads');
  const loader = JSON.stringify(new URL('../load-typescript.mjs', import.meta.url).href);
  const script = JSON.stringify(new URL('./build-worker.ts', import.meta.url).href);
  const source = `import(${loader}).then((l) => l.loadTypeScript()).then(() => import(${script}))`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: job });
    onStart(worker);
    let settled = false;
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'progress') onProgress(m.bytesRead, m.docs);
      else if (m.kind === 'done') {
        settled = true;
        resolve(m.result);
      } else {
        settled = true;
        reject(
          m.code
            ? new EngineError(m.code, m.message)
            : Object.assign(new Error(m.message), m.system),
        );
      }
    });
    worker.on('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`a build worker exited with code ${code}`));
    });
  });
}

export type WorkerMessage =
  | { kind: 'progress'; bytesRead: number; docs: number }
  | {
      kind: 'done';
      result: RangeResult;
    }
  | {
      kind: 'error';
      /** An engine error's code. */
      code?: EngineError['code'];
      message: string;
      /** A system error's errno code, system call and paths, so it reads as it would in one thread. */
      system?: { code: string; syscall?: string; path?: string; dest?: string };
    };

/**
 * Refuses a build in which a field asked for (`fields` given) is in no document, or an indexed
 * field holds no term at all (only stop words; with the default fields, a corpus without titles is
 * fine): nothing could be found through it. Names the keys the corpus has and how many documents
 * had each field.
 */
function refuseEmptyFields(
  indexPath: string,
  corpusPath: string,
  fieldDocs: FieldDocs[],
  fieldsGiven: boolean,
): void {
  const absent = fieldsGiven
    ? fieldDocs.filter((f) => f.docs === 0).map((f) => `"${f.field}"`)
    : [];
  let what: string;
  if (absent.length > 0) what = `no document has ${absent.join(', ')}`;
  else {
    const file = fileReader(indexPath);
    let info: IndexInfo;
    try {
      const index = engineCall(() => engineIndex(file));
      try {
        info = JSON.parse(index.metaJson()) as IndexInfo;
      } finally {
        index.free();
      }
    } finally {
      file.close();
    }
    const empty = info.fields.filter((f) => f.totalTokens === 0);
    if (empty.length === 0) return;
    what = `no document has text to index in ${empty
      .map((f) =>
        f.sources.length === 1 && f.sources[0] === f.name
          ? `"${f.name}"`
          : `"${f.name}" (from ${f.sources.join(', ')})`,
      )
      .join(', ')}`;
  }
  throw new EngineError(
    'bad-options',
    `${what}, so nothing could be found there (${describeFieldDocs(fieldDocs)}); the corpus has the keys ${corpusKeys(corpusPath).join(', ')} (choose the fields to index among them)`,
  );
}

/** "documents with each field: title 3, nosuchfield 0" — what `sir index` reports. */
export function describeFieldDocs(fieldDocs: FieldDocs[]): string {
  return `documents with each field: ${fieldDocs.map((f) => `${f.field} ${f.docs.toLocaleString('en-US')}`).join(', ')}`;
}

/** The top-level keys of the corpus's first documents (in order of first appearance). */
function corpusKeys(corpusPath: string, lines = 1000): string[] {
  const fd = openSync(corpusPath, 'r');
  const buf = Buffer.alloc(1 << 20);
  let head: Buffer;
  try {
    head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
  const text = head.subarray(corpusStart(head)).toString('utf8');
  const keys = new Set<string>();
  for (const line of text.split('\n').slice(0, lines)) {
    try {
      const doc = JSON.parse(line) as unknown;
      if (doc !== null && typeof doc === 'object' && !Array.isArray(doc))
        for (const k of Object.keys(doc)) keys.add(k);
    } catch {
      // a malformed or cut-off line says nothing about the keys
    }
  }
  return [...keys];
}
