/**
 * `sir serve (--index DIR | --store DIR) [--port N] [--host H] [--workers N] [--inputs DIR] [limits]`:
 * the same Hono app the Lambda runs, on the server of `runtime/server/`, and with a store the job
 * pipeline in-process (runtime/local/). Loopback by default: exposing an index to the network is
 * an explicit choice.
 */
import { existsSync } from 'node:fs';
import { CliError, type CliIO, type Command, numberFlag, parseFlags } from '../command.js';
import { SERVER_DEFAULTS, type ServerLimits } from '../../server/index.js';
import { DEFAULT_WORKERS, startServer, untilSignal } from '../serving.js';

const seconds = (ms: number) => `${ms / 1000}`;

export const serveCommand: Command = {
  help: `Usage: sir serve (--index DIR | --store DIR) [--port N] [--host H] [limits]

Serves the search app (the same one the Lambda runs): GET / (search page), GET|POST /search,
GET /documents/{id}, GET /health, GET /openapi.json, GET /docs. With --store it follows the
store's CURRENT and hot-reloads new versions; a new or empty store (created if missing) serves
503 "no index published yet" until the first version is published (\`sir publish --store DIR\`
or a build job). With --store it also runs the job pipeline in-process (POST /jobs,
GET /jobs/{id}; see \`sir jobs --help\`): fauxqs as SQS and S3, the worker, coordinator and
reduce functions fed by local event-source mappings, build jobs publishing into the store.

Options:
  --index DIR     a folder built by \`sir index\` (loaded once)
  --store DIR     an index store (follows CURRENT, hot reload; created if missing)
  --port N        port (default 8787; 0 picks a free one)
  --host H        address to listen on (default 127.0.0.1)
  --workers N     with --store: concurrent job workers (default ${DEFAULT_WORKERS}; 0 turns jobs off)
  --inputs DIR    with --store: a folder job inputs (file://) may come from; repeat for more
                  (default: the current directory)
  -h, --help      show this help

Limits (a request over one gets a problem+json 4xx, or 503 with Retry-After when overloaded):
  --headers-timeout S     seconds to receive the request line and headers (default ${seconds(SERVER_DEFAULTS.headersTimeoutMs)})
  --request-timeout S     seconds to receive a whole request, body included (default ${seconds(SERVER_DEFAULTS.requestTimeoutMs)})
  --keep-alive-timeout S  seconds an idle connection stays open (default ${seconds(SERVER_DEFAULTS.keepAliveTimeoutMs)})
  --max-connections N     open connections served at once; more get 503 (default ${SERVER_DEFAULTS.maxConnections})
  --max-queue-ms MS       longest the server stays busy before waiting requests get 503 (default ${SERVER_DEFAULTS.maxQueueMs})
  URLs are accepted up to ${SERVER_DEFAULTS.maxUrlBytes / 1024} KiB (414 beyond) and header fields up to ${SERVER_DEFAULTS.maxHeaderBytes / 1024} KiB (431 beyond).

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
        'headers-timeout': { type: 'string' },
        'request-timeout': { type: 'string' },
        'keep-alive-timeout': { type: 'string' },
        'max-connections': { type: 'string' },
        'max-queue-ms': { type: 'string' },
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
    if (values.index !== undefined && !existsSync(dir)) throw new CliError(`${dir} does not exist`);
    for (const input of values.inputs ?? [])
      if (!existsSync(input)) throw new CliError(`--inputs ${input} does not exist`, 2);
    const port = numberFlag(values.port, 'port', 8787, { min: 0, max: 65535, integer: true });
    const workers =
      values.store === undefined
        ? 0
        : numberFlag(values.workers, 'workers', DEFAULT_WORKERS, {
            min: 0,
            max: 64,
            integer: true,
          });
    const ms = (flag: 'headers-timeout' | 'request-timeout' | 'keep-alive-timeout', d: number) =>
      Math.round(1000 * numberFlag(values[flag], flag, d / 1000, { min: 0.001, max: 3600 }));
    const limits: Partial<ServerLimits> = {
      headersTimeoutMs: ms('headers-timeout', SERVER_DEFAULTS.headersTimeoutMs),
      requestTimeoutMs: ms('request-timeout', SERVER_DEFAULTS.requestTimeoutMs),
      keepAliveTimeoutMs: ms('keep-alive-timeout', SERVER_DEFAULTS.keepAliveTimeoutMs),
      maxConnections: numberFlag(
        values['max-connections'],
        'max-connections',
        SERVER_DEFAULTS.maxConnections,
        { min: 1, max: 1_000_000, integer: true },
      ),
      maxQueueMs: numberFlag(values['max-queue-ms'], 'max-queue-ms', SERVER_DEFAULTS.maxQueueMs, {
        min: 1,
        max: 600_000,
      }),
    };
    if (limits.headersTimeoutMs! > limits.requestTimeoutMs!)
      throw new CliError('--headers-timeout must not exceed --request-timeout', 2);
    const { url, close, published } = await startServer({
      dir,
      store: values.store !== undefined,
      port,
      host: values.host ?? '127.0.0.1',
      limits,
      unpublishedHint:
        workers > 0
          ? `run sir publish --store ${dir} --index BUILT, or submit a build job: sir jobs submit build --corpus FILE`
          : `run sir publish --store ${dir} --index BUILT`,
      workers,
      ...(values.inputs ? { inputs: values.inputs } : {}),
    });
    io.stdout.write(
      `serving ${dir}\n  search page  ${url}/\n  API          ${url}/search?q=...\n  docs         ${url}/docs\n` +
        (workers > 0
          ? `  jobs         ${url}/jobs (${workers} worker(s); sir jobs submit build --corpus FILE --api ${url})\n`
          : ''),
    );
    if (!published)
      io.stdout.write(
        `no index published yet: search answers 503 until sir publish --store ${dir} --index BUILT${workers > 0 ? ' or a build job publishes one' : ''}\n`,
      );
    return untilSignal(() => close());
  },
};
