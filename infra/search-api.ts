/**
 * SearchApi: the search Lambda (the Hono app from `dist/lambda/search`) behind an API Gateway HTTP
 * API, reading its index from the stack's storage tier (`IndexSource`):
 *
 * - `efs`: the store through the EFS access point, mounted read-only (ClientMount without
 *   ClientWrite), from private subnets where it can open nothing but NFS to the mount targets;
 * - `s3`: outside any VPC, the store in the bucket, readable only under `versions/` and `CURRENT`,
 *   downloaded into ephemeral storage sized for two versions;
 * - `bundled`: outside any VPC, the index inside the function's artifact (`index/` beside `app/`,
 *   runtime/upload/bundled-artifact.ts); the API calls the `live` alias. `pulumi up` creates it on
 *   the version it publishes from `indexPath`; from then on `sir upload --stack` and
 *   `sir rollback --stack` own it (each publish is a function version, the alias moves in one step
 *   and requests in flight finish on the old one), so Pulumi ignores the alias's version.
 *
 * The API has one `$default` stage with throttling and JSON access logs;
 * every path goes to the Lambda, which owns routing, 404s and problem+json errors.
 *
 * "API key required" is IAM authorization (SigV4): HTTP APIs have no API keys, and IAM needs no
 * secret stored by this stack, no extra authorizer Lambda (and its cold starts), and nothing to
 * rotate. Callers get `execute-api:Invoke` through the managed policy this component outputs.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { repoPath, SEARCH_LAMBDA_DIR } from './artifacts.js';
import { type EfsMount, efsMountArgs, efsMountDependencies } from './efs-mount.js';
import { BUNDLED_HANDLER, LIVE_ALIAS, bundledLayout } from '../runtime/upload/bundled-artifact.js';
import { LAMBDA_ARCHITECTURE, LAMBDA_NODE_OPTIONS, LAMBDA_RUNTIME } from './lambda-platform.js';
import {
  assumeRolePolicy,
  efsClientPolicy,
  indexReaderPolicy,
  invokeApiPolicy,
  MANAGED_POLICIES,
  toJson,
} from './policy-documents.js';

/** Where the search Lambda reads its index, with what each tier needs. */
export type IndexSource =
  | ({ kind: 'efs' } & EfsMount)
  | {
      kind: 's3';
      bucketName: pulumi.Input<string>;
      bucketArn: pulumi.Input<string>;
      /** The store's key prefix in the bucket (`store/`). */
      prefix: string;
      /** /tmp size, MB (512–10240). */
      ephemeralStorageMb: number;
    }
  | {
      kind: 'bundled';
      /** The built index folder shipped as `index/` in the artifact. */
      indexPath: string;
    };

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
  logRetentionDays: number;
  /** IAM (SigV4) authorization on every route. */
  iamAuth: boolean;
  /** Where the index is read. */
  index: IndexSource;
}

export class SearchApi extends pulumi.ComponentResource {
  /** Base URL of the API (no trailing slash). */
  public readonly url: pulumi.Output<string>;
  /** The search Lambda's name, for logs and `aws lambda invoke`. */
  public readonly functionName: pulumi.Output<string>;
  /** The search Lambda's (unqualified) ARN, for the uploaders' policy on a bundled stack. */
  public readonly functionArn: pulumi.Output<string>;
  /** ARN of the policy granting `execute-api:Invoke`, when IAM auth is on. */
  public readonly invokePolicyArn?: pulumi.Output<string>;
  /** The HTTP API's id, for routes other components add (the job pipeline's `/jobs`). */
  public readonly apiId: pulumi.Output<string>;
  /** The HTTP API's execution ARN (`arn:aws:execute-api:…:<api id>`), for invoke permissions. */
  public readonly executionArn: pulumi.Output<string>;

