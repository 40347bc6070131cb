/**
 * The deep-pagination cursor (like Elasticsearch's `search_after`): the last hit of a page, the
 * index version it came from, and a digest binding both to the query that produced it, as opaque
 * base64url JSON. Internal doc ids are only stable within one version, and a position only means
 * something in its own ranking, so a cursor from another version or another query (q, ranker,
 * parameters, fields, filters) is refused rather than silently skipping or repeating results. Page
 * size is not bound: a cursor may continue with another `size`.
 *
 * The digest is a checksum, not a signature: anyone can mint a cursor for their own query, which
 * only positions a page of results they could read anyway. It makes an altered or transplanted
 * cursor fail with a 400 naming `cursor` before it reaches the engine. So it is 64-bit FNV-1a, not a
 * hash from `node:crypto`, whose load would be about 12 ms of the search Lambda's cold start, where
 * the first page already carries a cursor (bench/PROFILE.md, First answer).
 */
import { DEFAULT_RANKER, type RankerParams } from '../engine/index.js';
import { badField } from './problem.js';

export interface Cursor {
  score: number;
  doc: number;
  version: string;
}

/** The parts of a request that decide the ranking a cursor points into. */
export interface CursorQuery {
  q: string;
  ranker?: string | undefined;
  params?: RankerParams | undefined;
  fields?: string[] | undefined;
  filters?: string[] | undefined;
}

const NOT_A_CURSOR =
  'is not a cursor returned by this API (use the "next" link of a previous page)';
const LARGEST_DOC = 0xffff_fffe;

/** Canonical form of the query: defaults resolved, fields and filters as sets. */
function queryKey(q: CursorQuery): string {
  const params = Object.entries(q.params ?? {})
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const set = (xs: string[] | undefined) =>
    [...new Set((xs ?? []).map((x) => x.trim()).filter((x) => x !== ''))].sort();
  return JSON.stringify([q.q, q.ranker ?? DEFAULT_RANKER, params, set(q.fields), set(q.filters)]);
}

/** 64-bit FNV-1a of the UTF-8 of `text`, big-endian. */
export function fnv1a64(text: string): Buffer {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, 'utf8'))
    h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(h);
  return out;
}

function digest(query: CursorQuery, score: number, doc: number, version: string): string {
  return fnv1a64(JSON.stringify([queryKey(query), score, doc, version])).toString('base64url');
}

export function encodeCursor(c: Cursor, query: CursorQuery): string {
  const body = { s: c.score, d: c.doc, v: c.version, k: digest(query, c.score, c.doc, c.version) };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** Decodes a cursor issued for `query`, or throws a 400 naming `cursor` that says what is wrong. */
export function decodeCursor(text: string, liveVersion: string, query: CursorQuery): Cursor {
  const bytes = Buffer.from(text, 'base64url');
  // Buffer's decoder skips foreign characters and ignores spare bits: only its own output is taken.
  if (bytes.toString('base64url') !== text) throw badField('cursor', NOT_A_CURSOR);
  let o: { s?: unknown; d?: unknown; v?: unknown; k?: unknown };
  try {
    o = JSON.parse(bytes.toString('utf8')) as typeof o;
  } catch {
    throw badField('cursor', NOT_A_CURSOR);
  }
  if (
    !o ||
    typeof o !== 'object' ||
    typeof o.s !== 'number' ||
    !Number.isFinite(o.s) ||
    !Number.isInteger(o.d) ||
    (o.d as number) < 0 ||
    (o.d as number) > LARGEST_DOC ||
    typeof o.v !== 'string' ||
    typeof o.k !== 'string'
  )
    throw badField('cursor', NOT_A_CURSOR);
  const { s: score, d: doc, v: version } = o as { s: number; d: number; v: string };
  if (o.k !== digest(query, score, doc, version))
    throw badField(
      'cursor',
      'belongs to another query or was altered: a cursor only continues the query (q, ranker, parameters, fields and filters) whose page returned it; start again from page 1',
    );
  if (version !== liveVersion)
    throw badField(
      'cursor',
      `was issued for index version "${version}" but version "${liveVersion}" is now served; start again from page 1`,
    );
  return { score, doc, version };
}
