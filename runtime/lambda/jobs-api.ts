/**
 * The jobs API Lambda: the shared Hono app with the job pipeline behind `/jobs`, outside the VPC
 * (it sends to SQS without an interface endpoint). The HTTP API routes `/jobs` and
 * `/jobs/{proxy+}` here and everything else to the search Lambda, which has the index; this one
 * has none, so its search routes would answer 503.
 */
import { createApp } from '../app/app.js';
import { JobsService, contextFromEnv } from '../jobs/index.js';
import { StoreError } from '../store/index.js';
import { apiGatewayHandler } from './adapter.js';

const app = createApp({
  index: {
    with: () =>
      Promise.reject(new StoreError('unavailable', 'the jobs function serves /jobs, not search')),
  },
  jobs: new JobsService(contextFromEnv()),
});

export const handler = apiGatewayHandler(() => app);
