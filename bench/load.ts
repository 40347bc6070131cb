/**
 * Bounded load test of the search API on loopback: serves the demo index (built into .sir/demo
 * as `npm start` does, if missing) with `sir serve` in a child process, drives it with autocannon for DURATION seconds
 * over a rotating set of queries, samples the server's resident memory every second, and writes
 * bench/LOAD.md. Stops by itself.
 *
 *   node --import tsx bench/load.ts [DURATION_SECONDS=30]
 */
import autocannon from 'autocannon';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { DEMO_QUERIES, DEMO_SEARCH_PATHS, ensureDemoIndex, startChild } from './demo-server.js';

const duration = Number(process.argv[2] ?? 30);
const indexDir = ensureDemoIndex();
const port = 18787;
const server = await startChild(
  ['bin/sir.mjs', 'serve', '--index', indexDir, '--port', String(port)],
  port,
);

const rssMb = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]) / 1024;
const memory: number[] = [rssMb()];
const sampler = setInterval(() => memory.push(rssMb()), 1000);
const result = await autocannon({
  url: `http://127.0.0.1:${port}`,
  connections: 10,
  duration,
  requests: DEMO_SEARCH_PATHS.map((path) => ({ method: 'GET', path })),
});
clearInterval(sampler);
server.kill('SIGTERM');

const errors = result.errors + result.timeouts + result.non2xx;
const third = Math.max(1, Math.floor(memory.length / 3));
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const report = `# Load test: search API on loopback

Command: \`node --import tsx bench/load.ts ${duration}\`.
Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}.
Date: ${new Date().toISOString()}. Server: \`sir serve\` (one Node process, runtime/server/ with its default limits) on 127.0.0.1;
client: autocannon in another process, 10 connections, ${duration} s, ${DEMO_QUERIES.length} queries rotating
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
