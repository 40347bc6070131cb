/**
 * The request and response schemas. The same zod objects validate requests (through
 * `@hono/zod-openapi`) and generate `/openapi.json`, so the documentation cannot drift from what the
 * API accepts. `ACCEPTED` is the human sentence for each field's range, used in problem details.
 */
import { z } from '@hono/zod-openapi';
import { DEFAULT_COUNT_LIMIT, RANKERS } from '../engine/index.js';

export const MAX_Q = 1024;
export const MAX_SIZE = 100;
/** page × size beyond this must use the cursor (bounded top-k work per request). */
export const MAX_WINDOW = 10_000;
export const MAX_BODY_BYTES = 64 * 1024;
/** Matches are counted exactly up to this many unless `exact_total` asks for all. */
export const COUNT_LIMIT = DEFAULT_COUNT_LIMIT;
export const PARAM_NAMES = ['k1', 'b', 'mu', 'lambda', 's', 'delta'] as const;

export const ACCEPTED: Record<string, string> = {
  q: `a query string of 1 to ${MAX_Q} characters`,
  page: 'an integer ≥ 1',
  size: `an integer from 1 to ${MAX_SIZE}`,
  ranker: `one of ${RANKERS.join(', ')}`,
  k1: 'a finite number (BM25 k1, default 0.9)',
  b: 'a finite number (BM25 b, 0..1, default 0.4)',
  mu: 'a finite number (Dirichlet mu, default 2000)',
  lambda: 'a finite number (Jelinek-Mercer lambda, 0 < lambda < 1)',
  s: 'a finite number (pivoted s, 0..1)',
  delta: 'a finite number (absolute discount delta, 0 < delta < 1)',
  params: `an object with some of ${PARAM_NAMES.join(', ')} as finite numbers`,
  fields:
    'names of the index fields to search unqualified words in (comma-separated in a query string); an index built with `--field-mode separate` has one per source field (the demo: title, text), the default combined index one for all (title+text), which needs no `fields`',
  filter: 'metadata filters such as year>=1900 or party=Whig',
  filters: 'an array of metadata filters such as "year>=1900"',
  cursor: 'the opaque cursor from a previous response',
  exact_total: `true to count every match exactly; by default matches are counted exactly up to ${COUNT_LIMIT.toLocaleString('en-US')} and beyond that "total" is a lower bound ("total_relation": "gte")`,
  body: `a JSON object of at most ${MAX_BODY_BYTES} bytes`,
};

const finite = (name: string) =>
  z.coerce
    .number()
    .finite()
    .openapi({ param: { name, in: 'query' }, description: ACCEPTED[name] });

export const SearchQuerySchema = z.object({
  q: z
    .string()
    .min(1)
    .max(MAX_Q)
    .openapi({
      param: { name: 'q', in: 'query' },
      example: 'liberty union',
      description: ACCEPTED.q,
    }),
  page: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .openapi({ param: { name: 'page', in: 'query' }, example: 1, description: ACCEPTED.page }),
  size: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_SIZE)
    .optional()
    .openapi({ param: { name: 'size', in: 'query' }, example: 10, description: ACCEPTED.size }),
  ranker: z
    .enum(RANKERS as [string, ...string[]])
    .optional()
    .openapi({ param: { name: 'ranker', in: 'query' }, description: ACCEPTED.ranker }),
  k1: finite('k1').optional(),
  b: finite('b').optional(),
  mu: finite('mu').optional(),
  lambda: finite('lambda').optional(),
  s: finite('s').optional(),
  delta: finite('delta').optional(),
  fields: z
    .string()
    .max(MAX_Q)
    .optional()
    .openapi({ param: { name: 'fields', in: 'query' }, description: ACCEPTED.fields }),
  filter: z
    .union([z.string().max(MAX_Q), z.array(z.string().max(MAX_Q)).max(32)])
    .optional()
    .openapi({
      param: { name: 'filter', in: 'query' },
      example: 'year>=1900',
      description: `${ACCEPTED.filter}; repeat for several`,
    }),
  cursor: z
    .string()
    .max(MAX_Q)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: ACCEPTED.cursor }),
  exact_total: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ param: { name: 'exact_total', in: 'query' }, description: ACCEPTED.exact_total }),
});

const ParamsSchema = z
  .strictObject({
    k1: z.number().finite().optional(),
    b: z.number().finite().optional(),
    mu: z.number().finite().optional(),
    lambda: z.number().finite().optional(),
    s: z.number().finite().optional(),
    delta: z.number().finite().optional(),
  })
  .openapi('RankerParams', { description: ACCEPTED.params });

export const SearchBodySchema = z
  .strictObject({
    q: z.string().min(1).max(MAX_Q).openapi({ example: 'liberty union' }),
    page: z.number().int().min(1).optional(),
    size: z.number().int().min(1).max(MAX_SIZE).optional(),
    ranker: z.enum(RANKERS as [string, ...string[]]).optional(),
    params: ParamsSchema.optional(),
    fields: z.array(z.string().min(1).max(256)).max(32).optional(),
    filters: z
      .array(z.string().min(1).max(MAX_Q))
      .max(32)
      .optional()
      .openapi({ example: ['year>=1900'] }),
    cursor: z.string().max(MAX_Q).optional(),
    exact_total: z.boolean().optional().openapi({ description: ACCEPTED.exact_total }),
  })
  .openapi('SearchRequest');

export const HitSchema = z
  .object({
    id: z.string(),
    score: z.number(),
    title: z.string(),
    snippet: z
      .string()
      .openapi({ description: 'HTML-escaped text window; query terms wrapped in <mark>' }),
    metadata: z.record(z.string(), z.unknown()),
  })
  .openapi('Hit');

export const SearchResponseSchema = z
  .object({
    total: z.number().int().openapi({
      description: `matching documents: exact when total_relation is "eq", a lower bound when "gte"`,
    }),
    total_relation: z.enum(['eq', 'gte']).openapi({
      description: `"eq": total is exact; "gte": more than ${COUNT_LIMIT.toLocaleString('en-US')} match and total is that lower bound (ask exact_total=true for the exact count)`,
    }),
    page: z.number().int().nullable(),
    size: z.number().int(),
    took_ms: z.number(),
    version: z.string(),
    hits: z.array(HitSchema),
    next: z.string().nullable(),
    prev: z.string().nullable(),
    cursor: z
      .string()
      .nullable()
      .openapi({ description: 'pass as `cursor` to get the page after this one' }),
  })
  .openapi('SearchResponse');

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

export const HealthSchema = z
  .object({
    status: z.string(),
    version: z.string(),
    docCount: z.number().int(),
    loadedAt: z.string(),
  })
  .openapi('Health');

export const DocumentSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    text: z.string(),
    metadata: z.record(z.string(), z.unknown()),
  })
  .openapi('Document');

export const DocIdParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(MAX_Q)
    .openapi({ param: { name: 'id', in: 'path' }, example: '1861-lincoln-p12' }),
});
