/**
 * The map worker: one task message → the kind's `runTask` → the task's record in S3 → a
 * `task-done` on the control queue. Idempotent: a task whose record exists is reported again, not
 * run again; a duplicated message rewrites the same keys.
 *
 * Failures:
 * - permanent (the input's content, or the input changed): the error is recorded, `task-failed` is
 *   sent and the message is deleted — delivering it again would fail the same way;
 * - anything else: the error is recorded, `task-retrying` is sent and the message comes back
 *   after an exponential delay;
 * - the message's last delivery (`maxReceiveCount`) runs nothing: it reports `task-failed` with
 *   the last recorded error (or that the worker was stopped each time — killed, timed out, out of
 *   memory — which leaves no error behind) and lets SQS move the message to the dead-letter
 *   queue. So a task gets `maxReceiveCount − 1` attempts, and a job never waits on a task that
 *   died silently.
 */
import type { JobsContext } from './context.js';
import { errorMessage } from '../log/logger.js';
import { loadJob } from './job-record.js';
import { keys } from './keys.js';
import { PermanentTaskError } from './kind.js';
import { kindOf } from './kinds.js';
import type { TaskMessage } from './messages.js';
import { exists, getJson, putJson } from './objects.js';
import {
  type Outcome,
  type SqsBatchResponse,
  type SqsEvent,
  type SqsRecord,
  eachParsed,
  gaveUpReason,
  receiveCount,
  sendControl,
} from './sqs-events.js';

/** `jobs/<id>/tasks/<n>.error.json` (and the reduce step's errors). */
export interface ErrorRecord {
  generation: number;
  /** The delivery that failed. */
  attempt: number;
  message: string;
  permanent: boolean;
  chunkLine?: number;
  at: string;
}

export function handleTaskBatch(ctx: JobsContext, event: SqsEvent): Promise<SqsBatchResponse> {
  return eachParsed(ctx, ctx.queues.task, event, ['task'], (message, record) =>
    runOne(ctx, message, record),
  );
}

async function runOne(ctx: JobsContext, message: TaskMessage, record: SqsRecord): Promise<Outcome> {
  const { job: id, task, generation } = message;
  const count = receiveCount(record);
  const fail = async (error: Omit<ErrorRecord, 'generation' | 'attempt' | 'at'>) => {
    await putJson(ctx, keys.taskError(id, task), {
      generation,
      attempt: count,
      at: ctx.now().toISOString(),
      ...error,
    } satisfies ErrorRecord);
    await sendControl(ctx, { v: 1, type: 'task-failed', job: id, task, generation });
  };
  try {
    if (count >= ctx.maxReceiveCount && !(await exists(ctx, keys.taskRecord(id, task)))) {
      const last = (await getJson<ErrorRecord>(ctx, keys.taskError(id, task)))?.value;
      const message = gaveUpReason(last, generation, count, 'the worker');
      await fail({ message, permanent: false });
      ctx.log.error('task to the dead-letter queue', { job: id, task, error: message });
      return 'dead';
    }
    const job = await loadJob(ctx, id);
    if (job === undefined) {
      ctx.log.error('task of an unknown job', { job: id, task });
      return 'dead';
    }
    if (!(await exists(ctx, keys.taskRecord(id, task)))) {
      const kind = kindOf(job.kind);
      if (kind === undefined) throw new Error(`job ${id} has kind "${job.kind}", unknown here`);
      const out = await kind.runTask(ctx, job, task);
      await putJson(ctx, keys.taskRecord(id, task), out);
      ctx.log.info('task done', { job: id, task, seconds: out.seconds });
    }
    await sendControl(ctx, { v: 1, type: 'task-done', job: id, task });
    return 'done';
  } catch (err) {
    if (err instanceof PermanentTaskError) {
      await fail({
        message: err.message,
        permanent: true,
        ...(err.chunkLine !== undefined ? { chunkLine: err.chunkLine } : {}),
      });
      ctx.log.error('task failed', { job: id, task, error: err.message });
      return 'done';
    }
    ctx.log.warn('task attempt failed', {
      job: id,
      task,
      attempt: count,
      error: errorMessage(err),
    });
    // Recording the error must not hide it: if S3 or SQS is what failed, the retry is enough.
    await putJson(ctx, keys.taskError(id, task), {
      generation,
      attempt: count,
      message: errorMessage(err),
      permanent: false,
      at: ctx.now().toISOString(),
    } satisfies ErrorRecord).catch(() => undefined);
    await sendControl(ctx, {
      v: 1,
      type: 'task-retrying',
      job: id,
      task,
      attempt: count,
      generation,
    }).catch(() => undefined);
    return 'retry';
  }
}
