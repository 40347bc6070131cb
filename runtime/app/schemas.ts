/**
 * The request and response schemas. The same zod objects validate requests (through
 * `@hono/zod-openapi`) and generate `/openapi.json`, so the documentation cannot drift from what the
 * API accepts. The ranker, its parameters and their ranges come from the engine's ranker table
 * (`RANKER_TABLE`), the result window from the engine's `MAX_WINDOW`. `ACCEPTED` is the human
 * sentence for each field's range, used in problem details and in the OpenAPI descriptions.
 *
 * An empty query parameter (`k1=`, `page=`, `fields=`) is refused with a 400 naming it: an empty
 * value is a malformed value, not an absent one (absent parameters take their defaults).
 */
import { z } from '@hono/zod-openapi';
import {
  DEFAULT_COUNT_LIMIT,
  DEFAULT_RANKER,
  MAX_WINDOW,
  RANKER_PARAMS,
  RANKER_TABLE,
  acceptedValues,
  rankerOfParam,
  type RankerParamSpec,
} from '../engine/index.js';
import { DEFAULT_SIZE, MAX_BODY_BYTES, MAX_FILTERS, MAX_Q, MAX_SIZE } from './limits.js';

/** What an empty query parameter is told. */
const EMPTY = 'is empty; give a value or leave the parameter out';

const rankerList = RANKER_TABLE.map((r) => `${r.name} (${r.meaning})`).join(', ');

export const ACCEPTED: Record<string, string> = {
  q: `a query string of 1 to ${MAX_Q} characters`,
  page: `an integer ≥ 1, with page × size at most ${MAX_WINDOW} (deeper pages: cursor)`,
  size: `an integer from 1 to ${MAX_SIZE}`,
  ranker: `one of ${RANKER_TABLE.map((r) => r.name).join(', ')} (default ${DEFAULT_RANKER})`,
  ...Object.fromEntries(RANKER_PARAMS.map((p) => [p.name, acceptedValues(p)])),
  params: `an object with the chosen ranker's parameters (${RANKER_TABLE.map((r) => `${r.name}: ${r.params.map((p) => p.name).join(', ')}`).join('; ')}), each a number in its range`,
  fields:
    'names of the index fields to search unqualified words in (comma-separated in a query string); an index built with `--field-mode separate` has one per source field (the demo: title, text), the default combined index one for all (title+text), which needs no `fields`',
  filter: 'metadata filters such as year>=1900 or party=Whig',
  filters: 'an array of metadata filters such as "year>=1900"',
  cursor: 'the opaque cursor from a previous response',
  exact_total: `true to count every match exactly; by default matches are counted exactly up to ${DEFAULT_COUNT_LIMIT.toLocaleString('en-US')} and beyond that "total" is a lower bound ("total_relation": "gte")`,
  body: `a JSON object of at most ${MAX_BODY_BYTES} bytes`,
};

/**
 * The OpenAPI description of a ranker parameter: which ranker, what it does, what it accepts. The
 * default is said in words, not as a schema `default`: Swagger UI's "Try it out" would send every
 * ranker's default, and a parameter of another ranker is refused.
 */
function paramDescription(p: RankerParamSpec): string {
  return `${rankerOfParam(p.name)!.name}: ${p.meaning}; ${ACCEPTED[p.name]}`;
}

/** A number in a query string; empty is refused rather than read as 0. */
function queryNumber() {
  return z
    .string()
    .refine((s) => s.trim() !== '', EMPTY)
    .pipe(z.coerce.number());
}

/** A non-empty query-string value. */
const queryString = (max: number) => z.string().min(1, EMPTY).max(max);

const paramQuery = (p: RankerParamSpec) =>
  queryNumber()
    .pipe(z.number().finite().min(p.min).max(p.max))
    .optional()
    .openapi({
      param: { name: p.name, in: 'query' },
      type: 'number',
      minimum: p.min,
      maximum: p.max,
      description: paramDescription(p),
    });

const rankerEnum = () =>
  z.enum(RANKER_TABLE.map((r) => r.name) as [string, ...string[]]).openapi({
    description: `${ACCEPTED.ranker}: ${rankerList}`,
    default: DEFAULT_RANKER,
  });

export const SearchQuerySchema = z.object({
  q: queryString(MAX_Q).openapi({
    param: { name: 'q', in: 'query' },
    example: 'liberty union',
    description: ACCEPTED.q,
  }),
  page: queryNumber()
    .pipe(z.number().int().min(1))
    .optional()
    .openapi({
      param: { name: 'page', in: 'query' },
      type: 'integer',
      minimum: 1,
      example: 1,
      description: ACCEPTED.page,
    }),
  size: queryNumber()
    .pipe(z.number().int().min(1).max(MAX_SIZE))
    .optional()
    .openapi({
      param: { name: 'size', in: 'query' },
      type: 'integer',
      minimum: 1,
      maximum: MAX_SIZE,
      default: DEFAULT_SIZE,
      example: DEFAULT_SIZE,
      description: ACCEPTED.size,
    }),
  ranker: rankerEnum()
    .optional()
    .openapi({ param: { name: 'ranker', in: 'query' } }),
  ...(Object.fromEntries(RANKER_PARAMS.map((p) => [p.name, paramQuery(p)])) as Record<
    string,
    ReturnType<typeof paramQuery>
  >),
  fields: queryString(MAX_Q)
    .optional()
    .openapi({ param: { name: 'fields', in: 'query' }, description: ACCEPTED.fields }),
  filter: z
    .union([queryString(MAX_Q), z.array(queryString(MAX_Q)).max(MAX_FILTERS)])
    .optional()
    .openapi({
      param: { name: 'filter', in: 'query' },
      example: 'year>=1900',
      description: `${ACCEPTED.filter}; repeat for several`,
    }),
  cursor: queryString(MAX_Q)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: ACCEPTED.cursor }),
  exact_total: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ param: { name: 'exact_total', in: 'query' }, description: ACCEPTED.exact_total }),
});

const ParamsSchema = z
  .strictObject(
    Object.fromEntries(
      RANKER_PARAMS.map((p) => [
        p.name,
        z
          .number()
          .finite()
          .min(p.min)
          .max(p.max)
          .optional()
          .openapi({ description: paramDescription(p) }),
      ]),
    ),
  )
  .openapi('RankerParams', { description: ACCEPTED.params });

export const SearchBodySchema = z
  .strictObject({
    q: z.string().min(1).max(MAX_Q).openapi({ example: 'liberty union' }),
    page: z.number().int().min(1).optional().openapi({ description: ACCEPTED.page }),
    size: z
      .number()
      .int()
      .min(1)
      .max(MAX_SIZE)
      .optional()
      .openapi({ default: DEFAULT_SIZE, description: ACCEPTED.size }),
    ranker: rankerEnum().optional(),
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
      description: `"eq": total is exact; "gte": more than ${DEFAULT_COUNT_LIMIT.toLocaleString('en-US')} match and total is that lower bound (ask exact_total=true for the exact count)`,
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

/** An OpenAPI response of problem details, for a route's error statuses. */
export const problemResponse = (description: string) => ({
  content: { 'application/problem+json': { schema: ProblemSchema } },
  description,
});

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
