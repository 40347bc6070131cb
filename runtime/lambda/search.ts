/**
 * The search Lambda: the shared Hono app over the index on EFS, through `hono/aws-lambda`, which
 * accepts API Gateway HTTP API (payload 2.0) and REST API (1.0) events. The live index is created
 * once per execution environment (cold start) and reused; it re-checks `CURRENT` on requests.
 */
import { handle } from 'hono/aws-lambda';
import { createApp } from '../app/app.js';
import { openLiveIndex } from '../app/live.js';

const INDEX_DIR = process.env.INDEX_DIR ?? '/mnt/index';
const checkIntervalMs = process.env.INDEX_CHECK_INTERVAL_MS
  ? Number(process.env.INDEX_CHECK_INTERVAL_MS)
  : undefined;

const app = createApp({
  index: openLiveIndex(
    INDEX_DIR,
    checkIntervalMs !== undefined && Number.isFinite(checkIntervalMs) ? { checkIntervalMs } : {},
  ),
});

export const handler = handle(app);
