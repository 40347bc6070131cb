/**
 * The search operation, independent of GET/POST: takes a normalised request and the loaded index,
 * runs the engine, and shapes hits (id, score, title, snippet, metadata) plus paging links. The
 * engine validates the request; its errors name the field at fault, which becomes a 400 problem
 * naming the field as the client wrote it (`filter` in a query string, `params.k1` in a body). The
 * engine shapes the whole page in one call from the fields the index records (the title field,
 * the snippet from the others, metadata the rest); a hit whose stored document is damaged comes
 * back without a body and is logged, the page still answers. Nothing here knows about HTTP
 * transport.
 */
import {
  DEFAULT_COUNT_LIMIT,
  EngineError,
  MAX_WINDOW,
  PARAM_NAMES,
  paramSpec,
  type EngineField,
  type RankerName,
  type RankerParams,
  type SearchIndex,
} from '../engine/index.js';
import type { LoadedIndex } from '../store/index.js';
import type { Logger } from '../log/logger.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { emitSearchMetrics } from './observe.js';
import { badField } from './problem.js';
import { DEFAULT_SIZE } from './limits.js';
import { renderSnippet } from './snippet.js';

export interface SearchRequest {
  q: string;
  page?: number | undefined;
  size?: number | undefined;
  ranker?: RankerName | undefined;
  params?: RankerParams | undefined;
  fields?: string[] | undefined;
  filters?: string[] | undefined;
  cursor?: string | undefined;
  /** Count every match instead of stopping at `DEFAULT_COUNT_LIMIT`. */
  exact_total?: boolean | undefined;
}

export interface HitOut {
  id: string;
  score: number;
  title: string;
  snippet: string;
  metadata: Record<string, unknown>;
}

export interface SearchResponse {
  total: number;
  total_relation: 'eq' | 'gte';
  page: number | null;
  size: number;
  took_ms: number;
  version: string;
  hits: HitOut[];
  next: string | null;
  prev: string | null;
  cursor: string | null;
}

/** How hits are shaped: which stored key is the title, where damaged documents are reported. */
export interface HitShaping {
  /** The stored key shown as a hit's title (default: the index's first field). */
  titleField?: string | undefined;
  /** Where a damaged stored document is logged. */
  log: Logger;
  requestId?: string | undefined;
}

/**
 * A stored document split by the roles of the index's fields: the title field, the text of the
 * other indexed fields (joined by a blank line), and the remaining keys as metadata.
 */
export function documentParts(
  index: SearchIndex,
  stored: Record<string, unknown>,
  titleField?: string,
): { title: string; text: string; metadata: Record<string, unknown> } {
  const sources = index.info.fields.flatMap((f) => f.sources);
  const title = titleField ?? sources[0]!;
  const str = (k: string) => (typeof stored[k] === 'string' ? (stored[k] as string) : '');
  const hidden = new Set([...sources, '_id', 'id']);
  return {
    title: str(title),
    text: sources
      .filter((k) => k !== title)
      .map(str)
      .filter((t) => t !== '')
      .join('\n\n'),
    metadata: Object.fromEntries(Object.entries(stored).filter(([k]) => !hidden.has(k))),
  };
}

/** What the app reads the index through; `LiveIndex<SearchIndex>` is one. */
export interface IndexSource {
  with<R>(fn: (index: LoadedIndex<SearchIndex>) => R | Promise<R>): Promise<R>;
}

/**
 * A `GET /search` query string once validated: the numbers parsed, the rest as written, and each
 * ranker parameter a top-level key (one per name in the ranker table). The GET route's zod schema
 * produces it, and so does the search Lambda's direct path (runtime/lambda/direct-search.ts).
 */
export type SearchQuery = {
  q: string;
  page?: number | undefined;
  size?: number | undefined;
  ranker?: RankerName | undefined;
  fields?: string | undefined;
  filter?: string | string[] | undefined;
  cursor?: string | undefined;
  exact_total?: 'true' | 'false' | undefined;
} & Record<string, unknown>;

/** The search request a validated query string asks for. */
export function searchRequestFromQuery(q: SearchQuery): SearchRequest {
  return {
    q: q.q,
    page: q.page,
    size: q.size,
    ranker: q.ranker,
    params: Object.fromEntries(
      PARAM_NAMES.filter((n) => q[n] !== undefined).map((n) => [n, q[n] as number]),
    ),
    fields: q.fields?.split(','),
    filters: q.filter === undefined ? undefined : Array.isArray(q.filter) ? q.filter : [q.filter],
    cursor: q.cursor,
    exact_total: q.exact_total === undefined ? undefined : q.exact_total === 'true',
  };
}

/**
 * One search as the API answers it, GET or POST: the served version's page, and its latency and
 * hit count as a metric. Every path that answers `/search` goes through here.
 */
export function answerSearch(
  index: IndexSource,
  method: 'GET' | 'POST',
  req: SearchRequest,
  shaping: HitShaping & { requestId: string },
): Promise<SearchResponse> {
  return index.with((loaded) => {
    const started = performance.now();
    const out = runSearch(loaded, req, '/search', method === 'POST' ? 'json' : 'query', shaping);
    emitSearchMetrics(shaping.log, {
      latencyMs: performance.now() - started,
      hits: out.hits.length,
      total: out.total,
      method,
      requestId: shaping.requestId,
      version: loaded.version,
    });
    return out;
  });
}

