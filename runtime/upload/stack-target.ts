/**
 * What the upload and rollback commands act on: the stack's outputs, an S3 client for its staging
 * bucket and the transport that runs the loader agent (SSM in AWS; a local child process on a
 * store on this machine, with an S3-compatible endpoint standing in for the bucket).
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import type { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_KEEP } from '../store/index.js';
import { LocalTransport } from './local-transport.js';
import type { LoaderTransport } from './loader-transport.js';
import { makeS3Client } from './s3.js';
import { SsmTransport } from './ssm-transport.js';
import { type PulumiRunner, type UploadTarget, readStackOutputs } from './stack-outputs.js';
import { STAGING_PREFIX } from './loader-contract.js';

export interface StackRequest {
  /** The Pulumi stack name. */
  stack: string;
  /** Read the outputs from this JSON file instead of asking the Pulumi CLI. */
  outputsFile?: string;
  /** Run the agent here, as a child process, on this store, with this S3 endpoint. */
  local?: { storeDir: string; s3Endpoint: string };
  /** Start the local agent detached (`--no-wait`). */
  background?: boolean;
  /** Versions the local agent keeps (on AWS the stack's versionsToKeep applies). */
  keep?: number;
  pulumi?: PulumiRunner;
}

export interface StackContext {
  target: UploadTarget;
  s3: S3Client;
  prefix: string;
  transport: LoaderTransport;
}

export async function resolveStack({
  stack,
  outputsFile,
  local,
  background = false,
  keep = DEFAULT_KEEP,
  pulumi,
}: StackRequest): Promise<StackContext> {
  const target = await readStackOutputs({
    stack,
    requireLoader: local === undefined,
    ...(outputsFile !== undefined ? { outputsFile } : {}),
    ...(pulumi ? { pulumi } : {}),
  });
  const prefix = STAGING_PREFIX;
  const s3 = makeS3Client({
    region: target.region,
    ...(local !== undefined ? { endpoint: local.s3Endpoint } : {}),
  });
  const transport: LoaderTransport = local
    ? new LocalTransport({
        config: {
          storeDir: local.storeDir,
          bucket: target.stagingBucket,
          prefix,
          keep,
          region: target.region,
          endpoint: local.s3Endpoint,
        },
        background,
      })
    : new SsmTransport({
        client: new SSMClient({ region: target.region }),
        instanceId: target.loaderInstanceId!,
        region: target.region,
      });
  return { target, s3, prefix, transport };
}
