/**
 * Version ids name the folders under `versions/` and are the content of `CURRENT`. They are
 * validated everywhere they are read or accepted, so that a hand-edited or corrupted `CURRENT` can
 * never make the store touch a path outside `versions/` (no `/`, no `..`, no leading dot).
 */
import { randomSuffix } from './durable-fs.js';
import { StoreError } from './store-error.js';

/** What a version id may look like: 1–128 characters, starting with a letter or digit. */
export const VERSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isVersionId(value: string): boolean {
  return VERSION_ID_PATTERN.test(value);
}

/** Throws `invalid-version-id` unless `value` is a valid version id; returns it otherwise. */
export function assertVersionId(value: string, what = 'version id'): string {
  if (!isVersionId(value)) {
    throw new StoreError(
      'invalid-version-id',
      `${what} ${JSON.stringify(value)} is not valid; expected 1–128 characters of letters, digits, ".", "_" or "-", starting with a letter or digit (for example 20261123T042501Z-3f9a)`,
    );
  }
  return value;
}

/**
 * A new id such as `20261123T042501Z-3f9a`: the UTC time to the second, so ids sort by creation
 * time, then 4 random hex digits so two publishers in the same second still differ. Uniqueness is
 * finally enforced by the rename into `versions/`, which fails if the id is taken.
 */
export function newVersionId(now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${randomSuffix(2)}`;
}