  constructor(name: string, args: SearchApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super('serverless-ir:infra:SearchApi', name, {}, opts);
    const retentionInDays = args.logRetentionDays;

    const index = args.index;
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: toJson(assumeRolePolicy('lambda.amazonaws.com')),
        description: `serverless-ir search Lambda: logs, read-only index (${index.kind})`,
      },
      { parent: this },
    );
    const access: pulumi.Resource[] = [
      new aws.iam.RolePolicyAttachment(
        `${name}-${index.kind === 'efs' ? 'vpc-access' : 'basic-execution'}`,
        {
          role: role.name,
          policyArn:
            index.kind === 'efs'
              ? MANAGED_POLICIES.lambdaVpcAccess
              : MANAGED_POLICIES.lambdaBasicExecution,
        },
        { parent: this },
      ),
    ];
    if (index.kind === 'efs')
      access.push(
        new aws.iam.RolePolicy(
          `${name}-efs`,
          {
            role: role.id,
            policy: pulumi
              .all([index.fileSystemArn, index.accessPointArn])
              .apply(([fs, ap]) => toJson(efsClientPolicy(fs, ap, false))),
          },
          { parent: this },
        ),
      );
    if (index.kind === 's3')
      access.push(
        new aws.iam.RolePolicy(
          `${name}-index-read`,
          {
            role: role.id,
            policy: pulumi
              .output(index.bucketArn)
              .apply((arn) => toJson(indexReaderPolicy(arn, index.prefix))),
          },
          { parent: this },
        ),
      );

    const functionLogs = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { retentionInDays },
      { parent: this },
    );
    const app = new pulumi.asset.FileArchive(repoPath(SEARCH_LAMBDA_DIR));
    const fn = new aws.lambda.Function(
      `${name}-search`,
      {
        role: role.arn,
        runtime: LAMBDA_RUNTIME,
        architectures: [LAMBDA_ARCHITECTURE],
        ...(index.kind === 'bundled'
          ? {
              handler: BUNDLED_HANDLER,
              code: new pulumi.asset.AssetArchive(
                Object.fromEntries(
                  Object.entries(bundledLayout(index.indexPath, repoPath(SEARCH_LAMBDA_DIR))).map(
                    ([folder, local]) => [folder, new pulumi.asset.FileArchive(local)],
                  ),
                ),
              ),
              publish: true,
            }
          : { handler: 'index.handler', code: app }),
        memorySize: args.memoryMb,
        timeout: args.timeoutSeconds,
        reservedConcurrentExecutions: args.reservedConcurrency,
        environment: { variables: indexEnvironment(index) },
        ...(index.kind === 'efs' ? efsMountArgs(index) : {}),
        ...(index.kind === 's3' ? { ephemeralStorage: { size: index.ephemeralStorageMb } } : {}),
        loggingConfig: { logFormat: 'JSON', logGroup: functionLogs.name },
      },
      // Lambda validates the mount and the ENI permissions when the function is created; the rules
      // let its first invocation reach the mount targets.
      {
        parent: this,
        dependsOn: [...(index.kind === 'efs' ? efsMountDependencies(index) : []), ...access],
      },
    );
    this.functionName = fn.name;
    this.functionArn = fn.arn;
    // Bundled: the API calls the alias, so a new version goes live in one step and can be moved
    // back. Pulumi sets it once, on the version published from indexPath; afterwards the CLI moves
    // it (and records the version it replaced in its description), so a later `pulumi up` — even
    // one that publishes new code, or runs with --refresh — never moves it back behind the CLI.
    const alias =
      index.kind === 'bundled'
        ? new aws.lambda.Alias(
            `${name}-live`,
            { name: LIVE_ALIAS, functionName: fn.name, functionVersion: fn.version },
            { parent: this, ignoreChanges: ['functionVersion', 'description'] },
          )
        : undefined;

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
        integrationUri: alias ? alias.invokeArn : fn.invokeArn,
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
        ...(alias ? { qualifier: alias.name } : {}),
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

/** The search handler's environment for a tier (read by runtime/lambda/index-location.ts). */
export function indexEnvironment(index: IndexSource): Record<string, pulumi.Input<string>> {
  const common = { INDEX_STORAGE: index.kind, NODE_OPTIONS: LAMBDA_NODE_OPTIONS };
  if (index.kind === 'efs') return { ...common, INDEX_DIR: index.mountPath };
  if (index.kind === 's3')
    return { ...common, INDEX_BUCKET: index.bucketName, INDEX_PREFIX: index.prefix };
  return common;
}
