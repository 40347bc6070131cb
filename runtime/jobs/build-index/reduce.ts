/**
 * The build-index reduce step: merge the tasks' segments in corpus order with the engine's merger
 * (`mergeSegments`, which reads each segment file in place and writes the index to a file as it
 * goes, never holding either whole, so document numbers equal one `sir index` run over the whole
 * corpus), then either publish the index as the store's new live version — through the store
 * interface's `publish`, exactly as `sir publish` does: the directory store on EFS, or the S3
 * store on an `s3` stack — or keep it in the results bucket beside a store manifest.
 *
 * Redelivered, it does no harm: the version id is the job id, so a second publish finds the
 * version there and only makes it live if it never was (`wasLive`).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { INDEX_FILE, mergeSegments } from '../../engine/index.js';
import {
  MANIFEST_FILE,
  StoreError,
  type VersionStore,
  createManifest,
  hashFile,
  putFile,
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
  const dir = await mkdtemp(join(ctx.tmpDir, 'sir-merge-'));
  try {
    return await reduceIn(dir, ctx, job, records, started);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The reduce step, the segments and the merged index in the scratch folder `dir`. */
async function reduceIn(
  dir: string,
  ctx: JobsContext,
  job: JobRecord<BuildIndexRequest>,
  records: BuildTaskRecord[],
  started: number,
): Promise<BuildResult> {
  const index = await mergeTaskSegments(ctx, job, records, dir);
  const { bytes: indexBytes, sha256: indexSha256 } = await hashFile(index);
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
    indexBytes,
    indexSha256,
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
    result.published = await publishVersion(ctx.store, job.id, dirname(index), {
      ...(ctx.keep !== undefined ? { keep: ctx.keep } : {}),
      source,
    });
  } else {
    result.output = await keepInBucket(ctx, job.id, dirname(index), source);
  }
  result.reduceSeconds = (performance.now() - started) / 1000;
  return result;
}

/**
 * Downloads the tasks' segments into `dir`, in corpus order, and merges them with the engine's
 * merger into `dir/index/index.sir` (a folder of its own, for the manifest); returns its path.
 */
async function mergeTaskSegments(
  ctx: JobsContext,
  job: JobRecord<BuildIndexRequest>,
  records: BuildTaskRecord[],
  dir: string,
): Promise<string> {
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
  const index = join(dir, 'index', INDEX_FILE);
  await mkdir(dirname(index));
  mergeSegments(files, index, dir);
  return index;
}

/** Publishes the built folder `builtDir` (the merged index alone) as version `version`. */
async function publishVersion(
  store: VersionStore,
  version: string,
  builtDir: string,
  options: { keep?: number; source: Record<string, string> },
): Promise<NonNullable<BuildResult['published']>> {
  try {
    const r = await store.publish(builtDir, { ...options, version });
    return { version, ...(r.previous !== undefined ? { previous: r.previous } : {}) };
  } catch (err) {
    if (!(err instanceof StoreError && err.code === 'version-exists')) throw err;
    // Committed by an earlier delivery of this step. Live once already: leave CURRENT alone (a
    // later publish or a rollback may have moved it since); never live: finish the flip.
    if (await store.wasLive(version)) return { version, alreadyLive: true };
    const a = await store.activate(version);
    return { version, ...(a.previous !== undefined ? { previous: a.previous } : {}) };
  }
}

/** Puts the index in `dir` (its only file) and its manifest in the results bucket. */
async function keepInBucket(
  ctx: JobsContext,
  id: string,
  dir: string,
  source: Record<string, string>,
): Promise<NonNullable<BuildResult['output']>> {
  const manifest = await createManifest(dir, { version: id, source });
  await writeManifest(dir, manifest);
  // With its SHA-256 in the object's metadata, as an evaluation's input must carry it.
  const file = manifest.files.find((f) => f.path === INDEX_FILE)!;
  await putFile(ctx.s3, ctx.resultsBucket, keys.output(id, INDEX_FILE), {
    local: join(dir, INDEX_FILE),
    bytes: file.bytes,
    sha256: file.sha256,
  });
  await putBytes(
    ctx,
    keys.output(id, MANIFEST_FILE),
    Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
  );
  const url = (file: string) => `s3://${ctx.resultsBucket}/${keys.output(id, file)}`;
  return { index: url(INDEX_FILE), manifest: url(MANIFEST_FILE) };
}
