/**
 * The messages of the pipeline. They carry references, never data: a task names its job, its
 * input range and its output key; a task outcome names the task (its record or error is in S3).
 * `parseMessage` checks a body before anything acts on it, so a malformed message fails with a
 * sentence (and ends in the dead-letter queue) instead of doing something half-way.
 */
import { isVersionId } from '../store/version-id.js';

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

/**
 * Reduce queue, from the jobs API on an `efs` stack: which version `index` (`live` or a version id)
 * names, answered at `keys.resolved(request)` by the reduce function, the only one that mounts the
 * store (evaluate/resolve-index.ts). `request` is the asker's random 24-hex-digit id.
 */
export interface ResolveMessage {
  v: 1;
  type: 'resolve';
  request: string;
  index: string;
}

/** Control queue (FIFO, grouped by job): what the coordinator acts on. */
export type ControlMessage =
  | { v: 1; type: 'submitted'; job: string }
  | { v: 1; type: 'task-done'; job: string; task: number }
  | { v: 1; type: 'task-retrying'; job: string; task: number; attempt: number; generation: number }
  | { v: 1; type: 'task-failed'; job: string; task: number; generation: number }
  /** `generation`: the job's generation the retry was asked for; a stale retry does nothing. */
  | { v: 1; type: 'retry'; job: string; generation: number };

export type PipelineMessage = TaskMessage | ReduceMessage | ResolveMessage | ControlMessage;

const FIELDS: Record<PipelineMessage['type'], string[]> = {
  task: ['task', 'generation'],
  reduce: ['generation'],
  resolve: [],
  submitted: [],
  'task-done': ['task'],
  'task-retrying': ['task', 'attempt', 'generation'],
  'task-failed': ['task', 'generation'],
  retry: ['generation'],
};

/** Job ids as `jobId()` makes them: a kind prefix and 24 hex digits. */
export const JOB_ID_PATTERN = /^[a-z][a-z0-9]{0,15}-[0-9a-f]{24}$/;

/** A resolve request's id: 24 random hex digits. */
export const RESOLVE_REQUEST_PATTERN = /^[0-9a-f]{24}$/;

/** What a resolve message may name: `live` or a version id (the store checks it exists). */
export const LIVE_INDEX = 'live';
export const isStoreIndexName = (index: string) => index === LIVE_INDEX || isVersionId(index);

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
  if (m.type === 'resolve') {
    if (typeof m.request !== 'string' || !RESOLVE_REQUEST_PATTERN.test(m.request))
      throw new Error(`message names no valid resolve request id: ${JSON.stringify(m.request)}`);
    if (typeof m.index !== 'string' || !isStoreIndexName(m.index))
      throw new Error(
        `message field index must be "${LIVE_INDEX}" or a version id, got ${JSON.stringify(m.index)}`,
      );
  } else if (typeof m.job !== 'string' || !JOB_ID_PATTERN.test(m.job))
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
