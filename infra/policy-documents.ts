/**
 * IAM, EFS, S3 and VPC endpoint policy documents as plain functions of plain strings, so they can
 * be unit tested without Pulumi and read in one place. Components call them inside
 * `pulumi.all(...).apply(...)`.
 *
 * Invariant: nothing here grants `*` actions, and `*` resources only in explicit Deny statements,
 * for `ssm:GetCommandInvocation`, which supports no resource-level permissions, and in a key
 * policy, where `*` means the key itself.
 */
import {
  CACHE_PREFIX,
  CACHED_EVAL_PREFIX,
  CACHED_INDEX_PREFIX,
  CACHED_SEGMENTS_PREFIX,
  JOBS_PREFIX,
  RECENT_PREFIX,
  RESOLVE_PREFIX,
} from '../runtime/jobs/keys.js';
import { STAGING_PREFIX, TOOLING_PREFIX } from '../runtime/upload/loader-contract.js';

export { STAGING_PREFIX, TOOLING_PREFIX };

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  /** `"*"` only in resource and endpoint policies, where identity policies still decide. */
  Principal?: '*' | { AWS?: string | string[]; Service?: string };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

function document(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** Trust policy letting one AWS service (lambda.amazonaws.com, ec2.amazonaws.com) assume a role. */
export function assumeRolePolicy(service: string): PolicyDocument {
  return document({
    Sid: 'AssumeByService',
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sts:AssumeRole',
  });
}

/**
 * EFS client permissions through one access point. The search Lambda gets `ClientMount` only,
 * which makes its mount read-only (no `ClientWrite`, never `ClientRootAccess`); the loader also
 * gets `ClientWrite` because it publishes new index versions.
 */
export function efsClientPolicy(
  fileSystemArn: string,
  accessPointArn: string,
  write: boolean,
): PolicyDocument {
  const actions = write
    ? ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite']
    : ['elasticfilesystem:ClientMount'];
  return document({
    Sid: write ? 'MountIndexStoreReadWrite' : 'MountIndexStoreReadOnly',
    Effect: 'Allow',
    Action: actions,
    Resource: fileSystemArn,
    Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': accessPointArn } },
  });
}

/** The EFS client actions; the index store's policy confines all of them to its access point. */
export const EFS_CLIENT_ACTIONS = [
  'elasticfilesystem:ClientMount',
  'elasticfilesystem:ClientWrite',
  'elasticfilesystem:ClientRootAccess',
] as const;

/**
 * File-system policy of the index store.
 * - Deny every request that does not use TLS (`aws:SecureTransport`), whoever sends it.
 * - Deny mounting, writing and root access to every principal unless the request comes through
 *   this stack's access point (`elasticfilesystem:AccessPointArn`; absent when a client mounts the
 *   file system's root, so such a mount is denied too). Explicit, so that no identity policy — not
 *   even an administrator's `elasticfilesystem:*` — can reach `/` or act as root.
 * - Allow mounting and writing only to IAM principals of this account, only through a mount target
 *   and the access point. An NFS client that mounts without IAM is anonymous, matches no Allow and
 *   is refused. Each principal still needs its own identity policy (`efsClientPolicy`).
 */
export function fileSystemPolicy(
  fileSystemArn: string,
  accountId: string,
  accessPointArn: string,
): PolicyDocument {
  return document(
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: '*',
      Resource: fileSystemArn,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'DenyClientsOutsideTheAccessPoint',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: [...EFS_CLIENT_ACTIONS],
      Resource: fileSystemArn,
      Condition: { StringNotEquals: { 'elasticfilesystem:AccessPointArn': accessPointArn } },
    },
    {
      Sid: 'AllowAccountPrincipalsThroughTheAccessPoint',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      Resource: fileSystemArn,
      Condition: {
        Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' },
        StringEquals: { 'elasticfilesystem:AccessPointArn': accessPointArn },
      },
    },
  );
}

