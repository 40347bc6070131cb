/**
 * `buildIndex` through its file-system contract: scratch space is its own temporary folder, never
 * inside OUT and never someone else's `.segments`; a killed build leaves nothing in OUT and its
 * scratch is removed by the next build; the corpus may start with a byte-order mark; CR-only line
 * ends and fields no document has are refused with a sentence naming them.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EngineError,
  SearchIndex,
  buildIndex,
  type BuildOptions,
} from '../../runtime/engine/index.js';
import { syntheticDocs, tempDir, TINY_CORPUS, writeCorpus } from '../fixtures/corpus.js';
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
      [{ fields: ['nosuchfield'] }, /"nosuchfield"/],
      [{ fields: ['title', 'nosuchfield'], fieldMode: 'separate' }, /"nosuchfield"/],
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
});
