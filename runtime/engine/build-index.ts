/**
 * Builds an index directory from a JSONL corpus. `buildIndex` streams the file through one builder
 * in this thread; `buildIndexParallel` cuts it into consecutive line-aligned ranges, builds each in
 * a worker thread (`build-worker.ts`), and merges their segments in corpus order — the same
 * map/reduce a job pipeline runs. Either way a builder writes a segment whenever it passes its
 * memory budget, the segments are merged at the end, and `OUT/index.sir` is written under a
 * temporary name and renamed into place, so an interrupted build never leaves a half-written index.
 * Scratch segments live in a uniquely named folder inside OUT that the build always removes.
 */
import { availableParallelism } from 'node:os';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildRange, countNewlines, mergeSegments, type RangeJob } from './build-range.js';
import { EngineError, engineCall } from './engine-error.js';
import { engine } from './wasm-module.js';
import { INDEX_FILE } from './search-index.js';

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
  /** Worker threads for `buildIndexParallel` (default: the machine's cores). */
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
  segments: number;
  indexBytes: number;
  corpusBytes: number;
  seconds: number;
  skipped: Array<{ line: number; reason: string }>;
}

/** Runs `work` with a fresh scratch folder inside `outDir`, always removed afterwards. */
function withScratch<T>(outDir: string, work: (scratch: string) => T): T {
  mkdirSync(outDir, { recursive: true });
  const scratch = mkdtempSync(join(outDir, '.segments-'));
  try {
    return work(scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Merges `segments` (or takes the only one) into `OUT/index.sir`; returns its size. */
function writeIndex(segments: string[], outDir: string): number {
  const target = join(outDir, INDEX_FILE);
  if (segments.length === 1) {
    renameSync(segments[0]!, `${target}.tmp`);
  } else {
    writeFileSync(`${target}.tmp`, mergeSegments(segments));
  }
  renameSync(`${target}.tmp`, target);
  return statSync(target).size;
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
    if (r.segments.length === 0) noDocuments();
    return {
      docs: r.docs,
      segments: r.segments.length,
      indexBytes: writeIndex(r.segments, outDir),
      corpusBytes: totalBytes,
      seconds: (performance.now() - started) / 1000,
      skipped: r.skipped,
    };
  });
}

/** The engine's own error for a corpus without documents. */
function noDocuments(): never {
  const builder = new (engine().IndexBuilder)('{}');
  try {
    engineCall(() => builder.takeSegment());
  } finally {
    builder.free();
  }
  throw new EngineError('bad-document', 'the corpus has no documents');
}

/** The worker script, when running from source (a bundle has none: it builds in one thread). */
const WORKER = fileURLToPath(new URL('./build-worker.ts', import.meta.url));

/** Below this, a corpus is built in one thread: starting workers would cost more than it saves. */
const PARALLEL_MIN_BYTES = 4 << 20;

/**
 * Builds with `options.threads` worker threads (default: the machine's cores), each over one
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
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  if (threads === 1 || totalBytes < PARALLEL_MIN_BYTES || !existsSync(WORKER))
    return buildIndex(corpusPath, outDir, options);
  const started = performance.now();
  const ranges = cutRanges(corpusPath, totalBytes, threads);
  const budget = options.memoryBudgetMb ?? 256;
  const engineOptions = engineOptionsJson({
    ...options,
    memoryBudgetMb: Math.max(1, Math.floor(budget / ranges.length)),
  });
  mkdirSync(outDir, { recursive: true });
  const scratch = mkdtempSync(join(outDir, '.segments-'));
  try {
    const progress = ranges.map(() => ({ bytesRead: 0, docs: 0 }));
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
        ),
      ),
    );
    const segments = results.flatMap((r) => r.segments);
    if (segments.length === 0) noDocuments();
    return {
      docs: results.reduce((a, r) => a + r.docs, 0),
      segments: segments.length,
      indexBytes: writeIndex(segments, outDir),
      corpusBytes: totalBytes,
      seconds: (performance.now() - started) / 1000,
      skipped: results.flatMap((r) => r.skipped),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `threads` consecutive ranges of whole lines, each with the number of its first line. */
function cutRanges(
  corpusPath: string,
  totalBytes: number,
  threads: number,
): Array<{ start: number; end: number; firstLine: number }> {
  const fd = openSync(corpusPath, 'r');
  try {
    const cuts = [0];
    const probe = Buffer.allocUnsafe(64 << 10);
    for (let t = 1; t < threads; t++) {
      let at = Math.max(cuts[cuts.length - 1]!, Math.floor((totalBytes * t) / threads));
      // Move to just after the next newline.
      for (;;) {
        const n = readSync(fd, probe, 0, probe.length, at);
        if (n === 0) {
          at = totalBytes;
          break;
        }
        const nl = probe.subarray(0, n).indexOf(0x0a);
        if (nl !== -1) {
          at += nl + 1;
          break;
        }
        at += n;
      }
      cuts.push(at);
    }
    cuts.push(totalBytes);
    // First line numbers: newlines before each cut.
    const ranges = [];
    const buf = Buffer.allocUnsafe(4 << 20);
    let line = 1;
    let pos = 0;
    for (let i = 0; i + 1 < cuts.length; i++) {
      const [start, end] = [cuts[i]!, cuts[i + 1]!];
      if (end > start) ranges.push({ start, end, firstLine: line });
      while (pos < end) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
        line += countNewlines(buf.subarray(0, n));
        pos += n;
      }
    }
    return ranges;
  } finally {
    closeSync(fd);
  }
}

/** Runs one range in a worker thread (tsx's loader registered in it, as bin/sir.mjs does). */
function runWorker(
  job: RangeJob,
  onProgress: (bytesRead: number, docs: number) => void,
): Promise<{ segments: string[]; docs: number; skipped: Array<{ line: number; reason: string }> }> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
  const source = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(
    new URL('./build-worker.ts', import.meta.url).href,
  )}); })`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: job });
    let settled = false;
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'progress') onProgress(m.bytesRead, m.docs);
      else if (m.kind === 'done') {
        settled = true;
        resolve(m.result);
      } else {
        settled = true;
        reject(m.code ? new EngineError(m.code, m.message) : new Error(m.message));
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
      result: {
        segments: string[];
        docs: number;
        skipped: Array<{ line: number; reason: string }>;
      };
    }
  | { kind: 'error'; code?: EngineError['code']; message: string };
