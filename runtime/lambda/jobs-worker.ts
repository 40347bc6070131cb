/**
 * The map worker Lambda: fed one task at a time by the task queue's event-source mapping
 * (`ReportBatchItemFailures`). Runs outside the VPC: it reads inputs from the staging bucket,
 * writes outputs to the results bucket and reports on the control queue.
 */
import { contextFromEnv, handleTaskBatch } from '../jobs/index.js';
import { sqsBatchHandler } from './sqs-adapter.js';

const ctx = contextFromEnv();

export const handler = sqsBatchHandler((event) => handleTaskBatch(ctx, event));
