/** `sir run --index DIR --queries Q --out RUN.trec`: runs a query set and writes a TREC run file. */
import { CliError, type CliIO, type Command, parseFlags } from '../command.js';
import { openIndexFlag } from '../open-index.js';
import { rankerFlagHelp } from '../ranker-flags.js';
import { RUN_FLAGS_HELP, RUN_FLAG_OPTIONS, runSettings, runWithProgress } from '../run-flags.js';
import { readJudgedQueries, writeRun } from '../../eval/index.js';

export const runCommand: Command = {
  help: `Usage: sir run --index DIR --queries QUERIES [--qrels QRELS] --out RUN.trec [--k 1000] [ranker options]

Runs every query (BEIR queries.jsonl or TSV id<TAB>text; with --qrels, only the judged ones)
as plain words and writes a TREC run file: qid Q0 docid rank score tag.

Options:
${RUN_FLAGS_HELP}
  --qrels FILE       judgements (BEIR TSV with header, or TREC "qid 0 docid rel"); only the
                     judged queries are run
  --out FILE         the run file to write (required)
  --tag NAME         the run's tag column (default sir-RANKER)
  -h, --help         show this help

${rankerFlagHelp}

Example:
  sir run --index ./scifact-index --queries queries.jsonl --qrels qrels/test.tsv --out bm25.trec
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseFlags(
      argv,
      { ...RUN_FLAG_OPTIONS, out: { type: 'string' }, tag: { type: 'string' } },
      false,
    );
    if (values.out === undefined) throw new CliError('--out RUN.trec is required', 2);
    const settings = runSettings(values);
    const { queries } = await readJudgedQueries(
      settings.queriesFile,
      values.qrels as string | undefined,
    );
    const index = openIndexFlag(values.index as string | undefined);
    try {
      const { run } = runWithProgress(index, queries, settings, io);
      await writeRun(
        values.out,
        run,
        (values.tag as string | undefined) ?? `sir-${settings.ranker}`,
      );
      io.stdout.write(`${values.out}\n`);
      return 0;
    } finally {
      index.free();
    }
  },
};

export default runCommand;
