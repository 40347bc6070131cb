/** `sir eval --index DIR --queries Q --qrels QRELS`: nDCG@10, MAP, P@10 and R@100 of a ranker. */
import { CliError, type CliIO, type Command, numberFlag, parseFlags } from '../command.js';
import { openIndexFlag } from '../open-index.js';
import { rankerFlagHelp, rankerOptions } from '../ranker-flags.js';
import { evalReportJson, evaluate, formatEvalTable, writeRun } from '../../eval/index.js';
import { DEFAULT_RUN_DEPTH, readRunInputs, runFlagSpec, runQueries } from './run.js';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Evaluate a ranker against relevance judgements (nDCG@10, MAP, P@10, R@100)',
  help: `Usage: sir eval --index DIR --queries QUERIES --qrels QRELS [ranker options] [--json] [--run-out FILE]

Runs the judged queries and scores the ranking with trec_eval's semantics: ties broken by
document id descending, unjudged documents not relevant, judged queries without hits count
as zero. Prints nDCG@10, MAP, P@10 and R@100 averaged over the judged queries.

Options:
  --index DIR        the index folder (required)
  --queries FILE     BEIR queries.jsonl or TSV id<TAB>text (required)
  --qrels FILE       BEIR TSV with header, or TREC "qid 0 docid rel" (required)
  --k N              hits per query (default 1000)
  --run-out FILE     also write the TREC run file
  --per-query        also print every query's measures
  --json             print JSON (trec_eval measure names) instead of a table
  -h, --help         show this help

${rankerFlagHelp}

Example:
  sir eval --index ./scifact-index --queries queries.jsonl --qrels qrels/test.tsv
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseFlags(
      argv,
      {
        ...runFlagSpec,
        json: { type: 'boolean' },
        'run-out': { type: 'string' },
        'per-query': { type: 'boolean' },
      },
      false,
    );
    if (values.qrels === undefined) throw new CliError('--qrels FILE is required', 2);
    const k = numberFlag(values.k, 'k', DEFAULT_RUN_DEPTH, { min: 1, max: 100_000, integer: true });
    const ranking = rankerOptions(values);
    const { queries, qrels } = await readRunInputs(values);
    const index = openIndexFlag(values.index);
    try {
      const run = await runQueries(index, queries, ranking, k, io);
      if (values['run-out'] !== undefined)
        await writeRun(values['run-out'], run, `sir-${ranking.ranker}`);
      const evaluation = evaluate(run, qrels!);
      const title = `${ranking.ranker} ${JSON.stringify(ranking.params)}`;
      io.stdout.write(
        values.json
          ? `${JSON.stringify({ ranker: ranking.ranker, params: ranking.params, ...evalReportJson(evaluation) }, null, 2)}\n`
          : formatEvalTable(evaluation, { title, perQuery: values['per-query'] ?? false }),
      );
      return 0;
    } finally {
      index.free();
    }
  },
};

export default evalCommand;