/** Bucket policy of the staging bucket: refuse any request made without TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return document({
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: 's3:*',
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });
}

/**
 * What the loader may do in the staging bucket: list and read staged versions, delete them once
 * published, and read the tooling artifact it installs at boot. Nothing outside those prefixes.
 */
export function loaderBucketPolicy(bucketArn: string): PolicyDocument {
  return document(
    {
      Sid: 'ListStagedVersions',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucketArn,
      Condition: { StringLike: { 's3:prefix': [`${STAGING_PREFIX}*`, `${TOOLING_PREFIX}*`] } },
    },
    {
      Sid: 'ReadAndRemoveStagedVersions',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:DeleteObject'],
      Resource: `${bucketArn}/${STAGING_PREFIX}*`,
    },
    {
      Sid: 'ReadLoaderTooling',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `${bucketArn}/${TOOLING_PREFIX}*`,
    },
  );
}

/**
 * The S3 bucket AWS serves the Amazon Linux 2023 package repositories from, in a region: what
 * `dnf` on the loader reaches through the gateway endpoint (AWS names it for endpoint policies and
 * DNS firewalls in the network requirements of services that run AL2023 in private subnets).
 */
export function amazonLinuxRepositoryBucketArn(region: string): string {
  return `arn:aws:s3:::al2023-repos-${region}-de612dc2`;
}

/**
 * Policy of the VPC's S3 gateway endpoint: the most any principal in the private subnets can do
 * in S3 — read, list and delete in the stack's own buckets (the staging bucket today; the job
 * pipeline adds its results bucket), and read the Amazon Linux package repositories. Nothing else:
 * no other bucket, in any account, can be read or written from inside the VPC.
 */
export function s3GatewayEndpointPolicy(
  region: string,
  bucketArns: string[],
  writableBucketArns: string[] = [],
): PolicyDocument {
  return document(
    {
      Sid: 'StackBuckets',
      Effect: 'Allow',
      Principal: '*',
      Action: ['s3:GetObject', 's3:DeleteObject', 's3:ListBucket'],
      Resource: bucketArns.flatMap((arn) => [arn, `${arn}/*`]),
    },
    ...(writableBucketArns.length > 0
      ? [
          {
            // The job pipeline's reduce step writes its result (and a kept index) from the VPC.
            Sid: 'WritableStackBuckets',
            Effect: 'Allow' as const,
            Principal: '*' as const,
            Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
            Resource: writableBucketArns.map((arn) => `${arn}/*`),
          },
        ]
      : []),
    {
      Sid: 'AmazonLinuxRepositories',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `${amazonLinuxRepositoryBucketArn(region)}/*`,
    },
  );
}

/** Tag on the loader instance that the uploaders' policy keys on (value: the stack name). */
export const LOADER_TAG_KEY = 'serverless-ir-loader';

export interface UploaderPolicyArgs {
  stagingBucketArn: string;
  /** On an `s3` stack: the store's prefix in the staging bucket, which uploaders publish into. */
  storePrefix?: string;
  region: string;
  accountId: string;
  /** The stack's name: the value of `LOADER_TAG_KEY` on its loader. */
  stack: string;
  /** On a `bundled` stack: the search function's unqualified ARN, which uploaders publish to. */
  searchFunctionArn?: string;
}

/**
 * What the people who run `sir upload` and `sir rollback --stack` need, and nothing more: stage
 * files under `staging/` (resumable, so also read them back and abort unfinished multipart uploads),
 * then publish: on an `s3` stack into the store's prefix, on a `bundled` stack the search
 * function's versions, on an `efs` stack (the only one with a loader) by running
 * `AWS-RunShellScript` on this stack's loader — any instance carrying the loader tag with this
 * stack's name, so the policy survives the loader being replaced or switched off and on — and
 * reading the command's output.
 */
