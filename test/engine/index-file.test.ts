/**
 * The windowed reader a merge reads its segments through answers every read as the plain
 * positional reader does: inside a window, across two, at the end of the file, larger than a
 * window, and past the end (refused).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileReader, sequentialFileReader } from '../../runtime/engine/index-file.js';
import { tempDir } from '../fixtures/corpus.js';

describe('engine: the windowed reader of a merge', () => {
  it('reads the same bytes as positional reads, wherever they fall', () => {
    // 1.1 MB: several 256 KiB windows and a short last one.
    const bytes = new Uint8Array(1_100_003).map((_, i) => (i * 2654435761) >>> 24);
    const path = join(tempDir(), 'file.bin');
    writeFileSync(path, bytes);
    // The largest windows, and the smallest a merge of thousands of segments gives each.
    for (const windowBytes of [undefined, 4096]) readsLikePositionalReads(path, bytes, windowBytes);
  });
});

function readsLikePositionalReads(path: string, bytes: Uint8Array, windowBytes?: number) {
  const plain = fileReader(path);
  const windowed = sequentialFileReader(path, windowBytes);
  try {
    assert.equal(windowed.size, bytes.length);
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    const reads: [number, number][] = [
      [0, 16],
      [262_140, 10], // across the first window's end
      [bytes.length - 5, 5], // the last bytes
      [1000, 300_000], // larger than a window
    ];
    // Two interleaved streams in order, as a segment's postings and positions are read.
    for (let a = 0, b = 600_000; b < bytes.length - 4096;) {
      reads.push([a, next(4096) + 1], [b, next(4096) + 1]);
      a += next(8192);
      b += next(8192);
    }
    for (let i = 0; i < 200; i++) reads.push([next(bytes.length - 64), next(64)]);
    for (const [at, n] of reads) {
      const x = new Uint8Array(n);
      const y = new Uint8Array(n);
      plain.readAt(at, x);
      windowed.readAt(at, y);
      assert.deepEqual(y, x, `${n} bytes at ${at}, windows of ${windowBytes ?? 'default'}`);
    }
    assert.throws(() => windowed.readAt(bytes.length - 3, new Uint8Array(4)), /ends at 1100003/);
  } finally {
    plain.close();
    windowed.close();
  }
}
