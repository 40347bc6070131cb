/**
 * The job pipeline: job requests fanned out over SQS to map workers, combined by a reduce step,
 * driven by an event-driven coordinator, with state and results in S3 under deterministic keys.
 * See ARCHITECTURE.md ("runtime/jobs/") for the flow and why the queues are fixed.
 *
 * Front door: the service behind the HTTP API and `sir jobs`, the three handlers' cores, the
 * context they run in, and the contracts other parts share (queues, request schema, keys).
 */
export { JobError, type JobErrorCode } from './job-error.js';
export { JOBS_ENV } from './environment.js';
export {
  type JobsContext,
  type QueueUrls,
  contextFromEnv,
  inputBuckets,
  makeContext,
  makeSqsClient,
  DEFAULT_RETRY_BASE_SECONDS,
  DEFAULT_TASK_MEMORY_MB,
} from './context.js';
export {
  DEFAULT_TIMEOUTS,
  DLQ_RETENTION_SECONDS,
  MAX_RECEIVE_COUNT,
  MESSAGE_RETENTION_SECONDS,
  QUEUES,
  VISIBILITY_FACTOR,
  type JobFunction,
  type QueueRole,
  type QueueSpec,
  deadLetterAttributes,
  queueAttributes,
  queueName,
  visibilityTimeoutSeconds,
} from './queues.js';
export {
  DEFAULT_POLICY,
  POLICY_NAMES,
  type JobProgress,
  type PolicySpec,
  type QueueMetrics,
  describePolicy,
  needsQueueMetrics,
  tasksToRelease,
} from './policies.js';
export { type InputAccess, type InputRef, describeInput, locateInput } from './inputs.js';
export { JOBS_PREFIX, keys } from './keys.js';
export { JOB_ID_PATTERN, LIVE_INDEX, isStoreIndexName } from './messages.js';
export { type JobRecord, PIPELINE_VERSION, jobId } from './job-record.js';
export { KINDS } from './kinds.js';
export { JobRequestSchema, KIND_NAMES } from './request-schema.js';
export {
  BUILD_INDEX,
  type BuildIndexRequest,
  type BuildResult,
  DEFAULT_CHUNK_MB,
  MAX_CHUNK_MB,
} from './build-index/index.js';
export {
  DEFAULT_SHARDS,
  EVALUATE,
  type EvaluateRequest,
  type EvaluateResult,
  MAX_SHARDS,
  type TuningResult,
} from './evaluate/index.js';
export { figureNames, parsePerQuery, renderFigure } from './evaluate/figures.js';
export { type SqsBatchResponse, type SqsEvent, type SqsRecord } from './sqs-events.js';
export { handleTaskBatch } from './worker.js';
export { handleControlBatch } from './coordinator.js';
export { handleReduceBatch } from './reducer.js';
export { type JobStatusName, type JobStatusView, type QueueView } from './status.js';
export { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './limits.js';
export { type JobsApi, JobsService, type RetryOutcome, type SubmitOutcome } from './service.js';
