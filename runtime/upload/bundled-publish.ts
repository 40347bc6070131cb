/**
 * Publishing on a `bundled` stack, whose index ships inside the search function: a new index
 * version is a new function version behind the `live` alias, which the API calls.
 *
 * `publishBundled` checks the index (it must open and pass every checksum, as the store's
 * validate hook demands of `sir publish`), zips it with the search bundle (bundled-artifact.ts),
 * puts the zip in the staging bucket under its content address, and then, on the Lambda API:
 * `UpdateFunctionCode` from that object, waits until the update has finished, `PublishVersion`
 * with the zip's SHA-256 (so a version is never published from code someone else uploaded in
 * between) and the index version id in its description, and `UpdateAlias live` to it,
 * conditional on the alias's revision (two publishers cannot both move it from the same state).
 * Lambda routes each invocation to the alias's version when it starts, so requests in flight finish
 * on the old version and the next ones start on the new: no request fails during the switch.
 *
 * The alias's description records the version it replaced ("previous: N"), so `rollbackBundled`
 * follows activation history like the store's HISTORY: rolling back twice returns to where you
 * started. Index version ids map to function versions through the versions' descriptions.
 */
import {
  type AliasConfiguration,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  type FunctionConfiguration,
  type LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { statSync } from 'node:fs';
import { checkIndexVersion } from '../engine/index.js';
import { errorMessage } from '../log/logger.js';
import { MANIFEST_FILE, buildManifest } from '../store/index.js';
import type { AgentResult } from './agent-result.js';
import {
  LIVE_ALIAS,
  type ZippedArtifact,
  bundledArtifactProblem,
  zipBundledArtifact,
} from './bundled-artifact.js';
import { STAGING_PREFIX } from './loader-contract.js';
import { isNotFound } from './s3.js';
import type { StagedUpload } from './staged-version.js';
import type { UploadEvent } from './upload.js';
import { UploadError } from './upload-error.js';

/** A bundled stack's search function, and where its artifacts are staged. */
export interface BundledTarget {
  lambda: LambdaClient;
  functionName: string;
  s3: S3Client;
  bucket: string;
  /** The built search bundle (`dist/lambda/search`) that goes under `app/`. */
  bundleDir: string;
  /** Seconds to wait for Lambda to finish a code update (default 300). */
  updateTimeoutSeconds?: number;
}

/** A function version as `sir versions --stack` shows it. */
export interface BundledVersion {
  /** The index version id the function version carries (from its description). */
  version: string | null;
  functionVersion: string;
  createdAt: string | undefined;
  /** The zip's size. */
  bytes: number;
  codeSha256: string | undefined;
  live: boolean;
  rollbackTarget: boolean;
}

/** The result of a publish or rollback, in the loader agent's shape plus the function versions. */
export interface BundledResult extends AgentResult {
  functionVersion: string;
  previousFunctionVersion: string | null;
}

/** Where an artifact is staged: its content address, so a rerun finds it already there. */
export function bundledArtifactKey(sha256Hex: string): string {
  return `${STAGING_PREFIX}bundled/${sha256Hex}.zip`;
}

const DESCRIPTION_PREFIX = 'serverless-ir index ';
const PREVIOUS_PREFIX = 'previous: ';

/** A function version's description: the index version it carries. */
export function versionDescription(indexVersion: string): string {
  return `${DESCRIPTION_PREFIX}${indexVersion}`;
}

/** The index version id a function version's description names, if it names one. */
export function indexVersionOf(description: string | undefined): string | null {
  return description?.startsWith(DESCRIPTION_PREFIX)
    ? description.slice(DESCRIPTION_PREFIX.length).trim() || null
    : null;
}

/** Zips, stages and publishes `upload` (a built index) and moves the alias to it. */
export async function publishBundled(
  target: BundledTarget,
  upload: StagedUpload,
  onEvent: (event: UploadEvent) => void = () => {},
): Promise<BundledResult> {
  const dir = upload.manifest.source?.index;
  if (upload.kind !== 'index' || dir === undefined)
    throw new UploadError(
      'invalid-option',
      'a bundled stack ships a built index inside its function: index the corpus first (sir index CORPUS --out DIR) and upload it with --index DIR',
    );
  const artifact = packArtifact(target, dir, upload);
  const key = bundledArtifactKey(artifact.sha256Hex);
  onEvent({
    type: 'staging',
    version: upload.version,
    kind: 'index',
    files: 1,
    bytes: artifact.zip.length,
    where: `s3://${target.bucket}/${key}`,
  });
  const started = performance.now();
  const already = await staged(target, key, artifact.zip.length);
  if (already) onEvent({ type: 'already-staged', path: key });
  else
    await s3Call(`put the artifact at s3://${target.bucket}/${key}`, () =>
      target.s3.send(
        new PutObjectCommand({
          Bucket: target.bucket,
          Key: key,
          Body: artifact.zip,
          ChecksumSHA256: artifact.codeSha256,
          ContentType: 'application/zip',
        }),
      ),
    );
  onEvent({
    type: 'staged',
    version: upload.version,
    uploaded: already ? 0 : 1,
    skipped: already ? 1 : 0,
    sentBytes: already ? 0 : artifact.zip.length,
    skippedBytes: already ? artifact.zip.length : 0,
    seconds: (performance.now() - started) / 1000,
  });

  const fn = target.functionName;
  onEvent({ type: 'publishing', on: `Lambda function ${fn}` });
  // A rerun (the same index and bundle): the newest version already carries this code.
  const newest = (await readVersions(target)).versions.at(-1);
  if (newest?.codeSha256 === artifact.codeSha256) {
    onEvent({
      type: 'step',
      line: `function version ${newest.functionVersion} already carries this artifact; not publishing it again`,
    });
    return moveAlias(target, newest.functionVersion, upload.version, 'activated');
  }
  const updated = await lambdaCall(`update the code of ${fn}`, () =>
    target.lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: fn, S3Bucket: target.bucket, S3Key: key }),
    ),
  );
  if (updated.CodeSha256 !== artifact.codeSha256)
    throw new UploadError(
      'lambda-failed',
      `Lambda reports code SHA-256 ${updated.CodeSha256} for ${fn} after the update, but the artifact's is ${artifact.codeSha256}; nothing was published`,
    );
  onEvent({ type: 'step', line: `code updated (SHA-256 ${artifact.codeSha256})` });
  await lambdaCall(`wait for the code update of ${fn}`, () =>
    waitUntilFunctionUpdatedV2(
      { client: target.lambda, maxWaitTime: target.updateTimeoutSeconds ?? 300, minDelay: 1 },
      { FunctionName: fn },
    ),
  );
  const published = await lambdaCall(`publish a version of ${fn}`, () =>
    target.lambda.send(
      new PublishVersionCommand({
        FunctionName: fn,
        CodeSha256: artifact.codeSha256,
        Description: versionDescription(upload.version),
      }),
    ),
  );
  const functionVersion = published.Version!;
  onEvent({ type: 'step', line: `published function version ${functionVersion}` });
  return moveAlias(target, functionVersion, upload.version, 'published');
}

