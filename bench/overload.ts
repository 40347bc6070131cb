/**
 * Overload on loopback: how long a new client waits while 200 keep-alive clients keep `sir serve`
 * busy, for `sir serve` (runtime/server/, default limits) and, side by side, the same app on
 * @hono/node-server with Node's defaults. For each server: autocannon (bench/load-client.ts, its
 * own process) drives CONNECTIONS
 * connections for DURATION seconds over the demo queries while a probe opens a fresh connection
 * every 250 ms and times its answer (status and ms to the last byte, 30 s cap). Writes
 * bench/OVERLOAD.md. Bounded: stops by itself.
 *
 *   node --import tsx bench/overload.ts [DURATION_SECONDS=20] [CONNECTIONS=200]
 */
import type { Result } from 'autocannon';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { SERVER_DEFAULTS } from '../runtime/server/index.js';
import { ensureDemoIndex, startChild } from './demo-server.js';

const duration = Number(process.argv[2] ?? 20);
const connections = Number(process.argv[3] ?? 200);
const PROBE_EVERY_MS = 250;
const PROBE_CAP_MS = 30_000;
const indexDir = ensureDemoIndex();

interface Probe {
  status: number | 'timeout' | 'error';
  ms: number;
}

function probe(port: number): Promise<Probe> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/search?q=liberty&size=10', agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, ms: performance.now() - started }));
      },
    );
    req.setTimeout(PROBE_CAP_MS, () => {
      req.destroy();
      resolve({ status: 'timeout', ms: PROBE_CAP_MS });
    });
    req.on('error', () => resolve({ status: 'error', ms: performance.now() - started }));
    req.end();
  });
}

async function run(name: string, args: string[], port: number) {
  const server = await startChild(args, port);
  const probes: Array<Promise<Probe>> = [];
  const client = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/load-client.ts',
      `http://127.0.0.1:${port}`,
      String(connections),
      String(duration),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  client.stdout!.on('data', (d: Buffer) => (out += d));
  const load = new Promise<Result>((resolve, reject) =>
    client.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as Result)
        : reject(new Error(`load client exited with ${code}`)),
    ),
  );
  // Probes start once every load connection is open and stop a second before the load does.
  await new Promise((r) => setTimeout(r, 2_000));
  const until = performance.now() + (duration - 3) * 1000;
  while (performance.now() < until) {
    probes.push(probe(port));
    await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
  }
  const [result, answered] = await Promise.all([load, Promise.all(probes)]);
  server.kill('SIGTERM');
  return { name, result, probes: answered };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const runs = [
  await run(
    '`sir serve` (runtime/server/)',
    ['bin/sir.mjs', 'serve', '--index', indexDir, '--port', '18788'],
    18788,
  ),
  await run(
    'Node defaults (@hono/node-server)',
    ['--import', 'tsx', 'bench/node-defaults-server.ts', indexDir, '18789'],
    18789,
  ),
];

const rows = runs.map(({ name, result, probes }) => {
  const ms = probes.map((p) => p.ms);
  const count = (pred: (p: Probe) => boolean) => probes.filter(pred).length;
  return `| ${name} | ${probes.length} | ${quantile(ms, 0.5).toFixed(0)} | ${quantile(ms, 0.9).toFixed(0)} | ${Math.max(...ms).toFixed(0)} | ${count((p) => p.status === 200)} / ${count((p) => p.status === 503)} / ${count((p) => typeof p.status !== 'number')} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} / ${result.latency.p99} | ${result.non2xx} | ${result.errors + result.timeouts} |`;
});
const [ours, theirs] = runs.map((r) =>
  quantile(
    r.probes.map((p) => p.ms),
    0.5,
  ),
);
const report = `# Overload: a new client while ${connections} clients keep the server busy

Command: \`node --import tsx bench/overload.ts ${duration} ${connections}\`.
Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}.
Date: ${new Date().toISOString()}. Demo index (State of the Union paragraphs), one server process on
127.0.0.1 at a time; autocannon in another process: ${connections} keep-alive connections for ${duration} s
over 10 queries (top 10 with snippets). Probe: a new connection every ${PROBE_EVERY_MS} ms from 2 s
in, \`GET /search?q=liberty&size=10\`, timed to the last byte (capped at ${PROBE_CAP_MS / 1000} s).

| server | probes | probe median ms | probe p90 ms | probe max ms | probes 200 / 503 / no answer | load req/s | load p50 / p99 ms | load non-2xx | load errors |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Probe median, Node defaults ÷ \`sir serve\`: ${(theirs! / ours!).toFixed(1)}×. Node accepts about
one new connection per event-loop turn; on Node's defaults a turn runs every request that arrived
(${connections} searches), so a new client waits behind the connections queued before it. \`sir serve\`
starts one request per turn and answers 503 with \`Retry-After\` to a request that waited more than
${SERVER_DEFAULTS.maxQueueMs} ms (\`--max-queue-ms\`): the load's non-2xx are those 503s. The load
generator shares the 2 cores with the server; other work on the machine at the time adds noise.
`;
writeFileSync('bench/OVERLOAD.md', report);
console.log(report);
