/**
 * A local event-source mapping: what Lambda does between an SQS queue and a function, so the
 * pipeline's handlers run here exactly as in AWS. Up to `maxConcurrency` pollers long-poll the
 * queue, each hands a batch of up to `batchSize` messages to the function as Lambda's SQS event
 * (same record shape, `ApproximateReceiveCount` included), and deletes what the function did not
 * report in `batchItemFailures`. A function that throws, crashes or times out fails the whole
 * batch: nothing is deleted and the messages come back when their visibility timeout ends. The
 * queue's redrive policy moves a message to its dead-letter queue after `maxReceiveCount`
 * deliveries (fauxqs implements that, as SQS does).
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SqsEvent, SqsRecord } from '../jobs/index.js';

/** Runs a function on an event, like Lambda's Invoke; rejects when the invocation fails. */
export interface Invoker {
  invoke(event: SqsEvent): Promise<unknown>;
}

export interface EventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  batchSize: number;
  maxConcurrency: number;
  invoker: Invoker;
  /** Long-poll wait per receive, seconds (default 1: a quick stop). */
  waitSeconds?: number;
  /** Failed invocations and polling errors. */
  onError?: (err: unknown) => void;
}

export interface EventSourceStats {
  invocations: number;
  failedInvocations: number;
  messages: number;
  deleted: number;
}

export class EventSourceMapping {
  readonly stats: EventSourceStats = {
    invocations: 0,
    failedInvocations: 0,
    messages: 0,
    deleted: 0,
  };
  #stopped = false;
  #loops: Promise<void>[] = [];

  readonly options: EventSourceOptions;

  constructor(options: EventSourceOptions) {
    this.options = options;
  }

  /** Starts polling (again, after `stop`, as a disabled mapping is enabled again). */
  start(): this {
    this.#stopped = false;
    this.#loops = [];
    for (let i = 0; i < this.options.maxConcurrency; i++) this.#loops.push(this.#poll());
    return this;
  }

  /** Stops polling and waits for running invocations to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#loops);
  }

  async #poll(): Promise<void> {
    const o = this.options;
    while (!this.#stopped) {
      let messages: Message[];
      try {
        const r = await o.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: o.queueUrl,
            MaxNumberOfMessages: o.batchSize,
            WaitTimeSeconds: o.waitSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = r.Messages ?? [];
      } catch (err) {
        if (this.#stopped) return;
        o.onError?.(err);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (messages.length === 0) continue;
      this.stats.messages += messages.length;
      this.stats.invocations++;
      let response: unknown;
      try {
        response = await o.invoker.invoke({
          Records: messages.map((m) => toRecord(m, o.queueArn, o.region)),
        });
      } catch (err) {
        this.stats.failedInvocations++;
        o.onError?.(err);
        continue;
      }
      const failed = failedIds(response, messages);
      const done = messages.filter((m) => !failed.has(m.MessageId!));
      if (done.length === 0) continue;
      try {
        await o.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: o.queueUrl,
            Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
        this.stats.deleted += done.length;
      } catch (err) {
        o.onError?.(err); // they come back after the visibility timeout, as in AWS
      }
    }
  }
}

/**
 * The ids a partial batch response reports as failed, with Lambda's rules: no response, no list or
 * an empty list is a complete success; an entry without a valid message id of the batch is a
 * complete failure.
 */
export function failedIds(response: unknown, messages: Message[]): Set<string> {
  const all = new Set(messages.map((m) => m.MessageId!));
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object') return all;
  const list = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return all;
  const failed = new Set<string>();
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown })?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}

/** A received message as Lambda's SQS event record. */
export function toRecord(m: Message, queueArn: string, region: string): SqsRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId } : {}),
      ...(a.MessageDeduplicationId ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
      ...(a.SequenceNumber ? { SequenceNumber: a.SequenceNumber } : {}),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [
        k,
        {
          dataType: v.DataType,
          ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
          ...(v.BinaryValue !== undefined
            ? { binaryValue: Buffer.from(v.BinaryValue).toString('base64') }
            : {}),
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}
