/**
 * The artifact of a `bundled` stack's search Lambda: the search bundle (`npm run build`'s
 * `dist/lambda/search`) under `app/`, the built index under `index/`, handler `app/index.handler`.
 * One layout, read by both publishers: the Pulumi program archives the two folders with
 * `bundledLayout` (infra/search-api.ts), and `sir upload --stack` zips the same folders with
 * `zipBundledArtifact` (bundled-publish.ts). Both refuse an artifact over Lambda's 250 MB unzipped
 * limit with the same sentence, before anything is uploaded.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { LIMITS } from '../cost/prices.js';
import { BUNDLED_INDEX_DIR } from '../lambda/index-env.js';

/** Where the search bundle sits inside a bundled artifact (the index goes beside it). */
export const BUNDLED_APP_DIR = 'app';
/** The function's handler inside a bundled artifact. */
export const BUNDLED_HANDLER = `${BUNDLED_APP_DIR}/index.handler`;
/** The alias the API calls on a bundled stack; publishing a version moves it. */
export const LIVE_ALIAS = 'live';

/** Archive folder → local folder: `app/` the search bundle, `index/` the built index. */
export function bundledLayout(indexDir: string, bundleDir: string): Record<string, string> {
  return { [BUNDLED_APP_DIR]: resolve(bundleDir), [BUNDLED_INDEX_DIR]: resolve(indexDir) };
}

/** Every file under `dir`, recursively, in name order (so an archive's bytes depend on content only). */
export function folderFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...folderFiles(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/** Total bytes of the files under `dir`. */
export function folderBytes(dir: string): number {
  return folderFiles(dir).reduce((sum, f) => sum + statSync(f).size, 0);
}

export interface ArtifactSize {
  indexBytes: number;
  bundleBytes: number;
}

/**
 * Measures the two folders; returns the sentence that refuses them when the index is empty or
 * the two are over Lambda's unzipped limit (`what` names the index for the reader: "the index in
 * indexPath", "the index ./built"), or undefined when they fit.
 */
export function bundledArtifactProblem(
  indexDir: string,
  bundleDir: string,
  what: string,
): { size: ArtifactSize; problem?: string } {
  const indexBytes = folderBytes(indexDir);
  const bundleBytes = statSync(bundleDir, { throwIfNoEntry: false })?.isDirectory()
    ? folderBytes(bundleDir)
    : 0;
  const size = { indexBytes, bundleBytes };
  if (indexBytes === 0) return { size, problem: `${what} holds no files` };
  const total = indexBytes + bundleBytes;
  if (total > LIMITS.lambdaUnzippedBytes)
    return {
      size,
      problem: `${what} (${mb(indexBytes)}) and the search bundle (${mb(bundleBytes)}) come to ${mb(total)}, over Lambda's 250 MB unzipped limit; use indexStorage s3 (up to 5 GB) for an index this size`,
    };
  return { size };
}

export interface ZippedArtifact {
  zip: Uint8Array;
  /** Base64 SHA-256 of the zip: what Lambda reports as `CodeSha256`. */
  codeSha256: string;
  /** Hex of the same digest: the artifact's content address in the staging bucket. */
  sha256Hex: string;
  size: ArtifactSize;
}

/** Fixed timestamp in every entry: the same folders always zip to the same bytes. */
const ZIP_MTIME = new Date('2020-01-01T00:00:00Z');
/** Regular file, rw-r--r--, in the zip's Unix attributes (Lambda runs as a non-owner user). */
const FILE_ATTRS = (0o100644 << 16) >>> 0;

/**
 * Zips the layout (deterministically) and digests it; `indexExtras` are files added to `index/`
 * (the version's manifest). Callers check the size first.
 */
export function zipBundledArtifact(
  indexDir: string,
  bundleDir: string,
  indexExtras: Record<string, string> = {},
): ZippedArtifact {
  const files: Zippable = {};
  const size: ArtifactSize = { indexBytes: 0, bundleBytes: 0 };
  const entry = { level: 6, mtime: ZIP_MTIME, os: 3, attrs: FILE_ATTRS } as const;
  for (const [folder, local] of Object.entries(bundledLayout(indexDir, bundleDir))) {
    for (const file of folderFiles(local)) {
      const bytes = readFileSync(file);
      if (folder === BUNDLED_APP_DIR) size.bundleBytes += bytes.length;
      else size.indexBytes += bytes.length;
      const name = `${folder}/${relative(local, file).split(sep).join('/')}`;
      files[name] = [bytes, entry];
    }
  }
  for (const [name, text] of Object.entries(indexExtras))
    files[`${BUNDLED_INDEX_DIR}/${name}`] = [Buffer.from(text), entry];
  const zip = zipSync(files);
  const digest = createHash('sha256').update(zip).digest();
  return {
    zip,
    codeSha256: digest.toString('base64'),
    sha256Hex: digest.toString('hex'),
    size,
  };
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}
