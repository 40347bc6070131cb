/**
 * The index store: versioned, checksummed index folders on EFS (or any directory), an atomically
 * flipped `CURRENT` pointer, rollback and retention (`IndexStore`), and the hot-reloading reader
 * the app serves from (`LiveIndex`). See index-store.ts for the on-disk layout and its invariants.
 */
export { StoreError, type StoreErrorCode } from './store-error.js';
export { VERSION_ID_PATTERN, assertVersionId, isVersionId, newVersionId } from './version-id.js';
export {
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type Manifest,
  type ManifestFile,
  type ManifestOptions,
  buildManifest,
  checkListing,
  createManifest,
  hashFile,
  readManifest,
  validateManifest,
  verifyVersion,
  writeManifest,
} from './manifest.js';
export {
  HISTORY_FILE,
  type HistoryAction,
  type HistoryEntry,
  previousLiveVersion,
} from './history.js';
export { DEFAULT_KEEP, versionsToPrune } from './retention.js';
export { LOCK_DIR, type StoreLockOptions } from './store-lock.js';
export { PARTIAL_DIR, STALE_PARTIAL_MS } from './partial-area.js';
export {
  CURRENT_FILE,
  VERSIONS_DIR,
  IndexStore,
  type IndexStoreOptions,
  type PartialVersion,
} from './index-store.js';
export {
  type ActivationResult,
  type PublishOptions,
  type PublishResult,
  type VersionInfo,
  type VersionSource,
  type VersionStore,
  type VersionValidator,
} from './version-store.js';
export {
  type CheckedFile,
  DEFAULT_PART_BYTES,
  MIN_PART_BYTES,
  putFile,
  sha256Base64,
} from './s3-objects.js';
export {
  S3IndexStore,
  S3_CURRENT_KEY,
  S3_VERSIONS_PREFIX,
  type S3IndexStoreOptions,
} from './s3-store.js';
export {
  LiveIndex,
  type LiveIndexOptions,
  type LoadedIndex,
  type RefreshOutcome,
} from './live-index.js';
/** The logger the store's options take (one definition, in runtime/log). */
export { type LogFields, type Logger, jsonLinesLogger, silentLogger } from '../log/logger.js';
