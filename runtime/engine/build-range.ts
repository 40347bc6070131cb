/**
 * One builder over one contiguous range of a JSONL corpus: streams the range in line-aligned
 * slices into the engine's builder and writes a segment whenever the builder passes its memory
 * budget. `buildIndex` runs it over the whole corpus; `buildIndexParallel` runs one per worker
 * thread over consecutive ranges, and the segments are then merged in corpus order.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { corpusStart } from './corpus-start.js';
import { engineCall } from './engine-error.js';
import { sequentialFileReader } from './index-file.js';
import { linkIndexFile, writeIndexWith } from './index-sink.js';
import { engine, engineIndex } from './wasm-module.js';

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
}

/** A corpus field indexed, and how many documents had it as text. */
export interface FieldDocs {
  field: string;
  docs: number;
}

export interface RangeResult {
  segments: string[];
  docs: number;
  skipped: Array<{ line: number; reason: string }>;
  fieldDocs: FieldDocs[];
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
    const path = join(job.segmentDir, `${job.prefix}segment-${segments.length}.sir`);
    writeIndexWith(path, job.segmentDir, (sink) => engineCall(() => builder.takeSegment(sink)));
    segments.push(path);
  };
  try {
    const fd = openSync(job.corpusPath, 'r');
    try {
      const buf = Buffer.allocUnsafe(CHUNK_BYTES);
      let carry: Buffer = Buffer.alloc(0);
      let line = job.firstLine;
      let position = job.start;
      for (let first = job.start === 0; ; first = false) {
        const want = Math.min(CHUNK_BYTES, job.end - position);
        const n = want > 0 ? readSync(fd, buf, 0, want, position) : 0;
        position += n;
        let data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
        // The corpus's first bytes: a byte-order mark skipped, CR-only line ends refused.
        if (first) data = data.subarray(corpusStart(data));
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
    // A range of only skipped lines has no segment; the caller refuses a corpus with none at all.
    if (builder.pendingDocs() > 0) flush();
    return {
      segments,
      docs: builder.totalDocs(),
      skipped: JSON.parse(builder.skippedJson()) as RangeResult['skipped'],
      fieldDocs: JSON.parse(builder.fieldDocsJson()) as FieldDocs[],
    };
  } finally {
    builder.free();
  }
}

/** `threads` consecutive ranges of whole lines, each with the number of its first line. */
export function cutRanges(
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

/**
 * What a merge's read windows hold in all (`sequentialFileReader`'s three per segment): 256 KiB
 * windows up to 85 segments, smaller ones beyond, so that a reduce merging thousands of small
 * segments does not hold hundreds of megabytes of them (at least 4 KiB each).
 */
const MERGE_READ_BYTES = 64 << 20;

/**
 * Merges segment files, in order, into the index file `path` (created: it must not exist; a single
 * segment is its own index, linked or copied), staging the merge's lazy sections in `scratch`;
 * returns the index's size. A failed merge leaves neither `path` nor anything in `scratch`.
 */
export function mergeSegments(segments: string[], path: string, scratch: string): number {
  if (segments.length === 1) return linkIndexFile(segments[0]!, path);
  const core = engine();
  const merger = new core.IndexMerger();
  const windowBytes = Math.max(4 << 10, Math.floor(MERGE_READ_BYTES / (3 * segments.length)));
  const files = segments.map((s) => sequentialFileReader(s, windowBytes));
  try {
    for (const file of files) {
      const segment = engineCall(() => engineIndex(file));
      engineCall(() => merger.add(segment));
    }
    return writeIndexWith(path, scratch, (sink) => engineCall(() => merger.finish(sink)));
  } finally {
    for (const file of files) file.close();
  }
}

export function countNewlines(b: Uint8Array): number {
  let n = 0;
  for (let i = b.indexOf(0x0a); i !== -1; i = b.indexOf(0x0a, i + 1)) n++;
  return n;
}
