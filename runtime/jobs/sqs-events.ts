/**
 * SQS as the pipeline's functions see it: the event an event-source mapping invokes them with, the
 * partial batch response they return (`ReportBatchItemFailures`: only the failed messages come
 * back), and the sends they make. The shapes are Lambda's; the local stand-in builds the same.
 */
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { errorMessage } from '../log/logger.js';
import type { JobsContext } from './context.js';
import {
  type ControlMessage,
  type PipelineMessage,
  type ReduceMessage,
  type ResolveMessage,
  type TaskMessage,
  deduplicationId,
  parseMessage,
} from './messages.js';
import type { QueueMetrics } from './policies.js';

export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: {
    ApproximateReceiveCount: string;
    SentTimestamp: string;
    SenderId: string;
    ApproximateFirstReceiveTimestamp: string;
    MessageGroupId?: string;
    MessageDeduplicationId?: string;
    SequenceNumber?: string;
  };
  messageAttributes: Record<string, unknown>;
  md5OfBody: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

export interface SqsEvent {
  Records: SqsRecord[];
}

export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** How many times this message has been delivered, this delivery included. */
export function receiveCount(record: SqsRecord): number {
  const n = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

/**
 * What became of one message:
 * - `done`: delete it;
 * - `retry`: leave it in the queue; it comes back after an exponential delay (the function sets
 *   its visibility where it can reach SQS, else after the queue's visibility timeout);
 * - `dead`: its last delivery: leave it, visible at once, for SQS to move to the dead-letter queue.
 */
export type Outcome = 'done' | 'retry' | 'dead';

/** Delay before delivery `count + 1` of a message that failed: base × 2^(count−1), at most 15 min. */
export function retryDelaySeconds(ctx: Pick<JobsContext, 'retryBaseSeconds'>, count: number) {
  return Math.min(900, Math.round(ctx.retryBaseSeconds * 2 ** (count - 1)));
}

/** Runs `fn` on each message of a batch in turn and answers with the partial batch response. */
export async function eachMessage(
  ctx: JobsContext,
  queueUrl: string,
  event: SqsEvent,
  fn: (record: SqsRecord) => Promise<Outcome>,
): Promise<SqsBatchResponse> {
  const outcomes: Array<{ record: SqsRecord; outcome: Outcome }> = [];
  for (const record of event.Records) outcomes.push({ record, outcome: await fn(record) });
  return batchResponse(ctx, queueUrl, outcomes);
}

/**
 * `eachMessage` for a queue of the message `types`: a body that does not parse as one of them is
 * logged and left for the dead-letter queue (no delivery would parse it better); the others go to
 * `fn`.
 */
export function eachParsed<T extends PipelineMessage['type']>(
  ctx: JobsContext,
  queueUrl: string,
  event: SqsEvent,
  types: readonly T[],
  fn: (message: Extract<PipelineMessage, { type: T }>, record: SqsRecord) => Promise<Outcome>,
): Promise<SqsBatchResponse> {
  return eachMessage(ctx, queueUrl, event, async (record) => {
    let message: Extract<PipelineMessage, { type: T }>;
    try {
      message = parseMessage(record.body, types);
    } catch (err) {
      ctx.log.error(`malformed ${types.join(' or ')} message`, { error: errorMessage(err) });
      return 'dead';
    }
    return fn(message, record);
  });
}

/**
 * Why a message is on its last delivery: the last failure its handler recorded for this generation,
 * or, when none was, that the handler stopped each time without reporting.
 */
export function gaveUpReason(
  last: { generation: number; message: string } | undefined,
  generation: number,
  count: number,
  who: string,
): string {
  return last && last.generation === generation
    ? `gave up after ${count - 1} attempts; the last one failed: ${last.message}`
    : `gave up after ${count - 1} attempts: ${who} stopped each time without reporting (killed, timed out or out of memory)`;
}

/** Turns per-message outcomes into the partial batch response, setting visibility where it can. */
export async function batchResponse(
  ctx: JobsContext,
  queueUrl: string,
  outcomes: Array<{ record: SqsRecord; outcome: Outcome }>,
): Promise<SqsBatchResponse> {
  const failures = outcomes.filter((o) => o.outcome !== 'done');
  if (ctx.sqs) {
    for (const { record, outcome } of failures) {
      const seconds = outcome === 'dead' ? 0 : retryDelaySeconds(ctx, receiveCount(record));
      await ctx.sqs
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: seconds,
          }),
        )
        // Best effort: without it the message still comes back, after the visibility timeout.
        .catch((err: unknown) =>
          ctx.log.warn('could not set a failed message visibility', { error: String(err) }),
        );
    }
  }
  return { batchItemFailures: failures.map((f) => ({ itemIdentifier: f.record.messageId })) };
}

function needSqs(ctx: JobsContext) {
  if (!ctx.sqs) throw new Error('this function has no route to SQS and cannot send messages');
  return ctx.sqs;
}

export async function sendControl(ctx: JobsContext, message: ControlMessage): Promise<void> {
  await needSqs(ctx).send(
    new SendMessageCommand({
      QueueUrl: ctx.queues.control,
      MessageBody: JSON.stringify(message),
      MessageGroupId: message.job,
      MessageDeduplicationId: deduplicationId(message),
    }),
  );
}

/** Sends task messages, ten per request; `MessageGroupId` = job id (fair queues). */
export async function sendTasks(ctx: JobsContext, messages: TaskMessage[]): Promise<void> {
  const sqs = needSqs(ctx);
  for (let i = 0; i < messages.length; i += 10) {
    const batch = messages.slice(i, i + 10);
    const r = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: ctx.queues.task,
        Entries: batch.map((m, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify(m),
          MessageGroupId: m.job,
        })),
      }),
    );
    if (r.Failed?.length)
      throw new Error(
        `SQS refused ${r.Failed.length} task message(s): ${r.Failed.map((f) => `${f.Code}: ${f.Message}`).join('; ')}`,
      );
  }
}

export async function sendReduce(
  ctx: JobsContext,
  message: ReduceMessage | ResolveMessage,
): Promise<void> {
  await needSqs(ctx).send(
    new SendMessageCommand({
      QueueUrl: ctx.queues.reduce,
      MessageBody: JSON.stringify(message),
      MessageGroupId: message.type === 'reduce' ? message.job : message.request,
    }),
  );
}

/** Waiting and in-flight messages of a queue. */
export async function queueMetrics(ctx: JobsContext, queueUrl: string): Promise<QueueMetrics> {
  const r = await needSqs(ctx).send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    waiting: Number(r.Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(r.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}
