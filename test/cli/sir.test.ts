import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../runtime/cli/main.js';
import { INDEX_FILE } from '../../runtime/engine/index.js';
import {
  syntheticDocs,
  tempDir,
  TINY_CORPUS,
  TWO_THREAD_DOCS,
  writeCorpus,
} from '../fixtures/corpus.js';
import { SCIFACT_DIR, requireSciFact } from '../fixtures/external.js';
import { SIR } from '../fixtures/sir.js';

/** Runs `sir ARGS` in-process with captured output. */
async function sir(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        append(String(chunk));
        cb();
      },
    });
  const code = await main(args, {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
  });
  return { code, out, err };
}

/**
 * `node` arguments for a `sir` child: a resolve hook that writes `LOADED <url>` to stderr for each
 * module whose URL `modules` matches (synchronous hooks: Node 22.15+, which the caller checks).
 */
function reportLoads(modules: RegExp): string[] {
  const hook = `import { registerHooks } from 'node:module';
registerHooks({ resolve(s, c, next) { const r = next(s, c); if (${modules}.test(r.url)) process.stderr.write('LOADED ' + r.url + '\\n'); return r; } });`;
  return ['--import', `data:text/javascript,${encodeURIComponent(hook)}`];
}

describe('sir CLI', () => {
  let index: string;
  before(async () => {
    index = tempDir();
    const r = await sir('index', writeCorpus(TINY_CORPUS), '--out', index);
    assert.equal(r.code, 0, r.err);
  });

  it('lists commands and shows help for each', async () => {
    const r = await sir('--help');
    const listed = [...r.out.matchAll(/^ {2}([a-z-]+) +(.+)$/gm)];
    assert.deepEqual(
      listed.map((m) => m[1]),
      [
        'index',
        'search',
        'analyze',
        'run',
        'eval',
        'publish',
        'versions',
        'cost',
        'rollback',
        'serve',
        'demo',
        'upload',
        'loader-agent',
        'jobs',
      ],
    );
    // The table's words and the modules it loads agree: each help is the command's own.
    for (const [, name, summary] of listed) {
      assert.ok(summary!.length < 80, summary);
      const h = await sir(name!, '--help');
      assert.equal(h.code, 0);
      assert.match(h.out, new RegExp(`^Usage: sir ${name} `));
    }
    assert.match((await sir('search', '--help')).out, /--ranker NAME/);
    assert.equal((await sir('bogus')).code, 2);
  });

  it('imports only the command it runs: no server, job pipeline or AWS SDK for sir index', async function () {
    // A resolve hook in the child names every package it loads (synchronous hooks: Node 22.15+).
    if (typeof (await import('node:module')).registerHooks !== 'function') this.skip();
    const hook = reportLoads(/node_modules\/(hono|@hono|@aws-sdk|zod)\//);
    const corpus = writeCorpus(TINY_CORPUS);
    for (const args of [['--help'], ['index', corpus, '--out', tempDir()]]) {
      const r = spawnSync(process.execPath, [...hook, SIR, ...args], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /LOADED/, `sir ${args[0]}`);
    }
  });

  it("runs its sources through Node's type stripping, and through tsx where Node cannot strip", async function () {
    this.timeout(60_000);
    // Which loader ran: a resolve hook in the child says when tsx is loaded (Node 22.15+).
    if (typeof (await import('node:module')).registerHooks !== 'function') this.skip();
    const hook = reportLoads(/node_modules\/tsx\//);
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    const ways = [
      { flags: [], tsx: major < 24 || (major === 24 && minor < 3) },
      { flags: ['--no-experimental-strip-types'], tsx: true },
    ];
    // Two threads: the build workers load the sources the same way (runtime/load-typescript.mjs).
    const corpus = writeCorpus(syntheticDocs(TWO_THREAD_DOCS));
    for (const { flags, tsx } of ways) {
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [...flags, ...hook, SIR, ...args], { encoding: 'utf8' });
      const out = tempDir();
      const built = run('index', corpus, '--out', out, '--threads', '2');
      assert.equal(built.status, 0, built.stderr);
      assert.match(built.stderr, /, 2 threads, 2 segments, /, flags.join(' '));
      assert.equal(/LOADED .*\/tsx\//.test(built.stderr), tsx, `tsx ${tsx ? '' : 'not '}expected`);
      const found = run('search', '--index', out, 'w3');
      assert.equal(found.status, 0, found.stderr);
      assert.match(found.stdout, /^more than 10000 matching documents .*\n +1\. [\d.]+ +doc-\d+ /);
    }
  });

  it('indexes with plain progress lines when not on a terminal, saying how many threads built', async () => {
    // --threads 4 asks for up to four; a corpus under 16 MiB builds in one.
    const r = await sir('index', writeCorpus(TINY_CORPUS), '--out', tempDir(), '--threads', '4');
    assert.match(r.err, /indexing 100%/);
    assert.match(
      r.err,
      /indexed 3 documents in [\d.]+ s \([\d,]+ docs\/s, [\d.]+ MB\/s\), 1 thread, 1 segment, index /,
    );
  });

  it('searches as a table and as JSON', async () => {
    const t = await sir('search', '--index', index, 'carbon');
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /^3 matching documents/);
    const j = JSON.parse(
      (
        await sir(
          'search',
          '--index',
          index,
          '--json',
          '--k',
          '1',
          '--ranker',
          'dirichlet',
          '--mu',
          '500',
          'tax',
        )
      ).out,
    );
    assert.equal(j.hits.length, 1);
    assert.equal(j.hits[0].id, 'c');
  });

  it('says what is wrong with bad input', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['index', '/nonexistent.jsonl', '--out', tempDir()], 1, /corpus file not found/],
      [
        ['index', writeCorpus(['{"_id":1,"text":"a"}', '{broken']), '--out', tempDir()],
        1,
        /line 2: invalid JSON/,
      ],
      [
        [
          'index',
          writeCorpus([
            { _id: 1, text: 'a' },
            { id: 1, text: 'b' },
          ]),
          '--out',
          tempDir(),
        ],
        1,
        /duplicate document id "1"/,
      ],
      [['index', writeCorpus(['']), '--out', tempDir()], 1, /no documents/],
      [
        ['index', writeCorpus(TINY_CORPUS), '--out', tempDir(), '--stemmer', 'snowball'],
        2,
        /--stemmer must be porter or none/,
      ],
      [['index', writeCorpus(TINY_CORPUS)], 2, /--out DIR/],
      [
        ['index', writeCorpus(TINY_CORPUS), '--out', tempDir(), '--fields', 'title,nosuchfield'],
        1,
        /\nsir index: no document has "nosuchfield", so nothing could be found there \(documents with each field: title 3, nosuchfield 0\); the corpus has the keys _id, title, text, year, party/,
      ],
      [
        ['index', writeCorpus(['{"_id":1,"text":"a"}\r{"_id":2,"text":"b"}']), '--out', tempDir()],
        1,
        /sir index: line 1: the corpus ends its lines with CR alone/,
      ],
      [['search', '--index', tempDir(), 'x'], 1, /no index in/],
      [['search', '--index', index, '--k', '0', 'x'], 2, /--k must be an integer from 1/],
      [['search', '--index', index, '--ranker', 'tfidf', 'x'], 2, /--ranker must be one of/],
      [
        ['search', '--index', index, '--b', '2', 'x'],
        2,
        /--b must be a number from 0 to 1, got "2"/,
      ],
      [['search', '--index', index, '--frobnicate', 'x'], 2, /unknown option/i],
      [
        ['search', '--index', index, '--k1', '-1', 'x'],
        2,
        /^sir search: --k1 must be a number from 0 to 1000, got "-1"\n$/,
      ],
      [
        ['index', writeCorpus(TINY_CORPUS), '--out', tempDir(), '--threads', '-2'],
        2,
        /^sir index: --threads must be an integer from 1 to \d+, got "-2"\n$/,
      ],
      [
        ['search', '--index', index, '--k'],
        2,
        /^sir search: option '--k <value>' argument missing\n$/i,
      ],
      [
        ['eval', '--index', index, '--queries', '/nope.tsv', '--qrels', '/nope.tsv'],
        1,
        /^sir eval: cannot open \/nope\.tsv: it does not exist \(ENOENT\)\n$/,
      ],
    ];
    for (const [args, code, message] of cases) {
      const r = await sir(...args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, message, args.join(' '));
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    }
  });

  it('--skip-bad indexes the good lines and reports the bad ones', async () => {
    const r = await sir(
      'index',
      writeCorpus([{ _id: 1, text: 'a' }, '{oops', { _id: 2, text: 'b' }]),
      '--out',
      tempDir(),
      '--skip-bad',
    );
    assert.equal(r.code, 0);
    assert.match(r.err, /indexed 2 documents/);
    assert.match(r.err, /skipped line 2: invalid JSON/);
  });

  it('refuses a damaged index and one of an unknown format version', async () => {
    const damaged = tempDir();
    await sir('index', writeCorpus(TINY_CORPUS), '--out', damaged);
    const bytes = readFileSync(join(damaged, INDEX_FILE));
    bytes[bytes.length - 40] ^= 0xff;
    writeFileSync(join(damaged, INDEX_FILE), bytes);
    const r = await sir('search', '--index', damaged, 'tax');
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot open the index .*checksum|damaged|truncated/);
    bytes[8] = 7; // the header's version, and the footer's
    bytes[bytes.length - 12] = 7;
    writeFileSync(join(damaged, INDEX_FILE), bytes);
    assert.match(
      (await sir('search', '--index', damaged, 'tax')).err,
      /format version 7, this build reads version 6: rebuild the index with `sir index`/,
    );
  });

  it('shows how the index analyses a text', async () => {
    const table = await sir('analyze', '--index', index, "The runners' shoes of Café");
    assert.equal(table.code, 0, table.err);
    assert.equal(
      table.out,
      'TOKEN    TERM    POSITION\nrunners  runner  1\nshoes    shoe    2\nCafé     cafe    4\n',
    );
    const json = JSON.parse((await sir('analyze', '--index', index, '--json', 'Running')).out);
    assert.deepEqual(json, [{ token: 'Running', term: 'run', position: 0 }]);
    assert.equal((await sir('analyze', '--index', index)).code, 2);
  });

  it('writes a TREC run and evaluates it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'q.tsv'), 'q1\tcarbon tax\nq2\tcoal "power\n');
    writeFileSync(join(dir, 'qrels.tsv'), 'query-id\tcorpus-id\tscore\nq1\ta\t1\nq2\tb\t1\n');
    const run = await sir(
      'run',
      '--index',
      index,
      '--queries',
      join(dir, 'q.tsv'),
      '--qrels',
      join(dir, 'qrels.tsv'),
      '--out',
      join(dir, 'run.trec'),
    );
    assert.equal(run.code, 0, run.err);
    const lines = readFileSync(join(dir, 'run.trec'), 'utf8').trim().split('\n');
    assert.match(lines[0]!, /^q1 Q0 \S+ 1 [\d.]+ sir-bm25$/);
    const ev = await sir(
      'eval',
      '--index',
      index,
      '--queries',
      join(dir, 'q.tsv'),
      '--qrels',
      join(dir, 'qrels.tsv'),
      '--json',
    );
    const report = JSON.parse(ev.out);
    assert.equal(report.queries, 2);
    assert.equal(report.mean.recall_100, 1);
  });

  it('names the query id and line the engine refuses in sir run; --skip-bad leaves it out', async () => {
    const dir = tempDir();
    const queries = join(dir, 'q.tsv');
    writeFileSync(queries, `q1\tcarbon tax\n\nq2\t${'word '.repeat(1000)}\nq3\tcoal\n`);
    const out = join(dir, 'run.trec');
    const stopped = await sir('run', '--index', index, '--queries', queries, '--out', out);
    assert.equal(stopped.code, 1);
    assert.match(
      stopped.err,
      /^sir run: .*q\.tsv line 3: query "q2" cannot be searched: the query is 4999 bytes long; at most 4096 are accepted \(--skip-bad leaves such queries out\)\n$/m,
    );
    assert.equal(existsSync(out), false);
    const skipped = await sir(
      'run',
      '--index',
      index,
      '--queries',
      queries,
      '--out',
      out,
      '--skip-bad',
    );
    assert.equal(skipped.code, 0, skipped.err);
    assert.match(
      skipped.err,
      /skipped query "q2" \(.*q\.tsv line 3\): the query is 4999 bytes long/,
    );
    const qids = new Set(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]),
    );
    assert.deepEqual([...qids], ['q1', 'q3']);
    assert.deepEqual(readdirSync(dir).sort(), ['q.tsv', 'run.trec'], 'no temporary file left');
  });
});

