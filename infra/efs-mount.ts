/**
 * An EFS access point a Lambda function mounts from the VPC: the search function (read-only) and
 * the job pipeline's reduce function (read-write) are both created from one of these.
 */
import type * as pulumi from '@pulumi/pulumi';

export interface EfsMount {
  /** `/mnt/<name>`; also handed to the function's code (`INDEX_DIR`). */
  mountPath: string;
  privateSubnetIds: pulumi.Input<string[]>;
  /** The function's own security group, which the EFS mount targets admit over NFS. */
  securityGroupId: pulumi.Input<string>;
  fileSystemArn: pulumi.Input<string>;
  accessPointArn: pulumi.Input<string>;
  /** The function is created only once every mount target exists (Lambda checks at create time). */
  mountTargets: pulumi.Resource[];
  /** The security-group rules (and routes) its traffic needs; the function is created after them. */
  networkReady: pulumi.Resource[];
}

/** The function arguments that mount `m` and place the function in its subnets. */
export function efsMountArgs(m: EfsMount) {
  return {
    fileSystemConfig: { arn: m.accessPointArn, localMountPath: m.mountPath },
    vpcConfig: { subnetIds: m.privateSubnetIds, securityGroupIds: [m.securityGroupId] },
  };
}

/** What the function must be created after: Lambda validates the mount and its ENIs at create time. */
export function efsMountDependencies(m: EfsMount): pulumi.Resource[] {
  return [...m.mountTargets, ...m.networkReady];
}
