import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIndex, EngineError, INDEX_FILE, SearchIndex } from '../../runtime/engine/index.js';
import { syntheticDocs, tempDir, TINY_CORPUS, writeCorpus } from '../fixtures/corpus.js';

describe('engine binding (real WebAssembly module)', () => {
  let dir: string;
  let index: SearchIndex;

  before(() => {
    dir = tempDir();
    buildIndex(writeCorpus(TINY_CORPUS), dir, { fieldMode: 'separate' });
    index = SearchIndex.open(dir);
  });
  after(() => index.free());

  it('reports what the index is', () => {
    assert.equal(index.info.docCount, 3);
    assert.deepEqual(
      index.info.fields.map((f) => f.name),
      ['title', 'text'],
    );
    assert.deepEqual(
      index.info.columns.map((c) => [c.name, c.kind]),
      [
        ['party', 'keyword'],
        ['year', 'number'],
      ],
    );
    assert.equal(index.info.analyzer.stemmer, 'porter');
  });

  it('searches, returns stored documents and looks ids up', () => {
    const r = index.search('carbon tax', { size: 10 });
    assert.equal(r.total, 3);
    assert.deepEqual(r.terms, ['carbon', 'tax']);
    const ids = r.hits.map((h) => index.externalId(h.doc));
    assert.equal(ids[0], 'c', 'four "tax" in c outrank the rest');
    const doc = index.lookup('b');
    assert.ok(doc !== undefined);
    assert.equal(index.document(doc).title, 'Coal');
    assert.equal(index.lookup('nope'), undefined);
    assert.deepEqual(
      index
        .search('tax', { filters: ['year<2000'] })
        .hits.map((h) => index.externalId(h.doc))
        .sort(),
      ['a', 'b'],
    );
  });

  it('highlights in UTF-16 offsets, across accents and emoji', () => {
    const text = 'Income tax 😀 not carbon. Café TAXES';
    const spans = index.highlightSpans(text, ['tax', 'carbon', 'cafe']);
    assert.deepEqual(
      spans.map(([s, e]) => text.slice(s, e)),
      ['tax', 'carbon', 'Café', 'TAXES'],
    );
  });

  it('throws typed errors with the engine sentence', () => {
    assert.throws(
      () => index.search('x', { ranker: 'nope' as never }),
      (e: unknown) =>
        e instanceof EngineError && e.code === 'bad-query' && /unknown ranker/.test(e.message),
    );
    assert.throws(
      () => index.search('"open', {}),
      (e: unknown) => e instanceof EngineError && /closing quote/.test(e.message),
    );
    const damaged = readFileSync(join(dir, INDEX_FILE));
    damaged[damaged.length >> 1] ^= 0x10;
    assert.throws(
      () => SearchIndex.fromBytes(damaged),
      (e: unknown) =>
        e instanceof EngineError && e.code === 'corrupt-index' && /checksum/.test(e.message),
    );
    const future = readFileSync(join(dir, INDEX_FILE));
    future[8] = 9;
    assert.throws(
      () => SearchIndex.fromBytes(future),
      (e: unknown) => e instanceof EngineError && e.code === 'unsupported-version',
    );
    const freed = SearchIndex.open(dir);
    freed.free();
    assert.throws(() => freed.search('tax'), /after free/);
  });

  it('builds in bounded memory: many segments merged equal one build', () => {
    const corpus = writeCorpus(syntheticDocs(6000));
    const one = tempDir();
    const many = tempDir();
    const r1 = buildIndex(corpus, one);
    const r2 = buildIndex(corpus, many, { memoryBudgetMb: 1 });
    assert.equal(r1.segments, 1);
    assert.ok(r2.segments >= 3, `expected several segments, got ${r2.segments}`);
    const [a, b] = [SearchIndex.open(one), SearchIndex.open(many)];
    for (const q of ['w1 w2', 'w17 w3 w250', 'w499']) {
      assert.deepEqual(b.search(q, { size: 20 }), a.search(q, { size: 20 }), q);
    }
    a.free();
    b.free();
  });

  it('reports corpus errors with the line number, or skips them', () => {
    const bad = writeCorpus([
      { _id: 'x', text: 'fine' },
      '{"_id": "y", "text": ',
      { _id: 'x', text: 'dup' },
    ]);
    assert.throws(
      () => buildIndex(bad, tempDir()),
      (e: unknown) => e instanceof EngineError && /^line 2: invalid JSON/.test(e.message),
    );
    const result = buildIndex(bad, tempDir(), { skipBad: true });
    assert.equal(result.docs, 1);
    assert.deepEqual(
      result.skipped.map((s) => s.line),
      [2, 3],
    );
    assert.match(result.skipped[1]!.reason, /duplicate document id "x"/);
    const empty = writeCorpus(['', '   ']);
    assert.throws(() => buildIndex(empty, tempDir()), /no documents/);
  });

  it('handles a line longer than one read chunk', () => {
    const long = { _id: 'long', text: `needle ${'word '.repeat(1_200_000)}` };
    const d = tempDir();
    buildIndex(writeCorpus([long, { _id: 'short', text: 'needle' }]), d);
    const idx = SearchIndex.open(d);
    assert.equal(idx.search('needle').total, 2);
    idx.free();
  });
});
