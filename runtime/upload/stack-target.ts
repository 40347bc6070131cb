/**
 * What the upload and rollback commands act on: the stack's outputs, an S3 client for its staging
 * bucket and, by the stack's `indexStorage`: on `efs`, the transport that runs the loader agent
 * (SSM in AWS; a local child process on a store on this machine, with an S3-compatible endpoint
 * standing in for the bucket); on `s3`, the store in the bucket itself, written directly; on
 * `bundled`, the search function, published to through the Lambda API (bundled-publish.ts).
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { S3Client } from '@aws-sdk/client-s3';
import { checkIndexVersion } from '../engine/index.js';
import { DEFAULT_KEEP, S3IndexStore, silentLogger } from '../store/index.js';
import type { BundledTarget } from './bundled-publish.js';
import { LocalTransport } from './local-transport.js';
import type { LoaderTransport } from './loader-transport.js';
import { localEndpointConfig, makeS3Client } from './s3.js';
import { SsmTransport } from './ssm-transport.js';
import { type PulumiRunner, type UploadTarget, readStackOutputs } from './stack-outputs.js';
import { STAGING_PREFIX } from './loader-contract.js';
import { UploadError } from './upload-error.js';

export interface StackRequest {
  /** The Pulumi stack name. */
  stack: string;
  /** Read the outputs from this JSON file instead of asking the Pulumi CLI. */
  outputsFile?: string;
  /**
   * Local stand-ins: on an `efs` stack, run the agent here as a child process on `storeDir`; the
   * buckets (staging, and the `s3` tier's store) at `s3Endpoint`.
   */
  local?: { storeDir?: string; s3Endpoint: string };
  /** A Lambda API endpoint standing in for AWS (moto_server), for a `bundled` stack. */
  lambdaEndpoint?: string;
  /** The built search bundle a `bundled` stack's artifact carries (`dist/lambda/search`). */
  searchBundleDir?: string;
  /** Start the local agent detached (`--no-wait`). */
  background?: boolean;
  /** Versions kept: the local agent's, or an `s3` stack's when it exports no versionsToKeep. */
  keep?: number;
  pulumi?: PulumiRunner;
}

interface StackCommon {
  target: UploadTarget;
  /** A client for the stack's buckets. */
  s3: S3Client;
  /** Staging prefix in the staging bucket. */
  prefix: string;
}

/** An `efs` stack: versions go live through the loader agent. */
export interface LoaderStack extends StackCommon {
  storage: 'efs';
  transport: LoaderTransport;
}

/** An `s3` stack: the store is the bucket, written directly; `keep` versions are kept. */
export interface BucketStack extends StackCommon {
  storage: 's3';
  store: S3IndexStore;
  keep: number;
}

/** A `bundled` stack: a version is a function version behind the `live` alias. */
export interface FunctionStack extends StackCommon {
  storage: 'bundled';
  function: BundledTarget;
}

export type StackContext = LoaderStack | BucketStack | FunctionStack;

export async function resolveStack({
  stack,
  outputsFile,
  local,
  background = false,
  keep = DEFAULT_KEEP,
  pulumi,
  lambdaEndpoint,
  searchBundleDir,
}: StackRequest): Promise<StackContext> {
  const target = await readStackOutputs({
    stack,
    requireLoader: local?.storeDir === undefined,
    ...(outputsFile !== undefined ? { outputsFile } : {}),
    ...(pulumi ? { pulumi } : {}),
  });
  const prefix = STAGING_PREFIX;
  const s3 = makeS3Client({
    region: target.region,
    ...(local !== undefined ? { endpoint: local.s3Endpoint } : {}),
  });
  if (target.indexStorage === 'bundled') {
    if (searchBundleDir === undefined)
      throw new UploadError(
        'invalid-option',
        `stack "${stack}" keeps its index inside the search function (indexStorage bundled), and this sir has no search bundle to ship with it; run sir from the repository after npm run build`,
      );
    const lambda = new LambdaClient({
      region: target.region,
      maxAttempts: 5,
      ...(lambdaEndpoint !== undefined ? localEndpointConfig(lambdaEndpoint) : {}),
    });
    return {
      storage: 'bundled',
      target,
      s3,
      prefix,
      function: {
        lambda,
        functionName: target.searchFunctionName!,
        s3,
        bucket: target.stagingBucket,
        bundleDir: searchBundleDir,
      },
    };
  }
  if (target.indexStorage === 's3') {
    const store = new S3IndexStore({
      client: s3,
      bucket: target.indexBucket!,
      prefix: target.indexPrefix!,
      logger: silentLogger,
      validate: checkIndexVersion,
    });
    return { storage: 's3', target, s3, prefix, store, keep: target.versionsToKeep ?? keep };
  }
  if (local !== undefined && local.storeDir === undefined)
    throw new UploadError(
      'invalid-option',
      `stack "${stack}" keeps its index on EFS: a local stand-in needs --local-store DIR as well as --s3-endpoint`,
    );
  const transport: LoaderTransport = local
    ? new LocalTransport({
        config: {
          storeDir: local.storeDir!,
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
  return { storage: 'efs', target, s3, prefix, transport };
}
