/**
 * Relevance judgements (qrels): which documents are relevant to which query, and how much?
 *
 * Two formats, told apart by the first non-blank line:
 * - BEIR TSV: a header `query-id<TAB>corpus-id<TAB>score`, then `qid<TAB>docid<TAB>rel` rows. Any
 *   3-column file is read this way; its first line is a header when its third column is not an
 *   integer.
 * - TREC: `qid iter docid rel`, whitespace separated, no header. `iter` (usually `0`) is ignored,
 *   as trec_eval ignores it.
 *
 * Relevance is an integer, as trec_eval reads it. `rel >= 1` is relevant (trec_eval's default
 * `-l 1`); `0` is judged non-relevant; a negative value is "pooled but unjudged" in trec_eval and
 * counts as non-relevant with no gain. A judgement given twice for the same query and document is
 * refused, as trec_eval refuses it ("duplicate docs").
 */
import { readFile } from 'node:fs/promises';
import { contentLines, EvalInputError, quote } from './input-error.js';

/** query id → (document id → relevance). Queries and documents keep the order of the file. */
export type Qrels = Map<string, Map<string, number>>;

export type QrelsFormat = 'beir' | 'trec';

const BEIR_HEADER = ['query-id', 'corpus-id', 'score'] as const;
const INTEGER = /^[+-]?\d+$/;
const ACCEPTED =
  'expected BEIR TSV ("query-id<TAB>corpus-id<TAB>score" header, then "qid<TAB>docid<TAB>rel") or TREC qrels ("qid 0 docid rel")';

/** Reads a qrels file. Errors name `path` and the line. */
export async function readQrels(path: string): Promise<Qrels> {
  return parseQrels(await readFile(path, 'utf8'), path);
}

/**
 * Parses the content of a qrels file.
 * @param source the name used in error messages (usually the path).
 * @throws EvalInputError on an empty file, a wrong column count, a non-integer relevance, or a
 *   duplicate (query, document) pair.
 */
export function parseQrels(content: string, source = 'qrels'): Qrels {
  const lines = [...contentLines(content)];
  if (lines.length === 0)
    throw new EvalInputError(`no judgements: the file is empty (${ACCEPTED})`, { file: source });

  const first = lines[0]!;
  const firstFields = fields(first.text);
  const hasHeader = isBeirHeader(firstFields);
  const format = detectQrelsFormat(first.text);
  if (format === undefined) {
    throw new EvalInputError(
      `${ACCEPTED}, got ${firstFields.length} columns: ${quote(first.text)}`,
      {
        file: source,
        line: first.line,
      },
    );
  }
  const columns = format === 'beir' ? 3 : 4;
  const qrels: Qrels = new Map();
  const firstLineOf = new Map<string, number>();
  for (const { text, line } of hasHeader ? lines.slice(1) : lines) {
    const where = { file: source, line };
    const row = fields(text);
    if (row.length !== columns) {
      const shape = format === 'beir' ? '"qid<TAB>docid<TAB>rel"' : '"qid 0 docid rel"';
      throw new EvalInputError(
        `expected ${columns} columns ${shape} like the first line, got ${row.length}: ${quote(text)}`,
        where,
      );
    }
    const [qid, docId, relText] =
      format === 'beir' ? [row[0]!, row[1]!, row[2]!] : [row[0]!, row[2]!, row[3]!];
    if (!INTEGER.test(relText) || !Number.isSafeInteger(Number(relText))) {
      throw new EvalInputError(
        `relevance must be an integer (0 = not relevant, 1 or more = relevant), got ${quote(relText)}`,
        where,
      );
    }
    const key = `${qid}\u0000${docId}`;
    const earlier = firstLineOf.get(key);
    if (earlier !== undefined) {
      throw new EvalInputError(
        `duplicate judgement for query ${quote(qid)} and document ${quote(docId)} (first on line ${earlier}); trec_eval refuses duplicates`,
        where,
      );
    }
    firstLineOf.set(key, line);
    let judged = qrels.get(qid);
    if (judged === undefined) qrels.set(qid, (judged = new Map()));
    judged.set(docId, Number(relText));
  }
  if (qrels.size === 0)
    throw new EvalInputError(`no judgements: only a header (${ACCEPTED})`, { file: source });
  return qrels;
}

/** BEIR for a `query-id corpus-id score` header or any 3-column line, TREC for 4 columns, else undefined. */
export function detectQrelsFormat(firstLine: string): QrelsFormat | undefined {
  const row = fields(firstLine);
  if (row.length === 3) return 'beir';
  if (row.length === 4) return 'trec';
  return undefined;
}

/**
 * A 3-column first line is a header when its relevance column is not an integer: BEIR's header is
 * `query-id corpus-id score`, and BEIR's own loader skips the first line whatever it says.
 */
function isBeirHeader(row: string[]): boolean {
  return row.length === BEIR_HEADER.length && !INTEGER.test(row[2]!);
}

function fields(text: string): string[] {
  return text.trim().split(/\s+/);
}