/** How the request was written: as a query string (GET) or a JSON body (POST); fields are named accordingly. */
export type RequestForm = 'query' | 'json';

export function runSearch(
  loaded: LoadedIndex<SearchIndex>,
  req: SearchRequest,
  basePath: string,
  form: RequestForm,
  shaping: HitShaping,
): SearchResponse {
  const started = performance.now();
  const index = loaded.value;
  const size = req.size ?? DEFAULT_SIZE;
  const page = req.cursor === undefined ? (req.page ?? 1) : null;
  let offset = 0;
  let after: { score: number; doc: number } | undefined;
  if (req.cursor !== undefined) {
    const c = decodeCursor(req.cursor, loaded.version, req);
    after = { score: c.score, doc: c.doc };
  } else {
    offset = (page! - 1) * size;
  }
  const fields = req.fields?.map((f) => f.trim()).filter((f) => f !== '');
  let result;
  try {
    result = index.search(req.q, {
      ...(req.ranker !== undefined ? { ranker: req.ranker } : {}),
      params: req.params ?? {},
      offset,
      size,
      ...(fields !== undefined ? { fields } : {}),
      ...(req.filters?.length ? { filters: req.filters } : {}),
      ...(after ? { after } : {}),
      count: req.exact_total ? true : DEFAULT_COUNT_LIMIT,
    });
  } catch (err) {
    throw inputProblem(err, form, { page, size });
  }
  const shapedHits = index.pageHits(
    result.hits.map((h) => h.doc),
    result.terms,
    shaping.titleField,
  );
  const hits = result.hits.map((h, i): HitOut => {
    const shaped = shapedHits[i]!;
    if ('damaged' in shaped) {
      shaping.log.error("a hit's stored document is damaged; it is answered without a body", {
        requestId: shaping.requestId,
        version: loaded.version,
        id: shaped.id,
        error: shaped.damaged,
      });
      return { id: shaped.id, score: h.score, title: '', snippet: '', metadata: {} };
    }
    return {
      id: shaped.id,
      score: h.score,
      title: shaped.title,
      snippet: renderSnippet(shaped.snippet),
      metadata: shaped.metadata,
    };
  });
  const total = result.total ?? hits.length;
  const last = result.hits[result.hits.length - 1];
  const more =
    hits.length === size && (page === null || offset + size < total || !result.totalExact);
  const cursor =
    more && last
      ? encodeCursor({ score: last.score, doc: last.doc, version: loaded.version }, req)
      : null;
  let next: string | null = null;
  if (more) {
    next =
      page !== null && (page + 1) * size <= MAX_WINDOW
        ? link(basePath, req, { page: page + 1, size })
        : link(basePath, req, { cursor: cursor!, size });
  }
  const prev = page !== null && page > 1 ? link(basePath, req, { page: page - 1, size }) : null;
  return {
    total,
    total_relation: result.totalExact ? 'eq' : 'gte',
    page,
    size,
    took_ms: Math.round((performance.now() - started) * 100) / 100,
    version: loaded.version,
    hits,
    next,
    prev,
    cursor,
  };
}

/** A GET link for the same query with other paging. */
function link(
  basePath: string,
  req: SearchRequest,
  paging: { page?: number; size: number; cursor?: string },
): string {
  const u = new URLSearchParams({ q: req.q });
  if (req.ranker) u.set('ranker', req.ranker);
  for (const name of PARAM_NAMES)
    if (req.params?.[name] !== undefined) u.set(name, String(req.params[name]));
  if (req.fields?.length) u.set('fields', req.fields.join(','));
  if (req.exact_total) u.set('exact_total', 'true');
  for (const f of req.filters ?? []) u.append('filter', f);
  if (paging.cursor) u.set('cursor', paging.cursor);
  else u.set('page', String(paging.page));
  u.set('size', String(paging.size));
  return `${basePath}?${u}`;
}

/**
 * An engine error about the request → a 400 naming the field as the client wrote it. Anything
 * else (a damaged index, an engine bug, a field the app itself composed) is rethrown: a 5xx.
 */
function inputProblem(
  err: unknown,
  form: RequestForm,
  paging: { page: number | null; size: number },
): unknown {
  if (!(err instanceof EngineError) || err.code !== 'bad-query' || err.field === undefined)
    return err;
  // The engine calls the cursor's position "after"; only a cursor the API decoded can carry one.
  if (err.field === 'after') return badField('cursor', 'is not a cursor returned by this API');
  if (err.field === 'offset' && paging.page !== null)
    return badField(
      'page',
      `page × size must be at most ${MAX_WINDOW} (got ${paging.page} × ${paging.size}); for deeper results follow the "next" link, which uses a cursor`,
    );
  const field = requestField(err.field, form);
  return field === undefined ? err : badField(field, err.message);
}

/** The request field (GET or POST spelling) an engine field stands for. */
function requestField(field: EngineField, form: RequestForm): string | undefined {
  if (paramSpec(field) !== undefined) return form === 'json' ? `params.${field}` : field;
  switch (field) {
    case 'query':
      return 'q';
    case 'ranker':
    case 'params':
    case 'fields':
      return field;
    case 'filters':
      return form === 'json' ? 'filters' : 'filter';
    default:
      return undefined;
  }
}
