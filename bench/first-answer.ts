/**
 * The first answer from process start through builds of the search Lambda, side by side: the
 * probe `first-query.ts` (bundled as `npm run bench` bundles it) runs against each bundle folder
 * in turn, alternating, over the same index store, and the medians of its numbers are printed —
 * `import` (the bundle's module init), `answer` (open, search, hit page) and `total` (from process
 * start). For measuring a change to the cold start: build the bundle before and after it
 * (`npm run build`, then copy `dist/lambda/search` aside) and give both folders.
 *
 *   node --import tsx bench/first-answer.ts STORE "QUERY" BUNDLE_DIR [BUNDLE_DIR...] [RUNS]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleProbe } from './engines.js';
import { median } from './stats.js';

const args = process.argv.slice(2);
const runs = /^\d+$/.test(args.at(-1) ?? '') ? Number(args.pop()) : 10;
const [store, query, ...bundles] = args;
if (!store || !query || bundles.length === 0 || !(runs > 0)) {
  console.error(
    'usage: node --import tsx bench/first-answer.ts STORE "QUERY" BUNDLE_DIR [BUNDLE_DIR...] [RUNS]',
  );
  process.exit(2);
}
for (const b of bundles)
  if (!existsSync(join(b, 'index.mjs'))) {
    console.error(`first-answer: ${b} has no index.mjs; give a copy of dist/lambda/search`);
    process.exit(2);
  }
const probe = bundleProbe();
type Probe = { importMs: number; answerMs: number; totalMs: number };
const seen = new Map<string, Probe[]>(bundles.map((b) => [b, []]));
for (let i = 0; i < runs; i++)
  for (const b of bundles) {
    const r = spawnSync(process.execPath, [probe, join(resolve(b), 'index.mjs'), query], {
      env: { ...process.env, INDEX_DIR: resolve(store) },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`${b}: the probe failed: ${r.stderr.slice(-300)}`);
    seen.get(b)!.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as Probe);
  }
const ms = (probes: Probe[], k: keyof Probe) => median(probes.map((p) => p[k])).toFixed(0);
console.log(`| bundle | import ms | answer ms | total ms |\n|---|---:|---:|---:|`);
for (const [b, probes] of seen)
  console.log(
    `| ${b} | ${ms(probes, 'importMs')} | ${ms(probes, 'answerMs')} | ${ms(probes, 'totalMs')} |`,
  );
console.log(
  `\nMedians of ${runs} alternating runs each; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}.`,
);
