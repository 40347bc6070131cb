/**
 * Our metrics against the real trec_eval. `fixtures/expected.json` was produced by
 * `python3 test/eval/fixtures/make-expected.py` (pytrec_eval, i.e. trec_eval 9 compiled as a Python
 * module) from the committed `run.trec` and `qrels.trec`; see that script for how the "queries
 * without hits count as 0" mean is derived from pytrec_eval's per-query values. CI does not run
 * Python: the JSON is the record.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MEASURES, evaluate, readQrels, readRun, type Metrics } from '../../runtime/eval/index.js';

const TOLERANCE = 1e-4;
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

interface Expected {
  queries: number;
  mean: Record<string, number>;
  perQuery: Record<string, Record<string, number>>;
}

function assertClose(actual: Metrics, expected: Record<string, number>, what: string): void {
  for (const { key, trecName } of MEASURES) {
    const want = expected[trecName];
    assert.equal(typeof want, 'number', `${what}: expected.json lacks ${trecName}`);
    assert.ok(
      Math.abs(actual[key] - want!) <= TOLERANCE,
      `${what} ${trecName}: ours ${actual[key]}, trec_eval ${want}`,
    );
  }
}

describe('eval: cross-check against trec_eval (pytrec_eval fixtures)', () => {
  let expected: Expected;
  before(async () => {
    expected = JSON.parse(await readFile(fixture('expected.json'), 'utf8')) as Expected;
  });

  it('matches trec_eval per query and on the mean over all 30 judged queries', async () => {
    const result = evaluate(
      await readRun(fixture('run.trec')),
      await readQrels(fixture('qrels.trec')),
    );
    assert.equal(result.queryCount, expected.queries);
    assert.deepEqual([...result.perQuery.keys()], Object.keys(expected.perQuery));
    for (const [qid, metrics] of result.perQuery)
      assertClose(metrics, expected.perQuery[qid]!, `query ${qid}`);
    assertClose(result.mean, expected.mean, 'mean');
  });

  it('reads the same judgements from the BEIR TSV copy of the qrels', async () => {
    assert.deepEqual(await readQrels(fixture('qrels.tsv')), await readQrels(fixture('qrels.trec')));
  });
});
