/**
 * The whole stack, wired: config → staging bucket → network (its S3 endpoint admits the bucket) →
 * security groups → index store → uploaders' policy → (loader) → search API. `index.ts` calls this
 * once for `pulumi up`; tests and `npm run infra:graph` call it under mocks, so they exercise
 * exactly what `pulumi up` runs.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { loadConfig, type StackConfig } from './config.js';
import { IndexStore } from './index-store.js';
import { Loader } from './loader.js';
import { Network } from './network.js';
import { SearchApi } from './search-api.js';
import { NetworkSecurity } from './security.js';
import { StagingBucket } from './staging-bucket.js';
import { UploadAccess } from './upload-access.js';

/** What `pulumi stack output` shows; `sir upload` reads these names. */
export interface StackOutputs {
  apiUrl: pulumi.Output<string>;
  docsUrl: pulumi.Output<string>;
  efsId: pulumi.Output<string>;
  accessPointArn: pulumi.Output<string>;
  /** Absent while the loader is off. */
  loaderInstanceId: pulumi.Output<string> | undefined;
  stagingBucket: pulumi.Output<string>;
  region: pulumi.Output<string>;
  /** Present only with `apiKeyRequired`: attach it to whoever may call the API. */
  invokePolicyArn: pulumi.Output<string> | undefined;
  /** Attach it to whoever runs `sir upload` / `sir rollback --stack`. */
  uploadPolicyArn: pulumi.Output<string>;
}

/** Base name of every component; child names derive from it. */
export const STACK_PREFIX = 'sir';

export function createStack(config: StackConfig = loadConfig()): StackOutputs {
  // One explicit provider, so the region comes from this project's config and nothing else.
  const provider = new aws.Provider(`${STACK_PREFIX}-aws`, {
    region: config.region as aws.Region,
    defaultTags: { tags: { project: 'serverless-ir', stack: pulumi.getStack() } },
  });
  const opts: pulumi.ComponentResourceOptions = { providers: [provider] };

  const staging = new StagingBucket(
    `${STACK_PREFIX}-staging`,
    { expirationDays: config.stagingExpirationDays },
    opts,
  );
  const network = new Network(
    `${STACK_PREFIX}-net`,
    { azCount: config.azCount, region: config.region, bucketArns: [staging.bucketArn] },
    opts,
  );
  const security = new NetworkSecurity(
    `${STACK_PREFIX}-sg`,
    {
      vpcId: network.vpcId,
      s3PrefixListId: network.s3PrefixListId,
      loaderEnabled: config.loaderEnabled,
      // Not wired yet: the JobPipeline component follows (infra/jobs/).
      jobsEnabled: false,
    },
    opts,
  );
  const store = new IndexStore(
    `${STACK_PREFIX}-store`,
    {
      privateSubnetIds: network.privateSubnetIds,
      subnetCount: config.azCount,
      efsSecurityGroupId: security.efsSecurityGroupId,
      throughputMode: config.efsThroughputMode,
      provisionedThroughputMibps: config.efsProvisionedThroughputMibps,
      backups: config.efsBackups,
    },
    opts,
  );
  const uploaders = new UploadAccess(
    `${STACK_PREFIX}-uploaders`,
    { stagingBucketArn: staging.bucketArn, region: config.region },
    opts,
  );

  let loader: Loader | undefined;
  if (config.loaderEnabled) {
    loader = new Loader(
      `${STACK_PREFIX}-loader`,
      {
        instanceType: config.loaderInstanceType,
        region: config.region,
        stack: pulumi.getStack(),
        mountPath: config.indexMountPath,
        versionsToKeep: config.versionsToKeep,
        privateSubnetIds: network.privateSubnetIds,
        vpcId: network.vpcId,
        loaderSecurityGroupId: security.loaderSecurityGroupId!,
        endpointSecurityGroupId: security.endpointSecurityGroupId!,
        fileSystemId: store.fileSystemId,
        fileSystemArn: store.fileSystemArn,
        accessPointId: store.accessPointId,
        accessPointArn: store.accessPointArn,
        mountTargets: store.mountTargets,
        networkReady: [...network.s3Route, ...security.loaderRules],
        stagingBucket: staging.bucket,
      },
      opts,
    );
  }

  const api = new SearchApi(
    `${STACK_PREFIX}-api`,
    {
      memoryMb: config.lambdaMemoryMb,
      timeoutSeconds: config.lambdaTimeoutSeconds,
      reservedConcurrency: config.reservedConcurrency,
      throttlingRateLimit: config.apiThrottlingRateLimit,
      throttlingBurstLimit: config.apiThrottlingBurstLimit,
      corsOrigins: config.corsOrigins,
      mountPath: config.indexMountPath,
      logRetentionDays: config.logRetentionDays,
      iamAuth: config.apiKeyRequired,
      privateSubnetIds: network.privateSubnetIds,
      lambdaSecurityGroupId: security.lambdaSecurityGroupId,
      fileSystemArn: store.fileSystemArn,
      accessPointArn: store.accessPointArn,
      mountTargets: store.mountTargets,
      networkReady: security.lambdaRules,
    },
    opts,
  );

  // ── Job pipeline (later issue) ─────────────────────────────────────────────────────────────
  // SQS queues, worker Lambdas and the dead-letter alarm will be one more component here,
  // built from infra/jobs/ and fed `network`, `security` and `store` like the SearchApi.

  return {
    apiUrl: api.url,
    docsUrl: pulumi.interpolate`${api.url}/docs`,
    efsId: store.fileSystemId,
    accessPointArn: store.accessPointArn,
    loaderInstanceId: loader?.instanceId,
    stagingBucket: staging.bucketName,
    region: pulumi.output(config.region),
    invokePolicyArn: api.invokePolicyArn,
    uploadPolicyArn: uploaders.policyArn,
  };
}
