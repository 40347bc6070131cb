/** `sir search --index DIR "QUERY"`: the top hits of one query, as a table or JSON. */
import { CliError, type CliIO, type Command, numberFlag, parseFlags } from '../command.js';
import { openIndexFlag } from '../open-index.js';
import { rankerFlagHelp, rankerFlagSpec, rankerOptions } from '../ranker-flags.js';
import { DEFAULT_COUNT_LIMIT, MAX_WINDOW } from '../../engine/index.js';

export const searchCommand: Command = {
  help: `Usage: sir search --index DIR [--k N] [--ranker NAME] [ranker options] [--json] "QUERY"

Query syntax: words are optional and ranked; "a phrase" must appear as written; +word must
appear; -word and -"a phrase" must not; field:word searches one field (index built with
--field-mode separate).

Options:
  --index DIR       the index folder (required)
  --k N             hits to show (default 10, at most ${MAX_WINDOW})
  --page N          page of k hits (default 1)
  --filter EXPR     metadata filter such as year>=1900 or party=Whig (repeatable)
  --exact-total     count every match; by default matches are counted exactly up to
                    ${DEFAULT_COUNT_LIMIT} and beyond that the total is a lower bound
  --json            print JSON: total, total_relation ("eq" exact, "gte" a lower bound),
                    took_ms, hits with id, score and the stored document
  -h, --help        show this help

${rankerFlagHelp}

Example:
  sir search --index ./scifact-index --ranker dirichlet --mu 1000 "vitamin D \\"bone density\\""
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
      index: { type: 'string' },
      k: { type: 'string' },
      page: { type: 'string' },
      filter: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      'exact-total': { type: 'boolean' },
      ...rankerFlagSpec,
    });
    if (positionals.length === 0)
      throw new CliError('give the query as an argument: sir search --index DIR "QUERY"', 2);
    const query = positionals.join(' ');
    const k = numberFlag(values.k as string | undefined, 'k', 10, {
      min: 1,
      max: MAX_WINDOW,
      integer: true,
    });
    const page = numberFlag(values.page as string | undefined, 'page', 1, {
      min: 1,
      integer: true,
    });
    if (page * k > MAX_WINDOW)
      throw new CliError(`--page × --k must stay within ${MAX_WINDOW} hits`, 2);
    const ranking = rankerOptions(values);
    const index = openIndexFlag(values.index as string | undefined);
    try {
      const started = performance.now();
      const result = index.search(query, {
        ...ranking,
        size: k,
        offset: (page - 1) * k,
        filters: (values.filter as string[] | undefined) ?? [],
        count: values['exact-total'] ? true : DEFAULT_COUNT_LIMIT,
      });
      const ms = performance.now() - started;
      const hits = result.hits.map((h) => ({
        id: index.externalId(h.doc),
        score: h.score,
        document: index.document(h.doc),
      }));
      const relation = result.totalExact ? 'eq' : 'gte';
      if (values.json) {
        const out = { query, total: result.total, total_relation: relation, took_ms: ms, hits };
        io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return 0;
      }
      const total = `${relation === 'gte' ? 'more than ' : ''}${result.total ?? 0}`;
      io.stdout.write(`${total} matching documents (${ms.toFixed(1)} ms)\n`);
      hits.forEach((h, i) => {
        const title =
          typeof h.document.title === 'string' && h.document.title !== ''
            ? h.document.title
            : String(h.document.text ?? '').slice(0, 80);
        io.stdout.write(
          `${String((page - 1) * k + i + 1).padStart(4)}. ${h.score.toFixed(4)}  ${h.id}  ${title}\n`,
        );
      });
      return 0;
    } finally {
      index.free();
    }
  },
};

export default searchCommand;
