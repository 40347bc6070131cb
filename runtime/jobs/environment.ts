/**
 * The environment variables a pipeline function reads: one list for the handlers (context.ts), the
 * Pulumi component that sets them in AWS (infra/jobs/) and the local stand-in, which sets them as
 * Lambda's configuration would:
 *
 *     JOBS_RESULTS_BUCKET, JOBS_TASK_QUEUE_URL, JOBS_CONTROL_QUEUE_URL, JOBS_REDUCE_QUEUE_URL
 *     JOBS_TASK_DLQ_URL, JOBS_CONTROL_DLQ_URL, JOBS_REDUCE_DLQ_URL     optional, for status counts
 *     JOBS_INPUT_BUCKETS       comma-separated buckets inputs may come from (the staging bucket)
 *     JOBS_INPUT_ROOTS         comma-separated folders file:// inputs may come from (local only)
 *     JOBS_SEND_TO_SQS         "false" in the reduce function (no route to SQS)
 *     INDEX_DIR, VERSIONS_TO_KEEP   the index store on a directory (EFS): reduce
 *     INDEX_BUCKET, INDEX_PREFIX    the index store in S3 (an `s3` stack): reduce (read-write) and
 *                              the API (read-only, for an evaluation's `live` or version id)
 *     JOBS_RESOLVE_INDEX_VIA   "reduce" in the API of an `efs` stack: `live` and version ids are
 *                              resolved by the reduce function, which alone mounts the store
 *     JOBS_WORKER_TMP_MB       a map worker's /tmp, MB: the largest index an evaluation may read
 *     JOBS_RETRY_BASE_SECONDS, JOBS_TASK_MEMORY_MB, JOBS_MAX_RECEIVE_COUNT
 *     SIR_AWS_ENDPOINT         an S3/SQS endpoint such as the local stand-in's (absent in AWS)
 *     AWS_REGION               set by Lambda
 */
export const JOBS_ENV = {
  resultsBucket: 'JOBS_RESULTS_BUCKET',
  taskQueue: 'JOBS_TASK_QUEUE_URL',
  controlQueue: 'JOBS_CONTROL_QUEUE_URL',
  reduceQueue: 'JOBS_REDUCE_QUEUE_URL',
  taskDlq: 'JOBS_TASK_DLQ_URL',
  controlDlq: 'JOBS_CONTROL_DLQ_URL',
  reduceDlq: 'JOBS_REDUCE_DLQ_URL',
  inputBuckets: 'JOBS_INPUT_BUCKETS',
  inputRoots: 'JOBS_INPUT_ROOTS',
  sendToSqs: 'JOBS_SEND_TO_SQS',
  indexDir: 'INDEX_DIR',
  indexBucket: 'INDEX_BUCKET',
  indexPrefix: 'INDEX_PREFIX',
  resolveIndexVia: 'JOBS_RESOLVE_INDEX_VIA',
  workerTmpMb: 'JOBS_WORKER_TMP_MB',
  keep: 'VERSIONS_TO_KEEP',
  retryBaseSeconds: 'JOBS_RETRY_BASE_SECONDS',
  memoryMb: 'JOBS_TASK_MEMORY_MB',
  maxReceiveCount: 'JOBS_MAX_RECEIVE_COUNT',
  endpoint: 'SIR_AWS_ENDPOINT',
  region: 'AWS_REGION',
} as const;
