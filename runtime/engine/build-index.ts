/**
 * Builds an index directory from a JSONL corpus: streams the file in line-aligned chunks into the
 * engine's builder, writes a segment to disk whenever the builder passes its memory budget, and
 * merges the segments at the end. The result is `OUT/index.sir`, written under a temporary name
 * and renamed into place, so an interrupted build never leaves a half-written index.
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { engineCall } from './engine-error.js';
import { fileReader } from './index-file.js';
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
  mkdirSync(outDir, { recursive: true });
  const segmentDir = join(outDir, '.segments');
  rmSync(segmentDir, { recursive: true, force: true });
  const segments: string[] = [];
  const flush = () => {
    mkdirSync(segmentDir, { recursive: true });
    const path = join(segmentDir, `segment-${segments.length}.sir`);
    writeFileSync(
      path,
      engineCall(() => builder.takeSegment()),
    );
    segments.push(path);
  };

  const fd = openSync(corpusPath, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry: Buffer = Buffer.alloc(0);
    let line = 1;
    let bytesRead = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
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
  } finally {
    closeSync(fd);
  }

  const skipped = JSON.parse(builder.skippedJson()) as BuildResult['skipped'];
  const docs = builder.totalDocs();
  let bytes: Uint8Array;
  try {
    if (segments.length === 0) {
      bytes = engineCall(() => builder.takeSegment());
    } else {
      if (builder.pendingDocs() > 0) flush();
      const merger = new core.IndexMerger();
      const files = segments.map(fileReader);
      try {
        for (const file of files) {
          const segment = engineCall(() => new core.Index(file));
          engineCall(() => merger.add(segment));
        }
        bytes = engineCall(() => merger.finish());
      } finally {
        for (const file of files) file.close();
      }
    }
  } finally {
    builder.free();
    rmSync(segmentDir, { recursive: true, force: true });
  }
  const target = join(outDir, INDEX_FILE);
  writeFileSync(`${target}.tmp`, bytes);
  renameSync(`${target}.tmp`, target);
  return {
    docs,
    segments: Math.max(1, segments.length),
    indexBytes: bytes.length,
    corpusBytes: totalBytes,
    seconds: (performance.now() - started) / 1000,
    skipped,
  };
}

function countNewlines(b: Uint8Array): number {
  let n = 0;
  for (let i = b.indexOf(0x0a); i !== -1; i = b.indexOf(0x0a, i + 1)) n++;
  return n;
}