export function uploaderPolicy(a: UploaderPolicyArgs): PolicyDocument {
  const efs = a.storePrefix === undefined && a.searchFunctionArn === undefined;
  return document(
    {
      Sid: 'StageVersions',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
      Resource: `${a.stagingBucketArn}/${STAGING_PREFIX}*`,
    },
    {
      // Without it S3 answers 403 instead of 404 for an object not staged yet, which is what the
      // resume check asks; it reveals key names only (the bucket holds staged uploads and tooling).
      Sid: 'SeeWhatIsStaged',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: a.stagingBucketArn,
    },
    ...(a.storePrefix !== undefined
      ? storeWriterStatements(a.stagingBucketArn, a.storePrefix)
      : []),
    ...(a.searchFunctionArn !== undefined ? [functionPublisherStatement(a.searchFunctionArn)] : []),
    ...(efs ? loaderAgentStatements(a) : []),
  );
}

function loaderAgentStatements(a: UploaderPolicyArgs): PolicyStatement[] {
  return [
    {
      Sid: 'RunTheLoaderAgent',
      Effect: 'Allow',
      Action: 'ssm:SendCommand',
      Resource: `arn:aws:ec2:${a.region}:${a.accountId}:instance/*`,
      Condition: { StringEquals: { [`ssm:resourceTag/${LOADER_TAG_KEY}`]: a.stack } },
    },
    {
      Sid: 'WithTheShellScriptDocument',
      Effect: 'Allow',
      Action: 'ssm:SendCommand',
      Resource: `arn:aws:ssm:${a.region}::document/AWS-RunShellScript`,
    },
    {
      Sid: 'FollowTheCommand',
      Effect: 'Allow',
      Action: 'ssm:GetCommandInvocation',
      Resource: '*',
    },
  ];
}

/**
 * What the search Lambda of an `s3` stack may do in the bucket: read the index versions and
 * `CURRENT` under the store's prefix, and nothing else — not the staged uploads beside them, not
 * a write anywhere. `s3:ListBucket`, limited to the store's keys, makes S3 answer 404 (nothing
 * published yet) instead of 403 for a `CURRENT` that does not exist.
 */
export function indexReaderPolicy(bucketArn: string, prefix: string): PolicyDocument {
  return document(...indexReaderStatements(bucketArn, prefix));
}

/** Reading an `s3` store (versions and `CURRENT`), for the search Lambda and the jobs API alike. */
function indexReaderStatements(bucketArn: string, prefix: string): PolicyStatement[] {
  return [
    {
      Sid: 'ReadIndexVersionsAndCurrent',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: [`${bucketArn}/${prefix}versions/*`, `${bucketArn}/${prefix}CURRENT`],
    },
    storeListing(bucketArn, prefix),
  ];
}

/** `s3:ListBucket` limited to the store's keys: listing versions, and 404 (not 403) for a missing one. */
function storeListing(bucketArn: string, prefix: string): PolicyStatement {
  return {
    Sid: 'TellMissingFromDenied',
    Effect: 'Allow',
    Action: 's3:ListBucket',
    Resource: bucketArn,
    Condition: { StringLike: { 's3:prefix': [`${prefix}CURRENT`, `${prefix}versions/*`] } },
  };
}

/** What `sir upload`, `sir rollback` and `sir versions` call on a `bundled` stack's function. */
export const FUNCTION_PUBLISHER_ACTIONS = [
  'lambda:UpdateFunctionCode',
  'lambda:GetFunctionConfiguration',
  'lambda:PublishVersion',
  'lambda:ListVersionsByFunction',
  'lambda:GetAlias',
  'lambda:UpdateAlias',
] as const;

/**
 * On a `bundled` stack, on top of staging (Lambda reads the artifact from `staging/` with the
 * caller's own `s3:GetObject`): replace the search function's code, wait for it, publish it as a
 * version, list the versions, and read and move its aliases — on that one function, its versions
 * and aliases (`function:NAME:*`, the qualified ARNs), and no other. Nothing that creates,
 * deletes or reconfigures a function, and no `lambda:InvokeFunction`.
 */
