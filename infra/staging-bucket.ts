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
    // forceDestroy: only transient copies live here, so `pulumi destroy` must not stall on them.
    this.bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { forceDestroy: true, tags: { Name: `${name}-bucket` } },
      { parent: this },
    );
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;

    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: this.bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } }, // no ACLs at all
      { parent: this },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: this.bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' },
            bucketKeyEnabled: true,
          },
        ],
      },
      { parent: this },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: this.bucket.id,
        rules: [
          {
            id: 'expire-abandoned-staged-uploads',
            status: 'Enabled',
            filter: { prefix: STAGING_PREFIX },
            expiration: { days: args.expirationDays },
          },
          {
            id: 'abort-incomplete-multipart-uploads',
            status: 'Enabled',
            filter: { prefix: '' }, // whole bucket
            abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_AFTER_DAYS },
          },
        ],
      },
      { parent: this },
    );
    // After the public access block, so the two never race on the same bucket.
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: this.bucket.id,
        policy: this.bucket.arn.apply((arn) => toJson(tlsOnlyBucketPolicy(arn))),
      },
      { parent: this, dependsOn: [publicAccessBlock] },
    );

    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
