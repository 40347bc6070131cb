/**
 * The one error type of the index store. Every failure the store or the live reader reports is a
 * `StoreError` whose message is a full sentence saying what was wrong and what was expected, and whose
 * `code` lets callers branch without parsing text (the app maps `unavailable` to HTTP 503, the CLI
 * maps everything to exit code 1).
 */

/** Why a store operation failed. Stable strings: callers branch on them. */
export type StoreErrorCode =
  /** A version id does not match `VERSION_ID_PATTERN`. */
  | 'invalid-version-id'
  /** `manifest.json` is missing, not JSON, or not a `sir-store-manifest` of a known format version. */
  | 'invalid-manifest'
  /** A file is missing, has the wrong size or SHA-256, or an unlisted file is present. */
  | 'verification-failed'
  /** `versions/<id>/` does not exist. */
  | 'missing-version'
  /** `CURRENT` is malformed, or names a version that does not exist. */
  | 'invalid-current'
  /** `HISTORY` is malformed. */
  | 'invalid-history'
  /** `rollback()` found no version that was live before the current one. */
  | 'no-rollback-target'
  /** The directory given to `publish()` is missing, empty, or holds something other than files and folders. */
  | 'invalid-source'
  /** A file changed between being hashed and being uploaded. */
  | 'source-changed'
  /** An option is out of range (e.g. `keep` below 1). */
  | 'invalid-option'
  /** The version's files pass their checksums but it is not usable (the store's `validate` hook refused it). */
  | 'invalid-index'
  /** The version id is already taken in `versions/`. */
  | 'version-exists'
  /** The store lock could not be taken in time, or the live version changed during an operation. */
  | 'conflict'
  /** `LiveIndex` has no valid version to serve (cold start failed); the app answers 503. */
  | 'unavailable'
  /** `LiveIndex` follows a store nothing was published to yet (no `CURRENT`); the app answers 503 until something is. */
  | 'not-published'
  /** `LiveIndex.close()` was called. */
  | 'closed';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(`index store: ${message}`, options);
    this.code = code;
  }
}

/** True for a Node.js system error with the given `code` (ENOENT, EEXIST, ...). */
export function isErrno(err: unknown, ...codes: string[]): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    codes.includes((err as NodeJS.ErrnoException).code ?? '')
  );
}
