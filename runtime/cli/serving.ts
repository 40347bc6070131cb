/**
 * What `sir serve` and `sir demo` share: starting the app on a local HTTP server over an index
 * folder or a store, and serving until the process is asked to stop.
 */
import { serve } from '@hono/node-server';
import { CliError } from './command.js';
import { createApp } from '../app/app.js';
import { openLiveIndex } from '../app/live.js';

export interface ServeOptions {
  dir: string;
  store: boolean;
  port: number;
  host: string;
}

/** Starts the server, cold-loads the index (so a broken index fails now, not on the first request), and resolves once listening. */
export async function startServer(
  o: ServeOptions,
): Promise<{ url: string; close: () => Promise<void> }> {
  const live = openLiveIndex(o.dir, { store: o.store });
  try {
    await live.get();
  } catch (err) {
    throw new CliError(`cannot serve ${o.dir}: ${(err as Error).message}`);
  }
  const app = createApp({ index: live });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: o.port, hostname: o.host }, (info) => {
      const host = o.host.includes(':') ? `[${o.host}]` : o.host;
      resolve({
        url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => server.close(() => void live.close().then(() => done()))),
      });
    });
    server.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        new CliError(
          err.code === 'EADDRINUSE'
            ? `port ${o.port} is in use; pick another with --port`
            : err.message,
        ),
      ),
    );
  });
}

/** Resolves when the process is asked to stop, after closing the server. */
export function untilSignal(close: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    const stop = () => void close().then(() => resolve(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
