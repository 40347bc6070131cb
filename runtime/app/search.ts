/**
 * The search operation, independent of GET/POST: takes a normalised request and the loaded index,
 * runs the engine, and shapes hits (id, score, title, snippet, metadata) plus paging links. The
 * engine validates the request; its errors name the field at fault, which becomes a 400 problem
 * naming the field as the client wrote it (`filter` in a query string, `params.k1` in a body).
 * Nothing here knows about HTTP transport.
 */
import {
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
import { decodeCursor, encodeCursor } from './cursor.js';
import { badField } from './problem.js';
import { DEFAULT_SIZE } from './schemas.js';
import { makeSnippet } from './snippet.js';

export interface SearchRequest {
  q: string;
  page?: number | undefined;
  size?: number | undefined;
  ranker?: RankerName | undefined;
  params?: RankerParams | undefined;
  fields?: string[] | undefined;
  filters?: string[] | undefined;
  cursor?: string | undefined;
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
  page: number | null;
  size: number;
  took_ms: number;
  version: string;
  hits: HitOut[];
  next: string | null;
  prev: string | null;
  cursor: string | null;
}

/** Stored keys shown elsewhere in a hit, hence left out of `metadata`. */
const NOT_METADATA = new Set(['text', 'title', '_id', 'id']);

export function documentMetadata(stored: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(stored).filter(([k]) => !NOT_METADATA.has(k)));
}

/** How the request was written: as a query string (GET) or a JSON body (POST); fields are named accordingly. */
export type RequestForm = 'query' | 'json';

export function runSearch(
  loaded: LoadedIndex<SearchIndex>,
  req: SearchRequest,
  basePath: string,
  form: RequestForm,
): SearchResponse {
  const started = performance.now();
  const index = loaded.value;
  const size = req.size ?? DEFAULT_SIZE;
  const page = req.cursor === undefined ? (req.page ?? 1) : null;
  let offset = 0;
  let after: { score: number; doc: number } | undefined;
  if (req.cursor !== undefined) {
    const c = decodeCursor(req.cursor, loaded.version);
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
      count: true,
    });
  } catch (err) {
    throw inputProblem(err, form, { page, size });
  }
  const hits = result.hits.map((h): HitOut => {
    const stored = index.document(h.doc);
    const text = typeof stored.text === 'string' ? stored.text : '';
    return {
      id: index.externalId(h.doc),
      score: h.score,
      title: typeof stored.title === 'string' ? stored.title : '',
      snippet: makeSnippet(text, index.highlightSpans(text, result.terms)),
      metadata: documentMetadata(stored),
    };
  });
  const total = result.total ?? hits.length;
  const last = result.hits[result.hits.length - 1];
  const more = hits.length === size && (page === null || offset + size < total);
  const cursor =
    more && last
      ? encodeCursor({ score: last.score, doc: last.doc, version: loaded.version })
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
    case 'after':
      return 'cursor';
    default:
      return undefined;
  }
}
