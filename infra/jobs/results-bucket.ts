/**
 * JobResults: the job pipeline's results bucket — job requests, states, task outputs, results,
 * the recent-jobs listing, the segment and index caches, the answers of resolve messages
 * (runtime/jobs/keys.ts). Private, encrypted,
 * TLS-only like every bucket of the stack, and everything in it expires: a job is reproducible
 * from its request, and a resubmitted expired job simply runs again.
 *
 * Its own component, created before the `Network`, because the reduce function writes it from
 * inside the VPC: the S3 gateway endpoint's policy must name it.
 */
import * as pulumi from '@pulumi/pulumi';
import {
  CACHE_PREFIX,
  JOBS_PREFIX,
  RECENT_PREFIX,
  RESOLVE_PREFIX,
} from '../../runtime/jobs/keys.js';
import { privateBucket } from '../staging-bucket.js';

export interface JobResultsArgs {
  /** Days after which a job's objects (and cached segments, and its listing entry) are deleted. */
  expirationDays: number;
}

export class JobResults extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;

  constructor(name: string, args: JobResultsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('serverless-ir:infra:JobResults', name, {}, opts);
    const bucket = privateBucket(name, this, [
      ...[JOBS_PREFIX, RECENT_PREFIX, CACHE_PREFIX].map((prefix) => ({
        id: `expire-${prefix.replace(/\/$/, '')}`,
        prefix,
        days: args.expirationDays,
      })),
      // An answer to a resolve message is read within seconds of being written.
      { id: 'expire-resolve', prefix: RESOLVE_PREFIX, days: 1 },
    ]);
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
