/**
 * The loader agent's settings. On the instance they come from the settings file of the loader
 * contract (loader-contract.ts: written by the user data, sourced into the environment by the
 * `sir` wrapper); flags override the environment, which overrides the file.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_KEEP } from '../store/index.js';
import {
  LOADER_ENV_FILE,
  LOADER_ENV_FILE_VAR,
  LOADER_ENV_VARS as VAR,
  type LoaderSettings,
  STAGING_PREFIX,
} from './loader-contract.js';
import { UploadError } from './upload-error.js';

export type AgentConfig = LoaderSettings;

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
  const file = readEnvFile(env[LOADER_ENV_FILE_VAR] ?? LOADER_ENV_FILE);
  const pick = (flag: string | undefined, key: string) => flag ?? env[key] ?? file[key];
  const storeDir = pick(flags.store, VAR.storeDir);
  const bucket = pick(flags.bucket, VAR.bucket);
  const region = pick(flags.region, VAR.region) ?? env.AWS_DEFAULT_REGION;
  const missing: string[] = [];
  if (!storeDir) missing.push(`the index store folder (--store or ${VAR.storeDir})`);
  if (!bucket) missing.push(`the staging bucket (--bucket or ${VAR.bucket})`);
  if (!region) missing.push(`the AWS region (--region or ${VAR.region})`);
  if (missing.length > 0) {
    throw new UploadError(
      'invalid-option',
      `the loader agent does not know ${missing.join(', ')}; on the loader these come from ${LOADER_ENV_FILE}`,
    );
  }
  const prefix = pick(flags.prefix, VAR.prefix) ?? STAGING_PREFIX;
  if (prefix !== '' && !prefix.endsWith('/'))
    throw new UploadError(
      'invalid-option',
      `the staging prefix must end with "/", got "${prefix}"`,
    );
  const keepText = pick(flags.keep, VAR.keep);
  const keep = keepText === undefined ? DEFAULT_KEEP : Number(keepText);
  if (!Number.isInteger(keep) || keep < 1)
    throw new UploadError(
      'invalid-option',
      `versions to keep must be an integer of at least 1, got "${keepText}"`,
    );
  const endpoint = pick(flags['s3-endpoint'], VAR.endpoint);
  return {
    storeDir: storeDir!,
    bucket: bucket!,
    prefix,
    keep,
    region: region!,
    ...(endpoint ? { endpoint } : {}),
  };
}
