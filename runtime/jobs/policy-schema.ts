/** The request schema of a scaling policy (policies.ts), shared by every job kind. */
import { z } from '@hono/zod-openapi';

export const PolicySchema = z
  .discriminatedUnion('name', [
    z.strictObject({ name: z.literal('AlwaysOne') }),
    z.strictObject({
      name: z.literal('StaticProportional'),
      m: z.number().int().min(1).max(100_000).openapi({ description: 'tasks per worker' }),
    }),
    z.strictObject({
      name: z.literal('QueueDepth'),
      backlog: z
        .number()
        .int()
        .min(1)
        .max(100_000)
        .openapi({ description: 'waiting task messages the shared queue may hold' }),
    }),
  ])
  .openapi('Policy', {
    description:
      'how many tasks the job releases at a time: AlwaysOne, StaticProportional (one worker per m tasks; default m = 1: all at once) or QueueDepth (keep the shared task queue under backlog waiting messages)',
  });
