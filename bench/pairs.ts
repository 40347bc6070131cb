/**
 * Top 10 only, index-core (WebAssembly, through `SearchIndex`) against Lucene, alternated in pairs
 * so that each pair shares the machine's minute: `node --import tsx bench/pairs.ts [PAIRS]`
 * (default 6), after an `npm run bench` has left its corpus, queries and indexes in bench/.work/.
 * Prints each pair's mean and p99 (µs) and their ratios, then the medians over the pairs: firmer
 * ratios on a noisy machine than processes minutes apart. The processes are the benchmark's own
 * (bench/ours-query.ts and bench/lucene's `query`), with its rounds.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastJson, luceneCommand, run, WORK } from './engines.js';
import { median, type Latency } from './stats.js';

const arg = process.argv[2] ?? '6';
if (!/^[1-9][0-9]*$/.test(arg) || process.argv.length > 3) {
  console.error('usage: node --import tsx bench/pairs.ts [PAIRS] (a positive integer, default 6)');
  process.exit(2);
}
const pairs = Number(arg);
const ROUNDS = '5';
const index = join(WORK, 'zipf-100k-wasm-index');
const luceneIndex = join(WORK, 'zipf-100k-lucene-index-1');
const queries = join(WORK, 'zipf-100k-queries.txt');
const lucene = luceneCommand();
const jar = lucene.args.at(-1)!;
for (const need of [index, luceneIndex, queries, jar])
  if (!existsSync(need)) {
    console.error(`bench/pairs.ts: ${need} is missing: run npm run bench first`);
    process.exit(1);
  }

const tops = mkdtempSync(join(tmpdir(), 'sir-pairs-'));
const rows: { wasm: Latency; lucene: Latency }[] = [];
try {
  for (let i = 1; i <= pairs; i++) {
    const ours = run(process.execPath, [
      '--import',
      'tsx',
      'bench/ours-query.ts',
      index,
      queries,
      ROUNDS,
      join(tops, 'ours.txt'),
    ]);
    const theirs = run(
      lucene.cmd,
      [...lucene.args, 'query', luceneIndex, queries, ROUNDS, join(tops, 'lucene.txt')],
      { env: lucene.env },
    );
    const row = {
      wasm: lastJson<{ top: Latency }>(ours.out).top,
      lucene: lastJson<{ top: Latency }>(theirs.out).top,
    };
    rows.push(row);
    console.log(
      `pair ${i}: wasm ${row.wasm.mean.toFixed(0)} / ${row.wasm.p99.toFixed(0)} µs, Lucene ${row.lucene.mean.toFixed(0)} / ${row.lucene.p99.toFixed(0)} µs, ratio ${(row.wasm.mean / row.lucene.mean).toFixed(2)} / ${(row.wasm.p99 / row.lucene.p99).toFixed(2)}`,
    );
  }
} finally {
  rmSync(tops, { recursive: true, force: true });
}
for (const k of ['mean', 'p99'] as const) {
  const w = median(rows.map((r) => r.wasm[k]));
  const l = median(rows.map((r) => r.lucene[k]));
  const ratios = median(rows.map((r) => r.wasm[k] / r.lucene[k]));
  console.log(
    `median ${k}: wasm ${w.toFixed(0)} µs, Lucene ${l.toFixed(0)} µs (${(w / l).toFixed(2)}×); median of the pairs' ratios ${ratios.toFixed(2)}×`,
  );
}