/**
 * Moves the alias back: to `to` (an index version id, or a function version number) when given,
 * else to the version the alias recorded as the one it replaced, else to the newest version older
 * than the live one. Fails, changing nothing, when there is none.
 */
export async function rollbackBundled(
  target: Pick<BundledTarget, 'lambda' | 'functionName'>,
  to?: string,
): Promise<BundledResult> {
  const { versions, alias } = await readVersions(target);
  let chosen: BundledVersion | undefined;
  if (to !== undefined) {
    chosen = [...versions]
      .reverse()
      .find((v) => v.version === to || (/^\d+$/.test(to) && v.functionVersion === to));
    if (!chosen)
      throw new UploadError(
        'invalid-option',
        `--to ${to}: no version of ${target.functionName} carries index ${to}; published: ${describe(versions)}`,
      );
  } else {
    chosen = versions.find((v) => v.rollbackTarget);
    if (!chosen)
      throw new UploadError(
        'invalid-option',
        `no earlier version of ${target.functionName} to roll back to (live: function version ${alias.FunctionVersion}); published: ${describe(versions)}`,
      );
  }
  return moveAlias(target, chosen.functionVersion, chosen.version, 'rolled-back', alias);
}

/** Every published function version, oldest first, marked live / rollback target. */
export async function listBundledVersions(
  target: Pick<BundledTarget, 'lambda' | 'functionName'>,
): Promise<BundledVersion[]> {
  return (await readVersions(target)).versions;
}

async function readVersions(target: Pick<BundledTarget, 'lambda' | 'functionName'>) {
  const fn = target.functionName;
  const configs: FunctionConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await lambdaCall(`list the versions of ${fn}`, () =>
      target.lambda.send(
        new ListVersionsByFunctionCommand({
          FunctionName: fn,
          ...(marker ? { Marker: marker } : {}),
        }),
      ),
    );
    configs.push(...(page.Versions ?? []).filter((v) => v.Version !== '$LATEST'));
    marker = page.NextMarker;
  } while (marker);
  const alias = await readAlias(target);
  const live = alias.FunctionVersion;
  configs.sort((a, b) => Number(a.Version) - Number(b.Version));
  const recorded = alias.Description?.startsWith(PREVIOUS_PREFIX)
    ? alias.Description.slice(PREVIOUS_PREFIX.length).trim()
    : undefined;
  const exists = (v: string | undefined) =>
    v !== undefined && v !== live && configs.some((c) => c.Version === v);
  const target_ = exists(recorded)
    ? recorded
    : configs.filter((c) => Number(c.Version) < Number(live)).at(-1)?.Version;
  const versions: BundledVersion[] = configs.map((c) => ({
    version: indexVersionOf(c.Description),
    functionVersion: c.Version!,
    createdAt: c.LastModified,
    bytes: c.CodeSize ?? 0,
    codeSha256: c.CodeSha256,
    live: c.Version === live,
    rollbackTarget: c.Version === target_,
  }));
  return { versions, alias };
}

