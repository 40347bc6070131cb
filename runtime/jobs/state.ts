/**
 * A job's state (`jobs/<id>/state.json`) and the pure rules that move it. Only the coordinator
 * writes it, one batch of a job's control messages at a time (the control queue is FIFO, grouped by
 * job). `step` applies events and decides what to send; the coordinator sends that, then writes
 * the new state, then acknowledges the messages. A crash anywhere in between redelivers the
 * messages, and applying them again to the old state sends the same things again: every event is
 * idempotent and every message it causes can be received twice.
 *
 * Generations: each `retry` bumps the job's generation, and each release stamps a task with it.
 * A failure reported for an older generation of a task (a stale copy from the dead-letter queue,
 * say) is ignored; a success is accepted whenever it comes (task outputs are deterministic).
 */
import {
  type JobProgress,
  type PolicySpec,
  type QueueMetrics,
  tasksToRelease,
} from './policies.js';

export type TaskStatus = 'pending' | 'released' | 'done' | 'failed';
export type JobPhase = 'map' | 'reduce' | 'failed';

export interface TaskState {
  status: TaskStatus;
  /** Generation of its latest release. */
  generation: number;
  /** Deliveries that failed and were retried. */
  attempts: number;
  /** From the task's record, once done. */
  docs?: number;
  lines?: number;
  /** The task's output came from an earlier job's identical chunk. */
  reused?: boolean;
}

export interface JobFailure {
  phase: 'map' | 'reduce' | 'coordinator';
  task?: number;
  message: string;
  /** The input's content caused it: running it again fails the same way. */
  permanent: boolean;
  /** Line within the task's chunk, for corpus errors (1-based). */
  chunkLine?: number;
  at: string;
}

export interface JobState {
  v: 1;
  id: string;
  kind: string;
  phase: JobPhase;
  generation: number;
  /** `retry` requests applied. */
  retries: number;
  createdAt: string;
  updatedAt: string;
  mapFinishedAt?: string;
  tasks: TaskState[];
  failure?: JobFailure;
}

/** What the coordinator learned for one control message (records read from S3 included). */
export type JobEvent =
  | { type: 'submitted' }
  | { type: 'task-done'; task: number; docs: number; lines: number; reused: boolean }
  | { type: 'task-retrying'; task: number; attempt: number }
  | {
      type: 'task-failed';
      task: number;
      generation: number;
      message: string;
      permanent: boolean;
      chunkLine?: number;
    }
  | {
      type: 'retry';
      /** The generation the retry was asked for. */
      generation: number;
      done: Array<{ task: number; docs: number; lines: number; reused: boolean }>;
    };

export type Emit =
  { type: 'task'; task: number; generation: number } | { type: 'reduce'; generation: number };

export function newJobState(id: string, kind: string, tasks: number, now: Date): JobState {
  const at = now.toISOString();
  return {
    v: 1,
    id,
    kind,
    phase: 'map',
    generation: 0,
    retries: 0,
    createdAt: at,
    updatedAt: at,
    tasks: Array.from({ length: tasks }, () => ({ status: 'pending', generation: 0, attempts: 0 })),
  };
}

export function progress(state: JobState): JobProgress & {
  done: number;
  failed: number;
  retried: number;
} {
  const count = (s: TaskStatus) => state.tasks.filter((t) => t.status === s).length;
  return {
    total: state.tasks.length,
    pending: count('pending'),
    inFlight: count('released'),
    done: count('done'),
    failed: count('failed'),
    retried: state.tasks.reduce((sum, t) => sum + t.attempts, 0),
  };
}

/**
 * Applies `events` in order, then releases tasks by `policy` (map phase) or starts the reduce
 * step (every task done). Returns the new state and what to send. Does not modify `state`.
 */
export function step(
  state: JobState,
  events: JobEvent[],
  { policy, queue, now }: { policy: PolicySpec; queue?: QueueMetrics; now: Date },
): { state: JobState; emit: Emit[] } {
  const s: JobState = structuredClone(state);
  const at = now.toISOString();
  const emit: Emit[] = [];
  for (const e of events) applyEvent(s, e, at, emit);
  if (s.phase !== 'reduce' && s.tasks.length > 0 && s.tasks.every((t) => t.status === 'done')) {
    // A late success can heal a failed map step: every chunk is built after all.
    s.phase = 'reduce';
    s.mapFinishedAt = at;
    delete s.failure;
    emit.push({ type: 'reduce', generation: s.generation });
  }
  if (s.phase === 'map') {
    const n = tasksToRelease(policy, progress(s), queue);
    for (let i = 0, released = 0; i < s.tasks.length && released < n; i++) {
      const t = s.tasks[i]!;
      if (t.status !== 'pending') continue;
      t.status = 'released';
      t.generation = s.generation;
      emit.push({ type: 'task', task: i, generation: s.generation });
      released++;
    }
  }
  s.updatedAt = at;
  return { state: s, emit };
}

function applyEvent(s: JobState, e: JobEvent, at: string, emit: Emit[]): void {
  switch (e.type) {
    case 'submitted':
      return;
    case 'task-done': {
      const t = task(s, e.task);
      if (t.status === 'done') return;
      Object.assign(t, { status: 'done', docs: e.docs, lines: e.lines, reused: e.reused });
      return;
    }
    case 'task-retrying': {
      const t = task(s, e.task);
      t.attempts = Math.max(t.attempts, e.attempt);
      return;
    }
    case 'task-failed': {
      const t = task(s, e.task);
      if (t.status === 'done' || e.generation < t.generation) return;
      t.status = 'failed';
      if (s.phase === 'map') {
        s.phase = 'failed';
        s.failure = {
          phase: 'map',
          task: e.task,
          message: e.message,
          permanent: e.permanent,
          ...(e.chunkLine !== undefined ? { chunkLine: e.chunkLine } : {}),
          at,
        };
      }
      return;
    }
    case 'retry': {
      if (e.generation !== s.generation) return; // already retried
      for (const d of e.done) {
        const t = task(s, d.task);
        if (t.status !== 'done')
          Object.assign(t, { status: 'done', docs: d.docs, lines: d.lines, reused: d.reused });
      }
      s.retries++;
      s.generation++;
      if (s.phase === 'reduce') {
        // The reduce step failed (it reports through S3, not here): run it again.
        emit.push({ type: 'reduce', generation: s.generation });
        return;
      }
      for (const t of s.tasks) if (t.status === 'failed') t.status = 'pending';
      if (s.phase === 'failed') {
        s.phase = 'map';
        delete s.failure;
      }
      return;
    }
  }
}

function task(s: JobState, n: number): TaskState {
  const t = s.tasks[n];
  if (t === undefined)
    throw new RangeError(`job ${s.id} has ${s.tasks.length} tasks; no task ${n}`);
  return t;
}

/**
 * The corpus line of a failure inside a chunk: 1 + the lines of every earlier chunk + the line in
 * the chunk − 1. Undefined until every earlier chunk has reported its line count.
 */
export function corpusLine(state: JobState, failure: JobFailure): number | undefined {
  if (failure.task === undefined || failure.chunkLine === undefined) return undefined;
  let before = 0;
  for (const t of state.tasks.slice(0, failure.task)) {
    if (t.lines === undefined) return undefined;
    before += t.lines;
  }
  return before + failure.chunkLine;
}