/** Builds SciFact with `flags` and evaluates its 300 test queries (skips without ../shared). */
async function evalScifact(ctx: Mocha.Context, ...flags: string[]) {
  requireSciFact(ctx);
  const dir = tempDir();
  assert.equal(
    (await sir('index', join(SCIFACT_DIR, 'corpus.jsonl'), '--out', dir, ...flags)).code,
    0,
  );
  const r = await sir(
    'eval',
    '--index',
    dir,
    '--queries',
    join(SCIFACT_DIR, 'queries.jsonl'),
    '--qrels',
    join(SCIFACT_DIR, 'qrels/test.tsv'),
    '--json',
  );
  const report = JSON.parse(r.out);
  assert.equal(report.queries, 300);
  return report.mean as { ndcg_cut_10: number; recall_100: number };
}

describe('ranking quality on SciFact (BM25 k1=0.9 b=0.4, Porter, Lucene stop words)', function () {
  this.timeout(120_000);
  it('reaches nDCG@10 ≥ 0.675 through sir eval (Lucene/Anserini: 0.6789)', async function () {
    const mean = await evalScifact(this);
    assert.ok(mean.ndcg_cut_10 >= 0.675, `nDCG@10 ${mean.ndcg_cut_10}`);
    assert.ok(mean.recall_100 >= 0.92, `R@100 ${mean.recall_100}`);
  });

  it("gives Anserini's numbers with --norms lucene: nDCG@10 0.6789, R@100 0.9253", async function () {
    const mean = await evalScifact(this, '--norms', 'lucene');
    // Anserini's published BM25 flat run on SciFact, to its four digits.
    assert.equal(mean.ndcg_cut_10.toFixed(4), '0.6789');
    assert.equal(mean.recall_100.toFixed(4), '0.9253');
  });
});
