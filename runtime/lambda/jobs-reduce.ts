/**
 * The reduce Lambda: fed by the reduce queue's event-source mapping. It runs in the VPC with the
 * index store mounted read-write (`INDEX_DIR`), reaches S3 through the gateway endpoint and has no
 * route to SQS (`JOBS_SEND_TO_SQS=false`): Lambda polls the queue for it, and it reports through S3.
 */
import { contextFromEnv, handleReduceBatch } from '../jobs/index.js';
import { sqsBatchHandler } from './sqs-adapter.js';

const ctx = contextFromEnv();

export const handler = sqsBatchHandler((event) => handleReduceBatch(ctx, event));
