/**
 * The `evaluate` job kind (issue 13): a ranker × parameter sweep over a judged query set, one map
 * task per cell (configuration × query shard, cached across jobs by content), one reduce step that
 * writes the run files and the comparison table with significance tests and tuning.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { INDEX_FILE } from '../../engine/index.js';
import type { JobsContext } from '../context.js';
import { JobError } from '../job-error.js';
import { isStoreIndexName } from '../messages.js';
import type { JobKind } from '../kind.js';
import { INPUT, taskCount } from './cells.js';
import { MIB } from '../build-index/map.js';
import { type EvaluateTaskRecord, runEvaluateTask } from './map.js';
import { reduceEvaluate } from './reduce.js';
import { type ResolvedIndex, resolveThroughReduce, storeIndexFile } from './resolve-index.js';
import {
  EVALUATE,
  type EvaluateInput,
  type EvaluateRequest,
  EvaluateRequestSchema,
  canonicalEvaluateRequest,
} from './request.js';

export const evaluateKind: JobKind<EvaluateRequest> = {
  name: EVALUATE,
  idPrefix: 'eval',
  schema: EvaluateRequestSchema,
  canonical: (input) => canonicalEvaluateRequest(input as EvaluateInput),
  resolve: resolveIndex,
  inputs(request) {
    if (request.indexUrl === undefined)
      throw new Error('the evaluate request was not resolved: its index has no URL yet');
    const inputs = [
      { field: 'index', url: request.indexUrl },
      { field: 'queries', url: request.queries },
      { field: 'qrels', url: request.qrels },
    ];
    if (request.tune !== null && 'queries' in request.tune)
      inputs.push(
        { field: 'tune.queries', url: request.tune.queries },
        { field: 'tune.qrels', url: request.tune.qrels },
      );
    return inputs;
  },
  validate(request, inputs, ctx) {
    evaluateKind.inputs(request).forEach(({ field }, i) => {
      if (inputs[i]!.bytes === 0)
        throw new JobError('invalid-request', `${field}: ${inputs[i]!.url} is empty`, field);
    });
    // A worker reads the whole index into its /tmp: refuse now what no worker could hold.
    const index = inputs[INPUT.index]!;
    if (ctx.workerTmpMb !== undefined && index.bytes > ctx.workerTmpMb * MIB)
      throw new JobError(
        'input-refused',
        `index: ${index.url} is ${(index.bytes / MIB).toFixed(1)} MiB, more than a worker's ${ctx.workerTmpMb} MiB of /tmp (stack config jobsWorkerTmpMb); raise jobsWorkerTmpMb (up to 10240) and run pulumi up, or evaluate a smaller index`,
        'index',
      );
  },
  taskCount: (request) => taskCount(request),
  runTask: (ctx, job, task) => runEvaluateTask(ctx, job, task),
  reduce: (ctx, job, records) => reduceEvaluate(ctx, job, records as EvaluateTaskRecord[]),
};

/**
 * Turns `index` into the URL of an index file: `live` and version ids through the store (the
 * version live NOW is the one evaluated, and its id is recorded) — read here where the store is
 * reachable (a `file://` URL in a directory store, an `s3://` URL in an S3 store, whose objects
 * carry the manifest's SHA-256), or resolved by the reduce function on an `efs` stack
 * (resolve-index.ts) — so the job is identified by the index's content either way; a `file://`
 * folder into its `index.sir`; other `s3://` URLs are taken as they are.
 */
async function resolveIndex(ctx: JobsContext, request: EvaluateRequest): Promise<EvaluateRequest> {
  const { index } = request;
  if (isStoreIndexName(index)) {
    let resolved: ResolvedIndex;
    if (ctx.store !== undefined) {
      const { version } = await storeIndexFile(ctx.store, index);
      resolved = { version, url: ctx.store.fileUrl(version, INDEX_FILE) };
    } else if (ctx.resolveViaReduce !== undefined)
      resolved = await resolveThroughReduce(ctx, index, ctx.resolveViaReduce);
    else
      throw new JobError(
        'input-refused',
        `index: "${index}" names a version of an index store, and this service has none; evaluate a built index instead: file:///PATH of its folder, or s3://BUCKET/KEY of its index.sir`,
        'index',
      );
    return { ...request, indexVersion: resolved.version, indexUrl: resolved.url };
  }
  if (index.startsWith('file:')) {
    let path: string | undefined;
    try {
      path = fileURLToPath(index);
    } catch {
      path = undefined; // describeInput says what is wrong with the URL
    }
    const folder = path !== undefined && (await stat(path).catch(() => undefined))?.isDirectory();
    if (folder) return { ...request, indexUrl: pathToFileURL(join(path!, INDEX_FILE)).href };
  }
  return { ...request, indexUrl: index };
}

export {
  EVALUATE,
  EvaluateRequestSchema,
  type EvaluateRequest,
  DEFAULT_SHARDS,
  MAX_SHARDS,
} from './request.js';
export type { EvaluateResult, TuningResult } from './result.js';
