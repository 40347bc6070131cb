/**
 * Network: the VPC the index store and its clients live in, declared resource by resource.
 *
 * Private subnets only, one per availability zone, all on one route table whose only routes are
 * the VPC's own range and the S3 gateway endpoint: no Internet Gateway, no NAT gateway, nothing in
 * this stack can reach the internet, and nothing needs to. The search Lambda talks to EFS alone;
 * the loader reaches S3 through the free gateway endpoint (whose policy admits the stack's buckets
 * and the Amazon Linux repositories only) and SSM through interface endpoints that the Loader
 * creates only while it exists (they cost money per hour). The VPC's default security group is
 * emptied, so nothing can use it by accident.
 *
 * Built from plain resources rather than `awsx.ec2.Vpc`, which always attaches an Internet Gateway
 * and hides its route tables inside a component the program cannot depend on.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { s3GatewayEndpointPolicy, toJson } from './policy-documents.js';

/** The VPC's address range; private subnet i is the i-th /20 in it. */
export const VPC_CIDR = '10.0.0.0/16';
export const SUBNET_PREFIX_LENGTH = 20;

/** CIDR of private subnet `i` (10.0.0.0/20, 10.0.16.0/20, ...). */
export function subnetCidr(i: number): string {
  const size = 2 ** (32 - SUBNET_PREFIX_LENGTH);
  const offset = i * size;
  return `10.0.${Math.floor(offset / 256)}.${offset % 256}/${SUBNET_PREFIX_LENGTH}`;
}

export interface NetworkArgs {
  /** Availability zones, at least 2 (EFS mount targets and Lambda ENIs spread over them). */
  azCount: number;
  /** Region, for the S3 gateway endpoint's service name and the repositories it admits. */
  region: string;
  /** ARNs of the stack's buckets that resources in the VPC may use through the S3 endpoint. */
  bucketArns: pulumi.Input<string>[];
  /** Those of them resources in the VPC may also write (the job pipeline's results bucket). */
  writableBucketArns?: pulumi.Input<string>[];
}

export class Network extends pulumi.ComponentResource {
  /** The VPC's id. */
  public readonly vpcId: pulumi.Output<string>;
  /** One private subnet per availability zone, in AZ order. */
  public readonly privateSubnetIds: pulumi.Output<string[]>;
  /** The private subnets' route table (one for all: no route differs between zones). */
  public readonly privateRouteTableId: pulumi.Output<string>;
  /** Managed prefix list of S3 in this region, for security group egress to the gateway endpoint. */
  public readonly s3PrefixListId: pulumi.Output<string>;
  /**
   * What a client in the private subnets must wait for before it can reach S3: the gateway
   * endpoint (created with its policy and its route) and every subnet's route-table association.
   */
  public readonly s3Route: pulumi.Resource[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('serverless-ir:infra:Network', name, {}, opts);
    if (args.azCount < 2)
      throw new Error(`Network ${name}: azCount must be at least 2, got ${args.azCount}`);

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: VPC_CIDR,
        enableDnsHostnames: true, // EFS mount target and interface endpoint names resolve only with these
        enableDnsSupport: true,
        tags: { Name: `${name}-vpc` },
      },
      { parent: this },
    );
    this.vpcId = vpc.id;

    // No ingress and no egress rules: AWS's default group allows all traffic among its members and
    // out; emptied, a resource left in it by mistake can talk to nothing.
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId: vpc.id, tags: { Name: `${name}-default-sg (unused, no rules)` } },
      { parent: this },
    );

    const zones = aws.getAvailabilityZonesOutput(
      { state: 'available', filters: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }] },
      { parent: this },
    );
    const zoneNames = zones.names.apply((names) => {
      if (names.length < args.azCount)
        throw new Error(
          `Network ${name}: azCount is ${args.azCount} but region ${args.region} has ${names.length} available availability zones (${names.join(', ')}); lower serverless-ir:azCount`,
        );
      return names;
    });

    const routeTable = new aws.ec2.RouteTable(
      `${name}-private`,
      { vpcId: vpc.id, tags: { Name: `${name}-private` } },
      { parent: this },
    );
    this.privateRouteTableId = routeTable.id;

    const subnets = Array.from(
      { length: args.azCount },
      (_, i) =>
        new aws.ec2.Subnet(
          `${name}-private-${i}`,
          {
            vpcId: vpc.id,
            cidrBlock: subnetCidr(i),
            availabilityZone: zoneNames.apply((names) => names[i]!),
            mapPublicIpOnLaunch: false,
            tags: { Name: `${name}-private-${i}` },
          },
          { parent: this },
        ),
    );
    this.privateSubnetIds = pulumi.all(subnets.map((subnet) => subnet.id));
    const associations = subnets.map(
      (subnet, i) =>
        new aws.ec2.RouteTableAssociation(
          `${name}-private-${i}`,
          { subnetId: subnet.id, routeTableId: routeTable.id },
          { parent: this },
        ),
    );

    // Gateway endpoints are free: the loader downloads staged uploads and the Amazon Linux packages
    // (served from S3) through it without a NAT gateway.
    const s3Endpoint = new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${args.region}.s3`,
        vpcEndpointType: 'Gateway',
        routeTableIds: [routeTable.id],
        policy: pulumi
          .all([pulumi.all(args.bucketArns), pulumi.all(args.writableBucketArns ?? [])])
          .apply(([arns, writable]) =>
            toJson(s3GatewayEndpointPolicy(args.region, arns, writable)),
          ),
        tags: { Name: `${name}-s3` },
      },
      { parent: this },
    );
    this.s3PrefixListId = s3Endpoint.prefixListId;
    this.s3Route = [s3Endpoint, ...associations];

    this.registerOutputs({
      vpcId: this.vpcId,
      privateSubnetIds: this.privateSubnetIds,
      privateRouteTableId: this.privateRouteTableId,
      s3PrefixListId: this.s3PrefixListId,
    });
  }
}
