/**
 * What `GET /jobs/{id}` answers: a job's status read from its objects — the request, the
 * coordinator's state, the reduce step's result or failure — plus the shared queues' depths. The
 * status is derived, never stored: `succeeded` once `result.json` exists; `failed` when the state
 * says so or the reduce step gave up in the current generation; `running` once the coordinator has
 * a state; `queued` before.
 */
import type { JobsContext } from './context.js';
import type { JobRecord } from './job-record.js';
import { keys } from './keys.js';
import { kindOf } from './kinds.js';
import { getJson } from './objects.js';
import { queueMetrics } from './sqs-events.js';
import { type JobState, corpusLine, progress } from './state.js';
import type { ErrorRecord } from './worker.js';

export type JobStatusName = 'queued' | 'running' | 'succeeded' | 'failed';

export interface QueueView {
  /** Task messages waiting, of all jobs (the task queue is shared). */
  waiting: number;
  /** Task messages being worked on, of all jobs. */
  inFlight: number;
  /** Messages in the pipeline's dead-letter queues. */
  deadLetters: number;
}

export interface JobStatusView {
  id: string;
  kind: string;
  status: JobStatusName;
  /** Where the job is: `submitted` (no state yet), `map`, `reduce`, `done` or `failed`. */
  phase: 'submitted' | 'map' | 'reduce' | 'done' | 'failed';
  request: object;
  inputs: Array<{ url: string; bytes: number; sha256: string }>;
  tasks: {
    total: number;
    done: number;
    failed: number;
    /** Deliveries that failed and were tried again. */
    retried: number;
    running: number;
    pending: number;
    /** Done from an identical, earlier piece of work. */
    reused: number;
  };
  /** `retry` requests applied so far. */
  retries: number;
  queue: QueueView | null;
  submittedAt: string;
  startedAt: string | null;
  mapFinishedAt: string | null;
  finishedAt: string | null;
  /** From submission to the end (or to now, while running). */
  seconds: number;
  result: Record<string, unknown> | null;
  error: {
    phase: 'map' | 'reduce' | 'coordinator';
    task: number | null;
    message: string;
    /** The corpus line at fault, once known. */
    line: number | null;
    /** Caused by the input's content: retrying the same input fails again. */
    permanent: boolean;
  } | null;
}

export async function readJobStatus(
  ctx: JobsContext,
  record: JobRecord,
  queue?: QueueView | null,
): Promise<JobStatusView> {
  const id = record.id;
  const [state, result, reduceFailed] = await Promise.all([
    getJson<JobState>(ctx, keys.state(id)),
    getJson<Record<string, unknown>>(ctx, keys.result(id)),
    getJson<ErrorRecord>(ctx, keys.reduceFailed(id)),
  ]);
  const s = state?.value;
  const kind = kindOf(record.kind);
  const total = s?.tasks.length ?? kind?.taskCount(record.request, record.inputs) ?? 0;
  const p = s
    ? progress(s)
    : { total, pending: total, inFlight: 0, done: 0, failed: 0, retried: 0 };
  // The reduce step ran on every task's record: whatever the state has not caught up with yet
  // (the coordinator writes it after sending the reduce message), every task is done.
  if (result) Object.assign(p, { done: p.total, pending: 0, inFlight: 0, failed: 0 });
  const reduceGaveUp =
    reduceFailed !== undefined && s !== undefined && reduceFailed.value.generation === s.generation;
  let status: JobStatusName;
  let error: JobStatusView['error'] = null;
  if (result) status = 'succeeded';
  else if (s?.phase === 'failed' && s.failure) {
    status = 'failed';
    const f = s.failure;
    error = {
      phase: f.phase,
      task: f.task ?? null,
      message: f.message,
      line: corpusLine(s, f) ?? null,
      permanent: f.permanent,
    };
  } else if (reduceGaveUp) {
    status = 'failed';
    error = {
      phase: 'reduce',
      task: null,
      message: reduceFailed.value.message,
      line: null,
      permanent: reduceFailed.value.permanent,
    };
  } else status = s ? 'running' : 'queued';
  const finishedAt =
    (result?.value.finishedAt as string | undefined) ??
    (status === 'failed' ? (s?.failure?.at ?? reduceFailed?.value.at ?? null) : null);
  const end = finishedAt ? Date.parse(finishedAt) : ctx.now().getTime();
  return {
    id,
    kind: record.kind,
    status,
    phase: result ? 'done' : status === 'failed' ? 'failed' : (s?.phase ?? 'submitted'),
    request: record.request,
    inputs: record.inputs.map(({ url, bytes, sha256 }) => ({ url, bytes, sha256 })),
    tasks: {
      total: p.total,
      done: p.done,
      failed: p.failed,
      retried: p.retried,
      running: p.inFlight,
      pending: p.pending,
      reused: s?.tasks.filter((t) => t.reused).length ?? 0,
    },
    retries: s?.retries ?? 0,
    queue: queue === undefined ? await readQueueView(ctx) : queue,
    submittedAt: record.submittedAt,
    startedAt: s?.createdAt ?? null,
    mapFinishedAt: s?.mapFinishedAt ?? null,
    finishedAt,
    seconds: Math.max(0, (end - Date.parse(record.submittedAt)) / 1000),
    result: result?.value ?? null,
    error,
  };
}

/** The shared queues' depths, or null where SQS cannot be asked (no client, or it failed). */
export async function readQueueView(ctx: JobsContext): Promise<QueueView | null> {
  if (!ctx.sqs) return null;
  try {
    const task = await queueMetrics(ctx, ctx.queues.task);
    let deadLetters = 0;
    for (const dlq of [ctx.queues.taskDlq, ctx.queues.controlDlq, ctx.queues.reduceDlq])
      if (dlq) deadLetters += (await queueMetrics(ctx, dlq)).waiting;
    return { waiting: task.waiting, inFlight: task.inFlight, deadLetters };
  } catch (err) {
    ctx.log.warn('queue metrics unavailable', { error: String(err) });
    return null;
  }
}
