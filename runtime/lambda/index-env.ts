/**
 * The storage tiers and the names the search Lambda's environment uses for them: one definition,
 * imported by the handler (index-location.ts), the stack (infra/), and `sir upload` (the stack
 * outputs). No imports, so the Pulumi program and the policy pack load it without the engine.
 */

/** Where a stack keeps its index (stack config `indexStorage`, env `INDEX_STORAGE`). */
export const INDEX_STORAGE_KINDS = ['bundled', 's3', 'efs'] as const;
export type IndexStorage = (typeof INDEX_STORAGE_KINDS)[number];

/** The folder, inside a bundled function's artifact, that holds the index. */
export const BUNDLED_INDEX_DIR = 'index';
/** The EFS mount an `efs` stack's handler reads by default. */
export const DEFAULT_EFS_DIR = '/mnt/index';
/** Key prefix of an `s3` stack's store in its bucket. */
export const S3_STORE_PREFIX = 'store/';
