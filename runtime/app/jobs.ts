/**
 * The jobs routes of the one app: `POST /jobs`, `GET /jobs`, `GET /jobs/{id}`,
 * `POST /jobs/{id}/retry`, documented in the same OpenAPI document as search. They translate
 * between HTTP and a `JobsApi` (runtime/jobs/); a `JobError` becomes problem+json with its status.
 * Without a jobs service (the search Lambda, `sir serve --index`) they answer 503.
 */
import { type OpenAPIHono, createRoute } from '@hono/zod-openapi';
import {
  type JobsApi,
  JobError,
  JobRequestSchema,
  KIND_NAMES,
  MAX_CHUNK_MB,
  MAX_SHARDS,
  MEASURE_NAMES,
  MAX_LIST_LIMIT,
} from '../jobs/contract.js';
import {
  JobIdParamSchema,
  JobListQuerySchema,
  JobListSchema,
  JobStatusSchema,
  RetrySchema,
} from './jobs-schemas.js';
import { MAX_WINDOW, RANKERS } from '../engine/index.js';
import { mountJobResults } from './jobs-results.js';
import { Problem } from './problem.js';
import { problemResponse } from './schemas.js';
import { type FieldVocabulary, zodProblem } from './zod-problem.js';

const problem = problemResponse;
const json = <T>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const unavailable = problem('Jobs are not run by this server');

const submit = createRoute({
  method: 'post',
  path: '/jobs',
  tags: ['jobs'],
  summary: 'Submit a job (the same request again returns the same job)',
  request: {
    body: { required: true, content: { 'application/json': { schema: JobRequestSchema } } },
  },
  responses: {
    202: json(JobStatusSchema, 'Accepted: a new job; `Location` is its URL'),
    200: json(JobStatusSchema, 'The job this request already is'),
    400: problem('Invalid request or input; `errors` names the field'),
    413: problem('Body over 64 KB'),
    404: problem('`index` names a version the store does not have'),
    415: problem('Body is not application/json'),
    503: problem(
      'Jobs are not run by this server; or, on an efs stack, the index named by `index` is still being resolved: submit again after `Retry-After` seconds',
    ),
  },
});

const list = createRoute({
  method: 'get',
  path: '/jobs',
  tags: ['jobs'],
  summary: 'Recent jobs, newest first',
  request: { query: JobListQuerySchema },
  responses: {
    200: json(JobListSchema, 'Jobs'),
    400: problem('Invalid limit'),
    503: unavailable,
  },
});

const get = createRoute({
  method: 'get',
  path: '/jobs/{id}',
  tags: ['jobs'],
  summary: "A job's status: tasks, queues, timings, result or error",
  request: { params: JobIdParamSchema },
  responses: {
    200: json(JobStatusSchema, 'The job'),
    400: problem('Not a job id'),
    404: problem('No such job'),
    503: unavailable,
  },
});

const retry = createRoute({
  method: 'post',
  path: '/jobs/{id}/retry',
  tags: ['jobs'],
  summary: "Run a failed job's failed tasks again",
  request: { params: JobIdParamSchema },
  responses: {
    202: json(RetrySchema, 'Retrying; `Location` is the job to watch'),
    400: problem('Not a job id'),
    404: problem('No such job'),
    409: problem('The job has not failed, or failed on its input itself'),
    503: unavailable,
  },
});

