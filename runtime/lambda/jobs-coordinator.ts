/**
 * The coordinator Lambda: fed by the control queue's event-source mapping (FIFO, one message group
 * per job, `ReportBatchItemFailures`). Outside the VPC: S3 for job state, SQS to release tasks.
 */
import { contextFromEnv, handleControlBatch } from '../jobs/index.js';
import { sqsBatchHandler } from './sqs-adapter.js';

const ctx = contextFromEnv();

export const handler = sqsBatchHandler((event) => handleControlBatch(ctx, event));
