/**
 * The search Lambda: the shared Hono app over the live index the environment names (EFS, S3 or
 * bundled: index-location.ts), behind the API Gateway adapter, with `GET /search` answered by the
 * direct path in front of it (direct-search.ts). The app, with its HTTP framework and zod, is
 * imported on the first request the direct path leaves to it, so a cold start that begins with a
 * search parses neither. The live index is created once per execution environment (cold start)
 * and reused; a store's `CURRENT` is re-checked on requests.
 */
import { jsonLinesLogger } from '../log/logger.js';
import { apiGatewayHandler } from './adapter.js';
import { directSearch } from './direct-search.js';
import { liveIndexFromEnv } from './index-location.js';

const { index, unpublishedHint } = await liveIndexFromEnv(process.env);
const log = jsonLinesLogger(process.stdout);

export const handler = apiGatewayHandler(
  async () => (await import('../app/app.js')).createApp({ index, unpublishedHint, log }),
  directSearch({ index, log }),
);
