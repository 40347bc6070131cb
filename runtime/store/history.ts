/**
 * `HISTORY`: the order in which versions became live, which is what `rollback()` needs and what
 * the version folders alone cannot tell (creation order ≠ activation order once someone activates
 * an older version).
 *
 * Format: JSON lines, oldest first, one `{"at":ISO,"version":id,"action":...}` per activation.
 * The file is only ever replaced whole by an atomic rename (never appended in place), under the
 * store lock, so it is never torn; it keeps the last `HISTORY_LIMIT` entries.
 *
 * Invariant the store maintains: after every completed flip, the last entry names the version in
 * `CURRENT`. A crash between writing `CURRENT` and writing `HISTORY` breaks it for a moment; the
 * next flip repairs it by first recording the live version as `recovered`, and
 * `previousLiveVersion` reads such a history correctly in the meantime.
 */
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from './durable-fs.js';
import { StoreError, isErrno } from './store-error.js';
import { isVersionId } from './version-id.js';

export const HISTORY_FILE = 'HISTORY';
/** Entries kept; older ones are dropped on the next write. Rollback needs only the last few. */
export const HISTORY_LIMIT = 1000;

/** How a version became live: published, activated by id, rolled back to, or recorded after a crash. */
export type HistoryAction = 'publish' | 'activate' | 'rollback' | 'recovered';
const ACTIONS: readonly HistoryAction[] = ['publish', 'activate', 'rollback', 'recovered'];

export interface HistoryEntry {
  /** ISO 8601 UTC time of the flip. */
  at: string;
  version: string;
  action: HistoryAction;
}

/** Reads `file`; a missing file is an empty history. Throws `invalid-history` on a malformed line. */
export async function readHistory(file: string): Promise<HistoryEntry[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
  const entries: HistoryEntry[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let entry: Partial<HistoryEntry> | undefined;
    try {
      entry = JSON.parse(line) as Partial<HistoryEntry>;
    } catch {
      entry = undefined;
    }
    if (
      entry === undefined ||
      typeof entry.at !== 'string' ||
      typeof entry.version !== 'string' ||
      !isVersionId(entry.version) ||
      !ACTIONS.includes(entry.action as HistoryAction)
    ) {
      throw new StoreError(
        'invalid-history',
        `${file} line ${i + 1} is not a history entry; expected {"at":ISO date,"version":id,"action":"publish"|"activate"|"rollback"|"recovered"}, got ${JSON.stringify(line.slice(0, 200))}`,
      );
    }
    entries.push({ at: entry.at, version: entry.version, action: entry.action as HistoryAction });
  }
  return entries;
}

/** Replaces `file` atomically with `entries` (the last `HISTORY_LIMIT` of them). */
export async function writeHistory(file: string, entries: readonly HistoryEntry[]): Promise<void> {
  const kept = entries.slice(-HISTORY_LIMIT);
  await writeFileAtomic(file, kept.map((e) => `${JSON.stringify(e)}\n`).join(''));
}

/**
 * The rollback target: the version that was live immediately before the current one became live.
 *
 * - If the last entry names `current`, skip the trailing run of entries naming `current` (the same
 *   version activated twice) and return the entry before it.
 * - If the last entry names another version, the flip to `current` was not recorded (crash between
 *   `CURRENT` and `HISTORY`, or a hand-edited `CURRENT`), so the last entry is what was live before.
 *
 * A rollback is itself recorded, so rolling back twice returns to where you started (like `cd -`);
 * to go further back, activate a version by id.
 */
export function previousLiveVersion(
  entries: readonly HistoryEntry[],
  current: string | undefined,
): string | undefined {
  if (current === undefined || entries.length === 0) return undefined;
  let i = entries.length - 1;
  if (entries[i]!.version !== current) return entries[i]!.version;
  while (i >= 0 && entries[i]!.version === current) i--;
  return i >= 0 ? entries[i]!.version : undefined;
}
