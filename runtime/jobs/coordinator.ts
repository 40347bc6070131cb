/**
 * The coordinator: the only writer of job states. The control queue is FIFO with one message group
 * per job, so it sees one job's messages in order and never two batches of one job at once. For
 * each job in a batch it reads what the messages point to (task records and errors in S3), applies
 * them with `step` (state.ts), sends what `step` decided (task messages, the reduce message), and
 * only then writes the state — conditionally on the version it read — and acknowledges. A failure
 * anywhere fails that job's messages and every message after them (FIFO order is kept), and they
 * come back; applying them again is harmless.
 *
 * A job's messages that keep failing reach the last delivery: the coordinator then records the job
 * as failed (phase `coordinator`, with the error) if it can, and the messages go to the control
 * dead-letter queue, which raises the alarm. `retry` recovers such a job from what S3 holds.
 */
import type { JobsContext } from './context.js';
import { errorMessage } from '../log/logger.js';
import { type JobRecord, loadJob } from './job-record.js';
import { keys } from './keys.js';
import { kindOf } from './kinds.js';
import { type ControlMessage, parseMessage } from './messages.js';
import { getJson, putJson } from './objects.js';
import { needsQueueMetrics } from './policies.js';
import {
  type SqsBatchResponse,
  type SqsEvent,
  type SqsRecord,
  queueMetrics,
  receiveCount,
  sendReduce,
  sendTasks,
} from './sqs-events.js';
import type { TaskRecord } from './kind.js';
import { type JobEvent, type JobState, newJobState, step } from './state.js';
import type { ErrorRecord } from './worker.js';

export async function handleControlBatch(
  ctx: JobsContext,
  event: SqsEvent,
): Promise<SqsBatchResponse> {
  // Group by job, keeping each job's order; jobs in order of first appearance.
  const groups = new Map<string, Array<{ record: SqsRecord; message?: ControlMessage }>>();
  for (const record of event.Records) {
    let message: ControlMessage | undefined;
    let job = record.attributes.MessageGroupId ?? '';
    try {
      message = parseMessage(record.body, [
        'submitted',
        'task-done',
        'task-retrying',
        'task-failed',
        'retry',
      ]);
      job = message.job;
    } catch (err) {
      ctx.log.error('malformed control message dropped', { error: errorMessage(err) });
    }
    const list = groups.get(job) ?? [];
    list.push({ record, ...(message ? { message } : {}) });
    groups.set(job, list);
  }
  const failed: SqsRecord[] = [];
  for (const [job, items] of groups) {
    if (failed.length > 0) {
      failed.push(...items.map((i) => i.record));
      continue;
    }
    const messages = items.flatMap((i) => (i.message ? [i.message] : []));
    if (messages.length === 0) continue;
    try {
      await coordinate(ctx, job, messages);
    } catch (err) {
      const last = Math.max(...items.map((i) => receiveCount(i.record)));
      ctx.log.error('coordinator failed', { job, delivery: last, error: errorMessage(err) });
      if (last >= ctx.maxReceiveCount) await recordCoordinatorFailure(ctx, job, err);
      failed.push(...items.map((i) => i.record));
    }
  }
  return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
}

