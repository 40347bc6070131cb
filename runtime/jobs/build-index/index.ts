/** The `build-index` job kind: a corpus cut into byte ranges, built by workers, merged by reduce. */
import { JobError } from '../job-error.js';
import type { JobKind } from '../kind.js';
import { runBuildTask, type BuildTaskRecord, MIB } from './map.js';
import { reduceBuild } from './reduce.js';
import {
  BUILD_INDEX,
  type BuildIndexInput,
  type BuildIndexRequest,
  BuildIndexRequestSchema,
  canonicalBuildRequest,
} from './request.js';

export const buildIndexKind: JobKind<BuildIndexRequest> = {
  name: BUILD_INDEX,
  idPrefix: 'build',
  schema: BuildIndexRequestSchema,
  canonical: (input) => canonicalBuildRequest(input as BuildIndexInput),
  inputs: (request) => [{ field: 'corpus', url: request.corpus }],
  validate(_request, [corpus]) {
    if (corpus!.bytes === 0)
      throw new JobError(
        'invalid-request',
        `corpus: ${corpus!.url} is empty; expected JSONL, one document per line`,
        'corpus',
      );
  },
  taskCount: (request, [corpus]) => Math.ceil(corpus!.bytes / (request.chunkMb * MIB)),
  runTask(ctx, job, task) {
    return runBuildTask(ctx, job, task, buildIndexKind.taskCount(job.request, job.inputs));
  },
  reduce: (ctx, job, records) => reduceBuild(ctx, job, records as BuildTaskRecord[]),
};

export {
  BUILD_INDEX,
  BuildIndexRequestSchema,
  type BuildIndexRequest,
  DEFAULT_CHUNK_MB,
  MAX_CHUNK_MB,
} from './request.js';
export type { BuildResult } from './reduce.js';
export type { BuildTaskRecord } from './map.js';
