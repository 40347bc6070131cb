/**
 * The reduce step: one reduce message → every task record of the job → the kind's `reduce` →
 * `result.json`, created once (`If-None-Match: *`). It runs where the result goes: for a build
 * that publishes, in the VPC beside the index store, with no route to SQS — so it reports only
 * through S3: the result, or `reduce/error.json` (its last error) and `reduce/failed.json` (it gave
 * up) for `GET /jobs/{id}` to read. A permanent failure (the corpus has no documents, a document
 * id appears in two chunks) is failed at once; others are retried until the last delivery, which
 * records the failure and lets the message go to the dead-letter queue.
 *
 * The same queue carries `resolve` messages: on an `efs` stack the jobs API asks the reduce
 * function, the only one that mounts the store, which version an evaluation's `live` names
 * (evaluate/resolve-index.ts).
 */
import type { JobsContext } from './context.js';
import { errorMessage } from '../log/logger.js';
import { loadJob } from './job-record.js';
import { keys } from './keys.js';
import { PermanentTaskError, type TaskRecord } from './kind.js';
import { kindOf } from './kinds.js';
import { answerResolve } from './evaluate/resolve-index.js';
import type { ReduceMessage } from './messages.js';
import { exists, getJson, putJson } from './objects.js';
import { EngineError } from '../engine/index.js';
import {
  type Outcome,
  type SqsBatchResponse,
  type SqsEvent,
  type SqsRecord,
  eachParsed,
  gaveUpReason,
  receiveCount,
} from './sqs-events.js';
import type { ErrorRecord } from './worker.js';

export function handleReduceBatch(ctx: JobsContext, event: SqsEvent): Promise<SqsBatchResponse> {
  return eachParsed(ctx, ctx.queues.reduce, event, ['reduce', 'resolve'], (message, record) =>
    message.type === 'resolve' ? answerResolve(ctx, message) : reduceOne(ctx, message, record),
  );
}

async function reduceOne(
  ctx: JobsContext,
  message: ReduceMessage,
  record: SqsRecord,
): Promise<Outcome> {
  const { job: id, generation } = message;
  const count = receiveCount(record);
  const error = (message: string, permanent: boolean): ErrorRecord => ({
    generation,
    attempt: count,
    message,
    permanent,
    at: ctx.now().toISOString(),
  });
  try {
    if (await exists(ctx, keys.result(id))) return 'done';
    // Given up on for this generation already (a redelivery after its environment exited).
    if ((await getJson<ErrorRecord>(ctx, keys.reduceFailed(id)))?.value.generation === generation)
      return 'done';
    if (count >= ctx.maxReceiveCount) {
      const last = (await getJson<ErrorRecord>(ctx, keys.reduceError(id)))?.value;
      const text = `the reduce step ${gaveUpReason(last, generation, count, 'it')}`;
      await putJson(ctx, keys.reduceFailed(id), error(text, false));
      return 'dead';
    }
    const job = await loadJob(ctx, id);
    const kind = job && kindOf(job.kind);
    if (job === undefined || kind === undefined) {
      ctx.log.error('reduce message of an unknown job', { job: id });
      return 'dead';
    }
    const tasks = kind.taskCount(job.request, job.inputs);
    const records: TaskRecord[] = [];
    for (let n = 0; n < tasks; n++) {
      const r = (await getJson<TaskRecord>(ctx, keys.taskRecord(id, n)))?.value;
      if (r === undefined)
        throw new Error(`task ${n} of job ${id} has no record; the map step is not complete`);
      records.push(r);
    }
    const result = await kind.reduce(ctx, job, records);
    await putJson(
      ctx,
      keys.result(id),
      { ...result, finishedAt: ctx.now().toISOString() },
      { ifNoneMatch: true },
    );
    ctx.log.info('job finished', { job: id });
    return 'done';
  } catch (err) {
    const permanent =
      err instanceof PermanentTaskError ||
      (err instanceof EngineError &&
        (err.code === 'bad-document' ||
          err.code === 'bad-options' ||
          err.code === 'out-of-memory'));
    ctx.log[permanent ? 'error' : 'warn']('reduce failed', {
      job: id,
      attempt: count,
      error: errorMessage(err),
    });
    const key = permanent ? keys.reduceFailed(id) : keys.reduceError(id);
    await putJson(ctx, key, error(errorMessage(err), permanent)).catch(() => undefined);
    return permanent ? 'done' : 'retry';
  }
}
