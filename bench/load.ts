/**
 * Bounded load test of the search API on loopback: serves the demo index (`npm start` builds it in
 * .sir/demo) with `sir serve` in a child process, drives it with autocannon for DURATION seconds
 * over a rotating set of queries, samples the server's resident memory every second, and writes
 * bench/LOAD.md. Stops by itself.
 *
 *   node --import tsx bench/load.ts [DURATION_SECONDS=30]
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const duration = Number(process.argv[2] ?? 30);
const indexDir = '.sir/demo/index';
if (!existsSync(`${indexDir}/index.sir`)) {
  console.error('no demo index: run `npm start` once first (it builds .sir/demo/index)');
  process.exit(1);
}
const port = 18787;
const server = spawn(
  process.execPath,
  ['bin/sir.mjs', 'serve', '--index', indexDir, '--port', String(port)],
  {
    stdio: ['ignore', 'pipe', 'ignore'],
  },
);
await new Promise<void>((resolve, reject) => {
  server.stdout!.on('data', (d: Buffer) => String(d).includes(`:${port}`) && resolve());
  server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
});

const rssMb = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]) / 1024;
const queries = [
  'liberty',
  'slavery union',
  'tax reform economy',
  'war peace treaty',
  'education children schools',
  'health care insurance',
  'foreign trade tariff',
  '"civil rights"',
  'energy oil +crisis',
  'army navy -spain',
];
const memory: number[] = [rssMb()];
const sampler = setInterval(() => memory.push(rssMb()), 1000);
const result = await autocannon({
  url: `http://127.0.0.1:${port}`,
  connections: 10,
  duration,
  requests: queries.map((q, i) => ({
    method: 'GET',
    path: `/search?q=${encodeURIComponent(q)}&size=10${i % 3 === 0 ? '&filter=year%3E%3D1900' : ''}`,
  })),
});
clearInterval(sampler);
server.kill('SIGTERM');

const errors = result.errors + result.timeouts + result.non2xx;
const third = Math.max(1, Math.floor(memory.length / 3));
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const report = `# Load test: search API on loopback

Command: \`node --import tsx bench/load.ts ${duration}\` (after \`npm start\` has built the demo index).
Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}.
Date: ${new Date().toISOString()}. Server: \`sir serve\` (one Node process, @hono/node-server) on 127.0.0.1;
client: autocannon in another process, 10 connections, ${duration} s, ${queries.length} queries rotating
(top 10 with snippets, a third with a year filter). The client shares the 2 cores with the server.

| measure | value |
| --- | ---: |
| requests | ${result.requests.total} |
| requests/s (mean) | ${result.requests.average.toFixed(0)} |
| latency p50 | ${result.latency.p50} ms |
| latency p99 | ${result.latency.p99} ms |
| latency max | ${result.latency.max} ms |
| errors (non-2xx, timeouts, socket) | ${errors} |
| server RSS start / mean of first third / mean of last third / max | ${memory[0]!.toFixed(0)} / ${avg(memory.slice(0, third)).toFixed(0)} / ${avg(memory.slice(-third)).toFixed(0)} / ${Math.max(...memory).toFixed(0)} MB |
`;
writeFileSync('bench/LOAD.md', report);
console.log(report);
process.exit(errors === 0 ? 0 : 1);
