/**
 * Evaluation jobs end to end on the local stand-in (fauxqs as S3 and SQS, workers in their own
 * execution environments): SciFact's live version, a 16-cell BM25 grid plus Dirichlet and
 * Jelinek-Mercer grids, tuned on the train split. The job's BM25 k1 0.9 b 0.4 cell equals
 * `sir eval` (run as a process) for every measure to the last digit, and its run file is
 * `sir run`'s; a second identical job runs nothing; a grid extended by one value runs only the
 * new cells.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIndex } from '../../runtime/engine/index.js';
import type { EvaluateResult, JobStatusView } from '../../runtime/jobs/index.js';
import { type LocalPipeline, startLocalPipeline } from '../../runtime/local/pipeline.js';
import { IndexStore } from '../../runtime/store/index.js';
import { tempDir } from '../fixtures/corpus.js';
import { waitForJob } from './helpers.js';
import { requireSciFact, SCIFACT_DIR } from '../fixtures/external.js';

const SIR = join(import.meta.dirname, '../../bin/sir.mjs');

describe('jobs end to end: evaluate on SciFact', function () {
  this.timeout(900_000);
  const data = SCIFACT_DIR;
  const tmp = tempDir('sir-eval-e2e-');
  const built = join(tmp, 'built');
  let pipeline: LocalPipeline;
  let first: JobStatusView;
  const url = (p: string) => pathToFileURL(join(data, p)).href;
  const request = (mu: number[]) => ({
    kind: 'evaluate',
    index: 'live',
    queries: url('queries.jsonl'),
    qrels: url('qrels/test.tsv'),
    runs: [
      { ranker: 'bm25', grid: { k1: [0.6, 0.9, 1.2, 1.5], b: [0.3, 0.4, 0.6, 0.75] } },
      { ranker: 'dirichlet', grid: { mu } },
      { ranker: 'jelinek-mercer', grid: { lambda: [0.1, 0.4, 0.7] } },
    ],
    baseline: { ranker: 'bm25', params: { k1: 0.9, b: 0.4 } },
    tune: { metric: 'ndcg_cut_10', queries: url('queries.jsonl'), qrels: url('qrels/train.tsv') },
    shards: 2,
  });

  before(async function () {
    requireSciFact(this);
    buildIndex(join(data, 'corpus.jsonl'), built);
    await new IndexStore(join(tmp, 'store')).publish(built);
    pipeline = await startLocalPipeline({
      storeDir: join(tmp, 'store'),
      workers: 2,
      inputRoots: [data],
      output: () => {},
    });
  });
  after(async () => {
    await pipeline?.close();
  });

  it('completes a 16-cell BM25 grid with Dirichlet and Jelinek-Mercer grids, tuned on train', async () => {
    const submitted = await pipeline.service.submit(request([500, 1000, 2000]));
    assert.equal(submitted.created, true);
    assert.match(submitted.job.id, /^eval-[0-9a-f]{24}$/);
    // (16 + 3 + 3) configurations × 2 shards, on the test and the tuning set.
    assert.equal(submitted.job.tasks.total, 22 * 2 * 2);
    first = await waitForJob(pipeline.service, submitted.job.id, { ms: 840_000 });
    assert.equal(first.status, 'succeeded', JSON.stringify(first.error));
    const result = first.result as unknown as EvaluateResult;
    assert.equal(result.table.length, 22);
    assert.equal(result.queries, 300);
    assert.equal(result.baseline, 'bm25 k1=0.9 b=0.4');
    for (const row of result.table) {
      for (const m of result.metrics)
        assert.ok(Number.isFinite(row.mean[m]), `${row.configuration} ${m}`);
      if (row.baseline) continue;
      const v = row.vsBaseline!.ndcg_cut_10!;
      assert.ok(v.randomisationP > 0 && v.randomisationP <= 1);
      assert.ok(v.randomisationPHolm >= v.randomisationP);
      assert.equal(v.wins + v.losses + v.ties, 300);
    }
    assert.equal(result.tuning?.method, 'tuning-set');
    if (result.tuning?.method !== 'tuning-set') return;
    assert.equal(result.tuning.queries, 809);
    assert.deepEqual(
      result.tuning.chosen.map((c) => c.ranker),
      ['bm25', 'dirichlet', 'jelinek-mercer'],
    );
    for (const c of result.tuning.chosen) assert.ok(c.test.ndcg_cut_10! > 0.5, JSON.stringify(c));
  });

  it("the BM25 k1 0.9 b 0.4 cell equals sir eval for every measure, and its run file is sir run's", async () => {
    const result = first.result as unknown as EvaluateResult;
    const args = [
      '--index',
      built,
      '--queries',
      join(data, 'queries.jsonl'),
      '--qrels',
      join(data, 'qrels/test.tsv'),
    ];
    const sirEval = JSON.parse(
      execFileSync(process.execPath, [SIR, 'eval', ...args, '--json'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as { mean: Record<string, number>; perQuery: Record<string, Record<string, number>> };
    const cell = result.table.find((r) => r.configuration === 'bm25 k1=0.9 b=0.4')!;
    assert.deepEqual(cell.mean, sirEval.mean);
    const perQuery = new TextDecoder()
      .decode(await pipeline.service.file(first.id, result.perQueryFile))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.configuration === 'bm25 k1=0.9 b=0.4');
    assert.equal(perQuery.length, 300);
    for (const { configuration: _c, query, ...measures } of perQuery)
      assert.deepEqual(measures, sirEval.perQuery[query as string]);

    execFileSync(process.execPath, [SIR, 'run', ...args, '--out', join(tmp, 'sir.trec')], {
      stdio: 'ignore',
    });
    const withoutTag = (text: string) => text.replace(/ \S+$/gm, '');
    const jobRun = new TextDecoder().decode(await pipeline.service.file(first.id, cell.runFile));
    assert.equal(withoutTag(jobRun), withoutTag(readFileSync(join(tmp, 'sir.trec'), 'utf8')));
  });

  it('the same request again is the same job and runs nothing', async () => {
    const before = { ...pipeline.mappings.task.stats };
    const again = await pipeline.service.submit({
      ...request([500, 1000, 2000]),
      policy: { name: 'AlwaysOne' },
    });
    assert.equal(again.created, false);
    assert.equal(again.job.id, first.id);
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(pipeline.mappings.task.stats, before, 'no task was sent or run');
  });

  it('a grid extended by one value runs only the new cells', async () => {
    const extended = await pipeline.service.submit(request([500, 1000, 2000, 3000]));
    assert.equal(extended.created, true);
    assert.equal(extended.job.tasks.total, 23 * 2 * 2);
    const job = await waitForJob(pipeline.service, extended.job.id, { ms: 300_000 });
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    // 22 configurations' cells were reused; dirichlet mu=3000's 2 test and 2 tuning cells ran.
    assert.equal(job.tasks.reused, 22 * 2 * 2);
    const result = job.result as unknown as EvaluateResult;
    assert.deepEqual(result.cells, { total: 23 * 2, reused: 22 * 2 });
    const old = first.result as unknown as EvaluateResult;
    for (const row of old.table)
      assert.deepEqual(
        result.table.find((r) => r.configuration === row.configuration)!.mean,
        row.mean,
      );
  });
});
