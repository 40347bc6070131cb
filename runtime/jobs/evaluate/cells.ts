/**
 * The evaluate job's map step, laid out: task `t` is one cell — a configuration over one shard of
 * a query set (the test set's configurations first, then the tuning set's) — and a cell's outputs
 * live under a key derived from everything that determines them, so any job that needs the same
 * cell again (the same job resubmitted, or a grid extended by one value) finds it done.
 *
 *     cache/eval/<cell>.json   the cell's per-query measures (written last: the cell is done)
 *     cache/eval/<cell>.trec   its partial TREC run file
 *     jobs/<id>/cells/<t>.*    task t's copy of its cell, which the reduce step reads: it may read
 *                              only the job's folder (least privilege), never the cache
 *
 * Shard `s` of `S` holds the judged queries at positions [⌊s·n/S⌋, ⌊(s+1)·n/S⌋) of the query file,
 * so the shards' run files concatenated in order are `sir run`'s file.
 */
import { createHash } from 'node:crypto';
import { configurationId, type Configuration } from '../../eval/index.js';
import { canonicalJson } from '../canonical-json.js';
import { CACHED_EVAL_PREFIX, keys } from '../keys.js';
import type { EngineVersion } from '../job-record.js';
import type { InputRef } from '../inputs.js';
import { type EvaluateRequest, testConfigurations, tuningConfigurations } from './request.js';

export type QuerySet = 'test' | 'tune';

/** Positions of the job's inputs (`inputs` of the kind): the tuning set's only when it has one. */
export const INPUT = { index: 0, queries: 1, qrels: 2, tuneQueries: 3, tuneQrels: 4 } as const;

export interface CellTask {
  set: QuerySet;
  configuration: Configuration;
  /** Index of the configuration within its set's list. */
  position: number;
  shard: number;
}

export function taskCount(request: EvaluateRequest): number {
  return (
    (testConfigurations(request).length + tuningConfigurations(request).length) * request.shards
  );
}

/** Which cell task `t` computes. */
export function cellOfTask(request: EvaluateRequest, t: number): CellTask {
  const test = testConfigurations(request);
  const S = request.shards;
  if (t < test.length * S)
    return {
      set: 'test',
      configuration: test[Math.floor(t / S)]!,
      position: Math.floor(t / S),
      shard: t % S,
    };
  const u = t - test.length * S;
  const tune = tuningConfigurations(request);
  if (u >= tune.length * S) throw new RangeError(`task ${t} is not a task of this job`);
  return {
    set: 'tune',
    configuration: tune[Math.floor(u / S)]!,
    position: Math.floor(u / S),
    shard: u % S,
  };
}

/** The queries of shard `shard` of `shards`, given the number of judged queries. */
export function shardRange(count: number, shards: number, shard: number): [number, number] {
  return [Math.floor((shard * count) / shards), Math.floor(((shard + 1) * count) / shards)];
}

/** The cell's key: the hash of everything its outputs depend on. */
export function cellKey(
  engine: EngineVersion,
  request: EvaluateRequest,
  inputs: readonly InputRef[],
  cell: CellTask,
): string {
  const [queries, qrels] =
    cell.set === 'test'
      ? [inputs[INPUT.queries]!, inputs[INPUT.qrels]!]
      : [inputs[INPUT.tuneQueries]!, inputs[INPUT.tuneQrels]!];
  return createHash('sha256')
    .update(
      canonicalJson({
        engine,
        index: inputs[INPUT.index]!.sha256,
        queries: queries.sha256,
        qrels: qrels.sha256,
        configuration: configurationId(cell.configuration),
        k: request.k,
        shards: request.shards,
        shard: cell.shard,
      }),
    )
    .digest('hex')
    .slice(0, 40);
}

/** A cell's outputs, filed by content for any later job. */
export const cellKeys = {
  metrics: (cell: string) => `${CACHED_EVAL_PREFIX}${cell}.json`,
  run: (cell: string) => `${CACHED_EVAL_PREFIX}${cell}.trec`,
};

/** Task t's copy of its cell in the job's own folder: all the reduce step reads (and may read). */
export const taskCellKeys = {
  metrics: (job: string, task: number) => `${keys.job(job)}cells/${task}.json`,
  run: (job: string, task: number) => `${keys.job(job)}cells/${task}.trec`,
};
