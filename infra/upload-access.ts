/**
 * UploadAccess: the managed policy for the people (or CI roles) who run `sir upload` and
 * `sir rollback --stack` — stage under `staging/` in this stack's bucket (on an `s3` stack, publish
 * under the store's prefix there too; on a `bundled` stack, publish the search function's versions
 * and move its alias), run `AWS-RunShellScript`
 * on this stack's loader, read the command's output — output as `uploadPolicyArn`, the way
 * `invokePolicyArn` is output for searchers. It exists whether the loader is on or off (it names
 * the loader by its tag, not its id), so attaching it once survives switching the loader off and on.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { toJson, uploaderPolicy } from './policy-documents.js';

export interface UploadAccessArgs {
  stagingBucketArn: pulumi.Input<string>;
  region: string;
  /** On an `s3` stack: the index store's prefix in that bucket, which uploaders publish into. */
  storePrefix?: string;
  /** On a `bundled` stack: the search function, whose versions and alias uploaders publish. */
  searchFunctionArn?: pulumi.Input<string>;
}

export class UploadAccess extends pulumi.ComponentResource {
  /** ARN of the managed policy to attach to uploaders. */
  public readonly policyArn: pulumi.Output<string>;

  constructor(name: string, args: UploadAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super('serverless-ir:infra:UploadAccess', name, {}, opts);
    const caller = aws.getCallerIdentityOutput({}, { parent: this });
    const policy = new aws.iam.Policy(
      `${name}-policy`,
      {
        description: `Lets a caller run sir upload and sir rollback --stack ${pulumi.getStack()}`,
        policy: pulumi
          .all([args.stagingBucketArn, caller.accountId, args.searchFunctionArn])
          .apply(([stagingBucketArn, accountId, searchFunctionArn]) =>
            toJson(
              uploaderPolicy({
                stagingBucketArn,
                accountId,
                region: args.region,
                stack: pulumi.getStack(),
                ...(args.storePrefix !== undefined ? { storePrefix: args.storePrefix } : {}),
                ...(searchFunctionArn !== undefined ? { searchFunctionArn } : {}),
              }),
            ),
          ),
      },
      { parent: this },
    );
    this.policyArn = policy.arn;
    this.registerOutputs({ policyArn: this.policyArn });
  }
}
