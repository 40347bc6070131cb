/**
 * The loader agent: what `sir loader-agent publish|rollback` does on the loader instance, next to
 * EFS. Publish downloads a staged version into a partial folder of the store, checks every file
 * against the staged manifest while it streams in, builds the index first when the staged version
 * is a raw corpus, then commits it (fsync, rename into versions/, atomic flip of CURRENT, keep N)
 * and removes the staged objects. A file that does not match is refused: the partial folder is
 * abandoned and nothing is published. Killed at any instant, the store stays consistent (see
 * index-store.ts); a rerun picks up where it makes sense (a version already in versions/ is
 * activated, not downloaded again).
 *
 * Output: progress lines, then one final JSON line (`agentResultLine`, agent-result.ts) that its
 * driver reads.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { buildIndex, checkIndexVersion, type BuildOptions } from '../engine/index.js';
import {
  IndexStore,
  type Manifest,
  type PartialVersion,
  StoreError,
  assertVersionId,
  validateManifest,
} from '../store/index.js';
import type { AgentResult } from './agent-result.js';
import type { AgentConfig } from './loader-env.js';
import {
  MANIFEST_FILE,
  STAGED_CORPUS_FILE,
  stagedKey,
  stagedKind,
  stagedVersionPrefix,
} from './staged-version.js';
import { isNotFound } from './s3.js';
import { errorMessage, silentLogger } from '../log/logger.js';
import { UploadError } from './upload-error.js';

export interface AgentContext {
  config: AgentConfig;
  client: S3Client;
  /** One progress line (no newline). */
  log: (line: string) => void;
  /** Default: the store at `config.storeDir`, refusing versions that do not open as an index. */
  store?: IndexStore;
}

function storeOf(ctx: AgentContext): IndexStore {
  return (
    ctx.store ??
    new IndexStore(ctx.config.storeDir, { logger: silentLogger, validate: checkIndexVersion })
  );
}

export async function agentPublish(ctx: AgentContext, version: string): Promise<AgentResult> {
  assertVersionId(version);
  const { config, log } = ctx;
  const store = storeOf(ctx);
  await store.init();
  await store.cleanStale();
  const staged = `s3://${config.bucket}/${stagedVersionPrefix(config.prefix, version)}`;

  if (await store.has(version)) {
    log(`version ${version} is already in the store; verifying it and making it live`);
    const activated = await store.activate(version);
    await deleteStaged(ctx, version);
    if (!activated.changed) log(`version ${version} was already live`);
    return {
      result: activated.changed ? 'activated' : 'already-live',
      version,
      previous: activated.changed ? (activated.previous ?? null) : null,
      pruned: [],
    };
  }

  log(`reading ${staged}${MANIFEST_FILE}`);
  const manifest = await readStagedManifest(ctx, version);
  const kind = stagedKind(manifest);
  const keys = await listStaged(ctx, version);
  const missing = manifest.files.filter(
    (f) => !keys.has(stagedKey(config.prefix, version, f.path)),
  );
  if (missing.length > 0) {
    throw new UploadError(
      'nothing-staged',
      `the staged upload ${staged} is incomplete: ${missing.map((f) => f.path).join(', ')} missing; run the same sir upload again to finish staging it`,
    );
  }

  const download = await store.stagePartial({ version });
  let build: PartialVersion | undefined;
  try {
    const total = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
    log(
      `downloading ${manifest.files.length} file(s), ${total} bytes, into ${download.dir}, checking each against the staged manifest`,
    );
    for (const f of manifest.files) await downloadChecked(ctx, version, f, download.dir);
    log('every file matches its size and SHA-256 in the staged manifest');
    let committed;
    if (kind === 'corpus') {
      build = await store.stagePartial({ version });
      const options = parseBuildOptions(manifest);
      log(`building the index from ${STAGED_CORPUS_FILE} on the loader`);
      const built = buildIndex(path.join(download.dir, STAGED_CORPUS_FILE), build.dir, options);
      log(`indexed ${built.docs} documents in ${built.seconds.toFixed(1)} s`);
      log(`committing version ${version}`);
      committed = await store.commitPartial(build, {
        keep: config.keep,
        source: { ...manifest.source, staged },
      });
      await store.abandonPartial(download);
    } else {
      log(`committing version ${version}`);
      committed = await store.commitPartial(download, { keep: config.keep, manifest });
    }
    log(`version ${version} is live${committed.previous ? ` (was ${committed.previous})` : ''}`);
    await deleteStaged(ctx, version);
    return {
      result: 'published',
      version,
      previous: committed.previous ?? null,
      pruned: committed.pruned,
    };
  } catch (err) {
    await store.abandonPartial(download).catch(() => undefined);
    if (build) await store.abandonPartial(build).catch(() => undefined);
    if (err instanceof StoreError && err.code === 'version-exists') {
      const activated = await store.activate(version);
      return { result: 'activated', version, previous: activated.previous ?? null, pruned: [] };
    }
    throw err;
  }
}

