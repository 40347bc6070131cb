/**
 * Serving an index folder or a store: the live index (cold-loaded now, so a broken index fails at
 * start rather than on the first request), the app over it, and the HTTP server. What `sir serve`
 * and `sir demo` run; the Lambda runs the same app without this server.
 *
 * A store with nothing published yet (or no folder yet: it is created) is not an error: search and
 * /health answer 503 until the first publish, which is picked up like any later version — the same
 * path the Lambda takes on a fresh EFS.
 */
import { existsSync } from 'node:fs';
import { createApp } from '../app/app.js';
import { openLiveIndex } from '../app/live.js';
import type { JobsApi } from '../jobs/contract.js';
import type { Logger } from '../log/logger.js';
import { IndexStore, StoreError } from '../store/index.js';
import { listen, type RunningServer } from './http-server.js';
import { ServeError } from './serve-error.js';
import type { ServerLimits } from './limits.js';

export interface ServeIndexOptions {
  /** An index folder (loaded once) or, with `store`, an index store (followed, hot reload). */
  dir: string;
  store: boolean;
  host: string;
  port: number;
  limits?: Partial<ServerLimits>;
  /** The one logger of requests, refusals and the store's reloads (default JSON lines on stdout). */
  log?: Logger;
  /** What the 503 of an unpublished store tells the client to do. */
  unpublishedHint?: string;
  /** The job pipeline behind `/jobs` (runtime/local/ runs one beside a store). */
  jobs?: JobsApi;
}

export interface ServedIndex extends RunningServer {
  /** False while a store has no published version (search answers 503). */
  published: boolean;
}

export async function serveIndex(o: ServeIndexOptions): Promise<ServedIndex> {
  if (o.store && !existsSync(o.dir)) await new IndexStore(o.dir).init();
  const live = openLiveIndex(o.dir, { store: o.store, ...(o.log ? { logger: o.log } : {}) });
  let published = true;
  try {
    await live.get();
  } catch (err) {
    if (err instanceof StoreError && err.code === 'not-published') published = false;
    else {
      await live.close();
      throw new ServeError(`cannot serve ${o.dir}: ${(err as Error).message}`, undefined);
    }
  }
  const app = createApp({
    index: live,
    ...(o.log ? { log: o.log } : {}),
    ...(o.unpublishedHint ? { unpublishedHint: o.unpublishedHint } : {}),
    ...(o.jobs ? { jobs: o.jobs } : {}),
  });
  let server: RunningServer;
  try {
    server = await listen({
      fetch: app.fetch,
      host: o.host,
      port: o.port,
      ...(o.limits ? { limits: o.limits } : {}),
      ...(o.log ? { log: o.log } : {}),
    });
  } catch (err) {
    await live.close();
    throw err;
  }
  return {
    ...server,
    published,
    close: async (graceMs?: number) => {
      await server.close(graceMs);
      await live.close();
    },
  };
}
