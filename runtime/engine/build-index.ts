/**
 * Builds an index directory from a JSONL corpus: streams the file in line-aligned chunks into the
 * engine's builder, writes a segment to scratch space whenever the builder passes its memory
 * budget, and merges the segments at the end. The result is `OUT/index.sir`, written under a
 * temporary name and renamed into place, so an interrupted build never leaves a half-written
 * index; a failed one removes its temporary file.
 *
 * Scratch space is a folder of its own in the system's temporary folder (`TMPDIR`; point it at a
 * disk with room for a corpus larger than memory), named `sir-build-<pid>-<random>`, removed when
 * the build ends however it ends; one left by a killed build is removed by the next build on the
 * same machine. Nothing but `index.sir` is ever written into OUT.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { corpusStart } from './corpus-start.js';
import { EngineError, engineCall } from './engine-error.js';
import { engine } from './wasm-module.js';
import { INDEX_FILE, type IndexInfo } from './search-index.js';

export interface BuildOptions {
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

const CHUNK_BYTES = 4 << 20;
const SLICE_BYTES = 256 << 10;

export function buildIndex(
  corpusPath: string,
  outDir: string,
  options: BuildOptions = {},
): BuildResult {
  const core = engine();
  const started = performance.now();
  const { onProgress, skipBad = false, ...engineOptions } = options;
  const builder = engineCall(() => new core.IndexBuilder(JSON.stringify(engineOptions)));
  const totalBytes = statSync(corpusPath).size;
  const created = mkdirSync(outDir, { recursive: true });
  removeAbandonedScratch();
  const scratch = mkdtempSync(join(tmpdir(), `${SCRATCH_PREFIX}${process.pid}-`));
  const segments: string[] = [];
  const flush = () => {
    const path = join(scratch, `segment-${segments.length}.sir`);
    const bytes = engineCall(() => builder.takeSegment());
    writing(path, () => writeFileSync(path, bytes));
    segments.push(path);
  };

  let fd: number | undefined;
  let done = false;
  try {
    fd = openSync(corpusPath, 'r');
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry: Buffer = Buffer.alloc(0);
    let line = 1;
    let bytesRead = 0;
    for (let first = true; ; first = false) {
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      let data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      if (first) data = data.subarray(corpusStart(data));
      bytesRead += n;
      // Hand whole lines to the engine; keep the unfinished tail for the next chunk.
      const cut = n === 0 ? data.length : data.lastIndexOf(0x0a) + 1;
      // Feed whole lines in slices, so the memory budget is checked often enough to hold.
      let from = 0;
      while (from < cut) {
        const next =
          from + SLICE_BYTES >= cut ? cut : data.indexOf(0x0a, from + SLICE_BYTES) + 1 || cut;
        const slice = data.subarray(from, next);
        engineCall(() => builder.addJsonl(slice, line, skipBad));
        line += countNewlines(slice);
        from = next;
        if (builder.shouldFlush()) flush();
      }
      carry = Buffer.from(data.subarray(cut));
      onProgress?.({ bytesRead, totalBytes, docs: builder.totalDocs() });
      if (n === 0) break;
    }
    closeSync(fd);
    fd = undefined;

    const skipped = JSON.parse(builder.skippedJson()) as BuildResult['skipped'];
    const docs = builder.totalDocs();
    let bytes: Uint8Array;
    if (segments.length === 0) {
      bytes = engineCall(() => builder.takeSegment());
    } else {
      if (builder.pendingDocs() > 0) flush();
      const merger = new core.IndexMerger();
      for (const path of segments) {
        const segment = engineCall(() => new core.Index(readFileSync(path)));
        engineCall(() => merger.add(segment));
      }
      bytes = engineCall(() => merger.finish());
    }
    refuseEmptyFields(bytes, corpusPath);
    writeIndexFile(join(outDir, INDEX_FILE), bytes);
    done = true;
    return {
      docs,
      segments: Math.max(1, segments.length),
      indexBytes: bytes.length,
      corpusBytes: totalBytes,
      seconds: (performance.now() - started) / 1000,
      skipped,
    };
  } finally {
    if (fd !== undefined) closeSync(fd);
    builder.free();
    rmSync(scratch, { recursive: true, force: true });
    if (!done && created !== undefined) removeEmptyFolders(outDir, created);
  }
}

/** Removes `dir` and its parents up to `top` while they are empty (the folders a failed build made). */
function removeEmptyFolders(dir: string, top: string): void {
  for (let d = dir; ; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty: someone else's files are there
    }
    if (d === top || dirname(d) === d) return;
  }
}

/** Runs a write; a failure without a path (a write to an open file) is given `path`, for messages. */
function writing<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (typeof e?.code === 'string' && e.path === undefined) e.path = path;
    throw err;
  }
}

/** The scratch folders of builds: `sir-build-<pid>-<random>` in the temporary folder. */
const SCRATCH_PREFIX = 'sir-build-';

/** Removes the scratch folders of builds whose process is gone (killed before it could clean up). */
function removeAbandonedScratch(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = new RegExp(`^${SCRATCH_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (pid !== undefined && !processExists(Number(pid)))
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes the index under a unique temporary name beside `target`, then renames it into place. */
function writeIndexFile(target: string, bytes: Uint8Array): void {
  const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writing(temp, () => writeFileSync(temp, bytes, { flag: 'wx' }));
    renameSync(temp, target);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/**
 * Refuses an index in which a field holds no term at all (a `fields` name no document has, or
 * holds only stop words): nothing could be found through it. Names the keys the corpus has.
 */
function refuseEmptyFields(bytes: Uint8Array, corpusPath: string): void {
  const index = engineCall(() => new (engine().Index)(bytes));
  let info: IndexInfo;
  try {
    info = JSON.parse(index.metaJson()) as IndexInfo;
  } finally {
    index.free();
  }
  const empty = info.fields.filter((f) => f.totalTokens === 0);
  if (empty.length === 0) return;
  const what = empty
    .map((f) =>
      f.sources.length === 1 && f.sources[0] === f.name
        ? `"${f.name}"`
        : `"${f.name}" (from ${f.sources.join(', ')})`,
    )
    .join(', ');
  throw new EngineError(
    'bad-options',
    `no document has text to index in ${what}, so nothing could be found there; the corpus has the keys ${corpusKeys(corpusPath).join(', ')} (choose the fields to index among them)`,
  );
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

function countNewlines(b: Uint8Array): number {
  let n = 0;
  for (let i = b.indexOf(0x0a); i !== -1; i = b.indexOf(0x0a, i + 1)) n++;
  return n;
}
