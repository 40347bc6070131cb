/**
 * What a build job would cost and take on Lambda, from what a local run measured. Prices are AWS's
 * us-east-1 list prices at the time of writing (check them before relying on the numbers):
 *
 * - Lambda, arm64: $0.0000133334 per GB-second, $0.20 per million requests
 *   (https://aws.amazon.com/lambda/pricing/);
 * - SQS: $0.40 per million requests for standard queues, $0.50 for FIFO; every 64 KB of a
 *   message is one request; the first million a month are free (https://aws.amazon.com/sqs/pricing/);
 * - S3 Standard: $0.005 per 1,000 PUT/COPY/LIST, $0.0004 per 1,000 GET
 *   (https://aws.amazon.com/s3/pricing/); transfer between S3 and Lambda in one region is free.
 *
 * Durations are measured per task on this machine; on Lambda a function gets CPU in proportion to
 * its memory (1,769 MB is one full vCPU), so the model assumes a worker of `workerMemoryMb` ≥ 1,769
 * runs a task as fast as one core here. That is an assumption, printed with the numbers.
 */
import { DEFAULTS } from '../../infra/config.js';
import { JOBS_SMALL_FUNCTION_MEMORY_MB } from '../../infra/lambda-platform.js';

export const PRICES = {
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  sqsStandardRequest: 0.4 / 1e6,
  sqsFifoRequest: 0.5 / 1e6,
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
} as const;

export interface MeasuredJob {
  tasks: number;
  /** Seconds each map task ran (from its record). */
  taskSeconds: number[];
  reduceSeconds: number;
  /** Bytes of the segments the tasks wrote (each read back once by the reduce step). */
  segmentBytes: number;
}

export interface LambdaSizing {
  workerMemoryMb: number;
  reduceMemoryMb: number;
  coordinatorMemoryMb: number;
  /** Coordinator run time per invocation (it reads and writes a few small objects). */
  coordinatorSeconds: number;
}

/** What a stack deploys by default (infra/config.ts, infra/lambda-platform.ts). */
export const DEFAULT_SIZING: LambdaSizing = {
  workerMemoryMb: DEFAULTS.jobsWorkerMemoryMb,
  reduceMemoryMb: DEFAULTS.jobsReduceMemoryMb,
  coordinatorMemoryMb: JOBS_SMALL_FUNCTION_MEMORY_MB,
  coordinatorSeconds: 0.3,
};

export interface JobCost {
  gbSeconds: number;
  lambdaRequests: number;
  sqsRequests: { standard: number; fifo: number };
  s3Requests: { put: number; get: number };
  dollars: number;
}

/**
 * Requests per job, counted from the pipeline's code: per task one task message sent, received
 * and deleted (standard), one `task-done` sent, received and deleted (FIFO), and for S3 the
 * segment (in 8 MiB parts), the task record, the cache entry, a cache read, the job record read
 * and two range reads of the corpus; per coordinator batch a state read and write and a request
 * read. Plus submission and the reduce step. Idle polling of the event-source mappings is a
 * monthly cost of the stack, not of a job (README, "Jobs").
 */
export function jobCost(m: MeasuredJob, s: LambdaSizing = DEFAULT_SIZING): JobCost {
  const gb = (mb: number) => mb / 1024;
  // Coordinator: one invocation per task-done at worst (batches of up to 10 when busy), + submit.
  const coordinatorInvocations = m.tasks + 2;
  const gbSeconds =
    m.taskSeconds.reduce((a, b) => a + b, 0) * gb(s.workerMemoryMb) +
    m.reduceSeconds * gb(s.reduceMemoryMb) +
    coordinatorInvocations * s.coordinatorSeconds * gb(s.coordinatorMemoryMb);
  const lambdaRequests = m.tasks + coordinatorInvocations + 1;
  const standard = 3 * m.tasks + 3; // task send/receive/delete; reduce send/receive/delete
  const fifo = 3 * (m.tasks + 1); // task-done (and submitted) send/receive/delete
  const parts = Math.ceil(m.segmentBytes / (8 << 20)) + 2 * m.tasks;
  const put = parts + 3 * m.tasks + 2 * coordinatorInvocations + 6;
  const get = 4 * m.tasks + 3 * coordinatorInvocations + m.tasks + 4;
  const dollars =
    gbSeconds * PRICES.lambdaGbSecond +
    lambdaRequests * PRICES.lambdaRequest +
    standard * PRICES.sqsStandardRequest +
    fifo * PRICES.sqsFifoRequest +
    put * PRICES.s3Put +
    get * PRICES.s3Get;
  return {
    gbSeconds,
    lambdaRequests,
    sqsRequests: { standard, fifo },
    s3Requests: { put, get },
    dollars,
  };
}

/**
 * Wall time with `p` workers for a corpus cut into `tasks` tasks of `taskSeconds` each: the tasks
 * in ⌈tasks / p⌉ waves, then the reduce step, which is one function and does not scale (Amdahl),
 * plus a fixed `overheadSeconds` (submission, queue hops, a cold start).
 */
export function modelSeconds(
  p: number,
  tasks: number,
  taskSeconds: number,
  reduceSeconds: number,
  overheadSeconds: number,
): number {
  return overheadSeconds + Math.ceil(tasks / p) * taskSeconds + reduceSeconds;
}
