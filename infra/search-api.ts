/**
 * SearchApi: the search Lambda (the Hono app from `dist/lambda/search`) reading the index store
 * through the EFS access point, behind an API Gateway HTTP API.
 *
 * The Lambda mounts EFS read-only (ClientMount without ClientWrite) and can open nothing but NFS
 * to the mount targets. The API has one `$default` stage with throttling and JSON access logs;
 * every path goes to the Lambda, which owns routing, 404s and problem+json errors.
 *
 * "API key required" is IAM authorization (SigV4): HTTP APIs have no API keys, and IAM needs no
 * secret stored by this stack, no extra authorizer Lambda (and its cold starts), and nothing to
 * rotate. Callers get `execute-api:Invoke` through the managed policy this component outputs.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { repoPath, SEARCH_LAMBDA_DIR } from './artifacts.js';
import { LAMBDA_ARCHITECTURE, LAMBDA_NODE_OPTIONS, LAMBDA_RUNTIME } from './lambda-platform.js';
import {
  assumeRolePolicy,
  efsClientPolicy,
  invokeApiPolicy,
  MANAGED_POLICIES,
  toJson,
} from './policy-documents.js';

/** API Gateway cuts an HTTP API integration at 30 s whatever the Lambda's timeout. */
export const MAX_INTEGRATION_TIMEOUT_MS = 30_000;
/** Routes: the root and everything below it, any method (GET and POST /search, docs, health). */
export const ROUTE_KEYS = ['ANY /', 'ANY /{proxy+}'] as const;

/** Fields of one access log line (JSON), enough to trace a request to its Lambda invocation. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  status: '$context.status',
  responseLength: '$context.responseLength',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
});

/**
 * Name of the HTTP API's access-log group. Under `/aws/vendedlogs/`: API Gateway delivers access
 * logs as vended logs, and CloudWatch Logs covers that prefix with one resource-policy entry instead
 * of adding each log group to the account's resource policy, which is capped at 5,120 characters
 * and fills up in busy accounts. Unique per project and stack.
 */
export function accessLogGroupName(project: string, stack: string): string {
  return `/aws/vendedlogs/apigateway/${project}/${stack}/http-api-access`;
}

export interface SearchApiArgs {
  memoryMb: number;
  timeoutSeconds: number;
  /** -1 = unreserved. */
  reservedConcurrency: number;
  throttlingRateLimit: number;
  throttlingBurstLimit: number;
  corsOrigins: string[];
  /** `/mnt/<name>`; also handed to the handler as `INDEX_DIR`. */
  mountPath: string;
  logRetentionDays: number;
  /** IAM (SigV4) authorization on every route. */
  iamAuth: boolean;
  privateSubnetIds: pulumi.Input<string[]>;
  lambdaSecurityGroupId: pulumi.Input<string>;
  fileSystemArn: pulumi.Input<string>;
  accessPointArn: pulumi.Input<string>;
  /** The function is created only once every mount target exists (Lambda checks at create time). */
  mountTargets: pulumi.Resource[];
  /** The security-group rules its NFS traffic needs; the function is created after them. */
  networkReady: pulumi.Resource[];
}

export class SearchApi extends pulumi.ComponentResource {
  /** Base URL of the API (no trailing slash). */
  public readonly url: pulumi.Output<string>;
  /** The search Lambda's name, for logs and `aws lambda invoke`. */
  public readonly functionName: pulumi.Output<string>;
  /** ARN of the policy granting `execute-api:Invoke`, when IAM auth is on. */
  public readonly invokePolicyArn?: pulumi.Output<string>;
  /** The HTTP API's id, for routes other components add (the job pipeline's `/jobs`). */
  public readonly apiId: pulumi.Output<string>;
  /** The HTTP API's execution ARN (`arn:aws:execute-api:…:<api id>`), for invoke permissions. */
  public readonly executionArn: pulumi.Output<string>;