export async function agentRollback(ctx: AgentContext): Promise<AgentResult> {
  const r = await storeOf(ctx).rollback();
  ctx.log(`rolled back: ${r.version} is live again (was ${r.previous})`);
  return { result: 'rolled-back', version: r.version, previous: r.previous ?? null, pruned: [] };
}

async function readStagedManifest(
  { config, client }: AgentContext,
  version: string,
): Promise<Manifest> {
  const key = stagedKey(config.prefix, version, MANIFEST_FILE);
  let text: string;
  try {
    const got = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
    text = await got.Body!.transformToString('utf8');
  } catch (err) {
    if (isNotFound(err)) {
      throw new UploadError(
        'nothing-staged',
        `nothing is staged for version ${version}: s3://${config.bucket}/${key} does not exist (never uploaded, unfinished, or already published and removed); run sir upload to stage it`,
      );
    }
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UploadError(
      'nothing-staged',
      `s3://${config.bucket}/${key} is not valid JSON (${errorMessage(err)}); run sir upload again to stage the version afresh`,
    );
  }
  const manifest = validateManifest(parsed, `s3://${config.bucket}/${key}`);
  if (manifest.version !== version) {
    throw new UploadError(
      'nothing-staged',
      `s3://${config.bucket}/${key} names version "${manifest.version}", not "${version}"; the staged objects were mixed up, run sir upload again`,
    );
  }
  return manifest;
}

async function listStaged({ config, client }: AgentContext, version: string): Promise<Set<string>> {
  const keys = new Set<string>();
  let token: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const listed = await client.send(
      new ListObjectsV2Command({
        Bucket: config.bucket,
        Prefix: stagedVersionPrefix(config.prefix, version),
        ContinuationToken: token,
      }),
    );
    for (const o of listed.Contents ?? []) if (o.Key) keys.add(o.Key);
    if (!listed.IsTruncated || !listed.NextContinuationToken) break;
    token = listed.NextContinuationToken;
  }
  return keys;
}

/** Streams one staged file into `dir`, hashing it on the way; refuses it if size or SHA-256 differ. */
async function downloadChecked(
  { config, client }: AgentContext,
  version: string,
  file: Manifest['files'][number],
  dir: string,
): Promise<void> {
  const key = stagedKey(config.prefix, version, file.path);
  const to = path.join(dir, ...file.path.split('/'));
  await fs.mkdir(path.dirname(to), { recursive: true });
  const got = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(got.Body as Readable, tap, createWriteStream(to));
  const sha256 = hash.digest('hex');
  if (bytes !== file.bytes || sha256 !== file.sha256) {
    const what =
      bytes !== file.bytes
        ? `is ${bytes} bytes but the manifest lists ${file.bytes}`
        : `has SHA-256 ${sha256} but the manifest lists ${file.sha256}`;
    throw new UploadError(
      'checksum-mismatch',
      `refused version ${version}: staged file "${file.path}" (s3://${config.bucket}/${key}) ${what}; it was altered or damaged after upload. Nothing was published and the live version is unchanged; run sir upload again to stage it afresh`,
    );
  }
}

function parseBuildOptions(manifest: Manifest): BuildOptions {
  const text = manifest.source?.build;
  if (text === undefined) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as BuildOptions;
  } catch (err) {
    throw new UploadError(
      'nothing-staged',
      `the staged manifest of version ${manifest.version} has unreadable analyzer options in source.build (${errorMessage(err)}); run sir upload again`,
    );
  }
}

/** Removes every staged object of `version` (they expire anyway; this keeps the bucket empty). */
async function deleteStaged(ctx: AgentContext, version: string): Promise<void> {
  const keys = [...(await listStaged(ctx, version))];
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    await ctx.client.send(
      new DeleteObjectsCommand({
        Bucket: ctx.config.bucket,
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      }),
    );
  }
  if (keys.length > 0) ctx.log(`removed ${keys.length} staged object(s)`);
}
