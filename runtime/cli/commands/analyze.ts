/**
 * `sir analyze --index DIR "TEXT"`: how the index's analyzer reads a text (the tokenizer, accent
 * folding, possessives, stop words and stemmer it was built with) — what a query term must become
 * to match. For checking a stemmer or a stop list before an evaluation.
 */
import { CliError, type CliIO, type Command, parseFlags } from '../command.js';
import { openIndexFlag } from '../open-index.js';

export const analyzeCommand: Command = {
  help: `Usage: sir analyze --index DIR [--json] "TEXT"

Runs TEXT through the analyzer the index was built with and prints each indexed term with the
token it came from and its position. Stop words are dropped and leave a gap in the positions;
"Running" becomes "run" with the Porter stemmer.

Options:
  --index DIR   the index folder (required)
  --json        print a JSON array of {token, term, position}
  -h, --help    show this help

Example:
  sir analyze --index ./idx "The runners' shoes"
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
      index: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length === 0)
      throw new CliError('give the text as an argument: sir analyze --index DIR "TEXT"', 2);
    const index = openIndexFlag(values.index);
    try {
      const tokens = index.analyze(positionals.join(' '));
      if (values.json) {
        io.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
        return 0;
      }
      const rows = [
        ['TOKEN', 'TERM', 'POSITION'],
        ...tokens.map((t) => [t.token, t.term, String(t.position)]),
      ];
      const widths = [0, 1].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
      for (const r of rows)
        io.stdout.write(`${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}\n`);
      return 0;
    } finally {
      index.free();
    }
  },
};

export default analyzeCommand;
