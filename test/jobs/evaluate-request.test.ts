/**
 * The evaluate request and its map step's layout, without a pipeline: defaults, refusals naming
 * the field (grids through the ranker table), task ↔ cell numbering, query shards, cell keys.
 */
import assert from 'node:assert/strict';
import { JobError, JobRequestSchema } from '../../runtime/jobs/contract.js';
import { cellKey, cellOfTask, shardRange, taskCount } from '../../runtime/jobs/evaluate/cells.js';
import {
  canonicalEvaluateRequest,
  testConfigurations,
  type EvaluateInput,
} from '../../runtime/jobs/evaluate/request.js';
import { configurationId, MEASURES } from '../../runtime/eval/index.js';
import type { InputRef } from '../../runtime/jobs/inputs.js';

const base = {
  kind: 'evaluate' as const,
  index: 'live',
  queries: 'file:///data/queries.jsonl',
  qrels: 'file:///data/qrels/test.tsv',
  runs: [{ ranker: 'bm25', grid: { k1: [0.9, 1.2], b: [0.4, 0.75] } }],
};
const canonical = (extra: Partial<EvaluateInput> = {}) => {
  const parsed = JobRequestSchema.parse({ ...base, ...extra });
  return canonicalEvaluateRequest(parsed as EvaluateInput);
};
const refuses = (extra: Record<string, unknown>, field: string, message: RegExp) =>
  assert.throws(
    () => {
      const parsed = JobRequestSchema.safeParse({ ...base, ...extra });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new JobError('invalid-request', issue.message, issue.path.join('.'));
      }
      canonicalEvaluateRequest(parsed.data as EvaluateInput);
    },
    (err: unknown) =>
      err instanceof JobError &&
      err.code === 'invalid-request' &&
      err.field === field &&
      message.test(err.message),
  );

describe('jobs/evaluate: the request', () => {
  it("fills the issue's defaults: every measure, k 1000, bm25's defaults as baseline", () => {
    const r = canonical();
    // Every measure, in report order (test/eval/report.test.ts pins the names themselves).
    assert.deepEqual(
      r.metrics,
      MEASURES.map((m) => m.trecName),
    );
    assert.equal(r.k, 1000);
    assert.equal(configurationId(r.baseline), 'bm25 k1=0.9 b=0.4');
    assert.equal(r.tune, null);
    assert.deepEqual(r.randomisation, { trials: 10_000, seed: 1 });
  });

  it('accepts the whole request of the issue, field for field', () => {
    const r = canonical({
      baseline: { ranker: 'bm25', params: { k1: 0.9, b: 0.4 } },
      tune: {
        metric: 'ndcg_cut_10',
        queries: 'file:///data/queries.jsonl',
        qrels: 'file:///data/qrels/train.tsv',
      },
    });
    assert.deepEqual(r.tune, {
      metric: 'ndcg_cut_10',
      queries: 'file:///data/queries.jsonl',
      qrels: 'file:///data/qrels/train.tsv',
    });
    // The baseline is one of the grid's cells: it is not evaluated twice.
    assert.equal(testConfigurations(r).length, 4);
  });

  it('metrics keep report order whatever order the request lists them in', () => {
    assert.deepEqual(canonical({ metrics: ['recip_rank', 'map'] }).metrics, ['map', 'recip_rank']);
  });

  it('adds a baseline no run has as one more configuration', () => {
    const r = canonical({ baseline: { ranker: 'dirichlet', params: { mu: 1000 } } });
    assert.deepEqual(testConfigurations(r).map(configurationId).slice(-1), ['dirichlet mu=1000']);
  });

  it('refuses bad grids and settings naming the field, the value and what is accepted', () => {
    refuses(
      { runs: [{ ranker: 'bm25', grid: { b: [0.4, 1.5] } }] },
      'runs',
      /^runs\[0\]\.grid\.b: ranker parameter b must be a number from 0 to 1 \(default 0\.4\), got 1\.5$/,
    );
    refuses(
      { runs: [{ ranker: 'bm25' }, { ranker: 'lm', grid: {} }] },
      'runs',
      /runs\[1\]\.ranker: unknown ranker "lm"/,
    );
    refuses(
      { baseline: { ranker: 'dirichlet', params: { k1: 1 } } },
      'baseline',
      /baseline\.grid\.k1: dirichlet has no parameter k1/,
    );
    refuses({ metrics: ['ndcg'] }, 'metrics.0', /ndcg_cut_10/);
    refuses({ tune: { metric: 'map' } }, 'tune', /tuning set .* or folds/);
    refuses(
      { tune: { metric: 'map', folds: 5, queries: 'file:///q', qrels: 'file:///r' } },
      'tune',
      /either a tuning set .* not both/,
    );
    refuses({ tune: { metric: 'map', queries: 'file:///q' } }, 'tune.qrels', /needs both/);
    refuses({ runs: [] }, 'runs', /1/);
    refuses({ shards: 0 }, 'shards', /1/);
  });
});