export function functionPublisherStatement(functionArn: string): PolicyStatement {
  return {
    Sid: 'PublishSearchFunctionVersions',
    Effect: 'Allow',
    Action: [...FUNCTION_PUBLISHER_ACTIONS],
    Resource: [functionArn, `${functionArn}:*`],
  };
}

/**
 * What `sir upload` and `sir rollback --stack` need on an `s3` stack, on top of staging: write,
 * read and delete (retention) the store's objects under its prefix, and list them.
 */
export function storeWriterStatements(bucketArn: string, prefix: string): PolicyStatement[] {
  return [
    {
      Sid: 'PublishIndexVersions',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
      Resource: `${bucketArn}/${prefix}*`,
    },
  ];
}

/** Lets a caller invoke every route of one HTTP API (used when `apiKeyRequired` turns on IAM auth). */
export function invokeApiPolicy(apiExecutionArn: string): PolicyDocument {
  return document({
    Sid: 'InvokeSearchApi',
    Effect: 'Allow',
    Action: 'execute-api:Invoke',
    Resource: `${apiExecutionArn}/*`,
  });
}

// ── Job pipeline (infra/jobs/) ─────────────────────────────────────────────────────────────────
// Each function gets what its code calls and nothing more: the queue its event-source mapping
// reads (Lambda polls with the function's role), the queues it sends to, and the results-bucket
// prefixes it reads or writes. `s3:ListBucket` on the results bucket turns "no such key" into 404
// instead of 403, which the pipeline reads as "not there yet"; it reveals key names only.

/** The pipeline's queues, by role, and their dead-letter queues. */
export interface JobQueueArns {
  task: string;
  control: string;
  reduce: string;
  taskDlq: string;
  controlDlq: string;
  reduceDlq: string;
}

export interface JobPolicyArgs {
  resultsBucketArn: string;
  stagingBucketArn: string;
  queues: JobQueueArns;
  /**
   * An `s3` stack's index store: the reduce step publishes into it, the API (and job users)
   * resolve an evaluation's `live` or version id in it, the workers read the resolved index file.
   * Absent on `efs`, where the reduce step mounts the store instead: the API asks it over the
   * reduce queue which version `live` is, and it copies that version's index file to
   * `cache/index/` for the workers (runtime/jobs/evaluate/resolve-index.ts).
   */
  indexStore?: { bucketArn: string; prefix: string };
}

/** What an event-source mapping needs to feed a function from `queueArn`. */
function consumeQueue(sid: string, queueArn: string, changeVisibility = false): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: [
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      ...(changeVisibility ? ['sqs:ChangeMessageVisibility'] : []),
    ],
    Resource: queueArn,
  };
}

const listResults = (bucketArn: string): PolicyStatement => ({
  Sid: 'ListResults',
  Effect: 'Allow',
  Action: 's3:ListBucket',
  Resource: bucketArn,
});

const objects = (bucketArn: string, ...prefixes: string[]) =>
  prefixes.map((prefix) => `${bucketArn}/${prefix}*`);

/** The map worker: a task in, its input read, its segment and record written, its outcome sent. */
export function jobWorkerPolicy(a: JobPolicyArgs): PolicyDocument {
  return document(
    // ChangeMessageVisibility: a failed task comes back after an exponential delay.
    consumeQueue('ConsumeTasks', a.queues.task, true),
    {
      Sid: 'ReportOutcomes',
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: a.queues.control,
    },
    {
      Sid: 'ReadInputs',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: objects(a.stagingBucketArn, STAGING_PREFIX),
    },
    ...(a.indexStore
      ? [
          {
            Sid: 'ReadIndexVersions',
            Effect: 'Allow' as const,
            Action: 's3:GetObject',
            Resource: `${a.indexStore.bucketArn}/${a.indexStore.prefix}versions/*`,
          },
        ]
      : []),
    listResults(a.resultsBucketArn),
    {
      Sid: 'ReadTaskInputsAndCaches',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: objects(a.resultsBucketArn, JOBS_PREFIX, CACHE_PREFIX),
    },
    // Not `cache/index/`: later jobs trust a store version copied there by the reduce function.
    {
      Sid: 'WriteTaskOutputs',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
      Resource: objects(
        a.resultsBucketArn,
        JOBS_PREFIX,
        CACHED_SEGMENTS_PREFIX,
        CACHED_EVAL_PREFIX,
      ),
    },
  );
}

