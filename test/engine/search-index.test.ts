import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildIndex,
  buildIndexParallel,
  EngineError,
  INDEX_FILE,
  SearchIndex,
} from '../../runtime/engine/index.js';
import {
  syntheticDocs,
  tempDir,
  TINY_CORPUS,
  TWO_THREAD_DOCS,
  writeCorpus,
} from '../fixtures/corpus.js';

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
    assert.equal(r.totalExact, true);
    // Counting up to a limit: exact at the limit, a lower bound past it, the same hits either way.
    const limited = index.search('carbon tax', { size: 10, count: 2 });
    assert.deepEqual([limited.total, limited.totalExact], [2, false]);
    assert.deepEqual(limited.hits, r.hits);
    assert.deepEqual(
      [
        index.search('carbon tax', { count: 3 }).total,
        index.search('carbon tax', { count: 3 }).totalExact,
      ],
      [3, true],
    );
    assert.equal(index.search('carbon tax', { count: false }).total, undefined);
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

  it('shapes a page of hits in one call: titles, snippets located in UTF-16, metadata', () => {
    const d = tempDir();
    const text = 'Income tax 😀 not carbon. Café TAXES';
    buildIndex(
      writeCorpus([
        { _id: 'x', headline: 'Taxes 😀 today', body: text, year: 2001 },
        { _id: 'y', headline: 'Nothing', body: 'carbon only' },
      ]),
      d,
      { fields: ['headline', 'body'] },
    );
    const idx = SearchIndex.open(d);
    try {
      const r = idx.search('tax carbon cafe');
      const page = idx.pageHits(
        r.hits.map((h) => h.doc),
        r.terms,
      );
      const x = page[0]!;
      assert.ok(!('damaged' in x));
      assert.equal(x.id, 'x');
      assert.equal(x.title, 'Taxes 😀 today', 'the first field is the title');
      assert.equal(x.snippet.text, text, 'the other fields make the snippet');
      assert.deepEqual(
        x.snippet.spans.map(([s, e]) => x.snippet.text.slice(s, e)),
        ['tax', 'carbon', 'Café', 'TAXES'],
      );
      assert.deepEqual(x.metadata, { year: 2001 });
      const byBody = idx.pageHits([r.hits[0]!.doc], r.terms, 'body')[0]!;
      assert.ok(!('damaged' in byBody) && byBody.title === text);
      assert.throws(() => idx.pageHits([0], [], 'nope'), /title field "nope"/);
    } finally {
      idx.free();
    }
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
      () => SearchIndex.fromBytes(damaged, { verify: 'all' }),
      (e: unknown) =>
        e instanceof EngineError && e.code === 'corrupt-index' && /checksum/.test(e.message),
    );
    const future = readFileSync(join(dir, INDEX_FILE));
    future[8] = 9; // the header's version, and the footer's (its 4 bytes after the checksum)
    future[future.length - 12] = 9;
    assert.throws(
      () => SearchIndex.fromBytes(future),
      (e: unknown) =>
        e instanceof EngineError &&
        e.code === 'unsupported-version' &&
        /format version 9.*sir index/.test(e.message),
    );
    future[future.length - 12] = 2;
    assert.throws(
      () => SearchIndex.fromBytes(future),
      (e: unknown) =>
        e instanceof EngineError &&
        e.code === 'corrupt-index' &&
        /footer version 2/.test(e.message),
    );
    const freed = SearchIndex.open(dir);
    freed.free();
    assert.throws(() => freed.search('tax'), /after free/);
  });

  it('builds with worker threads over consecutive ranges: the same answers as one thread', async function () {
    this.timeout(300_000);
    // A bad line in the second half keeps its number.
    const docs: Array<object | string> = syntheticDocs(TWO_THREAD_DOCS);
    docs.splice(30_000, 0, '{oops');
    const corpus = writeCorpus(docs);
    const [one, two] = [tempDir(), tempDir()];
    const r1 = buildIndex(corpus, one, { skipBad: true });
    const r2 = await buildIndexParallel(corpus, two, { skipBad: true, threads: 2 });
    assert.equal(r2.docs, r1.docs);
    assert.equal(r2.threads, 2);
    assert.ok(r2.segments >= 2, `two workers, ${r2.segments} segments`);
    assert.deepEqual(r2.skipped, r1.skipped);
    assert.equal(r1.skipped[0]!.line, 30_001);
    const [a, b] = [SearchIndex.open(one), SearchIndex.open(two)];
    try {
      for (const q of ['w1 w2', 'w17 w3 w250', 'w499', '"w1 w2"']) {
        const [x, y] = [a.search(q, { size: 20 }), b.search(q, { size: 20 })];
        assert.deepEqual(y, x, q);
        assert.deepEqual(
          b.pageHits(
            y.hits.map((h) => h.doc),
            y.terms,
          ),
          a.pageHits(
            x.hits.map((h) => h.doc),
            x.terms,
          ),
        );
      }
    } finally {
      a.free();
      b.free();
    }
    await assert.rejects(
      buildIndexParallel(writeCorpus([...syntheticDocs(TWO_THREAD_DOCS), '{oops']), tempDir(), {
        threads: 2,
      }),
      (e: unknown) => e instanceof EngineError && /line 34001: invalid JSON/.test(e.message),
    );
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
