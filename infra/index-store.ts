/**
 * IndexStore: the EFS file system that holds the index store (`versions/<id>/`, `CURRENT`), its
 * mount targets, and the single access point every client mounts through.
 *
 * Invariants: encrypted at rest; every request over TLS (file-system policy); no anonymous NFS
 * client; every client goes through the access point (the policy denies any other mount, even to
 * an administrator), so it sees only the access point's root directory and acts as its POSIX user,
 * and file ownership is the same whether the loader or the Lambda touches a file.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { EfsThroughputMode } from './config.js';
import { fileSystemPolicy, toJson } from './policy-documents.js';

/** POSIX identity of every EFS client (the access point enforces it) and the store's root folder. */
export const INDEX_STORE_POSIX = {
  uid: 1001,
  gid: 1001,
  rootPath: '/serverless-ir',
  permissions: '0755',
} as const;

export interface IndexStoreArgs {
  /** Private subnets; one mount target each. */
  privateSubnetIds: pulumi.Input<string[]>;
  /** How many private subnets there are (the count must be known before the ids are). */
  subnetCount: number;
  /** Group admitting NFS from the Lambda and loader groups. */
  efsSecurityGroupId: pulumi.Input<string>;
  throughputMode: EfsThroughputMode;
  /** Only with `provisioned`. */
  provisionedThroughputMibps: number;
  /** AWS Backup daily backups on or off. */
  backups: boolean;
}

export class IndexStore extends pulumi.ComponentResource {
  /** EFS file system id (fs-…). */
  public readonly fileSystemId: pulumi.Output<string>;
  /** EFS file system ARN, the resource of the clients' IAM policies. */
  public readonly fileSystemArn: pulumi.Output<string>;
  /** Access point id (fsap-…), used in the loader's mount options. */
  public readonly accessPointId: pulumi.Output<string>;
  /** Access point ARN, used by the Lambda's `fileSystemConfig` and the IAM conditions. */
  public readonly accessPointArn: pulumi.Output<string>;
  /** One mount target per private subnet; clients must `dependsOn` all of them. */
  public readonly mountTargets: aws.efs.MountTarget[];

  constructor(name: string, args: IndexStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super('serverless-ir:infra:IndexStore', name, {}, opts);
    const fileSystem = new aws.efs.FileSystem(
      `${name}-fs`,
      {
        encrypted: true,
        performanceMode: 'generalPurpose',
        throughputMode: args.throughputMode,
        ...(args.throughputMode === 'provisioned'
          ? { provisionedThroughputInMibps: args.provisionedThroughputMibps }
          : {}),
        tags: { Name: `${name}-fs` },
      },
      { parent: this },
    );
    this.fileSystemId = fileSystem.id;
    this.fileSystemArn = fileSystem.arn;

    // Explicit either way: the API's default differs from the console's.
    new aws.efs.BackupPolicy(
      `${name}-backup`,
      {
        fileSystemId: fileSystem.id,
        backupPolicy: { status: args.backups ? 'ENABLED' : 'DISABLED' },
      },
      { parent: this },
    );

    const subnetIds = pulumi.output(args.privateSubnetIds);
    this.mountTargets = Array.from(
      { length: args.subnetCount },
      (_, i) =>
        new aws.efs.MountTarget(
          `${name}-mt-${i}`,
          {
            fileSystemId: fileSystem.id,
            subnetId: subnetIds.apply((ids) => ids[i]!),
            securityGroups: [args.efsSecurityGroupId],
          },
          { parent: this },
        ),
    );

    const accessPoint = new aws.efs.AccessPoint(
      `${name}-ap`,
      {
        fileSystemId: fileSystem.id,
        posixUser: { uid: INDEX_STORE_POSIX.uid, gid: INDEX_STORE_POSIX.gid },
        rootDirectory: {
          path: INDEX_STORE_POSIX.rootPath,
          // EFS creates the root folder on first mount with this owner, so no client needs root.
          creationInfo: {
            ownerUid: INDEX_STORE_POSIX.uid,
            ownerGid: INDEX_STORE_POSIX.gid,
            permissions: INDEX_STORE_POSIX.permissions,
          },
        },
        tags: { Name: `${name}-ap` },
      },
      { parent: this },
    );
    this.accessPointId = accessPoint.id;
    this.accessPointArn = accessPoint.arn;

    const caller = aws.getCallerIdentityOutput({}, { parent: this });
    new aws.efs.FileSystemPolicy(
      `${name}-policy`,
      {
        fileSystemId: fileSystem.id,
        policy: pulumi
          .all([fileSystem.arn, caller.accountId, accessPoint.arn])
          .apply(([arn, account, ap]) => toJson(fileSystemPolicy(arn, account, ap))),
      },
      { parent: this },
    );

    this.registerOutputs({
      fileSystemId: this.fileSystemId,
      fileSystemArn: this.fileSystemArn,
      accessPointId: this.accessPointId,
      accessPointArn: this.accessPointArn,
    });
  }
}
