/**
 * The build-index reduce step: merge the tasks' segments in corpus order with the engine's merger
 * (`mergeSegments`, which reads each segment file in place rather than holding it in memory)
 * (so document numbers equal one `sir index` run over the whole corpus), then either publish the
 * index as the store's new live version — through the store interface's `publish`, exactly as
 * `sir publish` does: the directory store on EFS, or the S3 store on an `s3` stack — or keep it in
 * the results bucket beside a store manifest.
 *
 * Redelivered, it does no harm: the version id is the job id, so a second publish finds the
 * version there and only makes it live if it never was (`wasLive`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { INDEX_FILE, mergeSegments } from '../../engine/index.js';
import {
  MANIFEST_FILE,
  StoreError,
  type VersionStore,
  createManifest,
  writeManifest,
} from '../../store/index.js';
import type { JobsContext } from '../context.js';
import type { JobRecord } from '../job-record.js';
import { keys } from '../keys.js';
import { PermanentTaskError } from '../kind.js';
import { getBytes, putBytes } from '../objects.js';
import type { BuildTaskRecord } from './map.js';
import type { BuildIndexRequest } from './request.js';

/** Skipped lines listed in a result (all are counted). */
const SKIPPED_LISTED = 100;

export interface BuildResult {
  kind: 'build-index';
  docs: number;
  indexBytes: number;
  indexSha256: string;
  chunks: number;
  /** Chunks whose segment came from an earlier job's identical chunk. */
  reusedChunks: number;
  skipped: { count: number; lines: Array<{ line: number; reason: string }> };
  /** With `publish: true`: the new live version. */
  published?: { version: string; previous?: string; alreadyLive?: boolean };
  /** With `publish: false`: where the built index is. */
  output?: { index: string; manifest: string };
  reduceSeconds: number;
}

export async function reduceBuild(
  ctx: JobsContext,
  job: JobRecord<BuildIndexRequest>,
  records: BuildTaskRecord[],
): Promise<BuildResult> {
  const started = performance.now();
  const bytes = await mergeTaskSegments(ctx, job, records);
  const skipped: BuildResult['skipped'] = { count: 0, lines: [] };
  let before = 0;
  for (const r of records) {
    skipped.count += r.skipped.length;
    for (const s of r.skipped)
      if (skipped.lines.length < SKIPPED_LISTED)
        skipped.lines.push({ line: before + s.line, reason: s.reason });
    before += r.lines;
  }
  const source = { job: job.id, corpus: job.request.corpus, corpusSha256: job.inputs[0]!.sha256 };
  const result: BuildResult = {
    kind: 'build-index',
    docs: records.reduce((n, r) => n + r.docs, 0),
    indexBytes: bytes.length,
    indexSha256: createHash('sha256').update(bytes).digest('hex'),
    chunks: records.length,
    reusedChunks: records.filter((r) => r.reused).length,
    skipped,
    reduceSeconds: 0,
  };
  if (job.request.publish) {
    if (ctx.store === undefined)
      throw new Error(
        'this reduce function has no index store to publish to (neither INDEX_DIR nor INDEX_BUCKET is set)',
      );
    result.published = await publishVersion(ctx, ctx.store, job.id, bytes, {
      ...(ctx.keep !== undefined ? { keep: ctx.keep } : {}),
      source,
    });
  } else {
    result.output = await keepInBucket(ctx, job.id, bytes, source);
  }
  result.reduceSeconds = (performance.now() - started) / 1000;
  return result;
}

/** Downloads the tasks' segments, in corpus order, and merges them with the engine's merger. */
async function mergeTaskSegments(
  ctx: JobsContext,
  job: JobRecord<BuildIndexRequest>,
  records: BuildTaskRecord[],
): Promise<Uint8Array> {
  const dir = await mkdtemp(join(ctx.tmpDir, 'sir-merge-'));
  try {
    const files: string[] = [];
    for (const r of records) {
      if (r.segment === null) continue;
      const file = join(dir, `${String(r.task).padStart(6, '0')}.sir`);
      await writeFile(file, await getBytes(ctx, r.segment));
      files.push(file);
    }
    if (files.length === 0)
      throw new PermanentTaskError(
        `the corpus ${job.request.corpus} has no documents: an index needs at least one`,
      );
    return mergeSegments(files);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function publishVersion(
  ctx: JobsContext,
  store: VersionStore,
  version: string,
  bytes: Uint8Array,
  options: { keep?: number; source: Record<string, string> },
): Promise<NonNullable<BuildResult['published']>> {
  const dir = await mkdtemp(join(ctx.tmpDir, 'sir-publish-'));
  try {
    await writeFile(join(dir, INDEX_FILE), bytes);
    const r = await store.publish(dir, { ...options, version });
    return { version, ...(r.previous !== undefined ? { previous: r.previous } : {}) };
  } catch (err) {
    if (!(err instanceof StoreError && err.code === 'version-exists')) throw err;
    // Committed by an earlier delivery of this step. Live once already: leave CURRENT alone (a
    // later publish or a rollback may have moved it since); never live: finish the flip.
    if (await store.wasLive(version)) return { version, alreadyLive: true };
    const a = await store.activate(version);
    return { version, ...(a.previous !== undefined ? { previous: a.previous } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function keepInBucket(
  ctx: JobsContext,
  id: string,
  bytes: Uint8Array,
  source: Record<string, string>,
): Promise<NonNullable<BuildResult['output']>> {
  const dir = await mkdtemp(join(ctx.tmpDir, 'sir-reduce-'));
  try {
    await writeFile(join(dir, INDEX_FILE), bytes);
    const manifest = await createManifest(dir, { version: id, source });
    await writeManifest(dir, manifest);
    await putBytes(ctx, keys.output(id, INDEX_FILE), bytes);
    await putBytes(
      ctx,
      keys.output(id, MANIFEST_FILE),
      Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const url = (file: string) => `s3://${ctx.resultsBucket}/${keys.output(id, file)}`;
  return { index: url(INDEX_FILE), manifest: url(MANIFEST_FILE) };
}
