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
import { syntheticDocs, tempDir, TWO_THREAD_DOCS, writeCorpus } from '../fixtures/corpus.js';
import { sirChild } from '../fixtures/sir.js';

const sha256 = (dir: string) =>
  createHash('sha256')
    .update(readFileSync(join(dir, 'index.sir')))
    .digest('hex');

describe('engine: a streamed merge writes the bytes it wrote when the format version came', function () {
  this.timeout(300_000);
  let corpus: string;
  before(() => {
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

  it('two threads, with many and with 2 segments; the index verifies and answers', async () => {
    // Two threads need 16 MiB: a corpus of its own, whose digests were taken with this format
    // version's earlier writer too (the module before the builder analysed each spelling once).
    const large = writeCorpus(syntheticDocs(TWO_THREAD_DOCS));
    const out = tempDir();
    const r = await buildIndexParallel(large, out, { memoryBudgetMb: 1, threads: 2 });
    assert.deepEqual([r.threads, r.segments], [2, 36]);
    assert.equal(sha256(out), '2b25ff44884bbb8bbff3dc85bc3e0fbe4261f650dc0247a860464832aa14861e');
    const out2 = tempDir();
    const r2 = await buildIndexParallel(large, out2, { threads: 2 });
    assert.deepEqual([r2.threads, r2.segments], [2, 2]);
    assert.equal(sha256(out2), 'f398d9188791595ac8a4f5f54f435b4b18ceefaa254dc9206448b63e0feb05b4');
    const index = SearchIndex.open(out2, { verify: 'all' });
    try {
      assert.equal(index.info.docCount, TWO_THREAD_DOCS);
      assert.ok(index.search('w1 w2', { size: 3 }).hits.length === 3);
    } finally {
      index.free();
    }
  });

  it('sir index on SciFact, merged from 4 MB segments; --threads 2 builds its 8 MB in one thread', async function () {
    requireExternal(this, 'SciFact', SCIFACT_DIR, 'see test/fixtures/external.ts');
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
      assert.match(c.output(), /, 1 thread, 6 segments, /, `--threads ${threads}`);
      assert.equal(
        sha256(out),
        // Taken when the builder began to count the memory of the spellings it remembers: its
        // segments fill 4 MB sooner (6, where there were 4 with e9999aac…), and stored blocks
        // follow the segments (a merge copies them).
        'cc00c7bec15e535c250f971f07cdca4677332d0d05be03b317da724b33c42d85',
        `--threads ${threads}`,
      );
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
