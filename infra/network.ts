/**
 * Network: the VPC the index store and its clients live in.
 *
 * Private subnets only, one per availability zone, and no NAT gateway: nothing in this stack
 * needs the internet. The search Lambda talks to EFS alone; the loader reaches S3 through the
 * free gateway endpoint created here and SSM through interface endpoints that the Loader creates
 * only while it exists (they cost money per hour).
 */
import * as aws from '@pulumi/aws';
import * as awsx from '@pulumi/awsx';
import * as pulumi from '@pulumi/pulumi';

export interface NetworkArgs {
  /** Availability zones, at least 2 (EFS mount targets and Lambda ENIs spread over them). */
  azCount: number;
  /** Region, for the S3 gateway endpoint's service name. */
  region: string;
}

export class Network extends pulumi.ComponentResource {
  /** The VPC's id. */
  public readonly vpcId: pulumi.Output<string>;
  /** One private subnet per availability zone, in AZ order. */
  public readonly privateSubnetIds: pulumi.Output<string[]>;
  /** Route tables of the private subnets (the S3 gateway endpoint is attached to them). */
  public readonly privateRouteTableIds: pulumi.Output<string[]>;
  /** Managed prefix list of S3 in this region, for security group egress to the gateway endpoint. */
  public readonly s3PrefixListId: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('serverless-ir:infra:Network', name, {}, opts);
    if (args.azCount < 2)
      throw new Error(`Network ${name}: azCount must be at least 2, got ${args.azCount}`);

    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        numberOfAvailabilityZones: args.azCount,
        enableDnsHostnames: true, // EFS mount target and interface endpoint names resolve only with these
        enableDnsSupport: true,
        natGateways: { strategy: awsx.ec2.NatGatewayStrategy.None },
        subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
        subnetSpecs: [{ type: awsx.ec2.SubnetType.Private, cidrMask: 20 }],
        tags: { Name: `${name}-vpc` },
      },
      { parent: this },
    );
    this.vpcId = vpc.vpcId;
    this.privateSubnetIds = vpc.privateSubnetIds;

    // awsx's route tables sit inside its component; look them up by subnet association instead
    // of reaching into its children.
    const routeTables = aws.ec2.getRouteTablesOutput(
      {
        vpcId: vpc.vpcId,
        filters: [{ name: 'association.subnet-id', values: vpc.privateSubnetIds }],
      },
      { parent: this },
    );
    this.privateRouteTableIds = routeTables.ids;

    // Gateway endpoints are free: the loader downloads staged uploads and the Amazon Linux package
    // repositories (hosted in S3) through it without a NAT gateway.
    const s3Endpoint = new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.vpcId,
        serviceName: `com.amazonaws.${args.region}.s3`,
        vpcEndpointType: 'Gateway',
        routeTableIds: routeTables.ids,
        tags: { Name: `${name}-s3` },
      },
      { parent: this },
    );
    this.s3PrefixListId = s3Endpoint.prefixListId;

    this.registerOutputs({
      vpcId: this.vpcId,
      privateSubnetIds: this.privateSubnetIds,
      privateRouteTableIds: this.privateRouteTableIds,
      s3PrefixListId: this.s3PrefixListId,
    });
  }
}
