/**
 * The search Lambda: the shared Hono app over the live index the environment names (EFS, S3 or
 * bundled: index-location.ts), behind the API Gateway adapter. The live index is created once per
 * execution environment (cold start) and reused; a store's `CURRENT` is re-checked on requests.
 */
import { createApp } from '../app/app.js';
import { apiGatewayHandler } from './adapter.js';
import { liveIndexFromEnv } from './index-location.js';

export const handler = apiGatewayHandler(createApp(await liveIndexFromEnv(process.env)));
