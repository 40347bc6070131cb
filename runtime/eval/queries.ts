/**
 * Query files: which questions does an evaluation ask, and in which order?
 *
 * Two formats, told apart by content (not by file extension):
 * - BEIR `queries.jsonl`: one JSON object per line, `{"_id": "...", "text": "...", ...}`; `id` is
 *   accepted in place of `_id` (as `sir index` does for corpora); other fields are ignored.
 * - TSV: `id<TAB>text` per line (MS MARCO / TREC topic style). Text after the first tab is the
 *   query, tabs included.
 * A file whose first non-blank line starts with `{` is JSONL; anything else is TSV. Blank lines are
 * skipped in both. The order of the file is kept: runs and reports list queries in that order.
 */
import { readFile } from 'node:fs/promises';
import { contentLines, EvalInputError, quote } from './input-error.js';

/** One query: its id (as in the qrels), the text the ranker is given, and where it was read. */
export interface Query {
  id: string;
  text: string;
  /** The 1-based line of the query file it came from (blank lines counted). */
  line: number;
}

export type QueryFileFormat = 'jsonl' | 'tsv';

/** Reads a query file. Errors name `path` and the line. */
export async function readQueries(path: string): Promise<Query[]> {
  return parseQueries(await readFile(path, 'utf8'), path);
}

/**
 * Parses the content of a query file.
 * @param source the name used in error messages (usually the path).
 * @throws EvalInputError on an empty file, a malformed line, an empty id or text, or a duplicate id.
 */
export function parseQueries(content: string, source = 'queries'): Query[] {
  const lines = [...contentLines(content)];
  if (lines.length === 0) {
    throw new EvalInputError(
      'no queries: the file is empty (expected BEIR queries.jsonl lines {"_id", "text"} or TSV lines "id<TAB>text")',
      { file: source },
    );
  }
  const format = detectQueryFormat(lines[0]!.text);
  const queries: Query[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { text, line } of lines) {
    const where = { file: source, line };
    const query = format === 'jsonl' ? parseJsonLine(text, where) : parseTsvLine(text, where);
    const earlier = firstLineOf.get(query.id);
    if (earlier !== undefined) {
      throw new EvalInputError(
        `duplicate query id ${quote(query.id)} (first on line ${earlier}); ids must be unique`,
        where,
      );
    }
    firstLineOf.set(query.id, line);
    queries.push(query);
  }
  return queries;
}

/** JSONL when the first non-blank line is a JSON object, TSV otherwise. */
export function detectQueryFormat(firstLine: string): QueryFileFormat {
  return firstLine.trimStart().startsWith('{') ? 'jsonl' : 'tsv';
}

function parseJsonLine(text: string, where: { file: string; line: number }): Query {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new EvalInputError(
      `not valid JSON (${(err as Error).message}); expected {"_id": "...", "text": "..."}`,
      where,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EvalInputError('expected a JSON object {"_id": "...", "text": "..."}', where);
  }
  const record = value as Record<string, unknown>;
  const rawId = record['_id'] ?? record['id'];
  let id: string;
  if (typeof rawId === 'string') id = rawId.trim();
  else if (typeof rawId === 'number' && Number.isSafeInteger(rawId)) id = String(rawId);
  else if (rawId === undefined)
    throw new EvalInputError('missing "_id" (a string, or "id")', where);
  else
    throw new EvalInputError(
      `"_id" must be a string or an integer, got ${quote(JSON.stringify(rawId))}`,
      where,
    );
  const queryText = record['text'];
  if (typeof queryText !== 'string') {
    throw new EvalInputError(
      queryText === undefined
        ? 'missing "text" (the query string)'
        : `"text" must be a string, got ${typeof queryText}`,
      where,
    );
  }
  return checked(id, queryText, where);
}

function parseTsvLine(text: string, where: { file: string; line: number }): Query {
  const tab = text.indexOf('\t');
  if (tab < 0)
    throw new EvalInputError(`expected "id<TAB>text", got ${quote(text)} (no tab)`, where);
  return checked(text.slice(0, tab).trim(), text.slice(tab + 1), where);
}

/** Ids may not contain whitespace: they are written into whitespace-separated TREC run files. */
function checked(id: string, text: string, where: { file: string; line: number }): Query {
  if (id === '') throw new EvalInputError('empty query id', where);
  if (/\s/.test(id)) {
    throw new EvalInputError(
      `query id ${quote(id)} contains whitespace; TREC run files cannot hold it`,
      where,
    );
  }
  if (text.trim() === '') throw new EvalInputError(`query ${quote(id)} has empty text`, where);
  return { id, text: text.trim(), line: where.line };
}
