/**
 * The whole stack, wired: config → staging (and job results) bucket → by `indexStorage`: on
 * `efs`, network (its S3 endpoint admits the buckets) → security groups → index store → (loader);
 * on `s3` the store is the staging bucket's `store/` prefix; on `bundled` the index ships in the
 * function → search API → uploaders' policy (naming the bundled function) → (job pipeline on
 * `efs` and `s3`, publishing through the store, adding `/jobs` routes to the search API's HTTP
 * API). `index.ts` calls this
 * once for `pulumi up`; tests and `npm run infra:graph` call it under mocks, so they exercise
 * exactly what `pulumi up` runs.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { repoPath, SEARCH_LAMBDA_DIR } from './artifacts.js';
import { checkBundledIndex } from './bundled-index.js';
import { loadConfig, type StackConfig } from './config.js';
import { ephemeralStorageMb } from '../runtime/cost/model.js';
import { type IndexStorage, S3_STORE_PREFIX } from '../runtime/lambda/index-env.js';
import { IndexStore } from './index-store.js';
import { JobPipeline, type JobStoreArgs } from './jobs/pipeline.js';
import { JobResults } from './jobs/results-bucket.js';
import { Loader } from './loader.js';
import { Network } from './network.js';
import { type IndexSource, SearchApi } from './search-api.js';
import { NetworkSecurity } from './security.js';
import { StagingBucket } from './staging-bucket.js';
import { UploadAccess } from './upload-access.js';

/** What `pulumi stack output` shows; `sir upload` reads these names. */
export interface StackOutputs {
  apiUrl: pulumi.Output<string>;
  docsUrl: pulumi.Output<string>;
  /** The storage tier; `sir upload` picks its route by it. */
  indexStorage: pulumi.Output<IndexStorage>;
  /** `s3` only: the bucket and prefix of the index store. */
  indexBucket: pulumi.Output<string> | undefined;
  indexPrefix: pulumi.Output<string> | undefined;
  /** Versions a publish keeps (the loader's, or `sir upload`'s on `s3`). */
  versionsToKeep: pulumi.Output<number>;
  /** `bundled` only: the search function whose versions `sir upload --stack` publishes. */
  searchFunctionName: pulumi.Output<string> | undefined;
  /** `efs` only. */
  efsId: pulumi.Output<string> | undefined;
  accessPointArn: pulumi.Output<string> | undefined;
  /** Absent while the loader is off. */
  loaderInstanceId: pulumi.Output<string> | undefined;
  stagingBucket: pulumi.Output<string>;
  region: pulumi.Output<string>;
  /** Present only with `apiKeyRequired`: attach it to whoever may call the API. */
  invokePolicyArn: pulumi.Output<string> | undefined;
  /** Attach it to whoever runs `sir upload` / `sir rollback --stack`. */
  uploadPolicyArn: pulumi.Output<string>;
  /** The job pipeline (absent with `jobsEnabled: false`); `sir jobs --stack` reads these names. */
  jobsResultsBucket: pulumi.Output<string> | undefined;
  jobsTaskQueueUrl: pulumi.Output<string> | undefined;
  jobsControlQueueUrl: pulumi.Output<string> | undefined;
  jobsReduceQueueUrl: pulumi.Output<string> | undefined;
  jobsTaskDlqUrl: pulumi.Output<string> | undefined;
  jobsControlDlqUrl: pulumi.Output<string> | undefined;
  jobsReduceDlqUrl: pulumi.Output<string> | undefined;
  /** CloudWatch alarms on the dead-letter queues' depth. */
  jobsDlqAlarmNames: pulumi.Output<string[]> | undefined;
  /** Attach it to whoever runs jobs. */
  jobsPolicyArn: pulumi.Output<string> | undefined;
  /** A worker's /tmp in MB: `sir jobs --stack` refuses a larger index for an evaluation. */
  jobsWorkerTmpMb: pulumi.Output<number> | undefined;
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
  // Before the network: on efs the reduce step writes it from the VPC, so the S3 endpoint names it.
  const results = config.jobsEnabled
    ? new JobResults(
        `${STACK_PREFIX}-job-results`,
        { expirationDays: config.jobsResultsExpirationDays },
        opts,
      )
    : undefined;
  const efs = config.indexStorage === 'efs' ? efsTier(config, staging, results, opts) : undefined;

