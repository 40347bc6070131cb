/**
 * TREC run files: what did a system return for each query, in which order?
 *
 * One line per hit: `qid Q0 docid rank score tag`, whitespace separated (we write single spaces).
 * `Q0` is the literal TREC "iteration" column; `rank` counts from 1 within a query; `tag` names
 * the system (for example `bm25`). This is the format trec_eval, pytrec_eval and Anserini read.
 *
 * Invariants of what `formatRun` writes: hits appear in the order given (the ranker's order), with
 * ranks 1, 2, 3, …; ids and the tag contain no whitespace; scores are finite. Note that trec_eval
 * ignores `rank` and re-sorts by score (see `trec-order.ts`), so the order in the file matters only
 * to human readers and tools that trust `rank`.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { contentLines, EvalInputError, quote } from './input-error.js';

/** One retrieved document and the score the ranker gave it. */
export interface RunHit {
  docId: string;
  score: number;
}

/** query id → hits in ranked order (best first). A query with no hits may be absent or empty. */
export type Run = Map<string, RunHit[]>;

/** Written in the TREC "iteration" column; trec_eval ignores the column. */
export const RUN_ITERATION = 'Q0';

/** A decimal number as C's `atof` reads it in trec_eval (no hex, no `Infinity`, no `NaN`). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Formats a run as TREC run-file text (one line per hit, each ending in `\n`).
 * @param tag the system name in the last column, e.g. `bm25`; no whitespace.
 * @throws EvalInputError when an id or the tag contains whitespace or is empty, or a score is not finite.
 * @example formatRun(new Map([['q1', [{ docId: 'd7', score: 12.5 }]]]), 'bm25') // "q1 Q0 d7 1 12.5 bm25\n"
 */
export function formatRun(run: Run, tag: string): string {
  return [...runLines(run, tag)].join('');
}

/** The lines of `formatRun`, one at a time, for writing large runs without one big string. */
export function* runLines(run: Run, tag: string): Generator<string> {
  checkToken(tag, 'run tag');
  for (const [qid, hits] of run) {
    checkToken(qid, 'query id');
    let rank = 0;
    for (const { docId, score } of hits) {
      checkToken(docId, `document id (query ${quote(qid)})`);
      if (!Number.isFinite(score)) {
        throw new EvalInputError(
          `score of document ${quote(docId)} for query ${quote(qid)} is ${score}; scores must be finite`,
        );
      }
      rank++;
      yield `${qid} ${RUN_ITERATION} ${docId} ${rank} ${score} ${tag}\n`;
    }
  }
}

/**
 * Writes a run file (see `formatRun`) under a temporary name beside it, then renames it into
 * place: a failed write (a full disk) leaves neither a partial run file nor the temporary one.
 */
export async function writeRun(path: string, run: Run, tag: string): Promise<void> {
  const text = formatRun(run, tag);
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** Reads and validates a run file. Errors name `path` and the line. */
export async function readRun(path: string): Promise<Run> {
  return parseRun(await readFile(path, 'utf8'), path);
}

/**
 * Parses and validates TREC run-file text. Hits keep the file's order within each query.
 *
 * Checks each line has 6 columns, a non-negative integer rank and a finite numeric score, and that
 * no document appears twice for one query (trec_eval refuses such runs). The iteration column and
 * the tag are not checked, as trec_eval does not check them.
 * @param source the name used in error messages (usually the path).
 * @throws EvalInputError on an empty file or the first bad line.
 */
export function parseRun(content: string, source = 'run'): Run {
  const run: Run = new Map();
  const firstLineOf = new Map<string, number>();
  for (const { text, line } of contentLines(content)) {
    const where = { file: source, line };
    const row = text.trim().split(/\s+/);
    if (row.length !== 6) {
      throw new EvalInputError(
        `expected 6 columns "qid Q0 docid rank score tag", got ${row.length}: ${quote(text)}`,
        where,
      );
    }
    const [qid, , docId, rankText, scoreText] = row as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (!/^\d+$/.test(rankText)) {
      throw new EvalInputError(
        `rank must be a non-negative integer, got ${quote(rankText)}`,
        where,
      );
    }
    const score = Number(scoreText);
    if (!DECIMAL.test(scoreText) || !Number.isFinite(score)) {
      throw new EvalInputError(`score must be a finite number, got ${quote(scoreText)}`, where);
    }
    const key = `${qid}\u0000${docId}`;
    const earlier = firstLineOf.get(key);
    if (earlier !== undefined) {
      throw new EvalInputError(
        `document ${quote(docId)} appears twice for query ${quote(qid)} (first on line ${earlier}); trec_eval refuses duplicate documents`,
        where,
      );
    }
    firstLineOf.set(key, line);
    let hits = run.get(qid);
    if (hits === undefined) run.set(qid, (hits = []));
    hits.push({ docId, score });
  }
  if (run.size === 0) {
    throw new EvalInputError(
      'no results: the file is empty (expected lines "qid Q0 docid rank score tag")',
      { file: source },
    );
  }
  return run;
}

function checkToken(value: string, what: string): void {
  if (value === '' || /\s/.test(value)) {
    throw new EvalInputError(
      `${what} ${quote(value)} is empty or contains whitespace; TREC run files separate columns by whitespace`,
    );
  }
}
