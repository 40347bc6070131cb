/**
 * `GET /search` in the search Lambda, answered without the HTTP framework. Through Hono's adapter
 * a cold start loads Node's fetch implementation at its first `Request` (40–55 ms on the benchmark
 * machine) and parses zod with the routes' schemas (about 50 ms): together more than opening the
 * index, the query and the hit page (bench/PROFILE.md, First answer, eighth pass). This path answers only what it can answer exactly as the app
 * does — a payload 2.0 `GET /search` whose parameters are all ones the query schema knows, each in
 * a plain form that schema accepts — through the same search, metric, request log and response
 * headers (a request id, CORS for any origin, the app's compression). Everything else goes to the
 * app, loaded on first use: other routes and methods, a client's own request id, any other form
 * of a value, and every error, so each problem is worded by the one place that words it.
 * test/app/direct-search.test.ts holds these answers to the app's, request by request.
 */
import { parseAccept } from 'hono/utils/accept';
import { RANKER_PARAMS, RANKER_TABLE } from '../engine/index.js';
import type { Logger } from '../log/logger.js';
import { MAX_FILTERS, MAX_Q, MAX_SIZE } from '../app/limits.js';
import { logRequest, newRequestId } from '../app/observe.js';
import { malformedUrlProblem } from '../app/percent-encoding.js';
import {
  answerSearch,
  searchRequestFromQuery,
  type IndexSource,
  type SearchQuery,
} from '../app/search.js';
import type { DirectPath, LambdaResult } from './adapter.js';

/** A value as the query schema would take it, or undefined when it might not. */
type Plain = (value: string) => string | number | undefined;

const text: Plain = (v) => (v.length >= 1 && v.length <= MAX_Q ? v : undefined);
/** Digits only: `Number` reads them as the schema's coercion does; other spellings go to the app. */
const whole =
  (min: number, max = Number.MAX_SAFE_INTEGER): Plain =>
  (v) =>
    /^[0-9]{1,9}$/.test(v) && Number(v) >= min && Number(v) <= max ? Number(v) : undefined;
const decimal =
  (min: number, max: number): Plain =>
  (v) =>
    /^[0-9]{1,9}(\.[0-9]{1,9})?$/.test(v) && Number(v) >= min && Number(v) <= max
      ? Number(v)
      : undefined;

/** The query schema's parameters (schemas.ts), each in the plain forms it accepts. */
const PLAIN: Record<string, Plain> = {
  q: text,
  page: whole(1),
  size: whole(1, MAX_SIZE),
  ranker: (v) => (RANKER_TABLE.some((r) => r.name === v) ? v : undefined),
  ...Object.fromEntries(RANKER_PARAMS.map((p) => [p.name, decimal(p.min, p.max)])),
  fields: text,
  filter: text,
  cursor: text,
  exact_total: (v) => (v === 'true' || v === 'false' ? v : undefined),
};

/**
 * Characters a query string may hold as the URL parser leaves them (RFC 3986's query characters,
 * but `?`, which a leading one makes the app read as part of the first name; `'` becomes `%27`,
 * read back the same); anything else (a space, a `#`, a tab) the app's `Request` rewrites first.
 */
const QUERY_CHARS = /^[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*$/;

/** The query, as the app's GET route would validate it; undefined when it might not. */
function plainQuery(raw: string): SearchQuery | undefined {
  if (!QUERY_CHARS.test(raw) || malformedUrlProblem(`/search?${raw}`, () => 'path')) return;
  const query: Record<string, string | number | string[]> = {};
  const filters: string[] = [];
  for (const [name, value] of new URLSearchParams(raw)) {
    const plain = Object.hasOwn(PLAIN, name) ? PLAIN[name]!(value) : undefined;
    if (plain === undefined) return;
    if (name === 'filter') filters.push(value);
    else if (Object.hasOwn(query, name)) return;
    else query[name] = plain;
  }
  if (filters.length > MAX_FILTERS) return;
  if (filters.length > 0) query.filter = filters.length === 1 ? filters[0]! : filters;
  return typeof query.q === 'string' ? (query as SearchQuery) : undefined;
}

/** The encoding the app's compression picks for this `accept-encoding` (hono/compress's rule). */
function compression(accept: string | undefined): 'gzip' | 'deflate' | undefined {
  if (accept === undefined) return undefined;
  const accepts = parseAccept(accept);
  const wildcard = accepts.find((a) => a.type === '*')?.q;
  let best: { encoding: 'gzip' | 'deflate'; q: number } | undefined;
  for (const encoding of ['gzip', 'deflate'] as const) {
    const explicit = accepts.find((a) => a.type.toLowerCase() === encoding);
    const q = explicit ? explicit.q : (wildcard ?? 0);
    if (q === 1) return encoding;
    if (q > 0 && (!best || q > best.q)) best = { encoding, q };
  }
  return best?.encoding;
}

/**
 * `json` compressed and base64-encoded for API Gateway. node:zlib is imported here, when a client
 * takes compression: it loads Node's streams, a few ms of a cold start (bench/PROFILE.md).
 */
async function compress(json: string, encoding: 'gzip' | 'deflate'): Promise<string> {
  const { deflateSync, gzipSync } = await import('node:zlib');
  return (encoding === 'gzip' ? gzipSync(json) : deflateSync(json)).toString('base64');
}

export interface DirectSearchOptions {
  index: IndexSource;
  log: Logger;
  /** As the app's option of the same name. */
  titleField?: string;
}

/**
 * The direct path: the answer to a payload 2.0 event it can answer as the app would, or undefined
 * for the app to answer. The app it stands beside allows any origin (its default).
 */
export function directSearch(options: DirectSearchOptions): DirectPath {
  return async (event, lambdaContext) => {
    const startedMs = performance.now();
    // Checked by `classifyEvent` before: the headers, cookies and host make a `Request`, and a
    // GET has no body. A payload 2.0 event with a multi-value map is answered in that shape.
    const http = (event['requestContext'] as { http: { method: string } }).http;
    if (http.method !== 'GET' || event['rawPath'] !== '/search' || event['multiValueHeaders'])
      return undefined;
    // Header names as the app's `Headers` reads them: case-insensitive, the last one standing.
    const headers = new Map<string, string>();
    for (const [k, v] of Object.entries((event['headers'] ?? {}) as Record<string, unknown>))
      if (typeof v === 'string' && v !== '') headers.set(k.toLowerCase(), v);
    const accept = headers.get('accept-encoding');
    if (headers.has('x-request-id') || (accept !== undefined && /[^\x20-\x7e]/.test(accept)))
      return undefined;
    const query = plainQuery((event['rawQueryString'] as string | undefined) ?? '');
    if (query === undefined) return undefined;
    const requestId = newRequestId(lambdaContext);
    let out;
    try {
      out = await answerSearch(options.index, 'GET', searchRequestFromQuery(query), {
        titleField: options.titleField,
        log: options.log,
        requestId,
      });
    } catch {
      return undefined; // the app answers it again, and words the problem
    }
    const json = JSON.stringify(out);
    const encoding = compression(accept);
    const result: LambdaResult = {
      statusCode: 200,
      headers: {
        'access-control-allow-origin': '*',
        ...(encoding ? { 'content-encoding': encoding } : {}),
        'content-type': 'application/json',
        vary: 'Accept-Encoding',
        'x-request-id': requestId,
      },
      body: encoding ? await compress(json, encoding) : json,
      isBase64Encoded: encoding !== undefined,
    };
    logRequest(options.log, { requestId, method: 'GET', path: '/search', status: 200, startedMs });
    return result;
  };
}