  let index: IndexSource;
  if (efs !== undefined) index = efs.index;
  else if (config.indexStorage === 's3')
    index = {
      kind: 's3',
      bucketName: staging.bucketName,
      bucketArn: staging.bucketArn,
      prefix: S3_STORE_PREFIX,
      ephemeralStorageMb: ephemeralStorageMb(config.indexMaxMb * 1e6),
    };
  else {
    checkBundledIndex(config.indexPath, repoPath(SEARCH_LAMBDA_DIR));
    index = { kind: 'bundled', indexPath: config.indexPath };
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
      logRetentionDays: config.logRetentionDays,
      iamAuth: config.apiKeyRequired,
      index,
    },
    opts,
  );
  const uploaders = new UploadAccess(
    `${STACK_PREFIX}-uploaders`,
    {
      stagingBucketArn: staging.bucketArn,
      region: config.region,
      ...(config.indexStorage === 's3' ? { storePrefix: S3_STORE_PREFIX } : {}),
      ...(config.indexStorage === 'bundled' ? { searchFunctionArn: api.functionArn } : {}),
    },
    opts,
  );

  // The reduce step publishes through the store: EFS from the VPC, or the s3 tier's bucket
  // (config.ts refuses jobs on bundled, whose index is the function's artifact).
  const jobStore: JobStoreArgs | undefined = efs
    ? {
        kind: 'efs',
        mountPath: config.indexMountPath,
        privateSubnetIds: efs.network.privateSubnetIds,
        securityGroupId: efs.security.reduceSecurityGroupId!,
        fileSystemArn: efs.store.fileSystemArn,
        accessPointArn: efs.store.accessPointArn,
        mountTargets: efs.store.mountTargets,
        networkReady: [...efs.network.s3Route, ...efs.security.reduceRules],
      }
    : index.kind === 's3'
      ? {
          kind: 's3',
          bucketName: index.bucketName,
          bucketArn: index.bucketArn,
          prefix: index.prefix,
        }
      : undefined;
  const jobs =
    results && jobStore
      ? new JobPipeline(
          `${STACK_PREFIX}-jobs`,
          {
            maxWorkers: config.jobsMaxWorkers,
            workerMemoryMb: config.jobsWorkerMemoryMb,
            workerTimeoutSeconds: config.jobsWorkerTimeoutSeconds,
            workerTmpMb: config.jobsWorkerTmpMb,
            reduceMemoryMb: config.jobsReduceMemoryMb,
            logRetentionDays: config.logRetentionDays,
            store: jobStore,
            versionsToKeep: config.versionsToKeep,
            resultsBucketName: results.bucketName,
            resultsBucketArn: results.bucketArn,
            stagingBucketName: staging.bucketName,
            stagingBucketArn: staging.bucketArn,
            apiId: api.apiId,
            apiExecutionArn: api.executionArn,
            iamAuth: config.apiKeyRequired,
            alarmEmail: config.jobsAlarmEmail,
            region: config.region,
          },
          opts,
        )
      : undefined;

  return {
    apiUrl: api.url,
    docsUrl: pulumi.interpolate`${api.url}/docs`,
    indexStorage: pulumi.output(config.indexStorage),
    indexBucket: config.indexStorage === 's3' ? staging.bucketName : undefined,
    indexPrefix: config.indexStorage === 's3' ? pulumi.output(S3_STORE_PREFIX) : undefined,
    versionsToKeep: pulumi.output(config.versionsToKeep),
    searchFunctionName: config.indexStorage === 'bundled' ? api.functionName : undefined,
    efsId: efs?.store.fileSystemId,
    accessPointArn: efs?.store.accessPointArn,
    loaderInstanceId: efs?.loader?.instanceId,
    stagingBucket: staging.bucketName,
    region: pulumi.output(config.region),
    invokePolicyArn: api.invokePolicyArn,
    uploadPolicyArn: uploaders.policyArn,
    jobsResultsBucket: results?.bucketName,
    jobsTaskQueueUrl: jobs?.taskQueueUrl,
    jobsControlQueueUrl: jobs?.controlQueueUrl,
    jobsReduceQueueUrl: jobs?.reduceQueueUrl,
    jobsTaskDlqUrl: jobs?.taskDlqUrl,
    jobsControlDlqUrl: jobs?.controlDlqUrl,
    jobsReduceDlqUrl: jobs?.reduceDlqUrl,
    jobsDlqAlarmNames: jobs?.dlqAlarmNames,
    jobsPolicyArn: jobs?.userPolicyArn,
    jobsWorkerTmpMb: jobs ? pulumi.output(config.jobsWorkerTmpMb) : undefined,
  };
}

/**
 * The `efs` tier: the VPC (its S3 endpoint admits the stack's buckets), security groups, the EFS
 * store and, when on, the loader; and the search Lambda's view of them.
 */
function efsTier(
  config: StackConfig,
  staging: StagingBucket,
  results: JobResults | undefined,
  opts: pulumi.ComponentResourceOptions,
): {
  network: Network;
  security: NetworkSecurity;
  store: IndexStore;
  loader: Loader | undefined;
  index: IndexSource;
} {
  const network = new Network(
    `${STACK_PREFIX}-net`,
    {
      azCount: config.azCount,
      region: config.region,
      bucketArns: [staging.bucketArn, ...(results ? [results.bucketArn] : [])],
      writableBucketArns: results ? [results.bucketArn] : [],
    },
    opts,
  );
  const security = new NetworkSecurity(
    `${STACK_PREFIX}-sg`,
    {
      vpcId: network.vpcId,
      s3PrefixListId: network.s3PrefixListId,
      loaderEnabled: config.loaderEnabled,
      jobsEnabled: config.jobsEnabled,
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
  const loader = config.loaderEnabled
    ? new Loader(
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
      )
    : undefined;
  return {
    network,
    security,
    store,
    loader,
    index: {
      kind: 'efs',
      mountPath: config.indexMountPath,
      privateSubnetIds: network.privateSubnetIds,
      securityGroupId: security.lambdaSecurityGroupId,
      fileSystemArn: store.fileSystemArn,
      accessPointArn: store.accessPointArn,
      mountTargets: store.mountTargets,
      networkReady: security.lambdaRules,
    },
  };
}
