/**
 * `sir serve (--index DIR | --store DIR) [--port N] [--host H]`: the same Hono app the Lambda runs,
 * on @hono/node-server. Loopback by default: exposing an index to the network is an explicit choice.
 */
import { serve } from '@hono/node-server';
import { existsSync } from 'node:fs';
import { CliError, type CliIO, type Command, numberFlag, parseFlags } from '../command.js';
import { createApp } from '../../app/app.js';
import { openLiveIndex } from '../../app/live.js';

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

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the search API, docs and search page for an index or a store',
  help: `Usage: sir serve (--index DIR | --store DIR) [--port N] [--host H]

Serves the search app (the same one the Lambda runs): GET / (search page), GET|POST /search,
GET /documents/{id}, GET /health, GET /openapi.json, GET /docs. With --store it follows the
store's CURRENT and hot-reloads new versions.

Options:
  --index DIR   a folder built by \`sir index\` (loaded once)
  --store DIR   an index store (follows CURRENT, hot reload)
  --port N      port (default 8787; 0 picks a free one)
  --host H      address to listen on (default 127.0.0.1)
  -h, --help    show this help

Example:
  sir serve --index ./idx --port 8080
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseFlags(
      argv,
      {
        index: { type: 'string' },
        store: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
      },
      false,
    );
    if ((values.index === undefined) === (values.store === undefined))
      throw new CliError('give exactly one of --index DIR and --store DIR', 2);
    const dir = (values.index ?? values.store)!;
    if (!existsSync(dir)) throw new CliError(`${dir} does not exist`);
    const port = numberFlag(values.port, 'port', 8787, { min: 0, max: 65535, integer: true });
    const { url, close } = await startServer({
      dir,
      store: values.store !== undefined,
      port,
      host: values.host ?? '127.0.0.1',
    });
    io.stdout.write(
      `serving ${dir}\n  search page  ${url}/\n  API          ${url}/search?q=...\n  docs         ${url}/docs\n`,
    );
    return untilSignal(close);
  },
};
