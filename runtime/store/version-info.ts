/**
 * What `list()` reports about one entry of `versions/`, and the order it lists them in: one
 * definition for the directory store and the S3 store.
 */
import { errorMessage } from '../log/logger.js';
import type { Manifest } from './manifest.js';
import { StoreError } from './store-error.js';
import { isVersionId } from './version-id.js';
import type { VersionInfo } from './version-store.js';

/**
 * The entry `name` at `dir`: its size and creation time from its manifest (`read`), or the
 * `problem` that makes it unusable (a name that is no version id, an unreadable manifest).
 */
export async function describeVersion(
  name: string,
  dir: string,
  status: { live: boolean; rollbackTarget: boolean },
  read: () => Promise<Manifest>,
): Promise<VersionInfo> {
  const info: VersionInfo = { version: name, dir, files: 0, bytes: 0, ...status };
  if (!isVersionId(name)) info.problem = 'the name is not a valid version id';
  else {
    try {
      const manifest = await read();
      info.createdAt = manifest.createdAt;
      info.files = manifest.files.length;
      info.bytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      info.problem = errorMessage(err);
    }
  }
  return info;
}

/** Newest first: by creation time, then id. */
export function newestFirst(infos: VersionInfo[]): VersionInfo[] {
  return infos.sort((a, b) =>
    (b.createdAt ?? '') + b.version < (a.createdAt ?? '') + a.version ? -1 : 1,
  );
}
