/**
 * An evaluate job's results over HTTP, beside the jobs routes: `GET /jobs/{id}/files/{name}` (its
 * TREC run files and per-query measures, from the results bucket) and `GET /jobs/{id}/figures`
 * (the names of its plots) and `GET /jobs/{id}/figures/{name}?metric=` (one plot, SVG drawn by
 * runtime/eval/plots.ts). They translate to the `JobsApi` like the other jobs routes.
 */
import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  type EvaluateResult,
  type JobsApi,
  JOB_ID_PATTERN,
  RESULT_FILE_NAME,
  figureNames,
  parsePerQuery,
  renderFigure,
} from '../jobs/contract.js';
import { MEASURES } from '../eval/index.js';
import { Problem } from './problem.js';
import { problemResponse } from './schemas.js';
import { type FieldVocabulary, zodProblem } from './zod-problem.js';

const problem = problemResponse;

const Params = z.object({
  id: z
    .string()
    .regex(JOB_ID_PATTERN)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'eval-0123456789abcdef01234567' }),
  name: z
    .string()
    .regex(RESULT_FILE_NAME)
    .openapi({ param: { name: 'name', in: 'path' }, example: 'bm25_k1=0.9_b=0.4.trec' }),
});
const IdParam = Params.pick({ id: true });
const MetricQuery = z.object({
  metric: z
    .enum(MEASURES.map((m) => m.trecName) as [string, ...string[]])
    .optional()
    .openapi({
      param: { name: 'metric', in: 'query' },
      description: 'the measure drawn (default the result’s first)',
    }),
});

const file = createRoute({
  method: 'get',
  path: '/jobs/{id}/files/{name}',
  tags: ['jobs'],
  summary: "A file of an evaluate job's result: a TREC run file or per-query.jsonl",
  request: { params: Params },
  responses: {
    200: {
      content: { 'text/plain': { schema: z.string().openapi({ format: 'binary' }) } },
      description: 'The file (a TREC run file, or JSON lines)',
    },
    400: problem('Not a job id or file name'),
    404: problem('No such job or file'),
    503: problem('Jobs are not run by this server'),
  },
});
const figures = createRoute({
  method: 'get',
  path: '/jobs/{id}/figures',
  tags: ['jobs'],
  summary: "The plots of a finished evaluate job's result",
  request: { params: IdParam },
  responses: {
    200: {
      content: { 'application/json': { schema: z.object({ figures: z.array(z.string()) }) } },
      description: 'Figure names',
    },
    400: problem('Not a job id'),
    404: problem('No such job'),
    409: problem('The job is not a finished evaluation'),
    503: problem('Jobs are not run by this server'),
  },
});
const figure = createRoute({
  method: 'get',
  path: '/jobs/{id}/figures/{name}',
  tags: ['jobs'],
  summary: 'One plot of an evaluate job, as SVG',
  request: { params: Params, query: MetricQuery },
  responses: {
    200: { content: { 'image/svg+xml': { schema: z.string() } }, description: 'The plot' },
    400: problem('Not a job id, figure name or measure'),
    404: problem('No such job or figure'),
    409: problem('The job is not a finished evaluation'),
    503: problem('Jobs are not run by this server'),
  },
});

/** What a figure's SVG may do when opened by itself: nothing but show itself. */
const SVG_CSP = "default-src 'none'";

const FIELDS: FieldVocabulary = {
  accepted: {
    id: 'a job id such as eval-0123456789abcdef01234567',
    name: 'a file or figure name such as per-query.jsonl, bm25_k1=0.9_b=0.4.trec or sweeps.svg',
    metric: `a trec_eval name (${MEASURES.map((m) => m.trecName).join(', ')})`,
  },
  fieldsAt: () => ['metric'],
};

const hook = (result: { success: boolean; target?: string; error?: unknown }): undefined => {
  if (!result.success) zodProblem(result.error as never, result.target ?? 'param', FIELDS);
  return undefined;
};

/**
 * Adds the routes; `call` is the jobs routes' translation (503 without a pipeline, `JobError` as
 * problem+json).
 */
export function mountJobResults(
  app: OpenAPIHono,
  call: <T>(fn: (api: JobsApi) => Promise<T>) => Promise<T>,
): void {
  const evaluation = async (id: string): Promise<EvaluateResult> => {
    const job = await call((api) => api.get(id));
    const result = job.result as unknown as EvaluateResult | null;
    if (job.kind !== 'evaluate' || job.status !== 'succeeded' || result?.kind !== 'evaluate')
      throw new Problem(
        409,
        `job ${id} is ${job.status === 'succeeded' ? `a ${job.kind} job` : job.status}: plots are drawn for a succeeded evaluate job`,
      );
    return result;
  };

  app.openapi(
    file,
    async (c) => {
      const { id, name } = c.req.valid('param');
      const bytes = await call((api) => api.file(id, name));
      c.header(
        'content-type',
        name.endsWith('.jsonl') ? 'application/jsonl; charset=utf-8' : 'text/plain; charset=utf-8',
      );
      c.header('content-disposition', `attachment; filename="${name}"`);
      c.header('x-content-type-options', 'nosniff');
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200) as never;
    },
    hook,
  );
  app.openapi(
    figures,
    async (c) => c.json({ figures: figureNames(await evaluation(c.req.valid('param').id)) }, 200),
    hook,
  );
  app.openapi(
    figure,
    async (c) => {
      const { id, name } = c.req.valid('param');
      const { metric } = c.req.valid('query');
      const result = await evaluation(id);
      if (!figureNames(result).includes(name))
        throw new Problem(
          404,
          `job ${id} has no figure ${name}; it has ${figureNames(result).join(', ')}`,
        );
      if (metric !== undefined && !result.metrics.includes(metric))
        throw new Problem(
          400,
          `metric: the job measured ${result.metrics.join(', ')}, not ${metric}`,
          [{ field: 'metric', message: `one of ${result.metrics.join(', ')}` }],
        );
      const perQuery = name.startsWith('difference-')
        ? parsePerQuery(
            new TextDecoder().decode(await call((api) => api.file(id, result.perQueryFile))),
          )
        : undefined;
      const svg = renderFigure(result, name, metric, perQuery)!;
      c.header('content-type', 'image/svg+xml; charset=utf-8');
      c.header('content-security-policy', SVG_CSP);
      c.header('cache-control', 'public, max-age=3600');
      c.header('x-content-type-options', 'nosniff');
      return c.body(svg, 200);
    },
    hook,
  );
}
