/**
 * `buildIndex` through its file-system contract: scratch space is its own temporary folder, never
 * inside OUT and never someone else's `.segments`; a killed build leaves nothing in OUT and its
 * scratch is removed by the next build; the corpus may start with a byte-order mark; CR-only line
 * ends and fields no document has are refused with a sentence naming them. The multi-threaded
 * build (`buildIndexParallel`) keeps the same contract.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EngineError,
  SearchIndex,
  buildIndex,
  buildIndexParallel,
  threadsFor,
  type BuildOptions,
} from '../../runtime/engine/index.js';
import {
  syntheticDocs,
  tempDir,
  TINY_CORPUS,
  TWO_THREAD_DOCS,
  writeCorpus,
} from '../fixtures/corpus.js';
import { sirChild } from '../fixtures/sir.js';

const scratchOf = (pid: number) =>
  readdirSync(tmpdir()).filter((n) => n.startsWith(`sir-build-${pid}-`));

describe('engine: buildIndex and the file system', function () {
  this.timeout(120_000);

  it('spills segments to a scratch folder of its own, leaves a user’s .segments alone, writes only index.sir', () => {
    const out = tempDir();
    mkdirSync(join(out, '.segments'));
    writeFileSync(join(out, '.segments', 'mine.txt'), 'keep');
    const r = buildIndex(writeCorpus(syntheticDocs(4000)), out, { memoryBudgetMb: 1 });
    assert.ok(r.segments >= 2, `spilled ${r.segments} segments`);
    assert.deepEqual(readdirSync(out).sort(), ['.segments', 'index.sir']);
    assert.equal(readFileSync(join(out, '.segments', 'mine.txt'), 'utf8'), 'keep');
    assert.deepEqual(scratchOf(process.pid), []);
  });

  it('a build killed while it spills leaves nothing in OUT; the next build removes its scratch', async () => {
    const dir = tempDir();
    const corpus = writeCorpus(syntheticDocs(30_000), dir);
    const out = join(dir, 'out');
    const child = sirChild(['index', corpus, '--out', out, '--memory-mb', '1']);
    const pid = child.child.pid!;
    const deadline = Date.now() + 60_000;
    // Kill it once it has written a segment to its scratch folder.
    while (
      !scratchOf(pid).some((s) => readdirSync(join(tmpdir(), s)).length > 0) &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(scratchOf(pid).length, 1, `the build's scratch folder: ${child.output()}`);
    child.child.kill('SIGKILL');
    await child.exit;
    assert.deepEqual(readdirSync(out), [], 'nothing in --out');
    buildIndex(writeCorpus(TINY_CORPUS), tempDir());
    assert.deepEqual(scratchOf(pid), [], 'the dead build’s scratch is gone');
  });

  it('reads a corpus that starts with a UTF-8 byte-order mark', () => {
    const dir = tempDir();
    const corpus = join(dir, 'bom.jsonl');
    writeFileSync(
      corpus,
      '\uFEFF' + TINY_CORPUS.map((d) => JSON.stringify(d)).join('\r\n') + '\r\n',
    );
    const out = join(dir, 'idx');
    assert.equal(buildIndex(corpus, out).docs, 3);
    const index = SearchIndex.open(out);
    assert.notEqual(index.lookup('a'), undefined, 'the first id is "a", not "\\uFEFFa"');
    index.free();
  });

  it('names CR-only line ends instead of reporting invalid JSON', () => {
    const dir = tempDir();
    const corpus = join(dir, 'mac.jsonl');
    writeFileSync(corpus, TINY_CORPUS.map((d) => JSON.stringify(d)).join('\r') + '\r');
    assert.throws(
      () => buildIndex(corpus, join(dir, 'idx')),
      (e: unknown) =>
        e instanceof EngineError &&
        e.code === 'bad-document' &&
        /^line 1: the corpus ends its lines with CR alone/.test(e.message),
    );
    assert.equal(existsSync(join(dir, 'idx')), false);
    // A lone CR inside an object is JSON whitespace, not a line end.
    writeFileSync(corpus, '{"_id":"x",\r"text":"fine"}\n');
    assert.equal(buildIndex(corpus, join(dir, 'idx')).docs, 1);
  });

  it('refuses fields no document has, naming the keys the corpus has', () => {
    const corpus = writeCorpus(TINY_CORPUS);
    const cases: Array<[BuildOptions, RegExp]> = [
      [{ fields: ['nosuchfield'] }, /no document has "nosuchfield"/],
      [{ fields: ['title', 'nosuchfield'], fieldMode: 'separate' }, /"nosuchfield"/],
      // Combined with a field that has text, the missing one is refused all the same.
      [
        { fields: ['title', 'nosuchfield'] },
        /no document has "nosuchfield", so nothing could be found there \(documents with each field: title 3, nosuchfield 0\)/,
      ],
      // Present in every document but only stop words: the indexed field is empty.
      [
        { fields: ['party'], stopwords: ['green', 'whig'] },
        /no document has text to index in "party"/,
      ],
    ];
    for (const [options, what] of cases) {
      const out = tempDir();
      assert.throws(
        () => buildIndex(corpus, out, options),
        (e: unknown) =>
          e instanceof EngineError &&
          e.code === 'bad-options' &&
          what.test(e.message) &&
          e.message.includes('the corpus has the keys _id, title, text, year, party'),
      );
      assert.deepEqual(readdirSync(out), []);
    }
  });

  it('starts at most one thread per 8 MiB, at least one, the cores when not asked', () => {
    const MiB = 2 ** 20;
    assert.equal(threadsFor(16 * MiB - 1, 2), 1);
    assert.equal(threadsFor(16 * MiB, 2), 2);
    assert.equal(threadsFor(100 * MiB, 3.7), 3);
    assert.equal(threadsFor(0, 4), 1);
    for (const asked of [0, -2]) assert.equal(threadsFor(100 * MiB, asked), 1, `${asked}`);
    // Not a number of threads: the default.
    for (const asked of [NaN, Infinity])
      assert.equal(threadsFor(1e12, asked), availableParallelism(), `${asked}`);
    assert.equal(threadsFor(1e12), availableParallelism());
  });

  it('the multi-threaded build keeps the contract: scratch outside OUT, byte-order mark, empty fields', async () => {
    const docs = syntheticDocs(TWO_THREAD_DOCS);
    const dir = tempDir();
    const corpus = join(dir, 'bom.jsonl');
    writeFileSync(corpus, '\uFEFF' + docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
    const out = join(dir, 'idx');
    mkdirSync(join(out, '.segments'), { recursive: true });
    const r = await buildIndexParallel(corpus, out, { threads: 2, memoryBudgetMb: 2 });
    assert.equal(r.docs, TWO_THREAD_DOCS);
    assert.equal(r.threads, 2);
    assert.ok(r.segments >= 2, `two workers, ${r.segments} segments`);
    assert.deepEqual(readdirSync(out).sort(), ['.segments', 'index.sir']);
    assert.deepEqual(scratchOf(process.pid), []);
    const index = SearchIndex.open(out);
    assert.notEqual(
      index.lookup('doc-0'),
      undefined,
      'the first id is "doc-0", not "\\uFEFFdoc-0"',
    );
    index.free();

    const empty = tempDir();
    await assert.rejects(
      buildIndexParallel(corpus, empty, { threads: 2, fields: ['nosuchfield'] }),
      (e: unknown) =>
        e instanceof EngineError && e.code === 'bad-options' && /"nosuchfield"/.test(e.message),
    );
    assert.deepEqual(readdirSync(empty), []);
    assert.deepEqual(scratchOf(process.pid), []);
  });

  it('a thread whose part of the corpus is only skipped lines adds nothing and fails nothing', async () => {
    // The second half of the bytes is malformed lines: the second worker has no document.
    const good = syntheticDocs(TWO_THREAD_DOCS / 2);
    const goodBytes = good.reduce((n, d) => n + JSON.stringify(d).length + 1, 0);
    const bad = Array.from(
      { length: Math.ceil(goodBytes / 1000) + 10 },
      () => `{${'x'.repeat(998)}`,
    );
    const out = tempDir();
    const r = await buildIndexParallel(writeCorpus([...good, ...bad]), out, {
      threads: 2,
      skipBad: true,
    });
    assert.equal(r.threads, 2);
    assert.equal(r.docs, TWO_THREAD_DOCS / 2);
    assert.equal(r.skipped.length, bad.length);
    assert.equal(r.skipped[0]!.line, TWO_THREAD_DOCS / 2 + 1);
  });
});
