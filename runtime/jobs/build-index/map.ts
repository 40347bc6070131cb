/**
 * The build-index map task: chunk `n` is the lines that start in bytes [n × chunk, (n + 1) × chunk)
 * of the corpus (inputs.ts realigns the cut to line boundaries). The worker builds them with the
 * engine's `buildRange` — the same code as `sir index` — and writes the segment to
 * `jobs/<id>/segments/<n>.sir`, then the task's record.
 *
 * Identical chunks are built once: a segment is also filed in `cache/segments/` under the hash of
 * the chunk's bytes, the analysis options and the engine version, and a later job whose chunk has
 * the same bytes copies it instead of building (a corpus fixed in one place and submitted again
 * rebuilds only the chunks that changed, as long as the fix keeps the others' bytes in place).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError, buildRange, countNewlines, mergeSegments } from '../../engine/index.js';
import { canonicalJson } from '../canonical-json.js';
import type { JobsContext } from '../context.js';
import { InputChangedError, readChunk } from '../inputs.js';
import type { JobRecord } from '../job-record.js';
import { keys } from '../keys.js';
import { PermanentTaskError, type TaskRecord } from '../kind.js';
import { copyObject, exists, getJson, putBytes, putJson } from '../objects.js';
import type { BuildIndexRequest } from './request.js';

export const MIB = 1024 * 1024;

/** A build task's record. Line numbers in `skipped` count from the chunk's first line. */
export interface BuildTaskRecord extends TaskRecord {
  docs: number;
  lines: number;
  /** The realigned byte range the task indexed, and its SHA-256. */
  chunk: { start: number; end: number; sha256: string };
  /** Null when the chunk held no document. */
  segment: string | null;
  skipped: Array<{ line: number; reason: string }>;
}

interface CachedSegment {
  segment: string | null;
  docs: number;
  lines: number;
  skipped: Array<{ line: number; reason: string }>;
}

/**
 * Builds the chunk's lines with the engine (`buildRange`, the code `sir index` runs), spilling to
 * and merging from a scratch folder; corpus errors become permanent failures naming the chunk.
 */
async function buildChunk(
  ctx: JobsContext,
  request: BuildIndexRequest,
  bytes: Buffer,
  where: () => string,
): Promise<{
  bytes: Uint8Array | undefined;
  docs: number;
  lines: number;
  skipped: CachedSegment['skipped'];
}> {
  const dir = await mkdtemp(join(ctx.tmpDir, 'sir-task-'));
  try {
    const file = join(dir, 'chunk.jsonl');
    await writeFile(file, bytes);
    const r = buildRange({
      corpusPath: file,
      start: 0,
      end: bytes.length,
      firstLine: 1,
      engineOptions: JSON.stringify({ ...request.analyzer, memoryBudgetMb: ctx.memoryBudgetMb }),
      skipBad: request.skipBad,
      segmentDir: dir,
      prefix: '',
    });
    const lines =
      countNewlines(bytes) + (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a ? 1 : 0);
    let index: Uint8Array | undefined;
    if (r.segments.length > 0) {
      const file = join(dir, 'chunk.sir');
      mergeSegments(r.segments, file, dir);
      index = await readFile(file);
    }
    return { bytes: index, docs: r.docs, lines, skipped: r.skipped };
  } catch (err) {
    if (err instanceof EngineError && (err.code === 'bad-document' || err.code === 'bad-options')) {
      const m = /^line (\d+): ([\s\S]*)$/.exec(err.message);
      throw m
        ? new PermanentTaskError(`${where()}, line ${m[1]} of the chunk: ${m[2]}`, Number(m[1]))
        : new PermanentTaskError(`${where()}: ${err.message}`);
    }
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Byte range of task `n` before realignment. */
export function taskRange(request: BuildIndexRequest, corpusBytes: number, n: number) {
  const size = request.chunkMb * MIB;
  return { start: n * size, end: Math.min(corpusBytes, (n + 1) * size) };
}

export function describeChunk(
  request: BuildIndexRequest,
  corpusBytes: number,
  n: number,
  tasks: number,
): string {
  const { start, end } = taskRange(request, corpusBytes, n);
  return `chunk ${n + 1} of ${tasks} (bytes ${start}–${end})`;
}

export async function runBuildTask(
  ctx: JobsContext,
  job: JobRecord<BuildIndexRequest>,
  n: number,
  tasks: number,
): Promise<BuildTaskRecord> {
  const started = performance.now();
  const { request } = job;
  const corpus = job.inputs[0]!;
  const { start, end } = taskRange(request, corpus.bytes, n);
  let chunk;
  try {
    chunk = await readChunk(ctx.s3, corpus, ctx.inputs, start, end);
  } catch (err) {
    if (err instanceof InputChangedError) throw new PermanentTaskError(err.message);
    throw err;
  }
  const sha256 = createHash('sha256').update(chunk.bytes).digest('hex');
  const options = { ...request.analyzer, skipBad: request.skipBad };
  const cacheKey = createHash('sha256')
    .update(canonicalJson({ engine: job.engine, options, chunk: sha256 }))
    .digest('hex');
  const target = keys.segment(job.id, n);
  const record = (c: CachedSegment, reused: boolean): BuildTaskRecord => ({
    task: n,
    seconds: (performance.now() - started) / 1000,
    reused,
    docs: c.docs,
    lines: c.lines,
    chunk: { start: chunk.start, end: chunk.end, sha256 },
    segment: c.segment === null ? null : target,
    skipped: c.skipped,
  });

  const cached = (await getJson<CachedSegment>(ctx, keys.cachedSegment(cacheKey)))?.value;
  if (cached) {
    // Our own segment (a redelivered task), another job's (copied), or none (no documents).
    if (cached.segment === target ? await exists(ctx, target) : cached.segment === null)
      return record(cached, false);
    const other = cached.segment !== target ? cached.segment : null;
    if (other !== null && (await copyObject(ctx, other, target))) return record(cached, true);
  }

  const built = await buildChunk(ctx, request, chunk.bytes, () =>
    describeChunk(request, corpus.bytes, n, tasks),
  );
  if (built.bytes !== undefined) await putBytes(ctx, target, built.bytes);
  const entry: CachedSegment = {
    segment: built.bytes === undefined ? null : target,
    docs: built.docs,
    lines: built.lines,
    skipped: built.skipped,
  };
  await putJson(ctx, keys.cachedSegment(cacheKey), entry);
  return record(entry, false);
}
