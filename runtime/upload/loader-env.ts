/**
 * The loader agent's settings. On the instance they come from /etc/serverless-ir/loader.env
 * (written by the loader's user data, infra/loader-user-data.ts, and sourced into the environment
 * by the /usr/local/bin/sir wrapper); flags override the environment, which overrides the file.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_KEEP } from '../store/index.js';
import { DEFAULT_STAGING_PREFIX } from './staged-version.js';
import { UploadError } from './upload-error.js';

/** Same path as infra's LOADER_ENV_FILE; `SIR_LOADER_ENV` points elsewhere (tests, other hosts). */
export const LOADER_ENV_FILE = '/etc/serverless-ir/loader.env';

export interface AgentConfig {
  storeDir: string;
  bucket: string;
  prefix: string;
  keep: number;
  region: string;
  /** Custom S3 endpoint (local emulators); absent on the loader. */
  endpoint?: string;
}

export interface AgentFlags {
  store?: string;
  bucket?: string;
  prefix?: string;
  keep?: string;
  region?: string;
  's3-endpoint'?: string;
}

/** `KEY=VALUE` lines; blank lines and `#` comments skipped; surrounding quotes removed. */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0])
      value = value.slice(1, -1);
    vars[
      line
        .slice(0, eq)
        .replace(/^export\s+/, '')
        .trim()
    ] = value;
  }
  return vars;
}

function readEnvFile(file: string): Record<string, string> {
  try {
    return parseEnvFile(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

export function resolveAgentConfig(
  flags: AgentFlags,
  env: NodeJS.ProcessEnv = process.env,
): AgentConfig {
  const file = readEnvFile(env.SIR_LOADER_ENV ?? LOADER_ENV_FILE);
  const pick = (flag: string | undefined, key: string) => flag ?? env[key] ?? file[key];
  const storeDir = pick(flags.store, 'SIR_STORE_DIR');
  const bucket = pick(flags.bucket, 'SIR_STAGING_BUCKET');
  const region = pick(flags.region, 'AWS_REGION') ?? env.AWS_DEFAULT_REGION;
  const missing: string[] = [];
  if (!storeDir) missing.push('the index store folder (--store or SIR_STORE_DIR)');
  if (!bucket) missing.push('the staging bucket (--bucket or SIR_STAGING_BUCKET)');
  if (!region) missing.push('the AWS region (--region or AWS_REGION)');
  if (missing.length > 0) {
    throw new UploadError(
      'invalid-option',
      `the loader agent does not know ${missing.join(', ')}; on the loader these come from ${LOADER_ENV_FILE}`,
    );
  }
  const prefix = pick(flags.prefix, 'SIR_STAGING_PREFIX') ?? DEFAULT_STAGING_PREFIX;
  if (prefix !== '' && !prefix.endsWith('/'))
    throw new UploadError(
      'invalid-option',
      `the staging prefix must end with "/", got "${prefix}"`,
    );
  const keepText = pick(flags.keep, 'SIR_VERSIONS_TO_KEEP');
  const keep = keepText === undefined ? DEFAULT_KEEP : Number(keepText);
  if (!Number.isInteger(keep) || keep < 1)
    throw new UploadError(
      'invalid-option',
      `versions to keep must be an integer of at least 1, got "${keepText}"`,
    );
  const endpoint = pick(flags['s3-endpoint'], 'SIR_S3_ENDPOINT');
  return {
    storeDir: storeDir!,
    bucket: bucket!,
    prefix,
    keep,
    region: region!,
    ...(endpoint ? { endpoint } : {}),
  };
}
