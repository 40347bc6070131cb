/**
 * The `evaluate` job kind (issue 13): a ranker × parameter sweep over a judged query set, one map
 * task per cell (configuration × query shard, cached across jobs by content), one reduce step that
 * writes the run files and the comparison table with significance tests and tuning.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { INDEX_FILE } from '../../engine/index.js';
import { isVersionId } from '../../store/index.js';
import type { JobsContext } from '../context.js';
import { JobError } from '../job-error.js';
import type { JobKind } from '../kind.js';
import { INPUT, taskCount } from './cells.js';
import { MIB } from '../build-index/map.js';
import { type EvaluateTaskRecord, runEvaluateTask } from './map.js';
import { reduceEvaluate } from './reduce.js';
import {
  EVALUATE,
  type EvaluateInput,
  type EvaluateRequest,
  EvaluateRequestSchema,
  canonicalEvaluateRequest,
} from './request.js';

export const LIVE_INDEX = 'live';

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
 * version live NOW is the one evaluated, and its id is recorded) — a `file://` URL in a directory
 * store, an `s3://` URL in an S3 store, whose objects carry the manifest's SHA-256, so the job is
 * identified by the index's content either way; a `file://` folder into its `index.sir`; other
 * `s3://` URLs are taken as they are.
 */
async function resolveIndex(ctx: JobsContext, request: EvaluateRequest): Promise<EvaluateRequest> {
  const { index } = request;
  if (index === LIVE_INDEX || isVersionId(index)) {
    if (ctx.store === undefined)
      throw new JobError(
        'input-refused',
        `index: "${index}" names a version of the index store, which this service cannot read (on an efs stack the store is on EFS, out of the jobs API's reach); evaluate a built index instead: \`sir jobs submit eval --index DIR --stack NAME\` stages a local one, a build job with "publish": false leaves one at s3://BUCKET/jobs/ID/output/index.sir (locally file:///PATH works too)`,
        'index',
      );
    const version = index === LIVE_INDEX ? await ctx.store.current() : index;
    if (version === undefined)
      throw new JobError(
        'input-unreadable',
        'index: the store has no live version yet; publish one (a build job or `sir publish`) or give a built index URL',
        'index',
      );
    if (!(await ctx.store.has(version)))
      throw new JobError('not-found', `index: the store has no version ${version}`, 'index');
    const manifest = await ctx.store.readManifest(version);
    if (!manifest.files.some((f) => f.path === INDEX_FILE))
      throw new JobError(
        'input-unreadable',
        `index: version ${version} of the store has no ${INDEX_FILE}; it is not an index this engine built`,
        'index',
      );
    return { ...request, indexVersion: version, indexUrl: ctx.store.fileUrl(version, INDEX_FILE) };
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
