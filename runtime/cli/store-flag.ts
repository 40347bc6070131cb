/**
 * `--store DIR` for the commands that change or read an index store: the store, logging to the
 * command's stderr, and refusing to make live any version that does not open as an index.
 */
import { CliError, type CliIO } from './command.js';
import { checkIndexVersion } from '../engine/index.js';
import { jsonLinesLogger } from '../log/logger.js';
// From its module, not the store's index, which also exports the S3 store and so the AWS SDK.
import { IndexStore } from '../store/index-store.js';

export function openStoreFlag(dir: string | undefined, io: CliIO): IndexStore {
  if (dir === undefined || dir === '')
    throw new CliError('--store DIR is required (the index store folder)', 2);
  return new IndexStore(dir, {
    logger: jsonLinesLogger(io.stderr, { component: 'index-store' }),
    validate: checkIndexVersion,
  });
}
