/**
 * The engine writes segments and merged indexes through a sink (`index-sink.ts`): the lazy
 * sections are staged in the build's scratch folder and spliced into the file, which is never held
 * whole. The bytes must not change unless the format version or the engine's writer does: the
 * digests below were taken when the stored blocks' DEFLATE became index-core's own (2026-12-04,
 * format version 6; the version-2 ones from the writer that assembled the whole file in
 * WebAssembly memory, before streaming, matched the streamed files). A merge that fails partway
 * leaves neither a staged file nor a partial index.
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
    assert.equal(sha256(out), '6d4fe4e0bc22504587afbd85f0cc1e487bf50353ba412a4b42e815a86935ce50');
  });

  it('one segment, linked (or copied) as it is', () => {
    const out = tempDir();
    assert.equal(buildIndex(corpus, out).segments, 1);
    assert.equal(sha256(out), '627c74f5b38c684c6b589dda6f4a162a41e87cb178b72aa835f585b93a82a3aa');
  });

  it('two threads, with many and with 2 segments; the index verifies and answers', async () => {
    // Two threads need 16 MiB: a corpus of its own.
    const large = writeCorpus(syntheticDocs(TWO_THREAD_DOCS));
    const out = tempDir();
    const r = await buildIndexParallel(large, out, { memoryBudgetMb: 1, threads: 2 });
    assert.deepEqual([r.threads, r.segments], [2, 36]);
    assert.equal(sha256(out), 'b63aac9ae80feb640d624be2f40ce50202a71f772c56072b3c77e39fae7b3cd6');
    const out2 = tempDir();
    const r2 = await buildIndexParallel(large, out2, { threads: 2 });
    assert.deepEqual([r2.threads, r2.segments], [2, 2]);
    assert.equal(sha256(out2), '93417779f6864e833f5a4902793177c8e9cddcf1b5734e350e3acbcd2a045d82');
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
        '29057327b3338752897a2f14e8015699e1a7b9f0b849a33131aad40f57d28816',
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
