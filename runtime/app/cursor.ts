/**
 * The deep-pagination cursor (like Elasticsearch's `search_after`): the last hit of a page and the
 * index version it came from, as opaque base64url JSON. Internal doc ids are only stable within one
 * version, so a cursor from another version is refused rather than silently skipping results.
 */
import { badField } from './problem.js';

export interface Cursor {
  score: number;
  doc: number;
  version: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify({ s: c.score, d: c.doc, v: c.version })).toString('base64url');
}

/** Decodes a cursor or throws a 400 naming `cursor`. */
export function decodeCursor(text: string, liveVersion: string): Cursor {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badField(
      'cursor',
      'is not a cursor returned by this API (use the "next" link of a previous page)',
    );
  }
  const o = raw as { s?: unknown; d?: unknown; v?: unknown };
  if (
    !o ||
    typeof o !== 'object' ||
    typeof o.s !== 'number' ||
    !Number.isInteger(o.d) ||
    (o.d as number) < 0 ||
    typeof o.v !== 'string'
  ) {
    throw badField(
      'cursor',
      'is not a cursor returned by this API (use the "next" link of a previous page)',
    );
  }
  if (o.v !== liveVersion) {
    throw badField(
      'cursor',
      `was issued for index version "${o.v}" but version "${liveVersion}" is now served; start again from page 1`,
    );
  }
  return { score: o.s, doc: o.d as number, version: o.v };
}
