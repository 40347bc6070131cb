import assert from 'node:assert/strict';
import { buildIndex, SearchIndex } from '../../runtime/engine/index.js';
import { syntheticDocs, tempDir, writeCorpus } from '../fixtures/corpus.js';

/**
 * The engine finds a query's top k one of two ways: by pruning, or — for several terms each in at
 * most 4,096 documents — by scoring every posting and counting in one pass. Through the real
 * WebAssembly module, both give what scoring every document gives (`exhaustive`), hits and totals.
 */
describe('search equals exhaustive scoring on either evaluation path (real WebAssembly module)', () => {
  const ONE_PASS_MAX_DOCS = 4096;
  let index: SearchIndex;

  before(function () {
    this.timeout(60_000);
    const dir = tempDir();
    // 6,000 documents: the most frequent words are in more than 4,096 of them, the rarer in a
    // few hundred.
    buildIndex(writeCorpus(syntheticDocs(6000, 11)), dir);
    index = SearchIndex.open(dir);
  });
  after(() => index.free());

  const docFreq = (word: string) => index.search(word, { size: 0, count: true }).total!;

  it('gives the exhaustive hits and totals for short lists, long lists and both', () => {
    const queries = [
      'w40 w90 w150', // short lists: the one pass
      'w200 w201 w202 w203 w204 w205 w206 w207',
      'w30 w31',
      'w1 w2', // long lists: pruning
      'w1 w400 w450', // a long list with short ones: pruning
      'w3',
    ];
    const short = (q: string) => q.split(' ').every((w) => docFreq(w) <= ONE_PASS_MAX_DOCS);
    assert.ok(short(queries[0]!) && short(queries[1]!), 'the one pass is exercised');
    assert.ok(docFreq('w1') > ONE_PASS_MAX_DOCS, 'pruning is exercised');
    for (const q of queries)
      for (const count of [true, 100, false] as const)
        for (const size of [10, 25]) {
          const options = { size, count, plain: true };
          const got = index.search(q, options);
          const want = index.search(q, { ...options, exhaustive: true });
          assert.deepEqual(got.hits, want.hits, `${q} ${JSON.stringify(options)}`);
          assert.deepEqual(
            [got.total, got.totalExact],
            [want.total, want.totalExact],
            `total of ${q} ${JSON.stringify(options)}`,
          );
        }
  });
});
