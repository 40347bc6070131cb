import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  EvalInputError,
  compareBytes,
  evaluate,
  evaluateQuery,
  trecOrder,
  zeroMetrics,
  type Metrics,
  type Qrels,
  type Run,
  type RunHit,
} from '../../runtime/eval/index.js';

const EPS = 1e-12;

function assertMetrics(actual: Metrics, expected: Partial<Metrics>): void {
  for (const key of Object.keys(expected) as (keyof Metrics)[]) {
    assert.ok(
      Math.abs(actual[key] - expected[key]!) < EPS,
      `${key}: got ${actual[key]}, expected ${expected[key]}`,
    );
  }
}

const judged = (entries: Record<string, number>) => new Map(Object.entries(entries));
const hits = (...pairs: [string, number][]): RunHit[] =>
  pairs.map(([docId, score]) => ({ docId, score }));
const order = (list: RunHit[]) => trecOrder(list).map((h) => h.docId);

describe('eval/trec-order', () => {
  it('sorts by score descending, whatever the input order', () => {
    assert.deepEqual(order(hits(['a', 1], ['b', 3], ['c', 2])), ['b', 'c', 'a']);
  });

  it('breaks ties by document id descending, comparing strings, not numbers', () => {
    assert.deepEqual(order(hits(['a', 1], ['c', 1], ['b', 1])), ['c', 'b', 'a']);
    assert.deepEqual(order(hits(['doc10', 1], ['doc9', 1], ['doc100', 1])), [
      'doc9',
      'doc100',
      'doc10',
    ]);
  });

  it('compares scores in single precision, as trec_eval stores them in a C float', () => {
    // 5.5000001 and 5.5 are the same float: a tie, so "b" (larger id) comes first.
    assert.deepEqual(order(hits(['a', 5.5000001], ['b', 5.5])), ['b', 'a']);
    // 5.500001 is a larger float than 5.5.
    assert.deepEqual(order(hits(['a', 5.500001], ['b', 5.5])), ['a', 'b']);
  });

  it('compares ids by UTF-8 bytes (strcmp), not UTF-16 code units', () => {
    const astral = 'd\u{1F600}'; // U+1F600: UTF-16 starts with 0xD83D, UTF-8 with 0xF0
    const bmp = 'd\uFF21'; // U+FF21: one UTF-16 unit 0xFF21 (> 0xD83D), UTF-8 starts with 0xEF (< 0xF0)
    assert.ok(compareBytes(astral, bmp) > 0);
    assert.equal(
      Math.sign(compareBytes(astral, bmp)),
      Math.sign(Buffer.compare(Buffer.from(astral), Buffer.from(bmp))),
    );
    assert.deepEqual(order(hits([bmp, 1], [astral, 1])), [astral, bmp]);
  });

  it('agrees with Buffer.compare on arbitrary strings (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        assert.equal(
          Math.sign(compareBytes(a, b)),
          Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))),
        );
      }),
    );
  });

  it('refuses a document listed twice for a query, as trec_eval does', () => {
    assert.throws(
      () => trecOrder(hits(['a', 2], ['b', 1], ['a', 1]), 'q1'),
      (err: unknown) => {
        assert.ok(err instanceof EvalInputError);
        assert.equal(
          err.message,
          'document "a" appears twice in the run for query "q1"; trec_eval refuses duplicate documents',
        );
        return true;
      },
    );
  });

  it('refuses a non-finite score', () => {
    assert.throws(
      () => trecOrder(hits(['a', NaN]), 'q1'),
      /score of document "a" for query "q1" is NaN/,
    );
  });
});

