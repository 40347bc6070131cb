import assert from 'node:assert/strict';
import {
  evalReportJson,
  evaluate,
  formatEvalTable,
  type Evaluation,
  type Qrels,
  type Run,
} from '../../runtime/eval/index.js';

describe('eval/report', () => {
  const qrels: Qrels = new Map([
    [
      'q1',
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
    ],
    ['q2', new Map([['c', 2]])],
  ]);
  const run: Run = new Map([
    [
      'q1',
      [
        { docId: 'a', score: 2 },
        { docId: 'x', score: 1 },
      ],
    ],
  ]);
  let evaluation: Evaluation;
  before(() => {
    evaluation = evaluate(run, qrels);
  });

  it('prints the mean of each measure with four decimals, then the query count', () => {
    // q1: AP 1/2, P@10 0.1, R@100 and R@1000 1/2, RR 1, nDCG 1 / (1 + 1/log2 3) = 0.6131;
    // q2 (no hits): 0.
    assert.equal(
      formatEvalTable(evaluation),
      [
        'measure  value   trec_eval',
        'nDCG@10  0.3066  ndcg_cut_10',
        'MAP      0.2500  map',
        'P@10     0.0500  P_10',
        'R@100    0.2500  recall_100',
        'R@1000   0.2500  recall_1000',
        'MRR      0.5000  recip_rank',
        'queries  2       num_q (-c)',
        '',
      ].join('\n'),
    );
  });

  it('puts an optional title first and per-query rows after the means', () => {
    const text = formatEvalTable(evaluation, { title: 'bm25 k1=0.9 b=0.4', perQuery: true });
    const lines = text.trimEnd().split('\n');
    assert.equal(lines[0], 'bm25 k1=0.9 b=0.4');
    assert.deepEqual(lines.slice(-3), [
      'query  nDCG@10  MAP     P@10    R@100   R@1000  MRR',
      'q1     0.6131   0.5000  0.1000  0.5000  0.5000  1.0000',
      'q2     0.0000   0.0000  0.0000  0.0000  0.0000  0.0000',
    ]);
  });

  it('gives a JSON form keyed by trec_eval measure names, at full precision', () => {
    const json = evalReportJson(evaluation);
    assert.equal(json.queries, 2);
    assert.deepEqual(Object.keys(json.mean), [
      'ndcg_cut_10',
      'map',
      'P_10',
      'recall_100',
      'recall_1000',
      'recip_rank',
    ]);
    assert.equal(json.mean['map'], 0.25);
    assert.equal(json.mean['ndcg_cut_10'], 1 / (1 + 1 / Math.log2(3)) / 2);
    assert.deepEqual(json.perQuery['q2'], {
      ndcg_cut_10: 0,
      map: 0,
      P_10: 0,
      recall_100: 0,
      recall_1000: 0,
      recip_rank: 0,
    });
    assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
  });
});
