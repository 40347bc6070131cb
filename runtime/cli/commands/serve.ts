/**
 * `sir serve (--index DIR | --store DIR) [--port N] [--host H]`: the same Hono app the Lambda runs,
 * on @hono/node-server. Loopback by default: exposing an index to the network is an explicit choice.
 */
import { serve } from '@hono/node-server';
import { existsSync } from 'node:fs';
import { CliError, type CliIO, type Command, numberFlag, parseFlags } from '../command.js';
import { createApp } from '../../app/app.js';
import { openLiveIndex } from '../../app/live.js';
import { IndexStore } from '../../store/index.js';
import { type LocalPipeline, startLocalPipeline } from '../../local/pipeline.js';

/** Job workers `sir serve --store` runs by default. */
export const DEFAULT_WORKERS = 2;

export interface ServeOptions {
  dir: string;
  store: boolean;
  port: number;
  host: string;
  io: CliIO;
  /** With a store: run the job pipeline too, with this many workers (0 or absent: no jobs). */
  workers?: number;
  /** Folders `file://` job inputs may come from (default: the current directory). */
  inputs?: string[];
}

/** Starts the server, cold-loads the index (so a broken index fails now, not on the first request), and resolves once listening. */
export async function startServer(
  o: ServeOptions,
): Promise<{ url: string; close: () => Promise<void> }> {
  const live = openLiveIndex(o.dir, { store: o.store });
  // A new or empty store is served too: search answers 503 until the first version is published
  // (by a build job or `sir publish`). Anything else that cannot load fails now, not on a request.
  const empty = o.store && (await new IndexStore(o.dir).readCurrent()) === undefined;
  if (empty)
    o.io.stderr.write(
      `no version is published in ${o.dir} yet: search answers 503 until the first publish (a build job or sir publish)\n`,
    );
  else {
    try {
      await live.get();
    } catch (err) {
      throw new CliError(`cannot serve ${o.dir}: ${(err as Error).message}`);
    }
  }
  let pipeline: LocalPipeline | undefined;
  if (o.store && (o.workers ?? 0) > 0)
    pipeline = await startLocalPipeline({
      storeDir: o.dir,
      workers: o.workers!,
      ...(o.inputs ? { inputRoots: o.inputs } : {}),
    });
  const app = createApp({ index: live, ...(pipeline ? { jobs: pipeline.service } : {}) });
  const stop = async () => {
    await pipeline?.close();
    await live.close();
  };
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: o.port, hostname: o.host }, (info) => {
      const host = o.host.includes(':') ? `[${o.host}]` : o.host;
      resolve({
        url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => server.close(() => void stop().then(() => done()))),
      });
    });
    server.on(
      'error',
      (err: NodeJS.ErrnoException) =>
        void stop().finally(() =>
          reject(
            new CliError(
              err.code === 'EADDRINUSE'
                ? `port ${o.port} is in use; pick another with --port`
                : err.message,
            ),
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
  help: `Usage: sir serve (--index DIR | --store DIR) [--port N] [--host H] [--workers N] [--inputs DIR]

Serves the search app (the same one the Lambda runs): GET / (search page), GET|POST /search,
GET /documents/{id}, GET /health, GET /openapi.json, GET /docs. With --store it follows the
store's CURRENT and hot-reloads new versions, and runs the job pipeline in-process (POST /jobs,
GET /jobs/{id}; see \`sir jobs --help\`): fauxqs as SQS and S3, the worker, coordinator and
reduce functions fed by local event-source mappings, build jobs publishing into the store. A new
or empty store is served too: search answers 503 until the first version is published.

Options:
  --index DIR     a folder built by \`sir index\` (loaded once)
  --store DIR     an index store (follows CURRENT, hot reload; created if missing)
  --port N        port (default 8787; 0 picks a free one)
  --host H        address to listen on (default 127.0.0.1)
  --workers N     with --store: concurrent job workers (default ${DEFAULT_WORKERS}; 0 turns jobs off)
  --inputs DIR    with --store: a folder job inputs (file://) may come from; repeat for more
                  (default: the current directory)
  -h, --help      show this help

Examples:
  sir serve --index ./idx --port 8080
  sir serve --store ./store --workers 4
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseFlags(
      argv,
      {
        index: { type: 'string' },
        store: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        workers: { type: 'string' },
        inputs: { type: 'string', multiple: true },
      },
      false,
    );
    if ((values.index === undefined) === (values.store === undefined))
      throw new CliError('give exactly one of --index DIR and --store DIR', 2);
    if (values.index !== undefined && (values.workers ?? values.inputs) !== undefined)
      throw new CliError('--workers and --inputs go with --store (jobs publish into a store)', 2);
    const dir = (values.index ?? values.store)!;
    if (values.store !== undefined) await new IndexStore(dir).init();
    else if (!existsSync(dir)) throw new CliError(`${dir} does not exist`);
    for (const input of values.inputs ?? [])
      if (!existsSync(input)) throw new CliError(`--inputs ${input} does not exist`, 2);
    const port = numberFlag(values.port, 'port', 8787, { min: 0, max: 65535, integer: true });
    const workers = numberFlag(values.workers, 'workers', DEFAULT_WORKERS, {
      min: 0,
      max: 64,
      integer: true,
    });
    const { url, close } = await startServer({
      dir,
      store: values.store !== undefined,
      port,
      host: values.host ?? '127.0.0.1',
      io,
      ...(values.store !== undefined ? { workers } : {}),
      ...(values.inputs ? { inputs: values.inputs } : {}),
    });
    io.stdout.write(
      `serving ${dir}\n  search page  ${url}/\n  API          ${url}/search?q=...\n  docs         ${url}/docs\n` +
        (values.store !== undefined && workers > 0
          ? `  jobs         ${url}/jobs (${workers} worker(s); sir jobs submit build --corpus FILE --api ${url})\n`
          : ''),
    );
    return untilSignal(close);
  },
};
