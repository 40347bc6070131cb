/**
 * The engine writes segments and merged indexes through a sink (`index-sink.ts`): the lazy
 * sections are staged in the build's scratch folder and spliced into the file, which is never held
 * whole. The bytes must not change unless the format version does: the digests below were taken
 * when format version 6 came (the version-2 ones from the writer that assembled the whole file in
 * WebAssembly memory, before streaming, matched the streamed files). A merge that
 * fails partway leaves neither a staged file nor a partial index.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIndex, buildIndexParallel, SearchIndex } from '../../runtime/engine/index.js';
import { requireExternal, SCIFACT_DIR } from '../fixtures/external.js';
import { syntheticDocs, tempDir, writeCorpus } from '../fixtures/corpus.js';
import { sirChild } from '../fixtures/sir.js';

const sha256 = (dir: string) =>
  createHash('sha256')
    .update(readFileSync(join(dir, 'index.sir')))
    .digest('hex');

describe('engine: a streamed merge writes the bytes it wrote when the format version came', function () {
  this.timeout(300_000);
  let corpus: string;
  before(() => {
    // Over the 4 MB below which a build runs in one thread.
    corpus = writeCorpus(syntheticDocs(20_000));
  });

  it('one thread, 20 segments merged', () => {
    const out = tempDir();
    const r = buildIndex(corpus, out, { memoryBudgetMb: 1 });
    assert.equal(r.segments, 20);
    assert.equal(sha256(out), 'c5b82729c9fbc8f69b96414a829d82fe4ccc8d5750c81f1e813eb57d25091bf2');
  });

  it('one segment, copied as it is', () => {
    const out = tempDir();
    assert.equal(buildIndex(corpus, out).segments, 1);
    assert.equal(sha256(out), 'f88bf0b721b70b414b7ef00726e2b5c92c8b2b47f3593b4b399773a34591e49d');
  });

  it('two threads, with 20 and with 2 segments; the index verifies and answers', async () => {
    const out = tempDir();
    const r = await buildIndexParallel(corpus, out, { memoryBudgetMb: 1, threads: 2 });
    assert.equal(r.segments, 20);
    assert.equal(sha256(out), '6c3fa768b10c2a6a1d426b0a475706f197ea99fa44768207e2339689fe96c2e7');
    const out2 = tempDir();
    assert.equal((await buildIndexParallel(corpus, out2, { threads: 2 })).segments, 2);
    assert.equal(sha256(out2), '377276a0a1aee1be4fcd6c98652f6601061a0ac3a973361de3984c2e8ccc7780');
    const index = SearchIndex.open(out2, { verify: 'all' });
    try {
      assert.equal(index.info.docCount, 20_000);
      assert.ok(index.search('w1 w2', { size: 3 }).hits.length === 3);
    } finally {
      index.free();
    }
  });

  it('sir index on SciFact, one and two threads, merged from 4 MB segments', async function () {
    requireExternal(this, 'SciFact', SCIFACT_DIR, 'see test/fixtures/external.ts');
    const expected = {
      1: 'e9999aacedd60a8f4521b00285579c641e424753e55aa1b2deb441bf68ccbab1',
      2: '2995a8c5d31a24212f68da56c08c81796743603b243889ae93cabc98f76d4fb2',
    };
    for (const threads of [1, 2] as const) {
      const out = join(tempDir(), 'out');
      const c = sirChild([
        'index',
        join(SCIFACT_DIR, 'corpus.jsonl'),
        '--out',
        out,
        '--memory-mb',
        '4',
        '--threads',
        String(threads),
      ]);
      assert.equal(await c.exit, 0, c.output());
      assert.equal(sha256(out), expected[threads], `--threads ${threads}`);
    }
  });
});

describe('engine: a merge that fails leaves nothing behind', function () {
  this.timeout(120_000);

  it('a duplicate id across segments: one line, no index, no staged section, no scratch', async () => {
    const docs = syntheticDocs(4000);
    const dir = tempDir();
    const corpus = writeCorpus([...docs, { ...docs[0]!, title: 'again' }], dir);
    const out = join(dir, 'out');
    const scratch = tempDir();
    // As a process, so that only the build sees TMPDIR and every file it stages is in `scratch`
    // (tsx, which runs it from source, caches nothing there).
    const c = sirChild(['index', corpus, '--out', out, '--memory-mb', '1', '--threads', '1'], {
      TMPDIR: scratch,
      TSX_DISABLE_CACHE: '1',
    });
    assert.equal(await c.exit, 1, c.output());
    assert.match(c.output(), /^sir index: .*duplicate document id "doc-0"/m);
    assert.equal(existsSync(out), false, 'the folder the build made is removed');
    assert.deepEqual(readdirSync(scratch), [], 'the scratch folder and its staged files are gone');
    assert.deepEqual(readdirSync(dir), ['corpus.jsonl']);
  });
});
