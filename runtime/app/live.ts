/**
 * Opening the live index: a store — a directory with `CURRENT`, or any `VersionSource` such as
 * the S3 store — is followed with hot reload; a plain index folder is loaded once. Shared by the Lambda handler and `sir serve`. The index
 * checks its own content as it reads it (`verify: 'on-read'`): a cold start reads and checks the
 * core of the file and nothing more; a new version is read through and checked before it replaces
 * the served one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SearchIndex } from '../engine/index.js';
// The store's parts by file, not through its index, which would load the AWS SDK (see app.ts).
import { CURRENT_FILE, IndexStore } from '../store/index-store.js';
import { LiveIndex } from '../store/live-index.js';
import type { VersionSource } from '../store/version-store.js';
import type { Logger } from '../log/logger.js';

export function openLiveIndex(
  where: string | VersionSource,
  options: { store?: boolean; checkIntervalMs?: number; logger?: Logger } = {},
): LiveIndex<SearchIndex> {
  const common = {
    load: (versionDir: string, _manifest: unknown, check: { full: boolean }) =>
      SearchIndex.open(versionDir, { verify: check.full ? 'all' : 'core' }),
    verify: 'on-read' as const,
    unload: (i: SearchIndex) => i.free(),
    ...(options.checkIntervalMs !== undefined ? { checkIntervalMs: options.checkIntervalMs } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  };
  if (typeof where !== 'string') return new LiveIndex({ store: where, ...common });
  return (options.store ?? existsSync(join(where, CURRENT_FILE)))
    ? new LiveIndex({
        store: new IndexStore(where, options.logger ? { logger: options.logger } : {}),
        ...common,
      })
    : new LiveIndex({ directory: where, ...common });
}
