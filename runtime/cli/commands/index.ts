/**
 * `sir index CORPUS.jsonl --out DIR`: builds an index from a JSONL corpus (and with `--store`,
 * publishes it as a new live version).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';
import {
  CliError,
  type CliIO,
  type Command,
  kindOfPath,
  numberFlag,
  parseFlags,
} from '../command.js';
import { BUILD_FLAG_OPTIONS, buildOptionsFromFlags } from '../build-flags.js';
import { formatBytes, ProgressBar } from '../progress.js';
import { buildIndexParallel, describeFieldDocs } from '../../engine/index.js';

export const indexCommand: Command = {
  help: `Usage: sir index CORPUS.jsonl (--out DIR | --store DIR) [options]

Builds a search index from a JSONL corpus: one JSON object per line with "_id" or "id"
(string or integer), the text fields, and any other keys, which are stored and returned with
hits; top-level numbers, booleans and short strings also become filterable (year>=1900).
A UTF-8 byte-order mark is skipped; CR-only line ends are refused by name. It reports how many
documents had each field; a field no document has is refused, naming the keys the corpus has.

Segments beyond --memory-mb are spilled to a scratch folder in the system's temporary folder
(TMPDIR), removed when the build ends; merging them stages the index's postings, positions and
stored documents there too (allow about twice the index's size). Only DIR/index.sir is written into
--out, under a temporary name until it is complete; a failed or killed build leaves nothing there.

Options:
  --out DIR              write the index to DIR (DIR/index.sir; DIR is created if missing)
  --store DIR            build, then publish it to the index store DIR as the live version
                         (checked before the build: a CURRENT that is a folder is refused)
  --fields LIST          corpus keys to index, comma-separated (default title,text)
  --field-mode MODE      combined (default): the fields as one; separate: each its own,
                         so queries can say title:word
  --stemmer NAME         porter (default) or none
  --stopwords WHICH      lucene (default: Lucene's 33 English words), none, or a file with
                         one word per line
  --norms HOW            exact (default): rank with exact document lengths; lucene: with
                         Lucene's one-byte lengths, and a term repeated in a query weighted
                         by its count, to reproduce Lucene/Anserini scores
  --memory-mb N          memory for the in-memory segments before they are written out and
                         merged later, shared by the threads (default 256)
  --threads N            worker threads building consecutive parts of the corpus, merged in
                         order (default: the machine's cores; 1 builds in this thread); at
                         most one per 8 MiB of corpus (below, a worker costs what it saves)
  --skip-bad             skip malformed lines (reported) instead of stopping at the first
  -h, --help             show this help

Example:
  sir index corpus.jsonl --out ./scifact-index
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
      out: { type: 'string' },
      store: { type: 'string' },
      threads: { type: 'string' },
      ...BUILD_FLAG_OPTIONS,
    });
    if (positionals.length !== 1)
      throw new CliError('give exactly one corpus file: sir index CORPUS.jsonl --out DIR', 2);
    const corpus = positionals[0]!;
    const corpusKind = kindOfPath(corpus);
    if (corpusKind !== 'file')
      throw new CliError(
        corpusKind === 'missing'
          ? `corpus file not found: ${corpus}`
          : `the corpus ${corpus} is ${corpusKind === 'folder' ? 'a folder' : 'not a regular file'}; give a JSONL file`,
      );
    if ((values.out === undefined) === (values.store === undefined)) {
      throw new CliError(
        'give one of --out DIR (write an index) or --store DIR (build and publish)',
        2,
      );
    }
    const options = buildOptionsFromFlags(values);
    if (values.out !== undefined) {
      const outKind = kindOfPath(values.out);
      if (outKind === 'inside-a-file' || outKind === 'file' || outKind === 'other')
        throw new CliError(
          `--out ${values.out} ${outKind === 'inside-a-file' ? 'lies inside a file' : 'is a file'}; give a folder (it is created if missing)`,
          2,
        );
    }
    // The store's modules only when publishing: a build alone does not wait for them.
    const store =
      values.store !== undefined
        ? (await import('../store-flag.js')).openStoreFlag(values.store, io)
        : undefined;
    await store?.assertCurrentIsAFile();
    const threads = numberFlag(values.threads, 'threads', availableParallelism(), {
      min: 1,
      max: 64,
      integer: true,
    });

    const out = values.out ?? mkdtempSync(join(tmpdir(), 'sir-index-'));
    const bar = new ProgressBar(io.stderr, 'indexing');
    try {
      const result = await buildIndexParallel(corpus, out, {
        ...options,
        threads,
        onProgress: (p) =>
          bar.update(p.bytesRead, p.totalBytes, `${p.docs.toLocaleString('en-US')} docs`),
      });
      const mbps = result.corpusBytes / 1e6 / result.seconds;
      bar.done(
        `indexed ${result.docs.toLocaleString('en-US')} documents in ${result.seconds.toFixed(2)} s ` +
          `(${Math.round(result.docs / result.seconds).toLocaleString('en-US')} docs/s, ${mbps.toFixed(1)} MB/s), ` +
          `${result.threads} thread${result.threads > 1 ? 's' : ''}, ` +
          `${result.segments} segment${result.segments > 1 ? 's' : ''}, index ${formatBytes(result.indexBytes)}`,
      );
      io.stderr.write(`${describeFieldDocs(result.fieldDocs)}\n`);
      for (const s of result.skipped.slice(0, 20))
        io.stderr.write(`skipped line ${s.line}: ${s.reason}\n`);
      if (result.skipped.length > 20)
        io.stderr.write(`... and ${result.skipped.length - 20} more skipped lines\n`);
      if (store !== undefined) {
        const published = await store.publish(out, { source: { corpus } });
        io.stdout.write(`published version ${published.version} (live)\n`);
      } else {
        io.stdout.write(`${out}\n`);
      }
      return 0;
    } finally {
      if (values.out === undefined) rmSync(out, { recursive: true, force: true });
    }
  },
};

export default indexCommand;
