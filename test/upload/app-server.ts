/** The search app served over the local stack's store on 127.0.0.1, following CURRENT every 50 ms. */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { SearchIndex } from '../../runtime/engine/index.js';
import { createApp } from '../../runtime/app/index.js';
import { IndexStore, LiveIndex, silentLogger } from '../../runtime/store/index.js';

export interface AppServer {
  base: string;
  /** GET /search?q=alpha: the served version and the top hit's id (status 0 on a network error). */
  top(q?: string): Promise<{ status: number; version?: string; top?: string }>;
  health(): Promise<{ version?: string }>;
  close(): Promise<void>;
}

export async function serveStore(storeDir: string): Promise<AppServer> {
  const live = new LiveIndex({
    store: new IndexStore(storeDir, { logger: silentLogger }),
    load: (dir: string) => SearchIndex.open(dir),
    unload: (i: SearchIndex) => i.free(),
    checkIntervalMs: 50,
    logger: silentLogger,
  });
  const app = createApp({ index: live, log: silentLogger });
  let server: ServerType | undefined;
  const base = await new Promise<string>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve(`http://127.0.0.1:${info.port}`),
    );
  });
  return {
    base,
    async top(q = 'alpha') {
      try {
        const res = await fetch(`${base}/search?q=${encodeURIComponent(q)}&size=3`);
        const body = (await res.json()) as { version?: string; hits?: Array<{ id: string }> };
        return {
          status: res.status,
          ...(body.version ? { version: body.version } : {}),
          ...(body.hits?.[0] ? { top: body.hits[0].id } : {}),
        };
      } catch {
        return { status: 0 };
      }
    },
    async health() {
      return (await (await fetch(`${base}/health`)).json()) as { version?: string };
    },
    async close() {
      if (server) await new Promise<void>((r) => server!.close(() => r()));
      await live.close();
    },
  };
}

/** Polls until `pred` holds (bounded); fails with `what` otherwise. */
export async function eventually(
  what: string,
  pred: () => Promise<boolean>,
  ms = 10_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
