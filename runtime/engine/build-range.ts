/**
 * One builder over one contiguous range of a JSONL corpus: streams the range in line-aligned
 * slices into the engine's builder and writes a segment whenever the builder passes its memory
 * budget. `buildIndex` runs it over the whole corpus; `buildIndexParallel` runs one per worker
 * thread over consecutive ranges, and the segments are then merged in corpus order.
 */
import { closeSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineCall } from './engine-error.js';
import { fileReader } from './index-file.js';
import { engine } from './wasm-module.js';

export interface RangeJob {
  corpusPath: string;
  /** Byte range [start, end) of whole lines, and the 1-based number of its first line. */
  start: number;
  end: number;
  firstLine: number;
  /** The engine's build options, as JSON. */
  engineOptions: string;
  skipBad: boolean;
  /** Where segments go, and the prefix of their names. */
  segmentDir: string;
  prefix: string;
  /** A range without documents gives no segment instead of the "no documents" error (a job's chunk may own no line). */
  allowEmpty?: boolean;
}

export interface RangeResult {
  segments: string[];
  docs: number;
  skipped: Array<{ line: number; reason: string }>;
}

const CHUNK_BYTES = 4 << 20;
const SLICE_BYTES = 256 << 10;

/** Builds the segments of one range; `onProgress` gets the bytes read and documents added so far. */
export function buildRange(
  job: RangeJob,
  onProgress?: (bytesRead: number, docs: number) => void,
): RangeResult {
  const core = engine();
  const builder = engineCall(() => new core.IndexBuilder(job.engineOptions));
  const segments: string[] = [];
  const flush = () => {
    mkdirSync(job.segmentDir, { recursive: true });
    const path = join(job.segmentDir, `${job.prefix}segment-${segments.length}.sir`);
    writeFileSync(
      path,
      engineCall(() => builder.takeSegment()),
    );
    segments.push(path);
  };
  try {
    const fd = openSync(job.corpusPath, 'r');
    try {
      const buf = Buffer.allocUnsafe(CHUNK_BYTES);
      let carry: Buffer = Buffer.alloc(0);
      let line = job.firstLine;
      let position = job.start;
      for (;;) {
        const want = Math.min(CHUNK_BYTES, job.end - position);
        const n = want > 0 ? readSync(fd, buf, 0, want, position) : 0;
        position += n;
        const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
        // Hand whole lines to the engine; keep the unfinished tail for the next chunk.
        const cut = n === 0 ? data.length : data.lastIndexOf(0x0a) + 1;
        // Feed whole lines in slices, so the memory budget is checked often enough to hold.
        let from = 0;
        while (from < cut) {
          const next =
            from + SLICE_BYTES >= cut ? cut : data.indexOf(0x0a, from + SLICE_BYTES) + 1 || cut;
          const slice = data.subarray(from, next);
          engineCall(() => builder.addJsonl(slice, line, job.skipBad));
          line += countNewlines(slice);
          from = next;
          if (builder.shouldFlush()) flush();
        }
        carry = Buffer.from(data.subarray(cut));
        onProgress?.(position - job.start, builder.totalDocs());
        if (n === 0) break;
      }
    } finally {
      closeSync(fd);
    }
    if (builder.pendingDocs() > 0 || (segments.length === 0 && !job.allowEmpty)) flush();
    return {
      segments,
      docs: builder.totalDocs(),
      skipped: JSON.parse(builder.skippedJson()) as RangeResult['skipped'],
    };
  } finally {
    builder.free();
  }
}

/** Merges segment files, in order, into one index's bytes (a single segment is its own index). */
export function mergeSegments(segments: string[]): Uint8Array {
  const core = engine();
  const merger = new core.IndexMerger();
  const files = segments.map(fileReader);
  try {
    for (const file of files) {
      const segment = engineCall(() => new core.Index(file));
      engineCall(() => merger.add(segment));
    }
    return engineCall(() => merger.finish());
  } finally {
    for (const file of files) file.close();
  }
}

export function countNewlines(b: Uint8Array): number {
  let n = 0;
  for (let i = b.indexOf(0x0a); i !== -1; i = b.indexOf(0x0a, i + 1)) n++;
  return n;
}
