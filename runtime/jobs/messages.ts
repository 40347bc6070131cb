/**
 * The messages of the pipeline. They carry references, never data: a task names its job, its
 * input range and its output key; a task outcome names the task (its record or error is in S3).
 * `parseMessage` checks a body before anything acts on it, so a malformed message fails with a
 * sentence (and ends in the dead-letter queue) instead of doing something half-way.
 */
export const MESSAGE_VERSION = 1;

/** Task queue: one map task. */
export interface TaskMessage {
  v: 1;
  type: 'task';
  job: string;
  task: number;
  generation: number;
}

/** Reduce queue: combine the outputs of a job whose map step is complete. */
export interface ReduceMessage {
  v: 1;
  type: 'reduce';
  job: string;
  generation: number;
}

/** Control queue (FIFO, grouped by job): what the coordinator acts on. */
export type ControlMessage =
  | { v: 1; type: 'submitted'; job: string }
  | { v: 1; type: 'task-done'; job: string; task: number }
  | { v: 1; type: 'task-retrying'; job: string; task: number; attempt: number; generation: number }
  | { v: 1; type: 'task-failed'; job: string; task: number; generation: number }
  /** `generation`: the job's generation the retry was asked for; a stale retry does nothing. */
  | { v: 1; type: 'retry'; job: string; generation: number };

export type PipelineMessage = TaskMessage | ReduceMessage | ControlMessage;

const FIELDS: Record<PipelineMessage['type'], string[]> = {
  task: ['task', 'generation'],
  reduce: ['generation'],
  submitted: [],
  'task-done': ['task'],
  'task-retrying': ['task', 'attempt', 'generation'],
  'task-failed': ['task', 'generation'],
  retry: ['generation'],
};

/** Job ids as `jobId()` makes them: a kind prefix and 24 hex digits. */
export const JOB_ID_PATTERN = /^[a-z][a-z0-9]{0,15}-[0-9a-f]{24}$/;

export function parseMessage<T extends PipelineMessage['type']>(
  body: string,
  accepted: readonly T[],
): Extract<PipelineMessage, { type: T }> {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new Error(`message is not JSON: ${JSON.stringify(body.slice(0, 200))}`);
  }
  if (m === null || typeof m !== 'object' || m.v !== MESSAGE_VERSION)
    throw new Error(
      `message is not a version ${MESSAGE_VERSION} pipeline message: ${body.slice(0, 200)}`,
    );
  if (!(accepted as readonly unknown[]).includes(m.type))
    throw new Error(`message type ${JSON.stringify(m.type)} is not one of ${accepted.join(', ')}`);
  if (typeof m.job !== 'string' || !JOB_ID_PATTERN.test(m.job))
    throw new Error(`message names no valid job id: ${JSON.stringify(m.job)}`);
  for (const f of FIELDS[m.type as T]) {
    const n = m[f];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
      throw new Error(`message field ${f} must be an integer ≥ 0, got ${JSON.stringify(n)}`);
  }
  return m as unknown as Extract<PipelineMessage, { type: T }>;
}

/** A FIFO deduplication id for a control message: the same message sent twice is delivered once. */
export function deduplicationId(m: ControlMessage): string {
  const parts: Array<string | number> = [m.type, m.job];
  if ('task' in m) parts.push(m.task);
  if ('attempt' in m) parts.push(m.attempt);
  if ('generation' in m) parts.push(m.generation);
  return parts.join(':');
}
