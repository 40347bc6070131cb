/**
 * What `sir run` and `sir eval` share: the flags that choose the index, the queries, the depth and
 * the ranker, and running the query set with a progress bar on stderr (the run itself is
 * `runQueries` of runtime/eval).
 */
import { type CliIO, CliError, numberFlag } from './command.js';
import { ProgressBar } from './progress.js';
import { rankerFlagSpec, rankerOptions } from './ranker-flags.js';
import { MAX_WINDOW, type SearchIndex } from '../engine/index.js';
import { DEFAULT_RUN_DEPTH, type Query, type RunOutcome, runQueries } from '../eval/index.js';

export const RUN_FLAG_OPTIONS = {
  index: { type: 'string' },
  queries: { type: 'string' },
  qrels: { type: 'string' },
  k: { type: 'string' },
  'skip-bad': { type: 'boolean' },
  ...rankerFlagSpec,
} as const;

export const RUN_FLAGS_HELP = `  --index DIR        the index folder (required)
  --queries FILE     BEIR queries.jsonl or TSV id<TAB>text (required)
  --k N              hits per query (default ${DEFAULT_RUN_DEPTH}, at most ${MAX_WINDOW})
  --skip-bad         leave out (and report) queries the engine refuses, such as one over its
                     length limit, instead of stopping at the first`;

export interface RunFlagValues {
  queries?: string;
  k?: string;
  'skip-bad'?: boolean;
  [flag: string]: string | boolean | string[] | undefined;
}

/** The depth and ranker the flags ask for, and the query file (required). */
export function runSettings(values: RunFlagValues) {
  if (values.queries === undefined)
    throw new CliError('--queries FILE is required (BEIR queries.jsonl or TSV id<TAB>text)', 2);
  return {
    queriesFile: values.queries,
    k: numberFlag(values.k, 'k', DEFAULT_RUN_DEPTH, { min: 1, max: MAX_WINDOW, integer: true }),
    skipBad: values['skip-bad'] ?? false,
    ...rankerOptions(values),
  };
}

/** Runs the queries with a progress bar, reporting skipped queries; returns the run. */
export function runWithProgress(
  index: SearchIndex,
  queries: Query[],
  settings: ReturnType<typeof runSettings>,
  io: CliIO,
): RunOutcome {
  const bar = new ProgressBar(io.stderr, 'queries');
  const outcome = runQueries(index, queries, {
    ranker: settings.ranker,
    params: settings.params,
    k: settings.k,
    skipBad: settings.skipBad,
    source: settings.queriesFile,
    onProgress: (done, total) => {
      if (done % 50 === 0 || done === total) bar.update(done, total, `${done} queries`);
    },
  });
  const ran = queries.length - outcome.skipped.length;
  bar.done(
    `ran ${ran} queries in ${outcome.seconds.toFixed(2)} s (${((outcome.seconds * 1000) / Math.max(1, ran)).toFixed(2)} ms/query)`,
  );
  for (const s of outcome.skipped)
    io.stderr.write(
      `skipped query "${s.id}" (${settings.queriesFile} line ${s.line}): ${s.reason}\n`,
    );
  return outcome;
}