  constructor(name: string, args: SearchApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super('serverless-ir:infra:SearchApi', name, {}, opts);
    const retentionInDays = args.logRetentionDays;

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: toJson(assumeRolePolicy('lambda.amazonaws.com')),
        description: 'serverless-ir search Lambda: VPC, logs, read-only index store',
      },
      { parent: this },
    );
    const vpcAccess = new aws.iam.RolePolicyAttachment(
      `${name}-vpc-access`,
      { role: role.name, policyArn: MANAGED_POLICIES.lambdaVpcAccess },
      { parent: this },
    );
    const efsAccess = new aws.iam.RolePolicy(
      `${name}-efs`,
      {
        role: role.id,
        policy: pulumi
          .all([args.fileSystemArn, args.accessPointArn])
          .apply(([fs, ap]) => toJson(efsClientPolicy(fs, ap, false))),
      },
      { parent: this },
    );

    const functionLogs = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { retentionInDays },
      { parent: this },
    );
    const fn = new aws.lambda.Function(
      `${name}-search`,
      {
        role: role.arn,
        runtime: LAMBDA_RUNTIME,
        architectures: [LAMBDA_ARCHITECTURE],
        handler: 'index.handler',
        code: new pulumi.asset.FileArchive(repoPath(SEARCH_LAMBDA_DIR)),
        memorySize: args.memoryMb,
        timeout: args.timeoutSeconds,
        reservedConcurrentExecutions: args.reservedConcurrency,
        environment: {
          variables: { INDEX_DIR: args.mountPath, NODE_OPTIONS: LAMBDA_NODE_OPTIONS },
        },
        fileSystemConfig: { arn: args.accessPointArn, localMountPath: args.mountPath },
        vpcConfig: {
          subnetIds: args.privateSubnetIds,
          securityGroupIds: [args.lambdaSecurityGroupId],
        },
        loggingConfig: { logFormat: 'JSON', logGroup: functionLogs.name },
      },
      // Lambda validates the mount and the ENI permissions when the function is created; the rules
      // let its first invocation reach the mount targets.
      {
        parent: this,
        dependsOn: [...args.mountTargets, ...args.networkReady, vpcAccess, efsAccess],
      },
    );
    this.functionName = fn.name;

    const api = new aws.apigatewayv2.Api(
      `${name}-http`,
      {
        protocolType: 'HTTP',
        corsConfiguration: {
          allowOrigins: args.corsOrigins,
          allowMethods: ['GET', 'POST', 'OPTIONS'],
          // The SigV4 headers let browsers sign requests when IAM auth is on.
          allowHeaders: [
            'content-type',
            'authorization',
            'x-amz-date',
            'x-amz-security-token',
            'x-amz-content-sha256',
          ],
          maxAge: 3600,
        },
      },
      { parent: this },
    );
    const integration = new aws.apigatewayv2.Integration(
      `${name}-lambda`,
      {
        apiId: api.id,
        integrationType: 'AWS_PROXY',
        integrationUri: fn.invokeArn,
        payloadFormatVersion: '2.0',
        timeoutMilliseconds: MAX_INTEGRATION_TIMEOUT_MS,
      },
      { parent: this },
    );
    ROUTE_KEYS.forEach(
      (routeKey, i) =>
        new aws.apigatewayv2.Route(
          `${name}-route-${i}`,
          {
            apiId: api.id,
            routeKey,
            target: pulumi.interpolate`integrations/${integration.id}`,
            authorizationType: args.iamAuth ? 'AWS_IAM' : 'NONE',
          },
          { parent: this },
        ),
    );
    const accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      { name: accessLogGroupName(pulumi.getProject(), pulumi.getStack()), retentionInDays },
      { parent: this },
    );
    new aws.apigatewayv2.Stage(
      `${name}-stage`,
      {
        apiId: api.id,
        name: '$default',
        autoDeploy: true,
        accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
        defaultRouteSettings: {
          throttlingRateLimit: args.throttlingRateLimit,
          throttlingBurstLimit: args.throttlingBurstLimit,
        },
      },
      { parent: this },
    );
    // Any stage, any method, any route of this API — and of no other API.
    new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: 'lambda:InvokeFunction',
        function: fn.name,
        principal: 'apigateway.amazonaws.com',
        sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,
      },
      { parent: this },
    );
    if (args.iamAuth) {
      const invoke = new aws.iam.Policy(
        `${name}-callers`,
        {
          description: 'Lets a caller invoke the serverless-ir search API',
          policy: api.executionArn.apply((arn) => toJson(invokeApiPolicy(arn))),
        },
        { parent: this },
      );
      this.invokePolicyArn = invoke.arn;
    }
    this.url = api.apiEndpoint;
    this.apiId = api.id;
    this.executionArn = api.executionArn;

    this.registerOutputs({
      url: this.url,
      functionName: this.functionName,
      invokePolicyArn: this.invokePolicyArn,
    });
  }
}