/** The coordinator: control messages in, job states read and written, tasks and reduce sent. */
export function jobCoordinatorPolicy(a: JobPolicyArgs): PolicyDocument {
  return document(
    consumeQueue('ConsumeControl', a.queues.control),
    {
      Sid: 'ReleaseTasksAndReduce',
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: [a.queues.task, a.queues.reduce],
    },
    // The QueueDepth policy reads the task queue's depth.
    {
      Sid: 'TaskQueueDepth',
      Effect: 'Allow',
      Action: 'sqs:GetQueueAttributes',
      Resource: a.queues.task,
    },
    listResults(a.resultsBucketArn),
    {
      Sid: 'JobStates',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: objects(a.resultsBucketArn, JOBS_PREFIX),
    },
  );
}

/**
 * The reduce step: a reduce message in, the job's outputs read, its result written (no SQS
 * sends); on an `s3` stack also the store's publish: write (and, for retention, delete) under
 * `versions/`, read and conditionally replace `CURRENT`, list the store's keys — nothing else in
 * the bucket (not the staged uploads beside it).
 */
export function jobReducePolicy(a: JobPolicyArgs): PolicyDocument {
  return document(
    consumeQueue('ConsumeReduce', a.queues.reduce),
    listResults(a.resultsBucketArn),
    {
      Sid: 'ReadOutputsWriteResults',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      Resource: objects(a.resultsBucketArn, JOBS_PREFIX),
    },
    ...(a.indexStore
      ? storePublisherStatements(a.indexStore.bucketArn, a.indexStore.prefix)
      : [
          {
            Sid: 'AnswerResolvesCopyIndexesOut',
            Effect: 'Allow' as const,
            Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
            Resource: objects(a.resultsBucketArn, RESOLVE_PREFIX, CACHED_INDEX_PREFIX),
          },
        ]),
  );
}

/** What a publisher to an `s3` stack's store does, and only that (the store's layout, s3-store.ts). */
function storePublisherStatements(bucketArn: string, prefix: string): PolicyStatement[] {
  return [
    {
      Sid: 'PublishIndexVersions',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
      Resource: `${bucketArn}/${prefix}versions/*`,
    },
    {
      Sid: 'FlipCurrent',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: `${bucketArn}/${prefix}CURRENT`,
    },
    storeListing(bucketArn, prefix),
  ];
}

/** Submitting, reading and retrying jobs: what the jobs API function does, and `sir jobs --stack`. */
function jobClientStatements(a: JobPolicyArgs): PolicyStatement[] {
  return [
    {
      Sid: 'SubmitAndRetry',
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: a.queues.control,
    },
    {
      Sid: 'QueueDepths',
      Effect: 'Allow',
      Action: 'sqs:GetQueueAttributes',
      Resource: [a.queues.task, a.queues.taskDlq, a.queues.controlDlq, a.queues.reduceDlq],
    },
    listResults(a.resultsBucketArn),
    {
      Sid: 'JobRecords',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: objects(a.resultsBucketArn, JOBS_PREFIX, RECENT_PREFIX),
    },
    // Inputs are identified by their SHA-256, read from the staged object's head.
    {
      Sid: 'HashInputs',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: objects(a.stagingBucketArn, STAGING_PREFIX),
    },
    { Sid: 'SeeInputs', Effect: 'Allow', Action: 's3:ListBucket', Resource: a.stagingBucketArn },
    // An evaluation's `live` or version id: resolved in an `s3` stack's store, read-only, or by
    // an `efs` stack's reduce function, asked over its queue and answering in the results bucket.
    ...(a.indexStore
      ? indexReaderStatements(a.indexStore.bucketArn, a.indexStore.prefix)
      : [
          {
            Sid: 'AskTheReduceToResolve',
            Effect: 'Allow' as const,
            Action: 'sqs:SendMessage',
            Resource: a.queues.reduce,
          },
          {
            Sid: 'ReadResolvedIndexes',
            Effect: 'Allow' as const,
            Action: 's3:GetObject',
            Resource: objects(a.resultsBucketArn, RESOLVE_PREFIX, CACHED_INDEX_PREFIX),
          },
        ]),
  ];
}

