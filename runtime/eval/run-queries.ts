/**
 * A run: every query of a query set searched with one ranker, as plain words (research queries are
 * not query syntax: a claim's stray quote is text). The core of `sir run` and `sir eval`. A query
 * the engine refuses (too long, too many words) stops the run naming its id and line, or with
 * `skipBad` is left out of the run and reported.
 */
import {
  EngineError,
  type RankerName,
  type RankerParams,
  type SearchIndex,
} from '../engine/index.js';
import { EvalInputError } from './input-error.js';
import type { Qrels } from './qrels.js';
import { readQrels } from './qrels.js';
import { type Query, readQueries } from './queries.js';
import type { Run } from './run-file.js';

/** Hits per query in a run (trec_eval's usual depth). */
export const DEFAULT_RUN_DEPTH = 1000;

export interface RunOptions {
  ranker: RankerName;
  params: RankerParams;
  /** Hits per query (default `DEFAULT_RUN_DEPTH`). */
  k?: number;
  /** Leave out queries the engine refuses, and report them, instead of stopping. */
  skipBad?: boolean;
  /** The query file, for messages. */
  source?: string;
  /** After each query: how many are done, of how many. */
  onProgress?: (done: number, total: number) => void;
}

export interface SkippedQuery {
  id: string;
  line: number;
  reason: string;
}

export interface RunOutcome {
  run: Run;
  /** Queries left out under `skipBad`. */
  skipped: SkippedQuery[];
  seconds: number;
}

export function runQueries(index: SearchIndex, queries: Query[], options: RunOptions): RunOutcome {
  const { ranker, params, k = DEFAULT_RUN_DEPTH, skipBad = false, source = 'queries' } = options;
  const run: Run = new Map();
  const skipped: SkippedQuery[] = [];
  const started = performance.now();
  queries.forEach((q, i) => {
    try {
      const r = index.search(q.text, { ranker, params, size: k, count: false, plain: true });
      run.set(
        q.id,
        r.hits.map((h) => ({ docId: index.externalId(h.doc), score: h.score })),
      );
    } catch (err) {
      if (!(err instanceof EngineError) || err.field !== 'query') throw err;
      if (!skipBad)
        throw new EvalInputError(
          `query "${q.id}" cannot be searched: ${err.message} (--skip-bad leaves such queries out)`,
          { file: source, line: q.line },
        );
      skipped.push({ id: q.id, line: q.line, reason: err.message });
    }
    options.onProgress?.(i + 1, queries.length);
  });
  return { run, skipped, seconds: (performance.now() - started) / 1000 };
}

/**
 * Reads a query file and, when given, judgements; with judgements only the judged queries are
 * kept (and at least one must be).
 */
export async function readJudgedQueries(
  queriesFile: string,
  qrelsFile?: string,
): Promise<{ queries: Query[]; qrels?: Qrels }> {
  const queries = await readQueries(queriesFile);
  if (qrelsFile === undefined) return { queries };
  const qrels = await readQrels(qrelsFile);
  return { queries: judgedQueries(queries, qrels, queriesFile, qrelsFile), qrels };
}

/**
 * The queries that `qrels` judges, in query-file order (at least one must be).
 * @param queriesName and `qrelsName` name the inputs in the error.
 */
export function judgedQueries(
  queries: Query[],
  qrels: Qrels,
  queriesName: string,
  qrelsName: string,
): Query[] {
  const judged = queries.filter((q) => qrels.has(q.id));
  if (judged.length === 0)
    throw new EvalInputError(
      `no query of ${queriesName} is judged in ${qrelsName}: check that the ids match`,
    );
  return judged;
}
