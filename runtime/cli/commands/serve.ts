/**
 * `sir serve (--index DIR | --store DIR) [--port N] [--host H]`: the same Hono app the Lambda runs,
 * on @hono/node-server. Loopback by default: exposing an index to the network is an explicit choice.
 */
import { existsSync } from 'node:fs';
import { CliError, type CliIO, type Command, numberFlag, parseFlags } from '../command.js';
import { startServer, untilSignal } from '../serving.js';

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
