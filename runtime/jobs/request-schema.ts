/** The body of `POST /jobs`: one of the kinds' requests, told apart by `kind`. */
import { z } from '@hono/zod-openapi';
import { BUILD_INDEX, BuildIndexRequestSchema } from './build-index/request.js';
import { EVALUATE, EvaluateRequestSchema } from './evaluate/request.js';

export const JobRequestSchema = z
  .discriminatedUnion('kind', [BuildIndexRequestSchema, EvaluateRequestSchema])
  .openapi('JobRequest');

/** The `kind`s a request may name. */
export const KIND_NAMES: readonly string[] = [BUILD_INDEX, EVALUATE];
