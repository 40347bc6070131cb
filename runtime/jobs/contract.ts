/**
 * The jobs API's contract without the pipeline behind it: the request schema, job ids, limits, the
 * error type and the service's interface. The HTTP routes (runtime/app/jobs.ts) import this front
 * door rather than index.ts, so the search Lambda's bundle carries no S3 or SQS client.
 */
export { JobError, type JobErrorCode } from './job-error.js';
export { JobRequestSchema, KIND_NAMES } from './request-schema.js';
export { JOB_ID_PATTERN } from './messages.js';
export { MAX_CHUNK_MB, DEFAULT_CHUNK_MB, BUILD_INDEX } from './build-index/request.js';
export { EVALUATE, MAX_SHARDS, MEASURE_NAMES } from './evaluate/request.js';
export { type EvaluateResult, RESULT_FILE_NAME } from './evaluate/result.js';
export { figureNames, parsePerQuery, renderFigure } from './evaluate/figures.js';
export { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './limits.js';
export type { JobsApi, RetryOutcome, SubmitOutcome } from './service.js';
export type { JobStatusName, JobStatusView, QueueView } from './status.js';