/** What a job request's fields accept, for problem details. */
const JOB_FIELDS: FieldVocabulary = {
  accepted: {
    kind: `one of ${KIND_NAMES.join(', ')}`,
    corpus: 's3://BUCKET/KEY in the stack staging bucket, or file:///PATH on a local server',
    chunkMb: `an integer from 1 to ${MAX_CHUNK_MB} (MiB of corpus per map task)`,
    fieldMode: 'combined or separate',
    stemmer: 'porter or none',
    stopwords: 'lucene, none, or an array of words',
    norms: 'exact or lucene',
    skipBad: 'true or false',
    publish: 'true or false',
    name: 'AlwaysOne, StaticProportional or QueueDepth',
    m: 'an integer ≥ 1 (tasks per worker)',
    backlog: 'an integer ≥ 1 (waiting task messages)',
    id: 'a job id such as build-0123456789abcdef01234567',
    limit: `an integer from 1 to ${MAX_LIST_LIMIT}`,
    index: '"live", a version id, or a built index URL (s3://... or file:///...)',
    queries: 'a query file URL (BEIR queries.jsonl or TSV id<TAB>text)',
    qrels: 'a judgements URL (BEIR TSV or TREC qrels)',
    runs: 'an array of {"ranker": NAME, "grid": {PARAMETER: [VALUES]}}',
    ranker: `a ranker name (${RANKERS.join(', ')})`,
    grid: 'an object of parameter → array of numbers',
    params: 'an object of parameter → number',
    metrics: `an array of trec_eval names (${MEASURE_NAMES.join(', ')})`,
    metric: `a trec_eval name (${MEASURE_NAMES.join(', ')})`,
    k: `an integer from 1 to ${MAX_WINDOW} (hits per query)`,
    folds: 'an integer from 2 to 100',
    shards: `an integer from 1 to ${MAX_SHARDS} (query shards per configuration)`,
    trials: 'an integer from 1 to 1000000',
    seed: 'an integer from 0 to 4294967295',
  },
  fieldsAt: (path) =>
    path === 'analyzer'
      ? ['fields', 'fieldMode', 'stemmer', 'stopwords', 'norms']
      : path === 'policy'
        ? ['name', 'm (StaticProportional)', 'backlog (QueueDepth)']
        : path === 'tune'
          ? ['metric', 'queries and qrels (a tuning set)', 'folds (cross-validation)']
          : path === 'baseline' || /^runs\.\d+$/.test(path)
            ? path === 'baseline'
              ? ['ranker', 'params']
              : ['ranker', 'grid']
            : path === 'randomisation'
              ? ['trials', 'seed']
              : [
                  'kind, corpus, chunkMb, analyzer, skipBad, publish, policy (build-index) or kind',
                  'index, queries, qrels, runs, baseline, metrics, k, tune, shards, randomisation, policy (evaluate)',
                ],
};

export function mountJobs(app: OpenAPIHono, jobs: JobsApi | undefined): void {
  // (mountJobResults below adds an evaluation's files and figures with the same translation.)
  const call = async <T>(fn: (api: JobsApi) => Promise<T>): Promise<T> => {
    if (jobs === undefined)
      throw new Problem(
        503,
        'jobs are not run by this server; the local server runs them with `sir serve --store DIR`, and a stack routes /jobs to its jobs function',
        [],
        'jobs-unavailable',
      );
    try {
      return await fn(jobs);
    } catch (err) {
      if (err instanceof JobError)
        throw new Problem(
          err.httpStatus,
          err.message,
          err.field ? [{ field: err.field, message: err.message }] : [],
          err.code,
          err.retryAfterSeconds !== undefined
            ? { 'retry-after': String(err.retryAfterSeconds) }
            : {},
        );
      throw err;
    }
  };
  // Validation failures of the request body speak the job request's vocabulary.
  const hook = (result: { success: boolean; error?: unknown }): undefined => {
    if (!result.success) zodProblem(result.error as never, 'json', JOB_FIELDS);
    return undefined;
  };

  app.openapi(
    submit,
    async (c) => {
      const { created, job } = await call((api) => api.submit(c.req.valid('json')));
      c.header('location', `/jobs/${job.id}`);
      return created ? c.json(job, 202) : c.json(job, 200);
    },
    hook,
  );
  app.openapi(
    list,
    async (c) => {
      const { limit } = c.req.valid('query');
      return c.json({ jobs: await call((api) => api.list(limit)) }, 200);
    },
    hook,
  );
  app.openapi(
    get,
    async (c) => c.json(await call((api) => api.get(c.req.valid('param').id)), 200),
    hook,
  );
  app.openapi(
    retry,
    async (c) => {
      const outcome = await call((api) => api.retry(c.req.valid('param').id));
      c.header('location', `/jobs/${outcome.job.id}`);
      return c.json(outcome, 202);
    },
    hook,
  );
  mountJobResults(app, call);
}
