/**
 * The search Lambda: the shared Hono app over the index store on EFS, behind the API Gateway
 * adapter. The live index is created once per execution environment (cold start) and reused; it
 * re-checks `CURRENT` on requests.
 *
 * `INDEX_DIR` (default `/mnt/index`, the stack's mount path) is always a store: on a fresh EFS it
 * is empty, and search and `/health` answer 503 problem+json ("no index published yet") until the
 * first `sir upload` publishes a version, which is then picked up like any later one.
 * `INDEX_CHECK_INTERVAL_MS` (default 5000) is how often `CURRENT` is re-read; tests shorten it.
 */
import { createApp } from '../app/app.js';
import { openLiveIndex } from '../app/live.js';
import { apiGatewayHandler } from './adapter.js';

const DEFAULT_INDEX_DIR = '/mnt/index';

/** `INDEX_CHECK_INTERVAL_MS`, if set: a malformed value fails the cold start instead of being ignored. */
function checkIntervalMs(raw: string | undefined): { checkIntervalMs?: number } {
  if (raw === undefined) return {};
  if (!/^\d+$/.test(raw))
    throw new Error(`INDEX_CHECK_INTERVAL_MS must be a whole number of milliseconds, got "${raw}"`);
  return { checkIntervalMs: Number(raw) };
}

const app = createApp({
  index: openLiveIndex(process.env.INDEX_DIR || DEFAULT_INDEX_DIR, {
    store: true,
    ...checkIntervalMs(process.env.INDEX_CHECK_INTERVAL_MS),
  }),
  unpublishedHint: 'run sir upload --stack STACK --index DIR',
});

export const handler = apiGatewayHandler(app);
