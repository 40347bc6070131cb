/**
 * Loader: the bastion that writes new index versions onto EFS (`sir upload` drives it, issue 5).
 *
 * Amazon Linux 2023 in a private subnet with no key pair and no inbound rule: operators and
 * `sir upload` reach it only through SSM (Session Manager, Run Command), over three interface
 * endpoints that exist only as long as the loader does. IMDSv2 only, encrypted root volume. The
 * instance is stateless (the data lives on EFS), so it is replaced rather than patched: a new AMI
 * or new tooling means a new instance on the next `pulumi up`. It carries the tag
 * `serverless-ir-loader=<stack>`, which is what the uploaders' policy (upload-access.ts) lets
 * `ssm:SendCommand` reach, so that policy survives the instance being replaced.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { LOADER_TOOLING_KEY, STAGING_PREFIX } from '../runtime/upload/loader-contract.js';
import { LOADER_TOOLING_DIR, repoPath } from './artifacts.js';
import { amiArchitecture } from './config.js';
import { loaderUserData } from './loader-user-data.js';
import {
  assumeRolePolicy,
  efsClientPolicy,
  LOADER_TAG_KEY,
  loaderBucketPolicy,
  MANAGED_POLICIES,
  toJson,
} from './policy-documents.js';

/** SSM parameter AWS keeps pointing at the latest Amazon Linux 2023 AMI for an architecture. */
export function al2023AmiParameter(arch: 'arm64' | 'x86_64'): string {
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`;
}

/** Interface endpoints the SSM agent needs when there is no route to the internet. */
export const SSM_ENDPOINT_SERVICES = ['ssm', 'ssmmessages', 'ec2messages'] as const;

export interface LoaderArgs {
  instanceType: string;
  region: string;
  /** The stack's name, the value of the loader tag the uploaders' policy keys on. */
  stack: string;
  mountPath: string;
  versionsToKeep: number;
  /** The loader and its endpoints go in the first one (one AZ: endpoints are billed per AZ). */
  privateSubnetIds: pulumi.Input<string[]>;
  vpcId: pulumi.Input<string>;
  loaderSecurityGroupId: pulumi.Input<string>;
  endpointSecurityGroupId: pulumi.Input<string>;
  fileSystemId: pulumi.Input<string>;
  fileSystemArn: pulumi.Input<string>;
  accessPointId: pulumi.Input<string>;
  accessPointArn: pulumi.Input<string>;
  /** The instance boots only once all exist, so the first mount finds a target. */
  mountTargets: pulumi.Resource[];
  /**
   * What its network path needs: the S3 gateway endpoint and route associations, and the loader's
   * security-group rules. The instance boots after them, so its first dnf and S3 calls can connect
   * (the user data still retries, for what AWS applies a moment after reporting it created).
   */
  networkReady: pulumi.Resource[];
  stagingBucket: aws.s3.Bucket;
}

export class Loader extends pulumi.ComponentResource {
  /** EC2 instance id: the target of `aws ssm start-session` and of `sir upload`'s Run Command. */
  public readonly instanceId: pulumi.Output<string>;
  /** Ids of the SSM interface endpoints, which live and die with the loader. */
  public readonly endpointIds: pulumi.Output<string>[];

  constructor(name: string, args: LoaderArgs, opts?: pulumi.ComponentResourceOptions) {
    super('serverless-ir:infra:Loader', name, {}, opts);
    const subnetId = pulumi.output(args.privateSubnetIds).apply((ids) => ids[0]!);

    const endpoints = SSM_ENDPOINT_SERVICES.map(
      (service) =>
        new aws.ec2.VpcEndpoint(
          `${name}-${service}`,
          {
            vpcId: args.vpcId,
            serviceName: `com.amazonaws.${args.region}.${service}`,
            vpcEndpointType: 'Interface',
            privateDnsEnabled: true, // the agent uses the regional names; these make them resolve here
            subnetIds: [subnetId],
            securityGroupIds: [args.endpointSecurityGroupId],
            tags: { Name: `${name}-${service}` },
          },
          { parent: this },
        ),
    );
    this.endpointIds = endpoints.map((endpoint) => endpoint.id);

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: toJson(assumeRolePolicy('ec2.amazonaws.com')),
        description: 'serverless-ir loader: SSM, staging bucket, index store',
      },
      { parent: this },
    );
    const ssmAttachment = new aws.iam.RolePolicyAttachment(
      `${name}-ssm`,
      { role: role.name, policyArn: MANAGED_POLICIES.ssmManagedInstance },
      { parent: this },
    );
    const bucketAccess = new aws.iam.RolePolicy(
      `${name}-staging`,
      {
        role: role.id,
        policy: args.stagingBucket.arn.apply((arn) => toJson(loaderBucketPolicy(arn))),
      },
      { parent: this },
    );
    const efsAccess = new aws.iam.RolePolicy(
      `${name}-efs`,
      {
        role: role.id,
        policy: pulumi
          .all([args.fileSystemArn, args.accessPointArn])
          .apply(([fs, ap]) => toJson(efsClientPolicy(fs, ap, true))),
      },
      { parent: this },
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-profile`,
      { role: role.name },
      { parent: this },
    );

    const tooling = new aws.s3.BucketObjectv2(
      `${name}-tooling`,
      {
        bucket: args.stagingBucket.id,
        key: LOADER_TOOLING_KEY,
        source: new pulumi.asset.FileArchive(repoPath(LOADER_TOOLING_DIR)),
      },
      { parent: this },
    );

    // Ask EC2 which architecture the type runs rather than guessing from its name (a1.* is Graviton).
    const instanceType = aws.ec2.getInstanceTypeOutput(
      { instanceType: args.instanceType },
      { parent: this },
    );
    const ami = aws.ssm.getParameterOutput(
      {
        name: instanceType.supportedArchitectures.apply((supported) =>
          al2023AmiParameter(amiArchitecture(args.instanceType, supported)),
        ),
      },
      { parent: this },
    );
    const userData = pulumi
      .all([args.fileSystemId, args.accessPointId, args.stagingBucket.bucket, tooling.etag])
      .apply(([fileSystemId, accessPointId, bucket, etag]) =>
        loaderUserData({
          fileSystemId,
          accessPointId,
          mountPath: args.mountPath,
          region: args.region,
          stagingBucket: bucket,
          stagingPrefix: STAGING_PREFIX,
          toolingKey: LOADER_TOOLING_KEY,
          toolingVersion: etag ?? 'unversioned',
          versionsToKeep: args.versionsToKeep,
        }),
      );

    const instance = new aws.ec2.Instance(
      `${name}-instance`,
      {
        // The provider marks the lookup's `value` secret (a parameter may be a SecureString), and
        // with it the whole result. An AMI id is public: unsecret the plain String's
        // `insecureValue`, so a new AMI (which replaces the instance) shows in previews instead
        // of as [secret].
        ami: pulumi.unsecret(ami.insecureValue),
        instanceType: args.instanceType,
        subnetId,
        vpcSecurityGroupIds: [args.loaderSecurityGroupId],
        iamInstanceProfile: profile.name,
        associatePublicIpAddress: false,
        metadataOptions: {
          httpTokens: 'required',
          httpEndpoint: 'enabled',
          httpPutResponseHopLimit: 1,
        },
        rootBlockDevice: { encrypted: true, volumeType: 'gp3', deleteOnTermination: true },
        userData,
        userDataReplaceOnChange: true,
        tags: { Name: `${name}-instance`, [LOADER_TAG_KEY]: args.stack },
      },
      {
        parent: this,
        // Boot only when the mount can succeed, the network path is in place, the agent can reach
        // SSM and the role can do its job.
        dependsOn: [
          ...args.mountTargets,
          ...args.networkReady,
          ...endpoints,
          tooling,
          ssmAttachment,
          bucketAccess,
          efsAccess,
        ],
      },
    );
    this.instanceId = instance.id;

    this.registerOutputs({ instanceId: this.instanceId, endpointIds: this.endpointIds });
  }
}