describe('eval/metrics', () => {
  it('binary relevance with an unjudged document in between', () => {
    // Ranking a (rel), x (unjudged), c (rel); b (judged 0) not retrieved. 2 relevant in total.
    const m = evaluateQuery(hits(['a', 3], ['x', 2], ['c', 1]), judged({ a: 1, b: 0, c: 1 }));
    assertMetrics(m, {
      map: (1 / 1 + 2 / 3) / 2,
      p10: 2 / 10,
      recall100: 2 / 2,
      ndcg10: (1 / Math.log2(2) + 1 / Math.log2(4)) / (1 / Math.log2(2) + 1 / Math.log2(3)),
    });
  });

  it('ties are ranked by document id descending before scoring', () => {
    // All tied: order c, b, a, so the relevant "b" is at rank 2.
    const m = evaluateQuery(hits(['a', 1], ['b', 1], ['c', 1]), judged({ b: 1 }));
    assertMetrics(m, { map: 1 / 2, p10: 1 / 10, recall100: 1, ndcg10: 1 / Math.log2(3) });
    // "doc9" > "doc10" as strings: the relevant doc10 is second.
    const n = evaluateQuery(hits(['doc10', 4], ['doc9', 4]), judged({ doc10: 1 }));
    assert.equal(n.map, 1 / 2);
  });

  it('graded relevance: gain is the judged value, discount log2(rank + 1), ideal from the judgements', () => {
    // Ranking c(1), b(2), a(3), d(0), e(unjudged). Ideal: 3, 2, 1.
    const m = evaluateQuery(
      hits(['c', 5], ['b', 4], ['a', 3], ['d', 2], ['e', 1]),
      judged({ a: 3, b: 2, c: 1, d: 0 }),
    );
    const dcg = 1 / 1 + 2 / Math.log2(3) + 3 / Math.log2(4);
    const ideal = 3 / 1 + 2 / Math.log2(3) + 1 / Math.log2(4);
    // MAP, P and R treat every rel >= 1 alike.
    assertMetrics(m, { ndcg10: dcg / ideal, map: (1 + 1 + 1) / 3, p10: 3 / 10, recall100: 1 });
  });

  it('the ideal ranking is cut at 10 too; hits past rank 10 add nothing to nDCG', () => {
    const twelve = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`r${i}`, 1]));
    const all = evaluateQuery(
      Array.from({ length: 12 }, (_, i) => ({ docId: `r${i}`, score: 100 - i })),
      judged(twelve),
    );
    assertMetrics(all, { ndcg10: 1, map: 1, p10: 1, recall100: 1 });
    // Only the 11th and 12th hits are relevant.
    const late = evaluateQuery(
      Array.from({ length: 12 }, (_, i) => ({ docId: i < 10 ? `n${i}` : `r${i}`, score: 100 - i })),
      judged({ r10: 1, r11: 1 }),
    );
    assertMetrics(late, { ndcg10: 0, map: (1 / 11 + 2 / 12) / 2, p10: 0, recall100: 1 });
  });

  it('negative judgements (trec_eval: pooled but unjudged) are not relevant and give no gain', () => {
    const m = evaluateQuery(hits(['a', 2], ['b', 1]), judged({ a: -1, b: 2 }));
    assertMetrics(m, { ndcg10: 2 / Math.log2(3) / 2, map: 1 / 2, p10: 1 / 10, recall100: 1 });
  });

  it('P@10 divides by 10 even when fewer than 10 documents were returned', () => {
    assertMetrics(evaluateQuery(hits(['a', 1]), judged({ a: 1 })), {
      ndcg10: 1,
      map: 1,
      p10: 0.1,
      recall100: 1,
    });
  });

  it('R@100 counts relevant documents in the top 100; MAP runs over the whole ranking', () => {
    const ranking = Array.from({ length: 101 }, (_, i) => ({
      docId: `d${String(i).padStart(3, '0')}`,
      score: 200 - i,
    }));
    const m = evaluateQuery(ranking, judged({ d000: 1, d100: 1, never: 1 }));
    assertMetrics(m, {
      recall100: 1 / 3,
      map: (1 / 1 + 2 / 101) / 3,
      p10: 1 / 10,
      ndcg10: 1 / (1 + 1 / Math.log2(3) + 1 / Math.log2(4)),
    });
  });

  it('R@1000 counts relevant documents in the top 1000; MRR is 1 / rank of the first relevant hit', () => {
    const ranking = Array.from({ length: 1001 }, (_, i) => ({
      docId: `d${String(i).padStart(4, '0')}`,
      score: 2000 - i,
    }));
    const m = evaluateQuery(ranking, judged({ d0003: 1, d0150: 2, d1000: 1, d0001: 0 }));
    assertMetrics(m, { recall100: 1 / 3, recall1000: 2 / 3, recipRank: 1 / 4 });
    // A judged but non-relevant document (rel 0) is not "the first relevant hit".
    assertMetrics(evaluateQuery(ranking, judged({ d0000: 0 })), { recipRank: 0, recall1000: 0 });
  });

  it('a query with no relevant judgement, or no hits, scores 0 on every measure', () => {
    assertMetrics(evaluateQuery(hits(['a', 1]), judged({ a: 0, b: 0 })), {
      ndcg10: 0,
      map: 0,
      p10: 0,
      recall100: 0,
      recall1000: 0,
      recipRank: 0,
    });
    assertMetrics(evaluateQuery([], judged({ a: 2 })), zeroMetrics());
  });

  describe('evaluate', () => {
    const qrels: Qrels = new Map([
      ['q1', judged({ a: 1 })],
      ['q2', judged({ b: 1 })],
      ['q3', judged({ c: 0 })],
    ]);

    it('averages over every judged query: missing and all-non-relevant queries count as 0 (trec_eval -c)', () => {
      const run: Run = new Map([
        ['q1', hits(['a', 1])],
        ['q3', hits(['c', 1])],
        ['q99', hits(['z', 1])], // not judged: ignored, as trec_eval ignores it
      ]);
      const result = evaluate(run, qrels);
      assert.equal(result.queryCount, 3);
      assert.deepEqual([...result.perQuery.keys()], ['q1', 'q2', 'q3']);
      assertMetrics(result.perQuery.get('q1')!, { ndcg10: 1, map: 1, p10: 0.1, recall100: 1 });
      assertMetrics(result.perQuery.get('q2')!, { ndcg10: 0, map: 0, p10: 0, recall100: 0 });
      assertMetrics(result.mean, { ndcg10: 1 / 3, map: 1 / 3, p10: 0.1 / 3, recall100: 1 / 3 });
    });

    it('treats an empty hit list like a missing query', () => {
      const a = evaluate(new Map([['q1', hits(['a', 1])]]), qrels);
      const b = evaluate(
        new Map([
          ['q1', hits(['a', 1])],
          ['q2', []],
        ]),
        qrels,
      );
      assert.deepEqual(b, a);
    });

    it('refuses duplicate documents and empty qrels', () => {
      assert.throws(
        () => evaluate(new Map([['q1', hits(['a', 1], ['a', 0])]]), qrels),
        EvalInputError,
      );
      assert.throws(() => evaluate(new Map(), new Map()), /no judged queries/);
    });

    it('does not depend on the order of hits, and stays within [0, 1] (property)', () => {
      const doc = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l');
      const rankings = fc.uniqueArray(
        fc.record({ docId: doc, score: fc.integer({ min: 0, max: 4 }) }),
        {
          selector: (h) => h.docId,
        },
      );
      const judgements = fc.dictionary(doc, fc.integer({ min: -1, max: 3 }), { minKeys: 1 });
      fc.assert(
        fc.property(rankings, judgements, fc.integer(), (ranking, rels, seed) => {
          const shuffled = [...ranking].sort(
            (x, y) => ((x.docId.charCodeAt(0) * seed) % 7) - ((y.docId.charCodeAt(0) * seed) % 7),
          );
          const one = evaluateQuery(ranking, judged(rels));
          assert.deepEqual(evaluateQuery(shuffled, judged(rels)), one);
          for (const value of Object.values(one))
            assert.ok(value >= 0 && value <= 1 + EPS, `${value} outside [0, 1]`);
        }),
      );
    });
  });
});
