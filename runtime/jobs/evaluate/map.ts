/**
 * The evaluate map task: one cell (a configuration over one query shard; cells.ts). It runs the
 * shard's queries with `runQueries` — the core of `sir run` and `sir eval` — scores each query with
 * `evaluateQuery`, and files the partial run and the per-query measures under the cell's key. A
 * cell already filed (by this job's earlier delivery or by any earlier job) is not run again.
 *
 * A warm worker keeps the last index it opened and the query sets it parsed, by content hash: the
 * cells of one job share them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INDEX_FILE, SearchIndex } from '../../engine/index.js';
import {
  EvalInputError,
  byTrecName,
  configurationId,
  evaluateQuery,
  formatRun,
  judgedQueries,
  parseQrels,
  parseQueries,
  runQueries,
  type Qrels,
  type Query,
} from '../../eval/index.js';
import type { JobsContext } from '../context.js';
import { InputChangedError, type InputRef, readChunk } from '../inputs.js';
import type { JobRecord } from '../job-record.js';
import { PermanentTaskError, type TaskRecord } from '../kind.js';
import { copyObject, exists, putBytes, putJson } from '../objects.js';
import {
  cellKey,
  cellKeys,
  cellOfTask,
  INPUT,
  type QuerySet,
  shardRange,
  taskCellKeys,
} from './cells.js';
import type { EvaluateRequest } from './request.js';

/** What `cache/eval/<cell>.json` holds. */
export interface CellMetrics {
  configuration: string;
  set: QuerySet;
  shard: number;
  /** The shard's queries in query-file order, each with its measures by trec_eval name. */
  perQuery: Array<{ query: string } & Record<string, number | string>>;
  /** Every query of the qrels in qrels order (shard 0 only): the order means are summed in. */
  qrelsOrder?: string[];
}

export interface EvaluateTaskRecord extends TaskRecord {
  set: QuerySet;
  configuration: string;
  shard: number;
  cell: string;
  queries: number;
}

/** A query set, parsed once per warm worker. */
interface QuerySetInput {
  queries: Query[];
  qrels: Qrels;
}

const parsed = new Map<string, QuerySetInput>();
let openIndex: { sha256: string; index: SearchIndex; dir: string } | undefined;

async function readWhole(ctx: JobsContext, ref: InputRef): Promise<Buffer> {
  try {
    return (await readChunk(ctx.s3, ref, ctx.inputs, 0, ref.bytes)).bytes;
  } catch (err) {
    if (err instanceof InputChangedError) throw new PermanentTaskError(err.message);
    throw err;
  }
}

async function querySet(
  ctx: JobsContext,
  queries: InputRef,
  qrels: InputRef,
): Promise<QuerySetInput> {
  const key = `${queries.sha256}:${qrels.sha256}`;
  let set = parsed.get(key);
  if (set === undefined) {
    try {
      const q = parseQueries((await readWhole(ctx, queries)).toString('utf8'), queries.url);
      const j = parseQrels((await readWhole(ctx, qrels)).toString('utf8'), qrels.url);
      set = { queries: judgedQueries(q, j, queries.url, qrels.url), qrels: j };
    } catch (err) {
      if (err instanceof EvalInputError) throw new PermanentTaskError(err.message);
      throw err;
    }
    if (parsed.size >= 8) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, set);
  }
  return set;
}

async function indexOf(ctx: JobsContext, ref: InputRef): Promise<SearchIndex> {
  if (openIndex?.sha256 === ref.sha256) return openIndex.index;
  if (openIndex) {
    openIndex.index.free();
    await rm(openIndex.dir, { recursive: true, force: true });
    openIndex = undefined;
  }
  const dir = await mkdtemp(join(ctx.tmpDir, 'sir-eval-'));
  try {
    await writeFile(join(dir, INDEX_FILE), await readWhole(ctx, ref));
    const index = SearchIndex.open(dir, { verify: 'all' });
    openIndex = { sha256: ref.sha256, index, dir };
    return index;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

export async function runEvaluateTask(
  ctx: JobsContext,
  job: JobRecord<EvaluateRequest>,
  t: number,
): Promise<EvaluateTaskRecord> {
  const started = performance.now();
  const { request, inputs } = job;
  const cell = cellOfTask(request, t);
  const id = configurationId(cell.configuration);
  const key = cellKey(job.engine, request, inputs, cell);
  const [queriesRef, qrelsRef] =
    cell.set === 'test'
      ? [inputs[INPUT.queries]!, inputs[INPUT.qrels]!]
      : [inputs[INPUT.tuneQueries]!, inputs[INPUT.tuneQrels]!];
  const set = await querySet(ctx, queriesRef, qrelsRef);
  const [from, to] = shardRange(set.queries.length, request.shards, cell.shard);
  const record = (reused: boolean): EvaluateTaskRecord => ({
    task: t,
    seconds: (performance.now() - started) / 1000,
    reused,
    set: cell.set,
    configuration: id,
    shard: cell.shard,
    cell: key,
    queries: to - from,
  });
  const mine = { run: taskCellKeys.run(job.id, t), metrics: taskCellKeys.metrics(job.id, t) };
  // Done before, by any job: copy it into this job's folder (a cache entry that lost its run
  // file, or expired between the two copies, is computed again).
  if (
    (await exists(ctx, cellKeys.metrics(key))) &&
    (await copyObject(ctx, cellKeys.run(key), mine.run)) &&
    (await copyObject(ctx, cellKeys.metrics(key), mine.metrics))
  )
    return record(true);

  const shard = set.queries.slice(from, to);
  const index = await indexOf(ctx, inputs[INPUT.index]!);
  let run;
  try {
    ({ run } = runQueries(index, shard, {
      ranker: cell.configuration.ranker,
      params: cell.configuration.params,
      k: request.k,
      source: queriesRef.url,
    }));
  } catch (err) {
    if (err instanceof EvalInputError) throw new PermanentTaskError(err.message);
    throw err;
  }
  const perQuery = shard.map((q) => ({
    query: q.id,
    ...byTrecName(evaluateQuery(run.get(q.id) ?? [], set.qrels.get(q.id)!, q.id)),
  }));
  await putBytes(ctx, mine.run, Buffer.from(formatRun(run, runTag(id)), 'utf8'));
  const metrics: CellMetrics = {
    configuration: id,
    set: cell.set,
    shard: cell.shard,
    perQuery,
    ...(cell.shard === 0 ? { qrelsOrder: [...set.qrels.keys()] } : {}),
  };
  await putJson(ctx, mine.metrics, metrics);
  // Filed for later jobs; the measures last, as they mark the cell done.
  await copyObject(ctx, mine.run, cellKeys.run(key));
  await copyObject(ctx, mine.metrics, cellKeys.metrics(key));
  return record(false);
}

/** The TREC run tag of a configuration: `sir-bm25-k1=0.9-b=0.4` (no whitespace). */
export function runTag(configuration: string): string {
  return `sir-${configuration.replace(/ /g, '-')}`;
}
