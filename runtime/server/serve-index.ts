/**
 * Serving an index folder or a store: the live index (cold-loaded now, so a broken index fails at
 * start rather than on the first request), the app over it, and the HTTP server. What `sir serve`
 * and `sir demo` run; the Lambda runs the same app without this server.
 */
import { createApp } from '../app/app.js';
import { openLiveIndex } from '../app/live.js';
import type { LogSink } from '../app/observe.js';
import { listen, ServeError, type RunningServer } from './http-server.js';
import type { ServerLimits } from './limits.js';

export interface ServeIndexOptions {
  /** An index folder (loaded once) or, with `store`, an index store (followed, hot reload). */
  dir: string;
  store: boolean;
  host: string;
  port: number;
  limits?: Partial<ServerLimits>;
  log?: LogSink;
}

export async function serveIndex(o: ServeIndexOptions): Promise<RunningServer> {
  const live = openLiveIndex(o.dir, { store: o.store });
  try {
    await live.get();
  } catch (err) {
    await live.close();
    throw new ServeError(`cannot serve ${o.dir}: ${(err as Error).message}`, undefined);
  }
  const app = createApp({ index: live, ...(o.log ? { log: o.log } : {}) });
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
    close: async (graceMs?: number) => {
      await server.close(graceMs);
      await live.close();
    },
  };
}
