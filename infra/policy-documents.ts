/**
 * IAM, EFS and S3 policy documents as plain functions of plain strings, so they can be unit tested
 * without Pulumi and read in one place. Components call them inside `pulumi.all(...).apply(...)`.
 *
 * Invariant: nothing here grants `*` actions or `*` resources except the explicit Deny statements.
 */

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal?: { AWS?: string | string[]; Service?: string };
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

/**
 * File-system policy of the index store.
 * - Deny every request that does not use TLS (`aws:SecureTransport`), whoever sends it.
 * - Allow mounting only to IAM principals of this account, only through a mount target. An NFS
 *   client that mounts without IAM is anonymous, matches no Allow and is refused: once a policy
 *   exists EFS grants nothing beyond it. Each principal still needs its own identity policy
 *   (`efsClientPolicy`), which pins the access point.
 */
export function fileSystemPolicy(fileSystemArn: string, accountId: string): PolicyDocument {
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
      Sid: 'AllowAccountPrincipalsThroughMountTargets',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      Resource: fileSystemArn,
      Condition: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
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

/** Key prefixes of the staging bucket; `sir upload` and the loader agent rely on them. */
export const STAGING_PREFIX = 'staging/';
export const TOOLING_PREFIX = 'tooling/';

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

/** Lets a caller invoke every route of one HTTP API (used when `apiKeyRequired` turns on IAM auth). */
export function invokeApiPolicy(apiExecutionArn: string): PolicyDocument {
  return document({
    Sid: 'InvokeSearchApi',
    Effect: 'Allow',
    Action: 'execute-api:Invoke',
    Resource: `${apiExecutionArn}/*`,
  });
}

/** AWS managed policies this program attaches, by purpose. Neither is a `*FullAccess` policy. */
export const MANAGED_POLICIES = {
  /** ENI management for a Lambda in a VPC, plus CloudWatch Logs writes. */
  lambdaVpcAccess: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
  /** What the SSM agent needs for Session Manager and Run Command. */
  ssmManagedInstance: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
} as const;

/** Serializes a document the way AWS stores it. */
export function toJson(doc: PolicyDocument): string {
  return JSON.stringify(doc);
}
