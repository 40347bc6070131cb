/**
 * `manifest.json`: the list of files that make up one index version, with their exact sizes and
 * SHA-256 digests. It is what makes a version checkable: `verifyVersion` proves a folder holds
 * exactly the listed files with exactly the listed content, no more and no less, before anything
 * is made live or loaded.
 *
 * Invariants of a valid manifest: `files` is sorted by path (code-unit order) without duplicates;
 * every path is relative, `/`-separated, without `.`/`..`/empty segments; `manifest.json` itself
 * is never listed.
 */
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import {
  compareCodeUnits,
  listFilesRecursive,
  statOrUndefined,
  writeFileAtomic,
} from './durable-fs.js';
import { errorMessage } from '../log/logger.js';
import { StoreError, isErrno } from './store-error.js';
import { assertVersionId } from './version-id.js';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'sir-store-manifest';
export const MANIFEST_FORMAT_VERSION = 1;

export interface ManifestFile {
  /** Relative, `/`-separated path inside the version folder. */
  path: string;
  /** Exact size in bytes. */
  bytes: number;
  /** Lower-case hex SHA-256 of the content. */
  sha256: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  formatVersion: typeof MANIFEST_FORMAT_VERSION;
  /** The version id; equals the folder name under `versions/`. */
  version: string;
  /** ISO 8601 UTC time the manifest was created. */
  createdAt: string;
  /** Every file of the version except `manifest.json`, sorted by path. */
  files: ManifestFile[];
  /** Free-form provenance, e.g. `{ "index": "/home/me/built", "host": "laptop" }`. Optional. */
  source?: Record<string, string>;
}

/** Size and SHA-256 of one file, read as a stream so large index files never sit in memory. */
export async function hashFile(file: string): Promise<{ bytes: number; sha256: string }> {
  // Imported here: a search cold start reads manifests but never hashes, and node:crypto with
  // Node's streams is about 12 ms of one (bench/PROFILE.md, First answer).
  const [{ createHash }, { pipeline }] = await Promise.all([
    import('node:crypto'),
    import('node:stream/promises'),
  ]);
  const hash = createHash('sha256');
  let bytes = 0;
  await pipeline(createReadStream(file), async function* (chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      hash.update(chunk);
    }
  });
  return { bytes, sha256: hash.digest('hex') };
}

export interface ManifestOptions {
  version: string;
  createdAt?: Date;
  source?: Record<string, string>;
}

/** The manifest of files already hashed (sorted here by path); the one place a manifest is made. */
export function buildManifest(
  files: readonly ManifestFile[],
  { version, createdAt = new Date(), source }: ManifestOptions,
): Manifest {
  assertVersionId(version);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_FORMAT_VERSION,
    version,
    createdAt: createdAt.toISOString(),
    files: [...files].sort((a, b) => compareCodeUnits(a.path, b.path)),
  };
  if (source !== undefined) manifest.source = source;
  return manifest;
}

/** Builds the manifest for the files in `dir` (all of them, recursively, except `manifest.json`). */
export async function createManifest(dir: string, options: ManifestOptions): Promise<Manifest> {
  assertVersionId(options.version);
  const paths = (await listFilesRecursive(dir)).filter((p) => p !== MANIFEST_FILE);
  const files: ManifestFile[] = [];
  for (const p of paths)
    files.push({ path: p, ...(await hashFile(path.join(dir, ...p.split('/')))) });
  return buildManifest(files, options);
}

/** Writes `dir/manifest.json` durably (temp file, fsync, rename, fsync dir). */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Reads and validates `dir/manifest.json`; throws `invalid-manifest` with the reason otherwise. */
export async function readManifest(dir: string): Promise<Manifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) {
      throw new StoreError(
        'invalid-manifest',
        `${file} is missing; every version folder must contain a manifest.json`,
      );
    }
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StoreError('invalid-manifest', `${file} is not valid JSON (${errorMessage(err)})`);
  }
  return validateManifest(parsed, file);
}

