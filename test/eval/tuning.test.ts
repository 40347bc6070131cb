import assert from 'node:assert/strict';
import {
  compareWithBaseline,
  crossValidate,
  EvalInputError,
  tuneOnSet,
  zeroMetrics,
  type Metrics,
  type TuningCell,
} from '../../runtime/eval/index.js';

/** Per-query measures where only nDCG@10 is set (the others 0). */
const scores = (values: Record<string, number>): Map<string, Metrics> =>
  new Map(Object.entries(values).map(([q, v]) => [q, { ...zeroMetrics(), ndcg10: v }]));

describe('eval/tuning', () => {
  // Configuration a is best on the tuning set; b is best on the test set (what peeking would pick).
  const cells: TuningCell[] = [
    {
      ranker: 'bm25',
      id: 'a',
      tuning: scores({ t1: 0.9, t2: 0.8 }),
      test: scores({ q1: 0.1, q2: 0.2, q3: 0.3, q4: 0.4 }),
    },
    {
      ranker: 'bm25',
      id: 'b',
      tuning: scores({ t1: 0.1, t2: 0.2 }),
      test: scores({ q1: 0.9, q2: 0.9, q3: 0.9, q4: 0.0 }),
    },
    {
      ranker: 'dirichlet',
      id: 'c',
      tuning: scores({ t1: 0.5, t2: 0.5 }),
      test: scores({ q1: 0.5, q2: 0.5, q3: 0.5, q4: 0.5 }),
    },
  ];

  it('a tuning set picks per ranker by the tuning mean, and reports the test mean', () => {
    const tuned = tuneOnSet(cells, 'ndcg10');
    assert.deepEqual(
      tuned.map((t) => [t.ranker, t.configuration, t.tuningValue.toFixed(2)]),
      [
        ['bm25', 'a', '0.85'],
        ['dirichlet', 'c', '0.50'],
      ],
    );
    assert.equal(tuned[0]!.test.ndcg10, 0.25);
  });

  it('k-fold cross-validation chooses each fold on the other folds only', () => {
    // Folds of 2: q1, q3 (fold 0) and q2, q4 (fold 1). For fold 0 the other fold's sums are
    // a: 0.2 + 0.4 = 0.6, b: 0.9 + 0 = 0.9 → b; for fold 1: a 0.4, b 1.8 → b.
    const [bm25] = crossValidate(cells, 'ndcg10', 2);
    assert.deepEqual(bm25!.folds, [
      { fold: 0, queries: 2, configuration: 'b' },
      { fold: 1, queries: 2, configuration: 'b' },
    ]);
    assert.equal(bm25!.mean.ndcg10, (0.9 + 0.9 + 0.9 + 0) / 4);
    // With 4 folds (leave one out), q4's fold sees b's 2.7 against a's 0.6 and takes b, and so on.
    const loo = crossValidate(cells, 'ndcg10', 4)[0]!;
    assert.deepEqual(
      loo.folds.map((f) => f.configuration),
      ['b', 'b', 'b', 'b'],
    );
    assert.deepEqual([...loo.perQuery.keys()], ['q1', 'q2', 'q3', 'q4']);
  });

  it('a choice that depends on the held-out fold differs per fold', () => {
    const split: TuningCell[] = [
      { ranker: 'x', id: 'a', test: scores({ q1: 1, q2: 0, q3: 0.4, q4: 0 }) },
      { ranker: 'x', id: 'b', test: scores({ q1: 0, q2: 0.6, q3: 0, q4: 0.6 }) },
    ];
    // Fold 0 = q1, q3: trained on q2, q4 → b (1.2 vs 0). Fold 1 = q2, q4: trained on q1, q3 → a.
    const [x] = crossValidate(split, 'ndcg10', 2);
    assert.deepEqual(
      x!.folds.map((f) => f.configuration),
      ['b', 'a'],
    );
    assert.equal(x!.mean.ndcg10, 0); // each fold's pick is wrong for its own queries
  });

  it('refuses folds that do not fit the test queries', () => {
    for (const folds of [1, 5, 2.5])
      assert.throws(
        () => crossValidate(cells, 'ndcg10', folds),
        (e: unknown) => e instanceof EvalInputError && /use an integer from 2 to 4/.test(e.message),
      );
  });
});

describe('eval/comparison', () => {
  const cell = (id: string, values: number[]) => ({
    id,
    ranker: 'bm25',
    params: {},
    perQuery: scores(Object.fromEntries(values.map((v, i) => [`q${i}`, v]))),
  });
  const base = cell('base', [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
  const better = cell('better', [0.3, 0.4, 0.5, 0.6, 0.6, 0.5]);
  const same = cell('same', [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);

  it('rows carry means, deltas, raw and Holm-adjusted p-values and wins/losses', () => {
    const rows = compareWithBaseline([base, better, same], 'base', ['ndcg_cut_10', 'map']);
    assert.deepEqual(
      rows.map((r) => [r.configuration, r.baseline, Object.keys(r.mean)]),
      [
        ['base', true, ['ndcg_cut_10', 'map']],
        ['better', false, ['ndcg_cut_10', 'map']],
        ['same', false, ['ndcg_cut_10', 'map']],
      ],
    );
    assert.equal(rows[0]!.vsBaseline, undefined);
    const v = rows[1]!.vsBaseline!['ndcg_cut_10']!;
    assert.ok(Math.abs(v.delta - (2.9 - 2.1) / 6) < 1e-12);
    assert.deepEqual([v.wins, v.losses, v.ties], [5, 1, 0]);
    // Exact randomisation over 6 non-zero differences: 2^6 = 64 assignments.
    assert.ok(v.randomisationP > 0 && v.randomisationP <= 1);
    // Two configurations compared: Holm multiplies the smaller p by 2.
    assert.equal(v.randomisationPHolm, Math.min(1, 2 * v.randomisationP));
    const s = rows[2]!.vsBaseline!['ndcg_cut_10']!;
    assert.deepEqual([s.delta, s.tTestP, s.randomisationP, s.ties], [0, 1, 1, 6]);
    assert.throws(() => compareWithBaseline([better], 'base', ['map']), /baseline base was not/);
    assert.throws(() => compareWithBaseline([base], 'base', ['P_5']), /unknown measure P_5/);
  });
});
