/**
 * Opening the live index for a directory: a store (it has `CURRENT`) is followed with hot reload;
 * a plain index folder is loaded once. Shared by the Lambda handler and `sir serve`. The index
 * checks its own content as it reads it (`verify: 'on-read'`): a cold start reads and checks the
 * core of the file and nothing more; a new version is read through and checked before it replaces
 * the served one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SearchIndex } from '../engine/index.js';
import { CURRENT_FILE, IndexStore, LiveIndex, type Logger } from '../store/index.js';

export function openLiveIndex(
  dir: string,
  options: { store?: boolean; checkIntervalMs?: number; logger?: Logger } = {},
): LiveIndex<SearchIndex> {
  const asStore = options.store ?? existsSync(join(dir, CURRENT_FILE));
  const common = {
    load: (versionDir: string, _manifest: unknown, check: { full: boolean }) =>
      SearchIndex.open(versionDir, { verify: check.full ? 'all' : 'core' }),
    verify: 'on-read' as const,
    unload: (i: SearchIndex) => i.free(),
    ...(options.checkIntervalMs !== undefined ? { checkIntervalMs: options.checkIntervalMs } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  };
  return asStore
    ? new LiveIndex({
        store: new IndexStore(dir, options.logger ? { logger: options.logger } : {}),
        ...common,
      })
    : new LiveIndex({ directory: dir, ...common });
}