/** Checks the shape and invariants of a parsed manifest; `where` names it in messages. */
export function validateManifest(value: unknown, where: string): Manifest {
  const fail = (what: string): never => {
    throw new StoreError('invalid-manifest', `${where}: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('expected a JSON object');
  const m = value as Record<string, unknown>;
  if (m.format !== MANIFEST_FORMAT)
    fail(`"format" is ${JSON.stringify(m.format)}, expected "${MANIFEST_FORMAT}"`);
  if (m.formatVersion !== MANIFEST_FORMAT_VERSION) {
    fail(
      `"formatVersion" is ${JSON.stringify(m.formatVersion)}; this build reads format version ${MANIFEST_FORMAT_VERSION}`,
    );
  }
  if (typeof m.version !== 'string') return fail('"version" must be a string');
  assertVersionId(m.version, `${where}: "version"`);
  if (typeof m.createdAt !== 'string' || Number.isNaN(Date.parse(m.createdAt)))
    fail('"createdAt" must be an ISO 8601 date');
  if (!Array.isArray(m.files)) return fail('"files" must be an array');
  let previous: string | undefined;
  for (const [i, f] of (m.files as unknown[]).entries()) {
    const entry = f as Record<string, unknown>;
    if (typeof f !== 'object' || f === null || typeof entry.path !== 'string')
      fail(`files[${i}].path must be a string`);
    const p = entry.path as string;
    if (!isSafeRelativePath(p) || p === MANIFEST_FILE) {
      fail(
        `files[${i}].path ${JSON.stringify(p)} must be a relative "/"-separated path without "."/".." segments, other than manifest.json`,
      );
    }
    if (!Number.isSafeInteger(entry.bytes) || (entry.bytes as number) < 0)
      fail(`files[${i}].bytes must be a non-negative integer`);
    if (typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256))
      fail(`files[${i}].sha256 must be 64 lower-case hex digits`);
    if (previous !== undefined && compareCodeUnits(previous, p) >= 0)
      fail(`files must be sorted by path without duplicates ("${previous}" then "${p}")`);
    previous = p;
  }
  if (
    m.source !== undefined &&
    (typeof m.source !== 'object' || m.source === null || Array.isArray(m.source))
  ) {
    fail('"source" must be an object when present');
  }
  return value as Manifest;
}

function isSafeRelativePath(p: string): boolean {
  if (p === '' || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/**
 * Proves that `dir` holds exactly what its manifest lists: every listed file exists with the exact
 * size and SHA-256, and no other file is present. Sizes are checked for all files before any
 * hashing, so a truncated file is reported without reading gigabytes. With `contents: 'sizes'`
 * the hashing is left to a reader that checks content as it reads it (a served index checks its
 * own checksums), and nothing is read but the manifest. Returns the manifest. Throws
 * `invalid-manifest`, or `verification-failed` naming the file and what differs.
 */
export async function verifyVersion(
  dir: string,
  {
    expectedVersion,
    contents = 'sha256',
  }: { expectedVersion?: string | undefined; contents?: 'sha256' | 'sizes' } = {},
): Promise<Manifest> {
  const manifest = await readManifest(dir);
  if (expectedVersion !== undefined && manifest.version !== expectedVersion) {
    throw new StoreError(
      'verification-failed',
      `version ${manifest.version} (${dir}): manifest.json names version "${manifest.version}" but the folder is for version "${expectedVersion}"`,
    );
  }
  await checkListing(dir, manifest);
  if (contents === 'sizes') return manifest;
  const fail = failure(dir, manifest);
  for (const f of manifest.files) {
    const { bytes, sha256 } = await hashFile(path.join(dir, ...f.path.split('/')));
    if (bytes !== f.bytes)
      fail(
        `file "${f.path}" is ${bytes} bytes but manifest.json lists ${f.bytes} bytes (it changed while being verified)`,
      );
    if (sha256 !== f.sha256)
      fail(
        `file "${f.path}" has SHA-256 ${sha256} but manifest.json lists ${f.sha256}; its content was altered or damaged`,
      );
  }
  return manifest;
}

/**
 * The cheap half of `verifyVersion`, without hashing: `dir` holds exactly the files `manifest`
 * lists, each with its listed size. Enough when the content was checked as it was written.
 */
export async function checkListing(dir: string, manifest: Manifest): Promise<void> {
  const fail = failure(dir, manifest);
  const listed = new Set(manifest.files.map((f) => f.path));
  const present = (await listFilesRecursive(dir)).filter((p) => p !== MANIFEST_FILE);
  for (const p of present) {
    if (!listed.has(p))
      fail(
        `unlisted file "${p}" is present; a version must hold exactly the files its manifest.json lists`,
      );
  }
  for (const f of manifest.files) {
    const stat = await statOrUndefined(path.join(dir, ...f.path.split('/')));
    if (stat === undefined || !stat.isFile())
      fail(`file "${f.path}" listed in manifest.json is missing`);
    else if (stat.size !== f.bytes)
      fail(
        `file "${f.path}" is ${stat.size} bytes but manifest.json lists ${f.bytes} bytes (truncated or overwritten)`,
      );
  }
}

function failure(dir: string, manifest: Manifest): (what: string) => never {
  return (what) => {
    throw new StoreError('verification-failed', `version ${manifest.version} (${dir}): ${what}`);
  };
}
