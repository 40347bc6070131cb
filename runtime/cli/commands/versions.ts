/**
 * `sir versions --store DIR [--json]`: lists the versions of an index store, newest first, with
 * which one is live and which one `sir rollback` would restore.
 */
import { type CliIO, type Command, parseFlags } from '../command.js';
import { formatBytes } from '../progress.js';
import { formatTable } from '../table.js';
import { openStoreFlag } from '../store-flag.js';
import type { VersionInfo } from '../../store/index.js';

export const versionsCommand: Command = {
  name: 'versions',
  summary: 'List the index versions in a store and show which one is live',
  help: `Usage: sir versions --store DIR [--json]

Lists the versions in the index store DIR (an EFS mount or any folder), newest first:
id, creation time, file count, size, and status ("live" for the version named by CURRENT,
"rollback target" for the one \`sir rollback\` would make live again).

Options:
  --store DIR   the index store folder (required)
  --json        print a JSON array instead of a table
  -h, --help    show this help

Example:
  sir versions --store ./store
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseFlags(
      argv,
      { store: { type: 'string' }, json: { type: 'boolean' } },
      false,
    );
    const store = openStoreFlag(values.store, io);
    const versions = await store.list();
    if (values.json) {
      io.stdout.write(`${JSON.stringify(versions, null, 2)}\n`);
      return 0;
    }
    if (versions.length === 0) {
      io.stdout.write(
        `no versions in ${store.root}; publish one with: sir publish --store ${values.store} --index BUILT\n`,
      );
      return 0;
    }
    io.stdout.write(formatVersionTable(versions));
    return 0;
  },
};

export default versionsCommand;

/** The table `sir versions` prints: one row per version, columns aligned. */
export function formatVersionTable(versions: readonly VersionInfo[]): string {
  const rows = [['VERSION', 'CREATED', 'FILES', 'SIZE', 'STATUS']];
  for (const v of versions) {
    const status =
      v.problem !== undefined
        ? `broken: ${v.problem}`
        : v.live
          ? 'live'
          : v.rollbackTarget
            ? 'rollback target'
            : '';
    rows.push([v.version, v.createdAt ?? '-', String(v.files), formatBytes(v.bytes), status]);
  }
  return formatTable(rows);
}