describe('jobs/evaluate: cells', () => {
  const inputs: InputRef[] = ['i', 'q', 'r', 'tq', 'tr'].map((s) => ({
    url: `file:///${s}`,
    bytes: 1,
    sha256: s.repeat(4),
    version: '1:1',
  }));
  const engine = { formatVersion: 2, pipeline: 1 };

  it('numbers tasks configuration by configuration, shard by shard, test set first', () => {
    const r = canonical({
      shards: 3,
      tune: { metric: 'map', queries: 'file:///tq', qrels: 'file:///tr' },
    });
    assert.equal(taskCount(r), (4 + 4) * 3);
    const cells = Array.from({ length: taskCount(r) }, (_, t) => cellOfTask(r, t));
    assert.deepEqual(
      cells.slice(0, 4).map((c) => [c.set, configurationId(c.configuration), c.shard]),
      [
        ['test', 'bm25 k1=0.9 b=0.4', 0],
        ['test', 'bm25 k1=0.9 b=0.4', 1],
        ['test', 'bm25 k1=0.9 b=0.4', 2],
        ['test', 'bm25 k1=0.9 b=0.75', 0],
      ],
    );
    assert.deepEqual(cells[12]!.set, 'tune');
    assert.throws(() => cellOfTask(r, 24), /task 24 is not a task of this job/);
  });

  it('shards cover every query once, in order, as evenly as they can', () => {
    for (const [n, s] of [
      [300, 4],
      [7, 3],
      [2, 4],
    ] as const) {
      const ranges = Array.from({ length: s }, (_, i) => shardRange(n, s, i));
      assert.equal(ranges[0]![0], 0);
      assert.equal(ranges.at(-1)![1], n);
      ranges.slice(1).forEach((r, i) => assert.equal(r[0], ranges[i]![1]));
      const sizes = ranges.map(([a, b]) => b - a);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
    }
  });

  it('a cell key depends on what determines the cell, and nothing else', () => {
    const r = canonical();
    const extended = canonical({
      runs: [{ ranker: 'bm25', grid: { k1: [0.9, 1.2, 1.5], b: [0.4, 0.75] } }],
      policy: { name: 'AlwaysOne' },
    });
    const key = (req: typeof r, t: number) => cellKey(engine, req, inputs, cellOfTask(req, t));
    // The same configuration and shard in a larger grid: the same cell.
    assert.equal(key(r, 0), key(extended, 0));
    assert.equal(key(r, 7), key(extended, 7));
    // Another shard, another depth, another index: another cell.
    assert.notEqual(key(r, 0), key(r, 1));
    assert.notEqual(key(r, 0), key(canonical({ k: 100 }), 0));
    const otherIndex = [{ ...inputs[0]!, sha256: 'x' }, ...inputs.slice(1)];
    assert.notEqual(key(r, 0), cellKey(engine, r, otherIndex, cellOfTask(r, 0)));
  });
});
