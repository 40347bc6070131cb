/**
 * `sir rollback --store DIR [--json]`: makes the previously live version live again. "Previously
 * live" is read from the store's HISTORY: the version that was live just before the current one
 * became live; so rolling back twice returns to where you started.
 */
import { CliError, type CliIO, type Command, parseFlags } from '../command.js';
import { openStore, storeOperation } from './versions.js';

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Make the previously live index version live again',
  help: `Usage: sir rollback --store DIR [--json]

Makes the version that was live before the current one live again, after verifying its
checksums, by atomically replacing DIR/CURRENT. "Before" follows the store's activation history
(DIR/HISTORY), not creation time: rolling back twice returns to where you started. Fails,
changing nothing, if there is no earlier version or if it no longer passes its checksums.

Options:
  --store DIR   the index store folder (required)
  --json        print the result as JSON
  -h, --help    show this help

Example:
  sir rollback --store ./store
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseFlags(argv, { store: { type: 'string' }, stack: { type: 'string' }, json: { type: 'boolean' } }, false);
    if (values.stack !== undefined) {
      throw new CliError('--stack (rolling back on the loader in AWS) is not available yet; use --store DIR on a machine that mounts the store', 2);
    }
    const store = openStore(values.store, io);
    const result = await storeOperation(() => store.rollback());
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ version: result.version, previous: result.previous ?? null }, null, 2)}\n`);
      return 0;
    }
    io.stdout.write(`rolled back: ${result.version} is live again (was ${result.previous})\n`);
    return 0;
  },
};

export default rollbackCommand;
