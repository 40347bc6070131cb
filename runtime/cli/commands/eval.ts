/** `sir eval --index DIR --queries Q --qrels QRELS`: nDCG@10, MAP, P@10, R@100, R@1000 and MRR of a ranker. */
import { CliError, type CliIO, type Command, parseFlags } from '../command.js';
import { openIndexFlag } from '../open-index.js';
import { rankerFlagHelp } from '../ranker-flags.js';
import { RUN_FLAGS_HELP, RUN_FLAG_OPTIONS, runSettings, runWithProgress } from '../run-flags.js';
import {
  evalReportJson,
  evaluate,
  formatEvalTable,
  readJudgedQueries,
  writeRun,
} from '../../eval/index.js';

export const evalCommand: Command = {
  help: `Usage: sir eval --index DIR --queries QUERIES --qrels QRELS [ranker options] [--json] [--run-out FILE]

Runs the judged queries and scores the ranking with trec_eval's semantics: ties broken by
document id descending, unjudged documents not relevant, judged queries without hits count
as zero (so do queries left out by --skip-bad). Prints nDCG@10, MAP, P@10, R@100, R@1000 and
MRR (trec_eval's ndcg_cut_10, map, P_10, recall_100, recall_1000, recip_rank) averaged over the
judged queries.

Options:
${RUN_FLAGS_HELP}
  --qrels FILE       BEIR TSV with header, or TREC "qid 0 docid rel" (required)
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
        ...RUN_FLAG_OPTIONS,
        json: { type: 'boolean' },
        'run-out': { type: 'string' },
        'per-query': { type: 'boolean' },
      },
      false,
    );
    const qrelsFile = values.qrels as string | undefined;
    if (qrelsFile === undefined) throw new CliError('--qrels FILE is required', 2);
    const settings = runSettings(values);
    const { queries, qrels } = await readJudgedQueries(settings.queriesFile, qrelsFile);
    const index = openIndexFlag(values.index as string | undefined);
    try {
      const { run } = runWithProgress(index, queries, settings, io);
      const runOut = values['run-out'] as string | undefined;
      if (runOut !== undefined) await writeRun(runOut, run, `sir-${settings.ranker}`);
      const evaluation = evaluate(run, qrels!);
      const { ranker, params } = settings;
      const title = `${ranker} ${JSON.stringify(params)}`;
      io.stdout.write(
        values.json
          ? `${JSON.stringify({ ranker, params, ...evalReportJson(evaluation) }, null, 2)}\n`
          : formatEvalTable(evaluation, {
              title,
              perQuery: (values['per-query'] as boolean | undefined) ?? false,
            }),
      );
      return 0;
    } finally {
      index.free();
    }
  },
};

export default evalCommand;
