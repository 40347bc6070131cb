/**
 * `createApp`: the one Hono app every runtime serves (Lambda through `hono/aws-lambda`, a laptop
 * through `@hono/node-server`). Routes are declared with `@hono/zod-openapi`, so the schemas that
 * validate requests also produce `/openapi.json`. Every failure leaves as RFC 9457 problem+json;
 * every index access goes through `with()`, so a hot swap never frees an index mid-request.
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { compress } from 'hono/compress';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { EngineError } from '../engine/index.js';
import type { JobsApi } from '../jobs/contract.js';
import { jsonLinesLogger, type Logger } from '../log/logger.js';
// The store's parts by file, not through its index: that would load the AWS SDK (the S3 store)
// into every cold start of the search Lambda.
import { StoreError } from '../store/store-error.js';
import { mountDocs } from './docs.js';
import { MAX_BODY_BYTES } from './limits.js';
import { mountJobs } from './jobs.js';
import { mountJobsView } from './jobs-view/index.js';
import { logRequest, newRequestId } from './observe.js';
import { searchPage } from './page.js';
import { malformedUrlProblem } from './percent-encoding.js';
import { Problem, badField, renderProblem } from './problem.js';
import { zodProblem } from './zod-problem.js';
import {
  DocIdParamSchema,
  DocumentSchema,
  HealthSchema,
  problemResponse,
  SearchBodySchema,
  SearchQuerySchema,
  SearchResponseSchema,
} from './schemas.js';
import { answerSearch, documentParts, searchRequestFromQuery, type IndexSource } from './search.js';

export interface AppOptions {
  index: IndexSource;
  /** Where request logs and EMF metrics go (default JSON lines on stdout; tests pass `silentLogger`). */
  log?: Logger;
  /** Allowed CORS origin (default `*`: a public read-only API). `false` turns CORS off. */
  corsOrigin?: string | false;
  /** The job pipeline behind `/jobs` (absent: those routes answer 503). */
  jobs?: JobsApi;
  /**
   * What to tell a client while the store has nothing published (503 "no index published yet:
   * HINT"): how this deployment gets its first version. Default: `sir publish`.
   */
  unpublishedHint?: string;
  /**
   * The stored key shown as each hit's title, one of the index's fields (default: its first
   * field); the other indexed fields make the snippet and the document's text.
   */
  titleField?: string;
}

/** The default `unpublishedHint`. */
export const PUBLISH_HINT = 'run sir publish --store DIR --index BUILT';

const errorResponses = {
  400: problemResponse('Invalid input; `errors` names each field and its accepted range'),
  503: problemResponse('No index is loaded'),
};

const searchGet = createRoute({
  method: 'get',
  path: '/search',
  summary: 'Search the collection',
  request: { query: SearchQuerySchema },
  responses: {
    200: {
      content: { 'application/json': { schema: SearchResponseSchema } },
      description: 'One page of ranked hits',
    },
    ...errorResponses,
  },
});

const searchPost = createRoute({
  method: 'post',
  path: '/search',
  summary: 'Search the collection (JSON body)',
  request: {
    body: { required: true, content: { 'application/json': { schema: SearchBodySchema } } },
  },
  responses: {
    200: {
      content: { 'application/json': { schema: SearchResponseSchema } },
      description: 'One page of ranked hits',
    },
    ...errorResponses,
    413: problemResponse('Body over 64 KB'),
    415: problemResponse('Body is not application/json'),
  },
});

const documentGet = createRoute({
  method: 'get',
  path: '/documents/{id}',
  summary: 'One stored document by its id',
  request: { params: DocIdParamSchema },
  responses: {
    200: {
      content: { 'application/json': { schema: DocumentSchema } },
      description: 'The document',
    },
    404: problemResponse('No such document'),
    ...errorResponses,
  },
});

const healthGet = createRoute({
  method: 'get',
  path: '/health',
  summary: 'Served index version and size',
  responses: {
    200: { content: { 'application/json': { schema: HealthSchema } }, description: 'Healthy' },
    503: problemResponse('No index is loaded'),
  },
});

/** Paths the app serves, with their methods, to tell 405 from 404. */
const ROUTE_METHODS: Array<[RegExp, string[]]> = [
  [/^\/search\/?$/, ['GET', 'HEAD', 'POST', 'OPTIONS']],
  [/^\/documents\/[^/]+$/, ['GET', 'HEAD', 'OPTIONS']],
  [/^\/(health|openapi\.json|docs|docs\/assets\/[^/]+)?$/, ['GET', 'HEAD', 'OPTIONS']],
  [/^\/jobs\/?$/, ['GET', 'HEAD', 'POST', 'OPTIONS']],
  [/^\/jobs\/[^/]+$/, ['GET', 'HEAD', 'OPTIONS']],
  [/^\/jobs\/[^/]+\/retry$/, ['POST', 'OPTIONS']],
  [/^\/jobs\/[^/]+\/(files|figures)(\/[^/]+)?$/, ['GET', 'HEAD', 'OPTIONS']],
  [/^\/jobs-view(\/[^/]+)?$/, ['GET', 'HEAD', 'OPTIONS']],
];

/** Routes that take a JSON body: at most `MAX_BODY_BYTES`, `content-type: application/json`. */
const JSON_BODY_ROUTES = ['/search', '/jobs'];

