/**
 * NetworkSecurity: every security group of the stack and every rule between them, in one file so
 * that reachability can be reviewed at a glance.
 *
 *   search Lambda ──2049──▶ EFS mount targets ◀──2049── loader
 *                                 ▲                   loader ──443──▶ S3 (gateway endpoint prefix list)
 *                                 │                   loader ──443──▶ SSM interface endpoints
 *   job reduce Lambda ──2049──────┘   job reduce Lambda ──443──▶ S3 (gateway endpoint prefix list)
 *
 * The job pipeline's other functions (API, coordinator, map workers) run outside the VPC: they
 * reach SQS and S3 without interface endpoints, and need no group.
 *
 * Rules are separate resources (never inline `ingress`/`egress` blocks) so that adding one never
 * rewrites a group, and there is no CIDR-based ingress at all. The provider removes the allow-all
 * egress AWS adds to a new group, so a group egresses only where a rule below says.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export const NFS_PORT = 2049;
export const HTTPS_PORT = 443;

export interface NetworkSecurityArgs {
  vpcId: pulumi.Input<string>;
  /** S3's managed prefix list, the loader's only path to the staging bucket. */
  s3PrefixListId: pulumi.Input<string>;
  /** Loader groups and rules exist only while the loader does. */
  loaderEnabled: boolean;
  /** The job pipeline's reduce function (in the VPC: it writes the index store) gets a group. */
  jobsEnabled: boolean;
}

export class NetworkSecurity extends pulumi.ComponentResource {
  /** Group of the search Lambda's network interfaces. */
  public readonly lambdaSecurityGroupId: pulumi.Output<string>;
  /** Group of the EFS mount targets. */
  public readonly efsSecurityGroupId: pulumi.Output<string>;
  /** Group of the loader instance, when the loader is on. */
  public readonly loaderSecurityGroupId?: pulumi.Output<string>;
  /** Group of the SSM interface endpoints, when the loader is on. */
  public readonly endpointSecurityGroupId?: pulumi.Output<string>;
  /** The rules the search Lambda's traffic needs; the function waits for them (`dependsOn`). */
  public readonly lambdaRules: pulumi.Resource[];
  /** The rules the loader's traffic needs (empty while it is off); the instance waits for them. */
  public readonly loaderRules: pulumi.Resource[] = [];
  /** Group of the job pipeline's reduce function, when the pipeline is on. */
  public readonly reduceSecurityGroupId?: pulumi.Output<string>;
  /** The rules the reduce function's traffic needs (empty without the pipeline). */
  public readonly reduceRules: pulumi.Resource[] = [];

  constructor(name: string, args: NetworkSecurityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('serverless-ir:infra:NetworkSecurity', name, {}, opts);
    const group = (suffix: string, description: string) =>
      new aws.ec2.SecurityGroup(
        `${name}-${suffix}`,
        {
          vpcId: args.vpcId,
          description,
          revokeRulesOnDelete: true,
          tags: { Name: `${name}-${suffix}` },
        },
        { parent: this },
      );
    const ingress = (suffix: string, ruleArgs: aws.vpc.SecurityGroupIngressRuleArgs) =>
      new aws.vpc.SecurityGroupIngressRule(`${name}-${suffix}`, ruleArgs, { parent: this });
    const egress = (suffix: string, ruleArgs: aws.vpc.SecurityGroupEgressRuleArgs) =>
      new aws.vpc.SecurityGroupEgressRule(`${name}-${suffix}`, ruleArgs, { parent: this });
    const tcp = (port: number) => ({ ipProtocol: 'tcp', fromPort: port, toPort: port });

    const lambda = group('lambda', 'search Lambda: NFS to the index store only');
    const efs = group(
      'efs',
      'index store mount targets: NFS from the search Lambda and the loader',
    );
    this.lambdaSecurityGroupId = lambda.id;
    this.efsSecurityGroupId = efs.id;

    this.lambdaRules = [
      ingress('efs-from-lambda', {
        securityGroupId: efs.id,
        referencedSecurityGroupId: lambda.id,
        description: 'NFS from the search Lambda',
        ...tcp(NFS_PORT),
      }),
      egress('lambda-to-efs', {
        securityGroupId: lambda.id,
        referencedSecurityGroupId: efs.id,
        description: 'NFS to the index store',
        ...tcp(NFS_PORT),
      }),
    ];

    if (args.loaderEnabled) {
      const loader = group(
        'loader',
        'loader instance: no inbound; NFS to EFS, HTTPS to S3 and SSM endpoints',
      );
      const endpoints = group('endpoints', 'SSM interface endpoints: HTTPS from the loader');
      this.loaderSecurityGroupId = loader.id;
      this.endpointSecurityGroupId = endpoints.id;

      this.loaderRules = [
        ingress('efs-from-loader', {
          securityGroupId: efs.id,
          referencedSecurityGroupId: loader.id,
          description: 'NFS from the loader',
          ...tcp(NFS_PORT),
        }),
        egress('loader-to-efs', {
          securityGroupId: loader.id,
          referencedSecurityGroupId: efs.id,
          description: 'NFS to the index store',
          ...tcp(NFS_PORT),
        }),
        egress('loader-to-s3', {
          securityGroupId: loader.id,
          prefixListId: args.s3PrefixListId,
          description: 'HTTPS to S3 through the gateway endpoint',
          ...tcp(HTTPS_PORT),
        }),
        egress('loader-to-endpoints', {
          securityGroupId: loader.id,
          referencedSecurityGroupId: endpoints.id,
          description: 'HTTPS to the SSM interface endpoints',
          ...tcp(HTTPS_PORT),
        }),
        ingress('endpoints-from-loader', {
          securityGroupId: endpoints.id,
          referencedSecurityGroupId: loader.id,
          description: 'HTTPS from the loader',
          ...tcp(HTTPS_PORT),
        }),
      ];
    }

    if (args.jobsEnabled) {
      const reduce = group(
        'jobs-reduce',
        'job pipeline reduce Lambda: NFS to the index store, HTTPS to S3; no inbound',
      );
      this.reduceSecurityGroupId = reduce.id;
      this.reduceRules = [
        ingress('efs-from-jobs-reduce', {
          securityGroupId: efs.id,
          referencedSecurityGroupId: reduce.id,
          description: 'NFS from the job reduce Lambda',
          ...tcp(NFS_PORT),
        }),
        egress('jobs-reduce-to-efs', {
          securityGroupId: reduce.id,
          referencedSecurityGroupId: efs.id,
          description: 'NFS to the index store',
          ...tcp(NFS_PORT),
        }),
        egress('jobs-reduce-to-s3', {
          securityGroupId: reduce.id,
          prefixListId: args.s3PrefixListId,
          description: 'HTTPS to S3 through the gateway endpoint',
          ...tcp(HTTPS_PORT),
        }),
      ];
    }

    this.registerOutputs({
      lambdaSecurityGroupId: this.lambdaSecurityGroupId,
      efsSecurityGroupId: this.efsSecurityGroupId,
      loaderSecurityGroupId: this.loaderSecurityGroupId,
      endpointSecurityGroupId: this.endpointSecurityGroupId,
      reduceSecurityGroupId: this.reduceSecurityGroupId,
    });
  }
}
