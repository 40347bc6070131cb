/**
 * The check a `bundled` stack makes before declaring anything: the index folder exists, holds a
 * built index, and with the search bundle beside it stays within Lambda's 250 MB unzipped limit
 * (a deployment that Lambda would refuse at create time fails here, with the sizes).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LIMITS } from '../runtime/cost/prices.js';
import { ConfigError } from './config.js';

/** Total bytes of the files under `dir` (0 when it does not exist). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(p);
    else if (entry.isFile()) total += statSync(p).size;
  }
  return total;
}

/** Refuses an `indexPath` that is not a folder, is empty, or does not fit; returns its bytes. */
export function checkBundledIndex(indexPath: string, bundleDir: string): number {
  const dir = resolve(indexPath);
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory())
    throw new ConfigError(
      `serverless-ir config: indexPath ${dir} is not a folder; expected a built index (sir index --out DIR)`,
    );
  const index = folderBytes(dir);
  if (index === 0) throw new ConfigError(`serverless-ir config: indexPath ${dir} holds no files`);
  const bundle = statSync(bundleDir, { throwIfNoEntry: false })?.isDirectory()
    ? folderBytes(bundleDir)
    : 0;
  if (index + bundle > LIMITS.lambdaUnzippedBytes)
    throw new ConfigError(
      `serverless-ir config: the index in indexPath (${mb(index)}) and the search bundle (${mb(bundle)}) come to ${mb(index + bundle)}, over Lambda's 250 MB unzipped limit; use indexStorage s3 (up to 5 GB) for an index this size`,
    );
  return index;
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}