function readAlias(
  target: Pick<BundledTarget, 'lambda' | 'functionName'>,
): Promise<AliasConfiguration> {
  return lambdaCall(`read the ${LIVE_ALIAS} alias of ${target.functionName}`, () =>
    target.lambda.send(
      new GetAliasCommand({ FunctionName: target.functionName, Name: LIVE_ALIAS }),
    ),
  );
}

async function moveAlias(
  target: Pick<BundledTarget, 'lambda' | 'functionName'>,
  functionVersion: string,
  indexVersion: string | null,
  result: 'published' | 'activated' | 'rolled-back',
  /** The alias as the caller chose from; its RevisionId makes the move conditional on it. */
  read?: AliasConfiguration,
): Promise<BundledResult> {
  const fn = target.functionName;
  const alias = read ?? (await readAlias(target));
  const previous = alias.FunctionVersion ?? null;
  const version = indexVersion ?? `function version ${functionVersion}`;
  if (previous === functionVersion)
    return {
      result: 'already-live',
      version,
      previous: null,
      pruned: [],
      functionVersion,
      previousFunctionVersion: null,
    };
  const previousIndex =
    previous === null
      ? null
      : indexVersionOf(
          (
            await lambdaCall(`read version ${previous} of ${fn}`, () =>
              target.lambda.send(
                new GetFunctionConfigurationCommand({ FunctionName: fn, Qualifier: previous }),
              ),
            )
          ).Description,
        );
  await lambdaCall(`move the ${LIVE_ALIAS} alias of ${fn} to version ${functionVersion}`, () =>
    target.lambda.send(
      new UpdateAliasCommand({
        FunctionName: fn,
        Name: LIVE_ALIAS,
        FunctionVersion: functionVersion,
        ...(previous !== null ? { Description: `${PREVIOUS_PREFIX}${previous}` } : {}),
        ...(alias.RevisionId ? { RevisionId: alias.RevisionId } : {}),
      }),
    ),
  );
  return {
    result,
    version,
    previous: previousIndex ?? (previous !== null ? `function version ${previous}` : null),
    pruned: [],
    functionVersion,
    previousFunctionVersion: previous,
  };
}

/**
 * Checks and zips the index with the bundle. The artifact's `index/manifest.json` names the index
 * version id, so the function reports it (`/health`, every answer) and checks its files' listing
 * on a cold start; its `createdAt` is when the index's files were last written, not now, so the
 * same index and bundle always make the same zip — the same content address and `CodeSha256`, and
 * a rerun changes nothing.
 */
function packArtifact(target: BundledTarget, dir: string, upload: StagedUpload): ZippedArtifact {
  if (!statSync(target.bundleDir, { throwIfNoEntry: false })?.isDirectory())
    throw new UploadError(
      'invalid-option',
      `the search bundle ${target.bundleDir} is missing; build it first with npm run build (it goes into the function beside the index)`,
    );
  // The size first: it reads no file, and an index over the limit need not be opened at all.
  const { problem } = bundledArtifactProblem(dir, target.bundleDir, `the index ${dir}`);
  if (problem !== undefined) throw new UploadError('invalid-option', problem);
  try {
    checkIndexVersion(dir);
  } catch (err) {
    throw new UploadError(
      'invalid-option',
      `the index ${dir} cannot be published: ${errorMessage(err)}`,
    );
  }
  const written = Math.max(...upload.files.map((f) => statSync(f.local).mtimeMs));
  const manifest = buildManifest(upload.manifest.files, {
    version: upload.version,
    createdAt: new Date(Math.floor(written / 1000) * 1000),
  });
  return zipBundledArtifact(dir, target.bundleDir, {
    [MANIFEST_FILE]: `${JSON.stringify(manifest, null, 2)}\n`,
  });
}

async function staged(target: BundledTarget, key: string, bytes: number): Promise<boolean> {
  try {
    const head = await target.s3.send(new HeadObjectCommand({ Bucket: target.bucket, Key: key }));
    return head.ContentLength === bytes;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw new UploadError(
      'staging-failed',
      `cannot read s3://${target.bucket}/${key}: ${errorMessage(err)}`,
    );
  }
}

async function s3Call<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new UploadError('staging-failed', `cannot ${what}: ${errorMessage(err)}`);
  }
}

/** A Lambda API call whose failure becomes one sentence naming what was being done. */
async function lambdaCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof UploadError) throw err;
    const name = (err as { name?: string }).name;
    const hint =
      name === 'PreconditionFailedException'
        ? ' (someone else moved it at the same time; run the command again)'
        : name === 'ResourceConflictException'
          ? ' (another update of the function is in progress; run the command again once it has finished)'
          : name === 'ResourceNotFoundException'
            ? " (is searchFunctionName in the stack outputs this stack's search function?)"
            : '';
    throw new UploadError('lambda-failed', `cannot ${what}: ${errorMessage(err)}${hint}`);
  }
}

function describe(versions: readonly BundledVersion[]): string {
  return versions.length === 0
    ? 'none'
    : versions.map((v) => `${v.functionVersion} (${v.version ?? 'no index id'})`).join(', ');
}