export function createApp(options: AppOptions): OpenAPIHono {
  const log = options.log ?? jsonLinesLogger(process.stdout);
  const app = new OpenAPIHono({
    defaultHook: (result) => (result.success ? undefined : zodProblem(result.error, result.target)),
  });

  app.use(
    '*',
    requestId({
      generator: (c) =>
        newRequestId((c.env as { lambdaContext?: unknown } | undefined)?.lambdaContext),
    }),
  );
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    logRequest(log, {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      startedMs: started,
    });
  });
  app.use('*', async (c, next) => {
    const malformed = malformedUrlProblem(c.req.url, (path) =>
      path.startsWith('/documents/') ? 'id' : 'path',
    );
    if (malformed) throw malformed;
    await next();
  });
  if (options.corsOrigin !== false)
    app.use(
      '*',
      cors({
        origin: options.corsOrigin ?? '*',
        allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
        maxAge: 600,
      }),
    );
  app.use('*', compress());
  for (const path of JSON_BODY_ROUTES)
    app.post(
      path,
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: () => {
          throw new Problem(413, `the request body must be at most ${MAX_BODY_BYTES} bytes`, [
            { field: 'body', message: `at most ${MAX_BODY_BYTES} bytes` },
          ]);
        },
      }),
    );
  // JSON content type is checked before validation so a form post gets 415, not "q is required".
  for (const path of JSON_BODY_ROUTES)
    app.post(path, async (c, next) => {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(type)) {
        throw new Problem(
          415,
          `POST ${path} takes a JSON body; send content-type: application/json (got "${type || 'none'}")`,
          [{ field: 'content-type', message: 'must be application/json' }],
        );
      }
      await next();
    });

  const shaping = (requestId: string) => ({ titleField: options.titleField, log, requestId });

  app.openapi(searchGet, async (c) => {
    const req = searchRequestFromQuery(c.req.valid('query'));
    return c.json(await answerSearch(options.index, 'GET', req, shaping(c.get('requestId'))), 200);
  });

  app.openapi(searchPost, async (c) => {
    const req = c.req.valid('json');
    return c.json(await answerSearch(options.index, 'POST', req, shaping(c.get('requestId'))), 200);
  });

  app.openapi(documentGet, async (c) => {
    const { id } = c.req.valid('param');
    const doc = await options.index.with((loaded) => {
      const n = loaded.value.lookup(id);
      if (n === undefined) return undefined;
      return { id, ...documentParts(loaded.value, loaded.value.document(n), options.titleField) };
    });
    if (!doc)
      throw new Problem(404, `no document has id "${id}"`, [
        { field: 'id', message: 'no such document in the served index version' },
      ]);
    return c.json(doc, 200);
  });

  app.openapi(healthGet, async (c) => {
    const h = await options.index.with((l) => ({
      status: 'ok',
      version: l.version,
      docCount: l.value.info.docCount,
      loadedAt: l.loadedAt.toISOString(),
    }));
    return c.json(h, 200);
  });

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'serverless-ir search API',
      version: '0.1.0',
      description: 'Full-text search over one collection. Errors are RFC 9457 problem details.',
    },
  });
  mountJobs(app, options.jobs);
  mountJobsView(app);
  mountDocs(app, 'serverless-ir API');
  app.get('/', (c) => c.html(searchPage()));

  app.notFound((c) => {
    const allowed = ROUTE_METHODS.find(([re]) => re.test(c.req.path))?.[1];
    if (allowed) {
      return renderProblem(
        c,
        new Problem(
          405,
          `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(', ')}`,
          [{ field: 'method', message: `one of ${allowed.join(', ')}` }],
          'method-not-allowed',
          { allow: allowed.join(', ') },
        ),
      );
    }
    return renderProblem(
      c,
      new Problem(
        404,
        `no route ${c.req.path}; the API has /search, /documents/{id}, /health, /jobs, /openapi.json, /docs`,
      ),
    );
  });

  app.onError((err, c) => {
    if (err instanceof Problem) return renderProblem(c, err);
    if (err instanceof HTTPException && err.status < 500) {
      // Hono's own input errors (malformed JSON, media type) carry no field; name the body.
      const p =
        err.status === 415
          ? new Problem(415, err.message, [
              { field: 'content-type', message: 'must be application/json' },
            ])
          : badField('body', `${err.message}; expected a JSON object`);
      return renderProblem(c, p);
    }
    if (err instanceof StoreError && err.code === 'not-published') {
      return renderProblem(
        c,
        new Problem(
          503,
          `no index published yet: ${options.unpublishedHint ?? PUBLISH_HINT}`,
          [],
          'index-not-published',
          { 'retry-after': '5' },
        ),
      );
    }
    if (err instanceof EngineError && err.code === 'corrupt-index') {
      // Damage found while reading the served version (a stored block or positions): this request
      // cannot be answered; the rest of the index still serves.
      log.error('the served index is damaged', {
        requestId: c.get('requestId'),
        error: err.message,
      });
      return renderProblem(
        c,
        new Problem(500, `the served index is damaged: ${err.message}`, [], 'index-damaged'),
      );
    }
    if (err instanceof StoreError && (err.code === 'unavailable' || err.code === 'closed')) {
      return renderProblem(
        c,
        new Problem(
          503,
          'no index version is available yet; retry shortly',
          [],
          'index-unavailable',
          { 'retry-after': '5' },
        ),
      );
    }
    log.error('unhandled error', {
      requestId: c.get('requestId'),
      error: String(err),
      stack: (err as Error)?.stack,
    });
    return renderProblem(c, new Problem(500, `internal error (request id ${c.get('requestId')})`));
  });
  return app;
}