/** Applies one job's messages. Exported for tests that drive the coordinator step by step. */
export async function coordinate(
  ctx: JobsContext,
  id: string,
  messages: ControlMessage[],
): Promise<JobState | undefined> {
  const job = await loadJob(ctx, id);
  if (job === undefined) {
    ctx.log.error('control messages for an unknown job dropped', { job: id });
    return undefined;
  }
  const kind = kindOf(job.kind);
  if (kind === undefined) throw new Error(`job ${id} has kind "${job.kind}", unknown here`);
  const stored = await getJson<JobState>(ctx, keys.state(id));
  const now = ctx.now();
  const current =
    stored?.value ?? newJobState(id, job.kind, kind.taskCount(job.request, job.inputs), now);
  const events: JobEvent[] = [];
  for (const m of messages) events.push(await resolve(ctx, job, current, m));
  const { policy } = job.request;
  const queue = needsQueueMetrics(policy) ? await queueMetrics(ctx, ctx.queues.task) : undefined;
  const { state, emit } = step(current, events, { policy, ...(queue ? { queue } : {}), now });
  const tasks = emit.flatMap((e) =>
    e.type === 'task'
      ? [{ v: 1 as const, type: 'task' as const, job: id, task: e.task, generation: e.generation }]
      : [],
  );
  if (tasks.length > 0) await sendTasks(ctx, tasks);
  for (const e of emit)
    if (e.type === 'reduce')
      await sendReduce(ctx, { v: 1, type: 'reduce', job: id, generation: e.generation });
  const written = await putJson(
    ctx,
    keys.state(id),
    state,
    stored ? { ifMatch: stored.etag } : { ifNoneMatch: true },
  );
  if (written === undefined)
    throw new Error(`the state of job ${id} changed while it was being updated; applying again`);
  ctx.log.info('job updated', {
    job: id,
    events: messages.map((m) => m.type),
    phase: state.phase,
    released: tasks.length,
    reduce: emit.some((e) => e.type === 'reduce'),
  });
  return state;
}

async function resolve(
  ctx: JobsContext,
  job: JobRecord,
  state: JobState,
  m: ControlMessage,
): Promise<JobEvent> {
  switch (m.type) {
    case 'submitted':
      return { type: 'submitted' };
    case 'task-done': {
      const r = await taskRecord(ctx, job.id, m.task);
      if (r === undefined)
        throw new Error(`task ${m.task} of job ${job.id} reported done but has no record yet`);
      return doneEvent(r);
    }
    case 'task-retrying':
      return { type: 'task-retrying', task: m.task, attempt: m.attempt };
    case 'task-failed': {
      const e = (await getJson<ErrorRecord>(ctx, keys.taskError(job.id, m.task)))?.value;
      return {
        type: 'task-failed',
        task: m.task,
        generation: m.generation,
        message: e?.message ?? 'the task failed without recording an error',
        permanent: e?.permanent ?? false,
        ...(e?.chunkLine !== undefined ? { chunkLine: e.chunkLine } : {}),
      };
    }
    case 'retry': {
      // Whatever finished without the coordinator hearing of it counts as done.
      const done = [];
      for (let n = 0; n < state.tasks.length; n++) {
        if (state.tasks[n]!.status === 'done') continue;
        const r = await taskRecord(ctx, job.id, n);
        if (r) done.push({ ...doneEvent(r), task: n });
      }
      return { type: 'retry', generation: m.generation, done };
    }
  }
}

const taskRecord = async (ctx: JobsContext, id: string, n: number) =>
  (await getJson<TaskRecord>(ctx, keys.taskRecord(id, n)))?.value;

function doneEvent(r: TaskRecord) {
  return {
    type: 'task-done' as const,
    task: r.task,
    docs: r.docs ?? 0,
    lines: r.lines ?? 0,
    reused: r.reused,
  };
}

/** Best effort: the job shows as failed, naming the coordinator's error. */
async function recordCoordinatorFailure(ctx: JobsContext, id: string, err: unknown) {
  try {
    const stored = await getJson<JobState>(ctx, keys.state(id));
    if (stored === undefined) return;
    const state: JobState = {
      ...stored.value,
      phase: 'failed',
      failure: {
        phase: 'coordinator',
        message: `the coordinator could not apply this job's events: ${errorMessage(err)}`,
        permanent: false,
        at: ctx.now().toISOString(),
      },
    };
    await putJson(ctx, keys.state(id), state, { ifMatch: stored.etag });
  } catch (again) {
    ctx.log.error('could not record the coordinator failure', {
      job: id,
      error: errorMessage(again),
    });
  }
}
