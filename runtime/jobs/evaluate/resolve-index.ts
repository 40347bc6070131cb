/**
 * Which index file an evaluation's `index: "live"` or version id names. Where the caller reaches
 * the store (locally, an `s3` stack) it reads it: the version's `index.sir` is the input, and its
 * SHA-256 comes from the manifest. On an `efs` stack only the reduce function mounts the store, in
 * the VPC without a route to SQS, while the jobs API runs outside the VPC — but the API may send to
 * the reduce queue and both reach the results bucket. So the API sends a `resolve` message and
 * waits for the answer at `resolve/<request>.json`; the reduce function resolves the name and
 * copies the version's index file out, once per content, to `cache/index/<sha256>.sir`, which the
 * workers read as any staged index (its object carries the SHA-256, so the job is still identified
 * by the index's content).
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { INDEX_FILE } from '../../engine/index.js';
import { errorMessage } from '../../log/logger.js';
import { type ManifestFile, type VersionStore, putFile } from '../../store/index.js';
import type { JobsContext } from '../context.js';
import { JobError, type JobErrorCode } from '../job-error.js';
import { keys } from '../keys.js';
import { LIVE_INDEX, type ResolveMessage } from '../messages.js';
import { exists, getJson, putJson } from '../objects.js';
import { type Outcome, sendReduce } from '../sqs-events.js';

export interface ResolvedIndex {
  version: string;
  /** The index file's URL, as the workers read it. */
  url: string;
}

/** The reduce function's answer: the index, or the error the submitter is given. */
type ResolveAnswer =
  | ResolvedIndex
  | { error: { code: JobErrorCode; message: string; field?: string; retryAfterSeconds?: number } };

/** Seconds a caller told to ask again waits first. */
const RETRY_AFTER_SECONDS = 10;
/**
 * How long a copy's lease holds off other copies of the same content: the reduce function's
 * default timeout, after which its holder cannot still be copying.
 */
const COPY_LEASE_MS = 15 * 60_000;

/** `index` (`live` or a version id) in `store`: the version and its index file's manifest entry. */
export async function storeIndexFile(
  store: VersionStore,
  index: string,
): Promise<{ version: string; file: ManifestFile }> {
  const version = index === LIVE_INDEX ? await store.current() : index;
  if (version === undefined)
    throw new JobError(
      'input-unreadable',
      'index: the store has no live version yet; publish one (a build job or `sir publish`) or give a built index URL',
      'index',
    );
  if (!(await store.has(version)))
    throw new JobError('not-found', `index: the store has no version ${version}`, 'index');
  const file = (await store.readManifest(version)).files.find((f) => f.path === INDEX_FILE);
  if (file === undefined)
    throw new JobError(
      'input-unreadable',
      `index: version ${version} of the store has no ${INDEX_FILE}; it is not an index this engine built`,
      'index',
    );
  return { version, file };
}

/** The API's side: asks the reduce function and waits up to `waitMs` for its answer. */
export async function resolveThroughReduce(
  ctx: JobsContext,
  index: string,
  { waitMs }: { waitMs: number },
): Promise<ResolvedIndex> {
  const request = randomBytes(12).toString('hex');
  await sendReduce(ctx, { v: 1, type: 'resolve', request, index });
  const deadline = Date.now() + waitMs;
  for (let delay = 100; ; delay = Math.min(2 * delay, 1000)) {
    const answer = (await getJson<ResolveAnswer>(ctx, keys.resolved(request)))?.value;
    if (answer !== undefined) {
      if ('error' in answer) {
        const { code, message, field, retryAfterSeconds } = answer.error;
        throw new JobError(code, message, field, retryAfterSeconds);
      }
      return answer;
    }
    if (Date.now() + delay > deadline) break;
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new JobError(
    'unavailable',
    `index: the reduce function, which alone mounts this stack's store on EFS, has not said within ${Math.round(waitMs / 1000)} s which version "${index}" is (a cold start in the VPC, or a large version being copied out for the workers); the same request submitted again in a moment is answered once it has (sir jobs --api and the jobs page submit again by themselves)`,
    'index',
    RETRY_AFTER_SECONDS,
  );
}

/**
 * The reduce function's side: answers a resolve message. The answer is written once; a redelivered
 * message whose answer exists is acknowledged. Every failure is answered (the submitter is waiting
 * for a sentence, and a retry would not change a missing version).
 */
export async function answerResolve(ctx: JobsContext, m: ResolveMessage): Promise<Outcome> {
  const key = keys.resolved(m.request);
  if (await exists(ctx, key)) return 'done';
  let answer: ResolveAnswer;
  try {
    if (ctx.store === undefined) throw new Error('this reduce function has no index store');
    const { version, file } = await storeIndexFile(ctx.store, m.index);
    const url = ctx.store.fileUrl(version, INDEX_FILE);
    answer = { version, url: url.startsWith('file:') ? await copyOut(ctx, url, file) : url };
  } catch (err) {
    answer =
      err instanceof JobError
        ? {
            error: {
              code: err.code,
              message: err.message,
              ...(err.field ? { field: err.field } : {}),
              ...(err.retryAfterSeconds !== undefined
                ? { retryAfterSeconds: err.retryAfterSeconds }
                : {}),
            },
          }
        : {
            error: {
              code: 'unavailable',
              message: `index: the reduce function could not resolve "${m.index}": ${errorMessage(err)}`,
              field: 'index',
              // A version pruned while it was copied, a failing S3 request: asking again may work.
              retryAfterSeconds: RETRY_AFTER_SECONDS,
            },
          };
    ctx.log.warn('resolve failed', { index: m.index, error: answer.error.message });
  }
  await putJson(ctx, key, answer);
  return 'done';
}

/** Copies a version's index file to `cache/index/<sha256>.sir` unless there; its `s3://` URL. */
async function copyOut(ctx: JobsContext, fileUrl: string, file: ManifestFile): Promise<string> {
  const key = keys.cachedIndex(file.sha256);
  if (await exists(ctx, key)) return `s3://${ctx.resultsBucket}/${key}`;
  // One copy per content at a time: submissions repeated while a large copy runs (each a new
  // resolve message) wait for it instead of starting more. A lease older than a reduce's timeout,
  // or released by a failed copy, is taken over.
  const lease = `${key}.copying`;
  const now = () => ctx.now().getTime();
  if ((await putJson(ctx, lease, { at: now() }, { ifNoneMatch: true })) === undefined) {
    const held = (await getJson<{ at: number }>(ctx, lease))?.value.at ?? 0;
    if (now() - held < COPY_LEASE_MS)
      throw new JobError(
        'unavailable',
        `index: the version's index file is being copied out for the workers (for ${Math.round((now() - held) / 1000)} s so far); the same request submitted again in a moment is answered once it is there`,
        'index',
        RETRY_AFTER_SECONDS,
      );
    await putJson(ctx, lease, { at: now() });
  }
  const started = Date.now();
  try {
    // putFile checks the bytes sent against the manifest's SHA-256 before completing the object.
    await putFile(ctx.s3, ctx.resultsBucket, key, {
      local: fileURLToPath(fileUrl),
      bytes: file.bytes,
      sha256: file.sha256,
    });
  } catch (err) {
    await putJson(ctx, lease, { at: 0 }).catch(() => undefined); // released: the next one copies
    throw err;
  }
  ctx.log.info('index copied out of the store', {
    key,
    bytes: file.bytes,
    ms: Date.now() - started,
  });
  return `s3://${ctx.resultsBucket}/${key}`;
}
