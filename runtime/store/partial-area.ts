/**
 * `STORE/.partial/`: where versions are assembled (copied by `publish`, downloaded by the loader)
 * before they are complete. It lies outside `versions/` so no reader ever sees a half-written
 * version, and inside the store so the final `rename` into `versions/` stays on one file system
 * and is atomic.
 *
 * Names: `<version>-<random>/` for versions being assembled, `trash-<...>` for folders renamed away
 * (pruned versions, released locks) that are being deleted. Work left by a crash is removed by
 * `cleanStaleEntries`: trash at once, partial versions once untouched for `maxAgeMs`, and the
 * `.<name>-<random>.tmp` files that atomic writes leave in the store root after a crash.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { statOrUndefined } from './durable-fs.js';
import { errorMessage, type Logger } from '../log/logger.js';

export const PARTIAL_DIR = '.partial';
/** Partial versions untouched for this long are abandoned uploads. */
export const STALE_PARTIAL_MS = 60 * 60 * 1000;

/** Newest modification time of `p` and, for a folder, of everything below it. */
async function newestMtime(p: string): Promise<number> {
  const stat = await statOrUndefined(p);
  if (stat === undefined) return Date.now(); // vanished: someone else is handling it
  let newest = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const entry of await fs.readdir(p).catch(() => [] as string[])) {
      newest = Math.max(newest, await newestMtime(path.join(p, entry)));
    }
  }
  return newest;
}

/**
 * Removes abandoned work from `partialDir` and stale temp files from `root`. Returns the paths
 * removed. A failure to remove one entry is logged and does not stop the others: cleanup must not
 * fail the publish that triggered it.
 */
export async function cleanStaleEntries(
  root: string,
  partialDir: string,
  logger: Logger,
  maxAgeMs = STALE_PARTIAL_MS,
): Promise<string[]> {
  const removed: string[] = [];
  const now = Date.now();
  const candidates: string[] = [];
  for (const name of await fs.readdir(partialDir).catch(() => [] as string[])) {
    const p = path.join(partialDir, name);
    if (name.startsWith('trash-') || now - (await newestMtime(p)) > maxAgeMs) candidates.push(p);
  }
  for (const name of await fs.readdir(root)) {
    const p = path.join(root, name);
    if (/^\..+-[0-9a-f]+\.tmp$/.test(name) && now - (await newestMtime(p)) > maxAgeMs)
      candidates.push(p);
  }
  for (const p of candidates) {
    try {
      await fs.rm(p, { recursive: true, force: true, maxRetries: 3 });
      removed.push(p);
    } catch (err) {
      logger.warn(
        'index store: could not remove abandoned work; it will be retried on the next publish',
        {
          path: p,
          error: errorMessage(err),
        },
      );
    }
  }
  return removed;
}
