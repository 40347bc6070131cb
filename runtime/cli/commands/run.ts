/**
 * `sir run --index DIR --queries Q --out RUN.trec`: runs a query set and writes a TREC run file.
 * Also the core of `sir eval`, which scores the same run against judgements.
 */
import { CliError, type CliIO, type Command, numberFlag, parseFlags } from '../command.js';
import { engineFailure, openIndexFlag } from '../open-index.js';
import { ProgressBar } from '../progress.js';
import { rankerFlagHelp, rankerFlagSpec, rankerOptions } from '../ranker-flags.js';
import {
  readQrels,
  readQueries,
  writeRun,
  type Qrels,
  type Query,
  type Run,
} from '../../eval/index.js';
import type { RankerName, RankerParams, SearchIndex } from '../../engine/index.js';
import { EvalInputError } from '../../eval/index.js';

/** Hits per query in a run (trec_eval's usual depth). */
export const DEFAULT_RUN_DEPTH = 1000;

export const runFlagSpec = {
  index: { type: 'string' },
  queries: { type: 'string' },
  qrels: { type: 'string' },
  k: { type: 'string' },
  ...rankerFlagSpec,
} as const;

/** Queries (restricted to the judged ones when qrels are given) and the run they produce. */
export async function runQueries(
  index: SearchIndex,
  queries: Query[],
  ranking: { ranker: RankerName; params: RankerParams },
  k: number,
  io: CliIO,
): Promise<Run> {
  const run: Run = new Map();
  const bar = new ProgressBar(io.stderr, 'queries');
  const started = performance.now();
  queries.forEach((q, i) => {
    // Research queries are plain words: a claim's stray quote is not query syntax.
    const r = engineFailure(() =>
      index.search(q.text, { ...ranking, size: k, count: false, plain: true }),
    );
    run.set(
      q.id,
      r.hits.map((h) => ({ docId: index.externalId(h.doc), score: h.score })),
    );
    if (i % 50 === 49 || i === queries.length - 1)
      bar.update(i + 1, queries.length, `${i + 1} queries`);
  });
  const seconds = (performance.now() - started) / 1000;
  bar.done(
    `ran ${queries.length} queries in ${seconds.toFixed(2)} s (${((seconds * 1000) / Math.max(1, queries.length)).toFixed(2)} ms/query)`,
  );
  return run;
}

/** Reads `--queries` and the optional `--qrels`; with qrels, keeps only judged queries. */
export async function readRunInputs(values: {
  queries?: string;
  qrels?: string;
}): Promise<{ queries: Query[]; qrels?: Qrels }> {
  if (values.queries === undefined)
    throw new CliError('--queries FILE is required (BEIR queries.jsonl or TSV id<TAB>text)', 2);
  try {
    let queries = await readQueries(values.queries);
    if (values.qrels === undefined) return { queries };
    const qrels = await readQrels(values.qrels);
    queries = queries.filter((q) => qrels.has(q.id));
    if (queries.length === 0)
      throw new CliError(
        `no query of ${values.queries} is judged in ${values.qrels}: check the ids match`,
      );
    return { queries, qrels };
  } catch (err) {
    if (err instanceof EvalInputError) throw new CliError(err.message);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new CliError(`file not found: ${(err as NodeJS.ErrnoException).path}`);
    throw err;
  }
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a query set and write a TREC run file',
  help: `Usage: sir run --index DIR --queries QUERIES [--qrels QRELS] --out RUN.trec [--k 1000] [ranker options]

Runs every query (BEIR queries.jsonl or TSV id<TAB>text; with --qrels, only the judged ones)
as plain words and writes a TREC run file: qid Q0 docid rank score tag.

Options:
  --index DIR        the index folder (required)
  --queries FILE     the queries (required)
  --qrels FILE       judgements (BEIR TSV with header, or TREC "qid 0 docid rel")
  --out FILE         the run file to write (required)
  --k N              hits per query (default 1000)
  --tag NAME         the run's tag column (default sir-RANKER)
  -h, --help         show this help

${rankerFlagHelp}

Example:
  sir run --index ./scifact-index --queries queries.jsonl --qrels qrels/test.tsv --out bm25.trec
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseFlags(
      argv,
      { ...runFlagSpec, out: { type: 'string' }, tag: { type: 'string' } },
      false,
    );
    if (values.out === undefined) throw new CliError('--out RUN.trec is required', 2);
    const k = numberFlag(values.k, 'k', DEFAULT_RUN_DEPTH, { min: 1, max: 100_000, integer: true });
    const ranking = rankerOptions(values);
    const { queries } = await readRunInputs(values);
    const index = openIndexFlag(values.index);
    try {
      const run = await runQueries(index, queries, ranking, k, io);
      await writeRun(values.out, run, values.tag ?? `sir-${ranking.ranker}`);
      io.stdout.write(`${values.out}\n`);
      return 0;
    } finally {
      index.free();
    }
  },
};

export default runCommand;
