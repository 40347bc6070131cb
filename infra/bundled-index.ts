/**
 * The check a `bundled` stack makes before declaring anything: the index folder exists, holds a
 * built index, and with the search bundle beside it stays within Lambda's 250 MB unzipped limit
 * (a deployment that Lambda would refuse at create time fails here, with the sizes). The same
 * measure and sentence as `sir upload --stack` (runtime/upload/bundled-artifact.ts).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { bundledArtifactProblem } from '../runtime/upload/bundled-artifact.js';
import { ConfigError } from './config.js';

/** Refuses an `indexPath` that is not a folder, is empty, or does not fit; returns its bytes. */
export function checkBundledIndex(indexPath: string, bundleDir: string): number {
  const dir = resolve(indexPath);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    throw new ConfigError(
      `serverless-ir config: indexPath ${dir} is not a folder; expected a built index (sir index --out DIR)`,
    );
  const { size, problem } = bundledArtifactProblem(dir, bundleDir, 'the index in indexPath');
  if (problem !== undefined)
    throw new ConfigError(`serverless-ir config: ${problem} (indexPath is ${dir})`);
  return size.indexBytes;
}
