/** Every job kind the pipeline runs, by request `kind`. */
import { z } from '@hono/zod-openapi';
import { buildIndexKind } from './build-index/index.js';
import { BuildIndexRequestSchema } from './build-index/request.js';
import type { JobKind } from './kind.js';

export const KINDS: Record<string, JobKind<any>> = {
  [buildIndexKind.name]: buildIndexKind,
};

/** The body of `POST /jobs`: one of the kinds' requests, told apart by `kind`. */
export const JobRequestSchema = z
  .discriminatedUnion('kind', [BuildIndexRequestSchema])
  .openapi('JobRequest');

export function kindOf(name: string): JobKind<any> | undefined {
  return Object.hasOwn(KINDS, name) ? KINDS[name] : undefined;
}