export function jobApiPolicy(a: JobPolicyArgs): PolicyDocument {
  return document(...jobClientStatements(a));
}

/**
 * The people (or CI roles) who run jobs: call the jobs routes (IAM-signed), or act on the queues
 * and buckets directly (`sir jobs --stack`), staging corpora under `staging/` first.
 */
export function jobUserPolicy(a: JobPolicyArgs & { apiExecutionArn: string }): PolicyDocument {
  return document(
    {
      Sid: 'CallTheJobsApi',
      Effect: 'Allow',
      Action: 'execute-api:Invoke',
      Resource: [`${a.apiExecutionArn}/*/*/jobs`, `${a.apiExecutionArn}/*/*/jobs/*`],
    },
    ...jobClientStatements(a),
    {
      Sid: 'StageCorpora',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
      Resource: objects(a.stagingBucketArn, STAGING_PREFIX),
    },
  );
}

/** Who may publish to the alarm topic and use its key: this account's CloudWatch alarms. */
function fromOwnAlarms(a: { accountId: string; region: string }) {
  return {
    StringEquals: { 'aws:SourceAccount': a.accountId },
    ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${a.region}:${a.accountId}:alarm:*` },
  };
}

/**
 * The alarm topic's key: the account administers it through IAM (no usage, no `kms:*`), and
 * CloudWatch may encrypt with it for this account's alarms, which publishing to the topic needs.
 */
export function alarmTopicKeyPolicy(a: { accountId: string; region: string }): PolicyDocument {
  return document(
    {
      Sid: 'AccountAdministersTheKey',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${a.accountId}:root` },
      Action: [
        'kms:CancelKeyDeletion',
        'kms:DescribeKey',
        'kms:DisableKey',
        'kms:DisableKeyRotation',
        'kms:EnableKey',
        'kms:EnableKeyRotation',
        'kms:GetKeyPolicy',
        'kms:GetKeyRotationStatus',
        'kms:ListResourceTags',
        'kms:PutKeyPolicy',
        'kms:ScheduleKeyDeletion',
        'kms:TagResource',
        'kms:UntagResource',
        'kms:UpdateKeyDescription',
      ],
      Resource: '*',
    },
    {
      Sid: 'CloudWatchAlarmsPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: fromOwnAlarms(a),
    },
  );
}

/** The alarm topic: this account's CloudWatch alarms publish, over TLS only. */
export function alarmTopicPolicy(a: {
  topicArn: string;
  accountId: string;
  region: string;
}): PolicyDocument {
  return document(
    {
      Sid: 'CloudWatchAlarmsPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: a.topicArn,
      Condition: fromOwnAlarms(a),
    },
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: a.topicArn,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  );
}

/** AWS managed policies this program attaches, by purpose. Neither is a `*FullAccess` policy. */
export const MANAGED_POLICIES = {
  /** CloudWatch Logs writes, for a Lambda outside any VPC (job functions; the s3 and bundled tiers). */
  lambdaBasicExecution: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
  /** ENI management for a Lambda in a VPC, plus CloudWatch Logs writes. */
  lambdaVpcAccess: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
  /** What the SSM agent needs for Session Manager and Run Command. */
  ssmManagedInstance: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
} as const;

/** Serializes a document the way AWS stores it. */
export function toJson(doc: PolicyDocument): string {
  return JSON.stringify(doc);
}
