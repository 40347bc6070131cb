/**
 * StagingBucket: where `sir upload` puts a new index version before the loader copies it onto EFS,
 * and where the loader's tooling artifact waits for the instance to boot.
 *
 * It always exists (an empty bucket costs nothing), private and encrypted, TLS only, and cleans up
 * after itself: staged objects expire after `expirationDays` (the loader deletes them on success,
 * so only abandoned uploads ever expire) and incomplete multipart uploads are aborted after a day.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { STAGING_PREFIX, tlsOnlyBucketPolicy, toJson } from './policy-documents.js';

/** Days after which S3 aborts a multipart upload nobody completed (its parts are billed meanwhile). */
export const ABORT_MULTIPART_AFTER_DAYS = 1;

export interface StagingBucketArgs {
  /** Days after which staged objects nobody published are deleted. */
  expirationDays: number;
}

export class StagingBucket extends pulumi.ComponentResource {
  /** Bucket name, a stack output: `sir upload` writes to it. */
  public readonly bucketName: pulumi.Output<string>;
  /** Bucket ARN, for the loader's IAM policy. */
  public readonly bucketArn: pulumi.Output<string>;
  /** The bucket itself, so that objects (the loader tooling) can be put into it. */
  public readonly bucket: aws.s3.Bucket;

  constructor(name: string, args: StagingBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super('serverless-ir:infra:StagingBucket', name, {}, opts);
    this.bucket = privateBucket(name, this, [
      { id: 'expire-abandoned-staged-uploads', prefix: STAGING_PREFIX, days: args.expirationDays },
    ]);
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;

    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}

/** A lifecycle rule deleting the objects under a prefix some days after they were written. */
export interface Expiration {
  id: string;
  prefix: string;
  days: number;
}

/**
 * A private bucket as this stack makes every bucket: all public access blocked, no ACLs (owner
 * enforced), encrypted at rest (SSE-S3 with a bucket key), TLS only, incomplete multipart uploads
 * aborted after a day, and the given prefixes expired. `forceDestroy`: only transient or
 * reproducible data lives in these buckets, so `pulumi destroy` must not stall on it. Children are
 * named `${name}-bucket`, `${name}-public-access`, ... under `parent`.
 */
export function privateBucket(
  name: string,
  parent: pulumi.Resource,
  expirations: Expiration[],
): aws.s3.Bucket {
  const bucket = new aws.s3.Bucket(
    `${name}-bucket`,
    { forceDestroy: true, tags: { Name: `${name}-bucket` } },
    { parent },
  );
  const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    { parent },
  );
  new aws.s3.BucketOwnershipControls(
    `${name}-ownership`,
    { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } }, // no ACLs at all
    { parent },
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    {
      bucket: bucket.id,
      rules: [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true },
      ],
    },
    { parent },
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        ...expirations.map((e) => ({
          id: e.id,
          status: 'Enabled',
          filter: { prefix: e.prefix },
          expiration: { days: e.days },
        })),
        {
          id: 'abort-incomplete-multipart-uploads',
          status: 'Enabled',
          filter: { prefix: '' }, // whole bucket
          abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_AFTER_DAYS },
        },
      ],
    },
    { parent },
  );
  // After the public access block, so the two never race on the same bucket.
  new aws.s3.BucketPolicy(
    `${name}-policy`,
    { bucket: bucket.id, policy: bucket.arn.apply((arn) => toJson(tlsOnlyBucketPolicy(arn))) },
    { parent, dependsOn: [publicAccessBlock] },
  );
  return bucket;
}
