/**
 * index-core through its TypeScript API (`SearchIndex`, WebAssembly) in a fresh process, the same
 * protocol as bench/lucene and bench/tantivy:
 * `node --import tsx bench/ours-query.ts INDEX_DIR QUERIES.txt ROUNDS TOPS_OUT.txt [--exact | --tops-only | --slowest N]`.
 *
 * Opens the index (timed), writes each query's top-10 external ids to TOPS_OUT (space-separated,
 * one line per query; the ids come from `pageHits`, the page-level call the app makes), times top
 * 10 with the exact total (`count: true`) and top 10 only — counted exactly up to Lucene's default
 * threshold of 1,000 and "at least" beyond, as Lucene's row is (`count: 1000`) — plain queries,
 * and the hit page of each query's top 10 (`pageHits`: stored documents, titles, snippets, what
 * the app adds to a search), three warm-up passes then ROUNDS timed rounds, and prints one JSON
 * line. With `--exact` it also checks every query's pruned top 10 against exhaustive scoring (the
 * engine's `exhaustive` option) and reports how many are equal; with `--tops-only` it writes the
 * tops and times nothing (the agreement run on the `--norms lucene` index); with `--slowest N` the
 * JSON also lists the N slowest queries of the top-10-only row, `[median µs, query]`, slowest first
 * (how bench/PROFILE.md times single queries; `SIR_WASM=M.wasm` names another module to compare).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SearchIndex } from '../runtime/engine/index.js';
import { latency, median, timeQueries, WARMUP_PASSES } from './stats.js';

const [dir, queryFile, roundsArg, topsOut, flag, ...rest] = process.argv.slice(2);
const rounds = Number(roundsArg);
const slowest = flag === '--slowest' ? Number(rest.shift()) : 0;
if (
  !dir ||
  !queryFile ||
  !topsOut ||
  !Number.isInteger(rounds) ||
  rounds < 1 ||
  (flag && flag !== '--exact' && flag !== '--tops-only' && flag !== '--slowest') ||
  (flag === '--slowest' && !(Number.isInteger(slowest) && slowest >= 1)) ||
  rest.length
) {
  console.error(
    'usage: ours-query.ts INDEX_DIR QUERIES.txt ROUNDS TOPS_OUT.txt [--exact | --tops-only | --slowest N] (ROUNDS, N: integers ≥ 1)',
  );
  process.exit(2);
}

const t0 = performance.now();
const index = SearchIndex.open(dir);
const openMs = performance.now() - t0;
const queries = readFileSync(queryFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim());

/** Lucene's default `totalHitsThreshold`: its "top 10 only" row counts exactly up to it. */
const LUCENE_COUNT_THRESHOLD = 1000;
const top = { size: 10, count: LUCENE_COUNT_THRESHOLD, plain: true };
const counted = { ...top, count: true };
let withHits = 0;
let totalHits = 0;
let exact = 0;
// The same checksum of top-10 doc ids as index-core/examples/bench_native.rs prints.
let checksum = 0n;
const pages: { docs: number[]; terms: string[] }[] = [];
const tops = queries.map((q) => {
  const r = index.search(q, counted);
  totalHits += r.total ?? 0;
  if (r.total) withHits++;
  if (flag === '--exact') {
    const pruned = index.search(q, top).hits;
    const all = index.search(q, { ...top, exhaustive: true }).hits;
    if (pruned.length === all.length && pruned.every((h, i) => h.doc === all[i]!.doc)) exact++;
  }
  for (const h of r.hits) checksum = (checksum * 1_000_003n + BigInt(h.doc + 1)) & (2n ** 64n - 1n);
  pages.push({ docs: r.hits.map((h) => h.doc), terms: r.terms });
  return index
    .pageHits(pages.at(-1)!.docs, r.terms)
    .map((h) => h.id)
    .join(' ');
});
writeFileSync(topsOut, tops.join('\n') + '\n');
if (flag === '--tops-only') {
  console.log(JSON.stringify({ docs: index.info.docCount, queries: queries.length, withHits }));
  process.exit(0);
}

const n = queries.length;
const countedTimes = await timeQueries(n, WARMUP_PASSES, rounds, (i) =>
  index.search(queries[i]!, counted),
);
const topTimes = await timeQueries(n, WARMUP_PASSES, rounds, (i) => index.search(queries[i]!, top));
const pageTimes = await timeQueries(n, WARMUP_PASSES, rounds, (i) =>
  index.pageHits(pages[i]!.docs, pages[i]!.terms),
);
console.log(
  JSON.stringify({
    docs: index.info.docCount,
    openMs,
    queries: n,
    withHits,
    totalHits,
    ...(flag === '--exact' ? { exact } : {}),
    checksum: String(checksum),
    counted: latency(countedTimes),
    top: latency(topTimes),
    page: latency(pageTimes),
    ...(slowest
      ? {
          slowest: topTimes
            .map((t, i) => [median(t), queries[i]!] as const)
            .sort((a, b) => b[0] - a[0])
            .slice(0, slowest),
        }
      : {}),
    sections: index.sectionSizes(),
  }),
);
index.free();
