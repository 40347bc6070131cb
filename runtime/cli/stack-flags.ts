/**
 * The stack flags of `sir upload` and `sir rollback --stack`: one definition of the flags, their
 * help, their checks, and their translation into the upload core's `StackRequest`.
 */
import { CliError } from './command.js';
import { repoPath, SEARCH_LAMBDA_DIR } from '../../infra/artifacts.js';
import { type StackContext, resolveStack } from '../upload/index.js';

export const STACK_FLAG_OPTIONS = {
  stack: { type: 'string' },
  outputs: { type: 'string' },
  'local-store': { type: 'string' },
  's3-endpoint': { type: 'string' },
  'lambda-endpoint': { type: 'string' },
} as const;

export const STACK_FLAGS_HELP = `  --stack NAME           the Pulumi stack to act on (required)
  --outputs FILE         read the stack outputs from FILE (the JSON of
                         \`pulumi stack output --json\`) instead of running pulumi
  --local-store DIR      efs stacks: run the loader agent here, as a child process, on the
                         store DIR (with --s3-endpoint: a local stand-in for the whole stack)
  --s3-endpoint URL      S3-compatible endpoint for the stack's buckets (e.g. fauxqs): the
                         staging bucket, and the store of an s3 stack
  --lambda-endpoint URL  bundled stacks: a Lambda API endpoint standing in for AWS
                         (e.g. moto_server)`;

export interface StackFlags {
  stack?: string;
  outputs?: string;
  'local-store'?: string;
  's3-endpoint'?: string;
  'lambda-endpoint'?: string;
}

/** Checks the flags (usage errors name the flag) and resolves the stack they name. */
export function stackFromFlags(
  flags: StackFlags,
  options: { background?: boolean; keep?: number } = {},
): Promise<StackContext> {
  if (flags.stack === undefined || flags.stack === '')
    throw new CliError(
      '--stack NAME is required (the Pulumi stack whose loader runs the upload, e.g. dev)',
      2,
    );
  const storeDir = flags['local-store'];
  const s3Endpoint = flags['s3-endpoint'];
  if (storeDir !== undefined && s3Endpoint === undefined) {
    throw new CliError(
      '--local-store DIR needs --s3-endpoint URL (a local stand-in for the stack: the store and its buckets)',
      2,
    );
  }
  if (s3Endpoint !== undefined && !/^https?:\/\/[^/]+/.test(s3Endpoint))
    throw new CliError(
      `--s3-endpoint must be an http(s) URL such as http://127.0.0.1:4566, got "${s3Endpoint}"`,
      2,
    );
  const lambdaEndpoint = flags['lambda-endpoint'];
  if (lambdaEndpoint !== undefined && !/^https?:\/\/[^/]+/.test(lambdaEndpoint))
    throw new CliError(
      `--lambda-endpoint must be an http(s) URL such as http://127.0.0.1:5000, got "${lambdaEndpoint}"`,
      2,
    );
  return resolveStack({
    stack: flags.stack,
    ...(flags.outputs !== undefined ? { outputsFile: flags.outputs } : {}),
    ...(s3Endpoint !== undefined
      ? { local: { s3Endpoint, ...(storeDir !== undefined ? { storeDir } : {}) } }
      : {}),
    ...(lambdaEndpoint !== undefined ? { lambdaEndpoint } : {}),
    // A bundled stack's artifact carries the search bundle built beside this sir (npm run build).
    searchBundleDir: repoPath(SEARCH_LAMBDA_DIR),
    ...options,
  });
}
