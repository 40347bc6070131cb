/**
 * `sir versions --store DIR [--json]`: lists the versions of an index store, newest first, with
 * which one is live and which one `sir rollback` would restore. `sir versions --stack NAME`: the
 * same for a stack whose versions this machine can read: an s3 stack's bucket, or a bundled
 * stack's function versions.
 */
import { CliError, type CliIO, type Command, givenFlags, parseFlags } from '../command.js';
import { formatBytes } from '../progress.js';
import { STACK_FLAGS_HELP, STACK_FLAG_OPTIONS, stackFromFlags } from '../stack-flags.js';
import { formatTable } from '../table.js';
import { openStoreFlag } from '../store-flag.js';
import type { VersionInfo } from '../../store/index.js';
import { type BundledVersion, listBundledVersions } from '../../upload/index.js';

export const versionsCommand: Command = {
  help: `Usage: sir versions --store DIR [--json]
       sir versions --stack NAME [--outputs FILE] [--json]

Lists the versions in the index store DIR (an EFS mount or any folder), newest first:
id, creation time, file count, size, and status ("live" for the version named by CURRENT,
"rollback target" for the one \`sir rollback\` would make live again).

With --stack: the versions of an s3 stack's store (in its bucket), or the function versions of a
bundled stack's search function, each with the index version id it carries, its zip's size, and
which one the "live" alias names. An efs stack's versions are on EFS: list them on the loader.

Options:
  --store DIR            the index store folder
${STACK_FLAGS_HELP}
  --json                 print a JSON array instead of a table
  -h, --help             show this help

Example:
  sir versions --store ./store      # or: sir versions --stack dev
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseFlags(
      argv,
      { store: { type: 'string' }, ...STACK_FLAG_OPTIONS, json: { type: 'boolean' } },
      false,
    );
    if (givenFlags(STACK_FLAG_OPTIONS, values).length > 0) {
      if (values.store !== undefined)
        throw new CliError('give either --store DIR or --stack NAME, not both', 2);
      const stack = await stackFromFlags(values);
      if (stack.storage === 'efs')
        throw new CliError(
          `stack ${stack.target.stack} keeps its versions on EFS, which only the loader mounts: run sir versions --store /mnt/index there`,
        );
      if (stack.storage === 'bundled') {
        const versions = (await listBundledVersions(stack.function)).reverse();
        io.stdout.write(
          values.json
            ? `${JSON.stringify(versions, null, 2)}\n`
            : formatFunctionVersionTable(versions),
        );
        return 0;
      }
      const versions = await stack.store.list();
      io.stdout.write(
        values.json ? `${JSON.stringify(versions, null, 2)}\n` : formatVersionTable(versions),
      );
      return 0;
    }
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

/** The table `sir versions --stack` prints for a bundled stack: one row per function version. */
export function formatFunctionVersionTable(versions: readonly BundledVersion[]): string {
  const rows = [['VERSION', 'FUNCTION VERSION', 'CREATED', 'SIZE', 'STATUS']];
  for (const v of versions)
    rows.push([
      v.version ?? '-',
      v.functionVersion,
      v.createdAt ?? '-',
      formatBytes(v.bytes),
      v.live ? 'live' : v.rollbackTarget ? 'rollback target' : '',
    ]);
  return formatTable(rows);
}
