/**
 * Where the search Lambda reads its index, from its environment — one variable per storage tier
 * (`INDEX_STORAGE`, set by the stack's `indexStorage`):
 *
 * - `efs` (default): `INDEX_DIR` (default `/mnt/index`) is a store on the EFS mount, followed
 *   with hot reload; empty on a fresh stack (503 until the first `sir upload`).
 * - `s3`: the store in `INDEX_BUCKET` under `INDEX_PREFIX` (default `store/`); each live version
 *   is downloaded into `/tmp` (`INDEX_CACHE_DIR`) and checked as it arrives, and `CURRENT` is
 *   re-read like on EFS. `INDEX_S3_ENDPOINT` points at an S3-compatible server (local stand-ins
 *   only; absent in AWS).
 * - `bundled`: the index folder shipped inside the function's artifact, `INDEX_DIR` (default
 *   `$LAMBDA_TASK_ROOT/index`), loaded once: a new version is a new function version.
 *
 * `INDEX_CHECK_INTERVAL_MS` (default 5000) is how often `CURRENT` is re-read; tests shorten it.
 * A malformed variable fails the cold start with a sentence naming it, never a silent default.
 */
import path from 'node:path';
import { openLiveIndex } from '../app/live.js';
import {
  BUNDLED_INDEX_DIR,
  DEFAULT_EFS_DIR,
  INDEX_STORAGE_KINDS,
  S3_STORE_PREFIX,
} from './index-env.js';

type Env = Record<string, string | undefined>;

function checkIntervalMs(raw: string | undefined): { checkIntervalMs?: number } {
  if (raw === undefined) return {};
  if (!/^\d+$/.test(raw))
    throw new Error(`INDEX_CHECK_INTERVAL_MS must be a whole number of milliseconds, got "${raw}"`);
  return { checkIntervalMs: Number(raw) };
}

/**
 * The live index the environment describes, and the hint a 503 gives before anything is published.
 * The AWS SDK is imported only on `s3`: loading it costs a cold start more than a hundred ms that
 * the `efs` and `bundled` tiers would spend for nothing.
 */
export async function liveIndexFromEnv(env: Env): Promise<{
  index: ReturnType<typeof openLiveIndex>;
  unpublishedHint: string;
}> {
  const storage = env.INDEX_STORAGE || 'efs';
  if (!(INDEX_STORAGE_KINDS as readonly string[]).includes(storage))
    throw new Error(
      `INDEX_STORAGE must be one of ${INDEX_STORAGE_KINDS.join(', ')}, got "${storage}"`,
    );
  const interval = checkIntervalMs(env.INDEX_CHECK_INTERVAL_MS);
  const hint = 'run sir upload --stack STACK --index DIR';
  if (storage === 'bundled') {
    const dir =
      env.INDEX_DIR || path.join(env.LAMBDA_TASK_ROOT ?? process.cwd(), BUNDLED_INDEX_DIR);
    return { index: openLiveIndex(dir, { store: false }), unpublishedHint: hint };
  }
  if (storage === 'efs')
    return {
      index: openLiveIndex(env.INDEX_DIR || DEFAULT_EFS_DIR, { store: true, ...interval }),
      unpublishedHint: hint,
    };
  const bucket = env.INDEX_BUCKET;
  if (!bucket) throw new Error('INDEX_STORAGE is s3 but INDEX_BUCKET is not set');
  const endpoint = env.INDEX_S3_ENDPOINT;
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint))
    throw new Error(`INDEX_S3_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
  const [{ S3IndexStore }, { makeS3Client }] = await Promise.all([
    import('../store/s3-store.js'),
    import('../upload/s3.js'),
  ]);
  const store = new S3IndexStore({
    client: makeS3Client({
      region: env.AWS_REGION || 'us-east-1',
      ...(endpoint !== undefined ? { endpoint } : {}),
    }),
    bucket,
    prefix: env.INDEX_PREFIX ?? S3_STORE_PREFIX,
    ...(env.INDEX_CACHE_DIR ? { cacheDir: env.INDEX_CACHE_DIR } : {}),
  });
  return { index: openLiveIndex(store, interval), unpublishedHint: hint };
}
