/**
 * Runs one JavaScript library on one corpus, in its own process (so each library gets a clean heap):
 * `node --import tsx bench/lib-runner.ts LIB CORPUS.jsonl QUERIES.txt OUT.json` (one query a line).
 * Writes JSON to OUT.json: build time and size, the latency of top-10 queries (mean / p50 / p99 of
 * the per-query medians, bench/stats.ts) and each query's top-10 ids.
 *
 * Every library gets title+text as one field (`body`), analysed by `analyze.ts` (the same terms as
 * our engine), and no fuzzy or prefix matching where the library allows turning it off:
 * - MiniSearch: BM25 with k=0.9, b=0.4, d=0 (its BM25+ delta off), OR, fuzzy/prefix off; its
 *   boost by the number of matched query terms is divided out before taking the top 10.
 * - Orama: BM25 relevance k=0.9, b=0.4, d=0; tolerance 0; threshold 1 (any term). Orama always
 *   prefix-matches in its radix tree, so the tokenizer appends a terminator to every term to make
 *   prefix matches exact matches. Orama's BM25 uses tf = count / field length (no option to change
 *   it), so its ranking differs from textbook BM25.
 * - lunr: BM25 k1=0.9, b=0.4; queries built with `query()` (each term optional, no wildcards).
 * - FlexSearch: `Index` with `tokenize: "strict"`, `suggest: true` (so results need not contain
 *   every term). Its ranking is not BM25 (term position/resolution based).
 * Build time includes reading and parsing the JSONL. If adding documents passes BUILD_BUDGET_S,
 * the build stops there and the result says how many documents were indexed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import MiniSearch from 'minisearch';
import * as orama from '@orama/orama';
import lunr from 'lunr';
import FlexSearch from 'flexsearch';
import { analyze } from './analyze.js';
import { latency } from './stats.js';

// Time caps that keep the whole benchmark near 10 minutes on a 2-core machine (see RESULTS.md).
const BUILD_BUDGET_S = Number(process.env.BENCH_BUILD_BUDGET_S ?? 75);
const FIRST_PASS_BUDGET_S = Number(process.env.BENCH_FIRST_PASS_BUDGET_S ?? 45);
const QUERY_BUDGET_S = Number(process.env.BENCH_QUERY_BUDGET_S ?? 15);

interface Engine {
  add(id: string, body: string): void;
  finish(): void;
  search(q: string): string[] | Promise<string[]>;
  serialize(): Promise<number>;
}

function minisearch(): Engine {
  const ms = new MiniSearch<{ id: string; body: string }>({
    fields: ['body'],
    idField: 'id',
    tokenize: (text) => analyze(text),
    processTerm: (t) => t,
    searchOptions: {
      fuzzy: false,
      prefix: false,
      combineWith: 'OR',
      bm25: { k: 0.9, b: 0.4, d: 0 },
    },
  });
  return {
    add: (id, body) => ms.add({ id, body }),
    finish: () => {},
    // MiniSearch multiplies each score by the number of query terms matched; divide it back out
    // for plain BM25 (it already returns and sorts every match, so this re-sort is the same work).
    search: (q) =>
      ms
        .search(q)
        .map((r) => ({ id: r.id, s: r.score / Math.max(1, r.terms.length) }))
        .sort((a, b) => b.s - a.s)
        .slice(0, 10)
        .map((r) => String(r.id)),
    serialize: async () => jsonBytes(ms),
  };
}

function oramaEngine(): Engine {
  const tokenizer = {
    language: 'english',
    normalizationCache: new Map(),
    tokenize: (raw: string) => analyze(raw).map((t) => t + '\u0001'),
  };
  const db = orama.create({ schema: { body: 'string' } as const, components: { tokenizer } });
  return {
    add: (id, body) => {
      const r = orama.insert(db, { id, body } as never);
      if (r instanceof Promise) throw new Error('orama insert went async');
    },
    finish: () => {},
    search: async (q) => {
      const r = await orama.search(db, {
        term: q,
        properties: ['body'],
        limit: 10,
        tolerance: 0,
        threshold: 1,
        relevance: { k: 0.9, b: 0.4, d: 0 },
      });
      return r.hits.map((h) => String(h.id));
    },
    serialize: async () => jsonBytes(orama.save(db)),
  };
}

function lunrEngine(): Engine {
  const fn = (token: { toString(): string; update(f: () => string): unknown }) => {
    const t = analyze(token.toString());
    return t.length ? t.map((s) => (token as any).clone(() => s)) : undefined;
  };
  lunr.Pipeline.registerFunction(fn, 'benchAnalyze');
  lunr.tokenizer.separator = /[^\p{L}\p{N}]+/u;
  const builder = new lunr.Builder();
  builder.pipeline.add(fn);
  builder.ref('id');
  builder.field('body');
  builder.k1(0.9);
  builder.b(0.4);
  let idx: any;
  return {
    add: (id, body) => builder.add({ id, body }),
    finish: () => {
      idx = builder.build();
    },
    search: (q) => {
      const terms = analyze(q);
      return idx
        .query((query: any) => {
          for (const t of terms)
            query.term(t, { usePipeline: false, wildcard: lunr.Query.wildcard.NONE });
        })
        .slice(0, 10)
        .map((r: { ref: string }) => r.ref);
    },
    serialize: async () => jsonBytes(idx),
  };
}

function flexsearch(): Engine {
  const index = new (FlexSearch as any).Index({
    tokenize: 'strict',
    encode: (s: string) => analyze(s),
  });
  const ids: string[] = [];
  return {
    add: (id, body) => {
      index.add(ids.length, body);
      ids.push(id);
    },
    finish: () => {},
    search: (q) => (index.search(q, { limit: 10, suggest: true }) as number[]).map((i) => ids[i]!),
    serialize: async () => {
      let bytes = 0;
      await index.export((key: string, data: string) => {
        bytes += Buffer.byteLength(key) + Buffer.byteLength(data ?? '');
      });
      return bytes;
    },
  };
}

/**
 * UTF-8 bytes of `JSON.stringify(value)`, piecewise when the whole string would pass V8's maximum
 * string length (Orama's `save()` on 100k documents does).
 */
function jsonBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch (err) {
    if (!(err instanceof RangeError) || value === null || typeof value !== 'object') throw err;
    const v = (value as { toJSON?: () => unknown }).toJSON
      ? (value as { toJSON: () => unknown }).toJSON()
      : value;
    if (Array.isArray(v))
      return 2 + Math.max(0, v.length - 1) + v.reduce((n: number, x) => n + jsonBytes(x), 0);
    const entries = Object.entries(v as object).filter(
      ([, x]) => x !== undefined && typeof x !== 'function',
    );
    return (
      2 +
      Math.max(0, entries.length - 1) +
      entries.reduce((n, [k, x]) => n + Buffer.byteLength(JSON.stringify(k)) + 1 + jsonBytes(x), 0)
    );
  }
}

const ENGINES: Record<string, () => Engine> = {
  minisearch,
  orama: oramaEngine,
  lunr: lunrEngine,
  flexsearch,
};

async function main() {
  const [lib, corpusPath, queriesPath, outPath] = process.argv.slice(2) as [
    string,
    string,
    string,
    string,
  ];
  const queries = readFileSync(queriesPath, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  const make = ENGINES[lib];
  if (!make)
    throw new Error(`lib-runner: unknown library ${lib} (${Object.keys(ENGINES).join(', ')})`);
  const t0 = process.hrtime.bigint();
  const engine = make();
  const text = readFileSync(corpusPath, 'utf8');
  let docs = 0;
  let capped = false;
  let start = 0;
  const budget = BigInt(BUILD_BUDGET_S * 1e9);
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (!line.trim()) continue;
    const d = JSON.parse(line) as { _id: string; title?: string; text?: string };
    engine.add(d._id, `${d.title ?? ''} ${d.text ?? ''}`);
    docs++;
    if ((docs & 1023) === 0 && process.hrtime.bigint() - t0 > budget) {
      capped = true;
      break;
    }
  }
  engine.finish();
  const buildS = Number(process.hrtime.bigint() - t0) / 1e9;
  const indexBytes = await engine.serialize();

  // First pass (warm-up, and the overlap), stopped after FIRST_PASS_BUDGET_S; then as many timed
  // rounds over the queries it reached as fit QUERY_BUDGET_S (up to 5). If not even one round fits,
  // the first pass's own times are used (rounds = 0).
  const tops: string[][] = [];
  const firstTimes: number[] = [];
  const tw = process.hrtime.bigint();
  for (const q of queries) {
    const t = process.hrtime.bigint();
    tops.push(await engine.search(q));
    firstTimes.push(Number(process.hrtime.bigint() - t) / 1e3);
    if (Number(process.hrtime.bigint() - tw) / 1e9 > FIRST_PASS_BUDGET_S) break;
  }
  const reached = tops.length;
  const warmS = Number(process.hrtime.bigint() - tw) / 1e9;
  const rounds = Math.max(0, Math.min(5, Math.floor(QUERY_BUDGET_S / Math.max(warmS, 1e-6))));
  const times: number[][] = firstTimes.map((t) => (rounds === 0 ? [t] : []));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < reached; i++) {
      const t = process.hrtime.bigint();
      await engine.search(queries[i]!);
      times[i]!.push(Number(process.hrtime.bigint() - t) / 1e3);
    }
  }
  const result = {
    lib,
    docs,
    capped,
    buildS,
    indexBytes,
    rounds,
    queries: reached,
    latency: latency(times),
    tops,
    heapMb: process.memoryUsage().heapUsed / 2 ** 20,
  };
  writeFileSync(outPath, JSON.stringify(result));
}

await main();
