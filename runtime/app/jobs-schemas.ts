/**
 * The jobs API's response schemas (the request is `JobRequestSchema`, owned by runtime/jobs/).
 * They document `/openapi.json`; the values come from `JobsService`.
 */
import { z } from '@hono/zod-openapi';
import { JOB_ID_PATTERN, MAX_LIST_LIMIT } from '../jobs/contract.js';

export const JobIdParamSchema = z.object({
  id: z
    .string()
    .regex(JOB_ID_PATTERN)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'build-0123456789abcdef01234567' }),
});

export const JobListQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIST_LIMIT)
    .optional()
    .openapi({
      param: { name: 'limit', in: 'query' },
      example: 20,
      description: `jobs to list, newest first: an integer from 1 to ${MAX_LIST_LIMIT} (default 20)`,
    }),
});

export const JobStatusSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    phase: z.enum(['submitted', 'map', 'reduce', 'done', 'failed']),
    request: z.record(z.string(), z.unknown()).openapi({ description: 'the canonical request' }),
    inputs: z.array(z.object({ url: z.string(), bytes: z.number().int(), sha256: z.string() })),
    tasks: z.object({
      total: z.number().int(),
      done: z.number().int(),
      failed: z.number().int(),
      retried: z.number().int().openapi({ description: 'deliveries that failed and were retried' }),
      running: z.number().int(),
      pending: z.number().int(),
      reused: z.number().int().openapi({ description: 'done from an identical earlier chunk' }),
    }),
    retries: z.number().int(),
    queue: z
      .object({
        waiting: z.number().int(),
        inFlight: z.number().int(),
        deadLetters: z.number().int(),
      })
      .nullable()
      .openapi({ description: 'the shared task queue (all jobs) and the dead-letter queues' }),
    submittedAt: z.string(),
    startedAt: z.string().nullable(),
    mapFinishedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    seconds: z.number(),
    result: z.record(z.string(), z.unknown()).nullable(),
    error: z
      .object({
        phase: z.enum(['map', 'reduce', 'coordinator']),
        task: z.number().int().nullable(),
        message: z.string(),
        line: z.number().int().nullable().openapi({ description: 'the corpus line at fault' }),
        permanent: z.boolean(),
      })
      .nullable(),
  })
  .openapi('JobStatus');

export const JobListSchema = z.object({ jobs: z.array(JobStatusSchema) }).openapi('JobList');

export const RetrySchema = z
  .object({
    job: JobStatusSchema,
    retriedAs: z.string().optional().openapi({
      description: 'the new job run instead, when the input changed since submission',
    }),
  })
  .openapi('JobRetry');
