/**
 * Builds an index directory from a JSONL corpus file: reads it in chunks into a `CorpusBuilder`
 * (which spills segments to `OUT/.segments/` when the memory budget is passed and merges them at
 * the end). The result is `OUT/index.sir`, written under a temporary name and renamed into place,
 * so an interrupted build never leaves a half-written index.
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { CorpusBuilder, type CorpusBuildOptions } from './corpus-builder.js';
import { INDEX_FILE } from './search-index.js';

export interface BuildOptions extends CorpusBuildOptions {
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

export function buildIndex(
  corpusPath: string,
  outDir: string,
  options: BuildOptions = {},
): BuildResult {
  const started = performance.now();
  const { onProgress, ...buildOptions } = options;
  const totalBytes = statSync(corpusPath).size;
  mkdirSync(outDir, { recursive: true });
  const builder = new CorpusBuilder({ ...buildOptions, spillDir: join(outDir, '.segments') });
  let out;
  const fd = openSync(corpusPath, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let bytesRead = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      bytesRead += n;
      builder.push(buf.subarray(0, n));
      onProgress?.({ bytesRead, totalBytes, docs: builder.docs });
    }
    out = builder.finish();
  } finally {
    closeSync(fd);
    builder.free();
  }
  const bytes = out.bytes!;
  const target = join(outDir, INDEX_FILE);
  writeFileSync(`${target}.tmp`, bytes);
  renameSync(`${target}.tmp`, target);
  return {
    docs: out.docs,
    segments: out.segments,
    indexBytes: bytes.length,
    corpusBytes: totalBytes,
    seconds: (performance.now() - started) / 1000,
    skipped: out.skipped,
  };
}
