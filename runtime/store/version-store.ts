/**
 * The index store as one interface, with two implementations that keep the same layout and the
 * same promises: `IndexStore` over a directory (EFS in AWS, any folder locally) and `S3IndexStore`
 * over an S3 bucket (the `s3` storage tier; plain S3 API only). One shared test suite runs against
 * both (test/store/common.case.ts).
 *
 * Promises every implementation keeps, under concurrent writers and a writer killed at any instant:
 * - a version becomes visible (`has`, `list`) only complete, with its SHA-256 manifest;
 * - `CURRENT` only ever names such a version, and two writers flipping it at once never both win
 *   on the same previous state (a lock on a directory, a conditional write on S3);
 * - the live version and the rollback target are never pruned;
 * - no version becomes live unless its checksums pass and the `validate` hook accepts it.
 */
import type { Manifest } from './manifest.js';

/** What `LiveIndex` follows: where `CURRENT` is read and versions are checked out as local folders. */
export interface VersionSource {
  /** Where the store is, for messages: a folder, or `s3://bucket/prefix`. */
  readonly location: string;
  /** The id in `CURRENT`, or undefined if nothing was ever published; one small read, polled. */
  readCurrent(): Promise<string | undefined>;
  /**
   * A local folder holding version `id` with its `manifest.json`: the version's own folder for a
   * directory store, a download checked against the manifest as it arrives for S3. Pair each call
   * with `release(id)` once the folder is no longer read.
   */
  checkout(id: string): Promise<string>;
  /** The folder of `id` is no longer read (a cache may delete it). */
  release(id: string): Promise<void>;
}

/** One version as `list()` reports it. */
export interface VersionInfo {
  version: string;
  /** Where it is: its folder, or its `s3://` prefix. */
  dir: string;
  /** From the manifest; undefined when the manifest cannot be read (see `problem`). */
  createdAt?: string;
  files: number;
  bytes: number;
  /** Named by `CURRENT`. */
  live: boolean;
  /** What `rollback()` would make live. */
  rollbackTarget: boolean;
  /** Why this entry is not a usable version (unreadable manifest, bad name). */
  problem?: string;
}

export interface PublishOptions {
  /** Versions to keep, counting the live one; the live one and the rollback target are always kept. Default 3. */
  keep?: number;
  /** Provenance recorded in the manifest's `source`. */
  source?: Record<string, string>;
  /** Version id to use; default a new `YYYYMMDDTHHMMSSZ-xxxx`. */
  version?: string;
}

export interface PublishResult {
  version: string;
  /** Where the version now is (folder or `s3://` prefix). */
  dir: string;
  manifest: Manifest;
  /** The version live before this one, if any. */
  previous?: string;
  /** Versions removed by retention. */
  pruned: string[];
}

export interface ActivationResult {
  version: string;
  previous?: string;
  /** False when the version was already live. */
  changed: boolean;
}

/**
 * Checks that a complete, checksummed version folder is usable (for example, that it opens as an
 * index); throws, with a sentence saying why, if it is not.
 */
export type VersionValidator = (versionDir: string) => void | Promise<void>;

/** The operations `sir publish|versions|rollback`, the loader and the jobs' reduce step use. */
export interface VersionStore extends VersionSource {
  /** Like `readCurrent`, and also checks the named version exists (`invalid-current` otherwise). */
  current(): Promise<string | undefined>;
  /** Whether version `id` exists with a manifest (it may still fail verification). */
  has(id: string): Promise<boolean>;
  /**
   * Whether `id` has been live at some point (it may be live now): what a redelivered publisher
   * (the jobs' reduce step) asks to tell "committed and flipped" from "committed, never flipped".
   */
  wasLive(id: string): Promise<boolean>;
  /**
   * The URL of file `file` of version `id`, for readers that fetch it themselves (an evaluation
   * job's workers): `file:///…/versions/<id>/<file>` or `s3://bucket/<prefix>versions/<id>/<file>`.
   */
  fileUrl(id: string, file: string): string;
  readManifest(id: string): Promise<Manifest>;
  /** Verifies a version's files against its manifest (`missing-version` if it does not exist). */
  verify(id: string): Promise<Manifest>;
  /** Every version, newest first, with its size and status. Does not hash files. */
  list(): Promise<VersionInfo[]>;
  /** The version `rollback()` would make live: the one live before the current one. */
  rollbackTarget(): Promise<string | undefined>;
  /** Publishes the files of a built folder as a new version and makes it live. */
  publish(builtDir: string, options?: PublishOptions): Promise<PublishResult>;
  /** Makes an existing version live, after verifying its checksums (and `validate`). */
  activate(id: string): Promise<ActivationResult>;
  /** Makes the previously live version live again; `conflict` if another writer flipped meanwhile. */
  rollback(): Promise<ActivationResult>;
  /** Removes versions beyond `keep` (never the live one or the rollback target). Returns their ids. */
  prune(keep?: number): Promise<string[]>;
}
