import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIndex } from '../../runtime/engine/index.js';
import {
  DEFAULT_ZIPF,
  writeZipfCorpus,
  zipfDocuments,
  zipfQueries,
} from '../../bench/corpus/zipf.js';
import { compareTops, latency, percentile } from '../../bench/stats.js';
import { tempDir } from '../fixtures/corpus.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SMALL = { ...DEFAULT_ZIPF, docs: 300, vocabulary: 2_000, meanLength: 40 };

describe('bench: the Zipf corpus', () => {
  it('generates distinct documents and distinct queries, the same for the same seed', () => {
    const docs = [...zipfDocuments({ ...SMALL, docs: 5_000 })];
    assert.equal(new Set(docs.map((d) => `${d.title}\n${d.text}`)).size, 5_000);
    const queries = zipfQueries(500, SMALL);
    assert.equal(queries.length, 500);
    assert.equal(new Set(queries.map((q) => q.split(' ').sort().join(' '))).size, 500);
    assert.deepEqual(zipfQueries(50, SMALL), queries.slice(0, 50));
    assert.deepEqual([...zipfDocuments(SMALL)].slice(0, 3), docs.slice(0, 3));
  });
});

describe('bench: statistics', () => {
  it('takes per-query medians, then mean / p50 / p99 over queries', () => {
    const l = latency([
      [5, 1, 3],
      [10, 30, 20],
      [2, 2, 100],
      [4, 4, 4],
    ]);
    // Medians 3, 20, 2, 4 → sorted 2, 3, 4, 20.
    assert.deepEqual(l, { mean: 29 / 4, p50: 3, p99: 20 });
    assert.equal(percentile([], 0.5), NaN);
  });

  it('compares top 10s by overlap, same set and same order', () => {
    const t = compareTops(
      [['a', 'b', 'c'], ['d', 'e'], [], ['x']],
      [['a', 'b', 'c'], ['e', 'd'], [], ['y']],
    );
    // Query 3 has no hits on either side: same (empty) set and order, not in the overlap mean.
    assert.deepEqual(t, { queries: 4, overlap: 2 / 3, sameSet: 3, sameOrder: 2 });
  });
});

describe('bench: index-core query runner (bench/ours-query.ts as a process)', function () {
  this.timeout(120_000);
  let dir: string;
  let queryFile: string;
  const runner = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'bench/ours-query.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });
  /** The runner's JSON line, after it exits 0. */
  const numbers = (args: string[]) => {
    const r = runner(args);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!);
  };
  before(async () => {
    dir = tempDir('sir-bench-');
    const corpus = join(dir, 'corpus.jsonl');
    await writeZipfCorpus(corpus, SMALL);
    buildIndex(corpus, join(dir, 'index'));
    queryFile = join(dir, 'queries.txt');
    writeFileSync(queryFile, [...zipfQueries(20, SMALL), 'qqqq'].join('\n') + '\n');
  });

  it('prints its numbers, checks exactness and writes one top-10 line per query', () => {
    const tops = join(dir, 'tops.txt');
    const r = numbers([join(dir, 'index'), queryFile, '2', tops, '--exact']);
    assert.equal(r.docs, 300);
    assert.equal(r.queries, 21);
    assert.equal(r.exact, 21);
    assert.equal(r.withHits, 20, 'the made-up word "qqqq" has no hits');
    for (const l of [r.counted, r.top, r.page])
      for (const k of ['mean', 'p50', 'p99']) assert.ok(Number.isFinite(l[k]) && l[k] > 0, k);
    const lines = readFileSync(tops, 'utf8').split('\n');
    assert.equal(lines.length, 22); // 21 lines and the final newline
    assert.equal(lines[20], '');
    for (const l of lines.slice(0, 20)) {
      const ids = l.split(' ');
      assert.ok(ids.length >= 1 && ids.length <= 10 && ids.every((id) => /^d\d+$/.test(id)), l);
    }
  });

  it('refuses a wrong command line with its usage (exit 2)', () => {
    const tops = join(dir, 'tops.txt');
    for (const args of [
      [dir],
      [join(dir, 'index'), queryFile, '1', tops, '--slowest'],
      [join(dir, 'index'), queryFile, '1', tops, '--slowest', '0'],
      [join(dir, 'index'), queryFile, '1', tops, '--slowest', '2', 'extra'],
    ]) {
      const r = runner(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /usage: ours-query\.ts INDEX_DIR QUERIES\.txt ROUNDS TOPS_OUT\.txt/);
    }
  });

  it('lists the slowest queries of the top-10-only row with --slowest N, slowest first', () => {
    const r = numbers([
      join(dir, 'index'),
      queryFile,
      '1',
      join(dir, 'tops.txt'),
      '--slowest',
      '3',
    ]);
    const queries = readFileSync(queryFile, 'utf8').split('\n');
    assert.equal(r.slowest.length, 3);
    for (const [us, q] of r.slowest) assert.ok(us > 0 && queries.includes(q), `${us} ${q}`);
    assert.ok(r.slowest[0][0] >= r.slowest[1][0] && r.slowest[1][0] >= r.slowest[2][0]);
    assert.ok(r.slowest[0][0] >= r.top.p99, 'the slowest query is at least the 99th percentile');
  });
});

describe('bench: npm run bench refuses unknown arguments and engines', () => {
  const bench = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });

  it('exits 2 with the usage on an unknown flag', () => {
    const r = bench(['--fast']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bench: unknown argument --fast; usage: npm run bench \[-- --quick\]/);
  });

  it('exits 2 on a run count that is not an integer ≥ 1', () => {
    const r = bench([], { BENCH_RUNS: '0' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bench: BENCH_RUNS must be an integer ≥ 1, not "0"/);
  });

  it('exits 2 naming the known engines on an unknown one', () => {
    const r = bench(['--quick'], { BENCH_ENGINES: 'wasm,elastic' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bench: unknown engine elastic \(known: wasm, native, lucene, tantivy,/);
  });
});

describe('bench: bench/pairs.ts refuses a count it cannot run', () => {
  for (const args of [['0'], ['six'], ['6', '7']])
    it(`exits 2 with the usage on ${args.join(' ')}`, () => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/pairs.ts', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      assert.equal(r.status, 2);
      assert.match(r.stderr, /usage: node --import tsx bench\/pairs\.ts \[PAIRS\]/);
    });
});

describe('bench: bench/analysis-diff.ts refuses a command line it cannot run', () => {
  for (const args of [[], ['corpus.jsonl'], ['corpus.jsonl', 'index', '0']])
    it(`exits 2 with the usage on [${args.join(' ')}]`, () => {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'bench/analysis-diff.ts', ...args],
        { cwd: ROOT, encoding: 'utf8' },
      );
      assert.equal(r.status, 2);
      assert.match(
        r.stderr,
        /usage: node --import tsx bench\/analysis-diff\.ts CORPUS\.jsonl INDEX_DIR/,
      );
    });
});
