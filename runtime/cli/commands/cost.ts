/**
 * `sir cost (--index DIR | --index-mb N) [workload flags] [--json]`: the cost model of the three
 * storage tiers (runtime/cost/) for one index, and the tier it recommends. The README's cost
 * tables are its output.
 */
import { existsSync, statSync } from 'node:fs';
import { CliError, type CliIO, type Command, numberFlag, parseFlags } from '../command.js';
import { formatBytes } from '../progress.js';
import { formatTable } from '../table.js';
import { TIERS, type Workload, recommendTier, tierCost } from '../../cost/model.js';
import { SearchIndex } from '../../engine/index.js';
import { createManifest } from '../../store/manifest.js';
import { DEFAULT_KEEP } from '../../store/retention.js';

export const costCommand: Command = {
  help: `Usage: sir cost (--index DIR | --index-mb N) [--queries-per-month N]
                [--cold-starts-per-month N] [--versions N] [--memory-mb N] [--query-ms N] [--json]

Prints, for each storage tier a stack can use (serverless-ir:indexStorage), what it costs per
month while nobody searches, what one cold start costs (with the modelled time of its network
part), what a million queries cost, and the month at the given workload; then the tier it
recommends. With --index, what a cold start reads from EFS is measured by opening the index and
running a query, as the search Lambda does. us-east-1 list prices and modelled throughputs, each with its source, are in
runtime/cost/prices.ts. Costs shared by every tier (logs, metrics) are left out.

Options:
  --index DIR                 a built index folder (its files are counted and sized)
  --index-mb N                or an index size in MB (10^6 bytes), for planning
  --queries-per-month N       default 1000000
  --cold-starts-per-month N   default 3000 (about one every 15 minutes)
  --versions N                versions kept for rollback (default ${DEFAULT_KEEP})
  --memory-mb N               search Lambda memory (default 1024)
  --query-ms N                billed duration of one warm query (default 5)
  --json                      print the model as JSON
  -h, --help                  show this help

Example:
  sir cost --index ./built --queries-per-month 200000
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseFlags(
      argv,
      {
        index: { type: 'string' },
        'index-mb': { type: 'string' },
        'queries-per-month': { type: 'string' },
        'cold-starts-per-month': { type: 'string' },
        versions: { type: 'string' },
        'memory-mb': { type: 'string' },
        'query-ms': { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    if ((values.index === undefined) === (values['index-mb'] === undefined))
      throw new CliError('give one of --index DIR (a built index) or --index-mb N (a size)', 2);
    let indexBytes: number;
    let indexFiles: number | undefined;
    let coldStartReadBytes: number | undefined;
    if (values.index !== undefined) {
      if (!(existsSync(values.index) && statSync(values.index).isDirectory()))
        throw new CliError(
          `--index must be a built index folder (the output of sir index --out DIR); ${values.index} is not a folder`,
        );
      const { files } = await createManifest(values.index, { version: 'cost' });
      if (files.length === 0) throw new CliError(`--index ${values.index} holds no files`);
      indexBytes = files.reduce((sum, f) => sum + f.bytes, 0);
      indexFiles = files.length;
      coldStartReadBytes = coldStartRead(values.index);
    } else
      indexBytes = numberFlag(values['index-mb'], 'index-mb', 0, { min: 0.001, max: 1e7 }) * 1e6;
    const workload: Workload = {
      indexBytes,
      ...(indexFiles !== undefined ? { indexFiles } : {}),
      ...(coldStartReadBytes !== undefined ? { coldStartReadBytes } : {}),
      queriesPerMonth: numberFlag(values['queries-per-month'], 'queries-per-month', 1e6, {
        min: 0,
        max: 1e12,
      }),
      coldStartsPerMonth: numberFlag(
        values['cold-starts-per-month'],
        'cold-starts-per-month',
        3000,
        {
          min: 0,
          max: 1e9,
        },
      ),
      versionsKept: numberFlag(values.versions, 'versions', DEFAULT_KEEP, {
        min: 1,
        max: 50,
        integer: true,
      }),
      memoryMb: numberFlag(values['memory-mb'], 'memory-mb', 1024, {
        min: 128,
        max: 10240,
        integer: true,
      }),
      queryMs: numberFlag(values['query-ms'], 'query-ms', 5, { min: 1, max: 30000 }),
    };
    const costs = TIERS.map((t) => tierCost(t, workload));
    const recommended = recommendTier(costs);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ workload, tiers: costs, recommended }, null, 2)}\n`);
      return 0;
    }
    const usd = (n: number) => (n >= 0.01 || n === 0 ? `$${n.toFixed(2)}` : `$${n.toPrecision(2)}`);
    const rows = [
      [
        'TIER',
        'IDLE/MONTH',
        'PER COLD START',
        'COLD START NETWORK*',
        'PER 1M QUERIES',
        'POLLING/MONTH',
        'MONTH',
        'FITS',
      ],
      ...costs.map((c) => [
        c.tier,
        usd(c.idlePerMonth),
        usd(c.perColdStart),
        `${c.coldStartNetworkSeconds.toFixed(2)} s`,
        usd(c.perMillionQueries),
        usd(c.pollingPerMonth),
        usd(c.monthly),
        c.fits ? 'yes' : `no: ${c.why}`,
      ]),
    ];
    io.stdout.write(
      `index ${formatBytes(indexBytes)}, ${workload.versionsKept} version(s) kept, ` +
        `${workload.queriesPerMonth} queries and ${workload.coldStartsPerMonth} cold starts a month\n` +
        formatTable(rows) +
        `* modelled, not measured (runtime/cost/prices.ts); efs reads ${coldStartReadBytes !== undefined ? `${formatBytes(coldStartReadBytes)}, what opening this index and a first query read` : 'the whole index, an upper bound (give --index DIR to measure)'}\n` +
        `  npm run bench:tiers measures the local part of a cold start\n` +
        `recommended: ${recommended.tier} — ${recommended.reason}\n`,
    );
    return 0;
  },
};

export default costCommand;

/**
 * What a cold start reads of the index: the engine's lazy open (its core) and one query with its
 * hit page — a query of the first indexed words of the first document, so that it reads postings
 * (a term's are read when a query first asks for it) and stored blocks as a user's would.
 */
function coldStartRead(dir: string): number {
  const index = SearchIndex.open(dir, { verify: 'core' });
  try {
    if (index.info.docCount === 0) return index.bytesRead;
    // Reading the query's words is not part of a cold start: its bytes are not counted.
    const beforeQuery = index.bytesRead;
    const first = index.document(0);
    const choosing = index.bytesRead - beforeQuery;
    const text = index.info.fields
      .flatMap((f) => f.sources)
      .map((k) => first[k])
      .filter((v) => typeof v === 'string')
      .join(' ');
    const words = index
      .analyze(text)
      .slice(0, 3)
      .map((t) => t.token);
    const r = index.search(words.join(' '), { size: 10, plain: true });
    index.pageHits(
      r.hits.map((h) => h.doc),
      r.terms,
    );
    return index.bytesRead - choosing;
  } finally {
    index.free();
  }
}
