/**
 * Turns `--stack NAME [--outputs FILE] [--local-store DIR --s3-endpoint URL]` into what the upload
 * and rollback commands act on: the stack's outputs, an S3 client for its staging bucket and the
 * transport that runs the loader agent (SSM in AWS; a local child process with --local-store).
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import type { S3Client } from '@aws-sdk/client-s3';
import { CliError } from '../cli/command.js';
import { DEFAULT_KEEP } from '../store/index.js';
import { LocalTransport } from './local-transport.js';
import type { LoaderTransport } from './loader-transport.js';
import { makeS3Client } from './s3.js';
import { SsmTransport } from './ssm-transport.js';
import { type PulumiRunner, type UploadTarget, readStackOutputs } from './stack-outputs.js';
import { DEFAULT_STAGING_PREFIX } from './staged-version.js';

export const STACK_FLAG_OPTIONS = {
  stack: { type: 'string' },
  outputs: { type: 'string' },
  'local-store': { type: 'string' },
  's3-endpoint': { type: 'string' },
} as const;

export const STACK_FLAGS_HELP = `  --stack NAME           the Pulumi stack to act on (required)
  --outputs FILE         read the stack outputs from FILE (the JSON of
                         \`pulumi stack output --json\`) instead of running pulumi
  --local-store DIR      run the loader agent here, as a child process, on the store DIR
                         (with --s3-endpoint: a local stand-in for the whole stack)
  --s3-endpoint URL      S3-compatible endpoint for the staging bucket (e.g. fauxqs)`;

export interface StackFlags {
  stack?: string;
  outputs?: string;
  'local-store'?: string;
  's3-endpoint'?: string;
}

export interface StackContext {
  target: UploadTarget;
  s3: S3Client;
  prefix: string;
  transport: LoaderTransport;
  local: boolean;
}

export async function resolveStack(
  flags: StackFlags,
  {
    background = false,
    keep = DEFAULT_KEEP,
    pulumi,
  }: { background?: boolean; keep?: number; pulumi?: PulumiRunner } = {},
): Promise<StackContext> {
  if (flags.stack === undefined || flags.stack === '')
    throw new CliError(
      '--stack NAME is required (the Pulumi stack whose loader runs the upload, e.g. dev)',
      2,
    );
  const localStore = flags['local-store'];
  const endpoint = flags['s3-endpoint'];
  if ((localStore === undefined) !== (endpoint === undefined)) {
    throw new CliError(
      '--local-store DIR and --s3-endpoint URL go together (a local stand-in for the stack); give both or neither',
      2,
    );
  }
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint))
    throw new CliError(
      `--s3-endpoint must be an http(s) URL such as http://127.0.0.1:4566, got "${endpoint}"`,
      2,
    );
  const local = localStore !== undefined;
  const target = await readStackOutputs({
    stack: flags.stack,
    requireLoader: !local,
    ...(flags.outputs !== undefined ? { outputsFile: flags.outputs } : {}),
    ...(pulumi ? { pulumi } : {}),
  });
  const prefix = DEFAULT_STAGING_PREFIX;
  const s3 = makeS3Client({
    region: target.region,
    ...(endpoint !== undefined ? { endpoint } : {}),
  });
  const transport: LoaderTransport = local
    ? new LocalTransport({
        config: {
          storeDir: localStore!,
          bucket: target.stagingBucket,
          prefix,
          keep,
          region: target.region,
          endpoint: endpoint!,
        },
        background,
      })
    : new SsmTransport({
        client: new SSMClient({ region: target.region }),
        instanceId: target.loaderInstanceId!,
        region: target.region,
      });
  return { target, s3, prefix, transport, local };
}
