/**
 * The adapter of the job pipeline's queue-fed functions (worker, coordinator, reduce): an SQS batch
 * from an event-source mapping in, the core function, its partial batch response out. It only
 * translates. Any other event — an API Gateway request, another trigger wired by mistake — is
 * refused with a thrown error naming what it got, as the search function's adapter does.
 */
import { engineBroken } from '../engine/index.js';
import type { SqsBatchResponse, SqsEvent } from '../jobs/index.js';
import { jsonLinesLogger } from '../log/logger.js';
import { UnsupportedEventError } from './adapter.js';
import { classifyEvent } from './event-kind.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function isSqsBatch(event: unknown): event is SqsEvent {
  const records = isObject(event) ? event['Records'] : undefined;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    records.every(
      (r) =>
        isObject(r) &&
        r['eventSource'] === 'aws:sqs' &&
        typeof r['messageId'] === 'string' &&
        typeof r['receiptHandle'] === 'string' &&
        typeof r['body'] === 'string' &&
        isObject(r['attributes']),
    )
  );
}

/** What an event that is not an SQS batch is, in words. */
function describe(event: unknown): string {
  const kind = classifyEvent(event);
  if (kind.kind === 'unsupported') return kind.got;
  return `an API Gateway request (payload ${kind.format})`;
}

export function sqsBatchHandler(
  core: (event: SqsEvent) => Promise<SqsBatchResponse>,
): (event: unknown) => Promise<SqsBatchResponse> {
  return async (event) => {
    if (!isSqsBatch(event))
      throw new UnsupportedEventError(
        `refusing ${describe(event)}: this function is fed by an SQS event-source mapping and takes SQS batches ({"Records": [{"eventSource": "aws:sqs", "messageId", "receiptHandle", "body", "attributes"}, ...]}) only; check the triggers wired to it`,
      );
    const response = await core(event);
    const broken = engineBroken();
    if (broken) {
      // The engine trapped in this batch and cannot run again here. Exiting makes Lambda start a
      // fresh environment; this invocation then counts as failed and its messages come back after
      // the visibility timeout, by when their outcome is recorded and they are acknowledged.
      jsonLinesLogger().error('the engine stopped; exiting for a fresh environment', {
        error: broken.message,
      });
      process.exit(1);
    }
    return response;
  };
}
