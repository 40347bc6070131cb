/**
 * The pipeline's fixed queues and the functions that consume them: one definition, read by the
 * Pulumi component (infra/jobs/), the local stand-in (runtime/local/) and the handlers.
 *
 * - `task` (standard): map tasks of every job; each message carries its job id and, as its
 *   `MessageGroupId`, the job id, so that SQS fair queues keep one large job from starving a
 *   small one. Consumed by the worker, one task per invocation.
 * - `control` (FIFO, `MessageGroupId` = job id): task outcomes, submissions and retries. SQS
 *   hands out one group's messages one at a time, so exactly one coordinator invocation writes a
 *   job's state at a time — Quickwit's single metastore writer, without locks.
 * - `reduce` (standard): one message per job whose map step is complete. Consumed by the reduce
 *   function, which runs in the VPC (it writes the index store on EFS) and is triggered by an
 *   event-source mapping, so it needs no route to SQS; it reports through S3.
 *
 * Each queue has a dead-letter queue that receives a message after `MAX_RECEIVE_COUNT` deliveries,
 * and a visibility timeout of `VISIBILITY_FACTOR` × its consumer's timeout (AWS's advice for
 * event-source mappings: a batch may wait for throttled invocations before it runs).
 */

export const MAX_RECEIVE_COUNT = 5;
export const VISIBILITY_FACTOR = 6;
/** Dead letters are kept as long as SQS allows, so that nobody misses one. */
export const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;
/** Live messages: four days (SQS's default). */
export const MESSAGE_RETENTION_SECONDS = 4 * 24 * 3600;

export type QueueRole = 'task' | 'control' | 'reduce';
export type JobFunction = 'worker' | 'coordinator' | 'reduce';

export interface QueueSpec {
  role: QueueRole;
  fifo: boolean;
  /** The function an event-source mapping feeds from this queue. */
  consumer: JobFunction;
  /** Messages per invocation. */
  batchSize: number;
}

export const QUEUES: Record<QueueRole, QueueSpec> = {
  task: { role: 'task', fifo: false, consumer: 'worker', batchSize: 1 },
  control: { role: 'control', fifo: true, consumer: 'coordinator', batchSize: 10 },
  reduce: { role: 'reduce', fifo: false, consumer: 'reduce', batchSize: 1 },
};

/** Default timeouts of the consumers, in seconds (Lambda's maximum is 900). */
export const DEFAULT_TIMEOUTS: Record<JobFunction, number> = {
  worker: 300,
  coordinator: 30,
  reduce: 900,
};

export function visibilityTimeoutSeconds(consumerTimeoutSeconds: number): number {
  return VISIBILITY_FACTOR * consumerTimeoutSeconds;
}

/** A queue's name from a base name: FIFO queue names must end in `.fifo`. */
export function queueName(base: string, role: QueueRole, deadLetter = false): string {
  const name = `${base}-${role}${deadLetter ? '-dlq' : ''}`;
  return QUEUES[role].fifo ? `${name}.fifo` : name;
}

/** The SQS attributes of a queue (its dead-letter queue takes `deadLetterAttributes`). */
export function queueAttributes(
  role: QueueRole,
  {
    consumerTimeoutSeconds,
    deadLetterArn,
  }: { consumerTimeoutSeconds: number; deadLetterArn: string },
): Record<string, string> {
  return {
    ...(QUEUES[role].fifo ? { FifoQueue: 'true' } : {}),
    VisibilityTimeout: String(visibilityTimeoutSeconds(consumerTimeoutSeconds)),
    MessageRetentionPeriod: String(MESSAGE_RETENTION_SECONDS),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetterArn,
      maxReceiveCount: MAX_RECEIVE_COUNT,
    }),
  };
}

export function deadLetterAttributes(role: QueueRole): Record<string, string> {
  return {
    ...(QUEUES[role].fifo ? { FifoQueue: 'true' } : {}),
    MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS),
  };
}
