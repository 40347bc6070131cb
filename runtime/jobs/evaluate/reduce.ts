/**
 * The evaluate reduce step: the cells' outputs → one TREC run file per configuration
 * (`jobs/<id>/files/<configuration>.trec`), the per-query measures
 * (`jobs/<id>/files/per-query.jsonl`),
 * the comparison table with its significance tests, the best per ranker, and the tuning.
 *
 * Means are taken over every query of the qrels in qrels order, queries without a run scoring 0 —
 * the summation `sir eval` does — so a cell's numbers equal `sir eval`'s to the last digit.
 */
import {
  compareWithBaseline,
  configurationId,
  configurationSlug,
  crossValidate,
  fromTrecNames,
  measureByName,
  expandGrids,
  tuneOnSet,
  zeroMetrics,
  byTrecName,
  type Metrics,
  type ScoredConfiguration,
  type TuningCell,
} from '../../eval/index.js';
import type { JobsContext } from '../context.js';
import type { JobRecord } from '../job-record.js';
import { getBytes, getJson, putBytes } from '../objects.js';
import { type QuerySet, taskCellKeys } from './cells.js';
import type { CellMetrics, EvaluateTaskRecord } from './map.js';
import type { EvaluateRequest } from './request.js';
import { testConfigurations } from './request.js';
import { type EvaluateResult, resultFileKey, type TuningResult } from './result.js';

interface Assembled {
  perQuery: Map<string, Metrics>;
  /** The shards' run files in order (test set only). */
  run?: Buffer;
}

async function assemble(
  ctx: JobsContext,
  job: string,
  records: EvaluateTaskRecord[],
  withRun: boolean,
): Promise<Assembled> {
  const shards = [...records].sort((a, b) => a.shard - b.shard);
  const byQuery = new Map<string, Metrics>();
  let order: string[] | undefined;
  const runs: Uint8Array[] = [];
  for (const r of shards) {
    const cell = (await getJson<CellMetrics>(ctx, taskCellKeys.metrics(job, r.task)))?.value;
    if (cell === undefined)
      throw new Error(`task ${r.task} (cell ${r.cell}) left no measures in the job's folder`);
    for (const { query, ...measures } of cell.perQuery) byQuery.set(query, fromTrecNames(measures));
    if (cell.qrelsOrder) order = cell.qrelsOrder;
    if (withRun) runs.push(await getBytes(ctx, taskCellKeys.run(job, r.task)));
  }
  if (order === undefined)
    throw new Error(`shard 0 of ${shards[0]?.configuration} has no qrels order`);
  const perQuery = new Map(order.map((q) => [q, byQuery.get(q) ?? zeroMetrics()]));
  return withRun ? { perQuery, run: Buffer.concat(runs) } : { perQuery };
}

function group(records: EvaluateTaskRecord[], set: QuerySet): Map<string, EvaluateTaskRecord[]> {
  const out = new Map<string, EvaluateTaskRecord[]>();
  for (const r of records) {
    if (r.set !== set) continue;
    const list = out.get(r.configuration);
    if (list) list.push(r);
    else out.set(r.configuration, [r]);
  }
  return out;
}

export async function reduceEvaluate(
  ctx: JobsContext,
  job: JobRecord<EvaluateRequest>,
  records: EvaluateTaskRecord[],
): Promise<EvaluateResult> {
  const { request } = job;
  const testCells = group(records, 'test');
  const tuneCells = group(records, 'tune');
  const scored: ScoredConfiguration[] = [];
  const runFiles = new Map<string, string>();
  const jsonl: string[] = [];
  for (const c of testConfigurations(request)) {
    const id = configurationId(c);
    const { perQuery, run } = await assemble(ctx, job.id, testCells.get(id) ?? [], true);
    const file = `${configurationSlug(id)}.trec`;
    await putBytes(ctx, resultFileKey(job.id, file), run!);
    runFiles.set(id, file);
    scored.push({ id, ranker: c.ranker, params: c.params, perQuery });
    for (const [query, m] of perQuery)
      jsonl.push(JSON.stringify({ configuration: id, query, ...pick(m, request.metrics) }));
  }
  const perQueryFile = 'per-query.jsonl';
  await putBytes(ctx, resultFileKey(job.id, perQueryFile), Buffer.from(`${jsonl.join('\n')}\n`));

  const table = compareWithBaseline(
    scored,
    configurationId(request.baseline),
    request.metrics,
    request.randomisation,
  ).map((row) => ({ ...row, runFile: runFiles.get(row.configuration)! }));

  const tuneMetric = request.tune?.metric ?? request.metrics[0]!;
  const metricKey = measureByName(tuneMetric)!.key;
  // Tuning chooses among the runs' configurations (the baseline only if a run has it).
  const runConfigurations = new Set(expandGrids(request.runs).map(configurationId));
  const candidates = scored.filter((s) => runConfigurations.has(s.id));
  const bestOnTest = tuneOnSet(
    candidates.map((s) => ({ ranker: s.ranker, id: s.id, test: s.perQuery, tuning: s.perQuery })),
    metricKey,
  ).map((b) => ({
    ranker: b.ranker,
    configuration: b.configuration,
    metric: tuneMetric,
    value: b.tuningValue,
  }));

  let tuning: TuningResult | null = null;
  if (request.tune !== null) {
    if ('folds' in request.tune) {
      const cells: TuningCell[] = candidates.map((s) => ({
        ranker: s.ranker,
        id: s.id,
        test: s.perQuery,
      }));
      tuning = {
        method: 'cross-validation',
        metric: tuneMetric,
        folds: request.tune.folds,
        chosen: crossValidate(cells, metricKey, request.tune.folds).map((c) => ({
          ranker: c.ranker,
          folds: c.folds,
          test: pick(c.mean, request.metrics),
        })),
      };
    } else {
      const cells: TuningCell[] = [];
      let tuningQueries = 0;
      for (const s of candidates) {
        const { perQuery } = await assemble(ctx, job.id, tuneCells.get(s.id) ?? [], false);
        tuningQueries = perQuery.size;
        cells.push({ ranker: s.ranker, id: s.id, test: s.perQuery, tuning: perQuery });
      }
      tuning = {
        method: 'tuning-set',
        metric: tuneMetric,
        queries: tuningQueries,
        chosen: tuneOnSet(cells, metricKey).map((c) => ({
          ranker: c.ranker,
          configuration: c.configuration,
          tuningValue: c.tuningValue,
          test: pick(c.test, request.metrics),
        })),
      };
    }
  }
  const testRecords = records.filter((r) => r.set === 'test');
  return {
    kind: 'evaluate',
    queries: scored[0]!.perQuery.size,
    metrics: request.metrics,
    baseline: configurationId(request.baseline),
    table,
    bestOnTest,
    tuning,
    randomisation: request.randomisation,
    perQueryFile,
    cells: { total: testRecords.length, reused: testRecords.filter((r) => r.reused).length },
  };
}

function pick(m: Metrics, names: readonly string[]): Record<string, number> {
  const all = byTrecName(m);
  return Object.fromEntries(names.map((n) => [n, all[n]!]));
}
