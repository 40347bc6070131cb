/**
 * `sir publish --store DIR --index BUILT [--keep N] [--json]`: makes a built index a new version
 * of the store and makes it live — the same operation the loader runs on EFS.
 */
import { CliError, type CliIO, type Command, numberFlag, parseFlags } from '../command.js';
import { DEFAULT_KEEP } from '../../store/retention.js';
import { formatBytes } from '../progress.js';
import { openStoreFlag } from '../store-flag.js';

export const publishCommand: Command = {
  help: `Usage: sir publish --store DIR --index BUILT [--keep N] [--json]

Copies the built index folder BUILT (the output of \`sir index\`) into the index store DIR as a
new immutable version (versions/<id>/ with a manifest.json of SHA-256 checksums), checks that
it opens as an index with this engine (header, format version, every section checksum), and
makes it live by atomically replacing DIR/CURRENT; a folder that is not an index is refused and
nothing changes. Running servers pick it up within their check interval; \`sir rollback\` undoes
it. Old versions beyond --keep are removed; the live one and the rollback target are always
kept. Safe to interrupt: an interrupted publish never changes what is live.

Options:
  --store DIR    the index store folder, created if missing (required)
  --index BUILT  the built index folder to publish (required)
  --keep N       versions to keep, counting the new one (integer >= 1, default ${DEFAULT_KEEP})
  --json         print the result as JSON
  -h, --help     show this help

Example:
  sir index corpus.jsonl --out ./built && sir publish --store ./store --index ./built
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseFlags(
      argv,
      {
        store: { type: 'string' },
        index: { type: 'string' },
        keep: { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    const store = openStoreFlag(values.store, io);
    if (values.index === undefined || values.index === '')
      throw new CliError('--index BUILT is required (the built index folder to publish)', 2);
    const keep = numberFlag(values.keep, 'keep', DEFAULT_KEEP, { min: 1, integer: true });
    const index = values.index;
    const result = await store.publish(index, { keep });
    const bytes = result.manifest.files.reduce((sum, f) => sum + f.bytes, 0);
    if (values.json) {
      const { version, previous, pruned } = result;
      io.stdout.write(
        `${JSON.stringify({ version, previous: previous ?? null, files: result.manifest.files.length, bytes, pruned }, null, 2)}\n`,
      );
      return 0;
    }
    const was = result.previous === undefined ? 'first version' : `was ${result.previous}`;
    io.stdout.write(
      `published ${result.version}: ${result.manifest.files.length} files, ${formatBytes(bytes)}; now live (${was})\n`,
    );
    if (result.pruned.length > 0)
      io.stdout.write(`removed old versions: ${result.pruned.join(', ')}\n`);
    return 0;
  },
};

export default publishCommand;
