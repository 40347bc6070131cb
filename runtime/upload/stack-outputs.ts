/**
 * The stack outputs `sir upload` needs, read from `pulumi stack output --json --stack NAME` or
 * from a JSON file (`--outputs FILE`, for machines without the Pulumi CLI), and checked: every
 * missing or malformed key is reported in one sentence that says how to get it.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { errorMessage } from '../log/logger.js';
import { INDEX_STORAGE_KINDS, type IndexStorage } from '../lambda/index-env.js';
import { UploadError } from './upload-error.js';

export interface UploadTarget {
  stack: string;
  stagingBucket: string;
  region: string;
  apiUrl: string;
  /** `efs` for stacks deployed before the tiers existed (they export no `indexStorage`). */
  indexStorage: IndexStorage;
  /** The `s3` tier's store: bucket and key prefix. */
  indexBucket?: string;
  indexPrefix?: string;
  /** The `bundled` tier's search function, whose versions a publish adds. */
  searchFunctionName?: string;
  /** Versions a publish keeps (the stack's `versionsToKeep`), when the stack exports it. */
  versionsToKeep?: number;
  /** Absent only when the loader is not used (local transport, or not an `efs` stack). */
  loaderInstanceId?: string;
}

/** Runs `pulumi stack output --json --stack NAME`; injectable for tests. */
export type PulumiRunner = (stack: string) => Promise<string>;

export const runPulumi: PulumiRunner = (stack) =>
  new Promise((resolve, reject) => {
    execFile(
      'pulumi',
      ['stack', 'output', '--json', '--show-secrets', '--stack', stack],
      { maxBuffer: 16 << 20, timeout: 120_000 },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new UploadError(
            'invalid-outputs',
            missing
              ? `the pulumi CLI is not installed here, so the outputs of stack "${stack}" cannot be read; install it, or pass --outputs FILE with the JSON of \`pulumi stack output --json\``
              : `\`pulumi stack output --json --stack ${stack}\` failed: ${(stderr || errorMessage(err)).trim()}`,
          ),
        );
      },
    );
  });

export interface ReadOutputsOptions {
  stack: string;
  /** A JSON file with the outputs; when absent the Pulumi CLI is asked. */
  outputsFile?: string;
  /** Whether `loaderInstanceId` must be present on an `efs` stack (SSM transport). */
  requireLoader: boolean;
  pulumi?: PulumiRunner;
}

export async function readStackOutputs({
  stack,
  outputsFile,
  requireLoader,
  pulumi = runPulumi,
}: ReadOutputsOptions): Promise<UploadTarget> {
  const { value, where } = await readRawStackOutputs({
    stack,
    ...(outputsFile !== undefined ? { outputsFile } : {}),
    pulumi,
  });
  return validateOutputs(value, { stack, where, requireLoader });
}

/**
 * The stack's outputs as JSON, unchecked, with a description of where they came from (for
 * messages); commands that need other outputs than the upload's (`sir jobs`) check their own.
 */
export async function readRawStackOutputs({
  stack,
  outputsFile,
  pulumi = runPulumi,
}: Omit<ReadOutputsOptions, 'requireLoader'>): Promise<{ value: unknown; where: string }> {
  let text: string;
  let where: string;
  if (outputsFile !== undefined) {
    where = outputsFile;
    try {
      text = await readFile(outputsFile, 'utf8');
    } catch (err) {
      throw new UploadError(
        'invalid-outputs',
        `cannot read the stack outputs file ${outputsFile} (${errorMessage(err)}); expected the JSON of \`pulumi stack output --json\``,
      );
    }
  } else {
    where = `the outputs of stack "${stack}"`;
    text = await pulumi(stack);
  }
  try {
    return { value: JSON.parse(text) as unknown, where };
  } catch (err) {
    throw new UploadError(
      'invalid-outputs',
      `${where} is not valid JSON (${errorMessage(err)}); expected the JSON object \`pulumi stack output --json\` prints`,
    );
  }
}

const HOW_TO_GET: Record<string, string> = {
  stagingBucket: 'run pulumi up on this stack (the staging bucket is part of every stack)',
  region: 'run pulumi up with a current version of the program (it exports region)',
  apiUrl: 'run pulumi up on this stack (the search API exports apiUrl)',
  loaderInstanceId:
    'turn the loader on: pulumi config set serverless-ir:loaderEnabled true && pulumi up',
  indexBucket: 'run pulumi up on this stack (an s3 stack exports its index bucket)',
  indexPrefix: 'run pulumi up on this stack (an s3 stack exports its index prefix)',
  searchFunctionName:
    'run pulumi up with a current version of the program (a bundled stack exports its search function)',
};

export function validateOutputs(
  value: unknown,
  { stack, where, requireLoader }: { stack: string; where: string; requireLoader: boolean },
): UploadTarget {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UploadError(
      'invalid-outputs',
      `${where} must be a JSON object of stack outputs, like the one \`pulumi stack output --json\` prints`,
    );
  }
  const o = value as Record<string, unknown>;
  const problems: string[] = [];
  const storage = o.indexStorage ?? 'efs';
  if (!(INDEX_STORAGE_KINDS as readonly unknown[]).includes(storage))
    problems.push(
      `indexStorage must be one of ${INDEX_STORAGE_KINDS.join(', ')}, got ${JSON.stringify(storage)}`,
    );
  const needed = [
    'stagingBucket',
    'region',
    'apiUrl',
    ...(requireLoader && storage === 'efs' ? ['loaderInstanceId'] : []),
    ...(storage === 's3' ? ['indexBucket', 'indexPrefix'] : []),
    ...(storage === 'bundled' ? ['searchFunctionName'] : []),
  ];
  for (const key of needed) {
    const v = o[key];
    if (v === undefined || v === null || v === '')
      problems.push(`${key} missing: ${HOW_TO_GET[key]}`);
    else if (typeof v !== 'string')
      problems.push(`${key} must be a string, got ${JSON.stringify(v)}`);
  }
  if (typeof o.apiUrl === 'string' && o.apiUrl !== '' && !/^https?:\/\//.test(o.apiUrl))
    problems.push(`apiUrl must be an http(s) URL, got "${o.apiUrl}"`);
  const keep = o.versionsToKeep;
  if (keep !== undefined && !(Number.isInteger(keep) && (keep as number) >= 1))
    problems.push(
      `versionsToKeep must be a whole number of at least 1, got ${JSON.stringify(keep)}`,
    );
  if (problems.length > 0)
    throw new UploadError(
      'invalid-outputs',
      `${where} cannot be used for an upload: ${problems.join('; ')}`,
    );
  const target: UploadTarget = {
    stack,
    stagingBucket: o.stagingBucket as string,
    region: o.region as string,
    apiUrl: (o.apiUrl as string).replace(/\/+$/, ''),
    indexStorage: storage as IndexStorage,
  };
  if (storage === 's3') {
    target.indexBucket = o.indexBucket as string;
    target.indexPrefix = o.indexPrefix as string;
  }
  if (storage === 'bundled') target.searchFunctionName = o.searchFunctionName as string;
  if (keep !== undefined) target.versionsToKeep = keep as number;
  if (typeof o.loaderInstanceId === 'string' && o.loaderInstanceId !== '')
    target.loaderInstanceId = o.loaderInstanceId;
  return target;
}
