/**
 * The one mock setup for the Pulumi program, shared by the mocha tests (test/infra/) and
 * `npm run infra:graph`. It runs the real program (`createStack`) under `pulumi.runtime.setMocks`
 * and records every resource registration: type, name, inputs, parent and dependencies.
 *
 * - Parents and dependencies are not passed to `Mocks.newResource`, so the mock monitor's
 *   `registerResource` is wrapped to read them from the registration request itself (the same
 *   request the engine would get: `dependencies` holds explicit `dependsOn` plus input references).
 * - Inputs marked secret are recorded as such (`secretInputs`), so tests can tell a value a
 *   preview would show from one it would hide.
 * - Function calls (invokes) are answered only for the tokens the program is expected to use;
 *   anything else throws, so a new lookup cannot slip in unnoticed.
 */
import * as pulumi from '@pulumi/pulumi';
import { al2023AmiParameter } from '../loader.js';
import { createStack, type StackOutputs } from '../program.js';

export const MOCK_ACCOUNT = '123456789012';
export const MOCK_REGION = 'us-east-1';
export const MOCK_AMI = 'ami-0a1b2c3d4e5f60718';
export const MOCK_S3_PREFIX_LIST = 'pl-63a5400a';
export const MOCK_ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1f'];
/** What `ec2:DescribeInstanceTypes` answers for the types the tests use. */
export const MOCK_INSTANCE_ARCHITECTURES: Readonly<Record<string, string[]>> = {
  't4g.small': ['arm64'],
  'a1.large': ['arm64'],
  't3.small': ['i386', 'x86_64'],
  'm7i-flex.large': ['x86_64'],
  'mac2.metal': ['arm64_mac'],
};

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  /** Parent URN, "" for top-level resources. */
  parent: string;
  /** URNs this resource depends on (explicit `dependsOn` and resources its inputs come from). */
  dependencies: string[];
  /** Top-level input names whose values are secret (a preview shows them as [secret]). */
  secretInputs: string[];
  /** Inputs plus what the provider computes (ARNs, URLs): the properties a stack policy sees. */
  props: Record<string, unknown>;
  /** Inputs `pulumi up` leaves alone once the resource exists (`ignoreChanges`). */
  ignoreChanges: string[];
}

export class UnexpectedCallError extends Error {
  override name = 'UnexpectedCallError';
}

type CallHandler = (inputs: Record<string, unknown>) => Record<string, unknown>;

/** Every invoke the program may make, and what it answers. */
export const EXPECTED_CALLS: Readonly<Record<string, CallHandler>> = {
  'aws:index/getCallerIdentity:getCallerIdentity': () => ({
    accountId: MOCK_ACCOUNT,
    arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/deployer`,
    userId: 'AIDAMOCK',
    id: MOCK_ACCOUNT,
  }),
  'aws:index/getAvailabilityZones:getAvailabilityZones': () => ({
    id: MOCK_REGION,
    names: MOCK_ZONES,
    zoneIds: MOCK_ZONES.map((_, i) => `use1-az${i + 1}`),
  }),
  'aws:ec2/getInstanceType:getInstanceType': (inputs) => {
    const type = String(inputs['instanceType']);
    const supportedArchitectures = MOCK_INSTANCE_ARCHITECTURES[type];
    if (!supportedArchitectures)
      throw new UnexpectedCallError(`no mock architecture for instance type ${type}`);
    return { id: type, instanceType: type, supportedArchitectures };
  },
  'aws:ssm/getParameter:getParameter': (inputs) => {
    const name = String(inputs['name']);
    if (name !== al2023AmiParameter('arm64') && name !== al2023AmiParameter('x86_64')) {
      throw new UnexpectedCallError(
        `unexpected SSM parameter ${name}: only the Amazon Linux 2023 AMI parameters are expected`,
      );
    }
    // As the provider answers: `value` is always marked secret (the parameter might be a
    // SecureString), `insecureValue` is the plain value of a String parameter.
    return {
      id: name,
      name,
      type: 'String',
      value: pulumi.secret(MOCK_AMI),
      insecureValue: MOCK_AMI,
      withDecryption: true,
    };
  },
};

function arn(service: string, resource: string): string {
  return `arn:aws:${service}:${MOCK_REGION}:${MOCK_ACCOUNT}:${resource}`;
}

/** Computed outputs a real provider would return, for the resource types the program reads them from. */
function computedState(
  type: string,
  name: string,
  inputs: Record<string, any>,
): Record<string, unknown> {
  switch (type) {
    case 'aws:ec2/vpcEndpoint:VpcEndpoint':
      return inputs['vpcEndpointType'] === 'Gateway' ? { prefixListId: MOCK_S3_PREFIX_LIST } : {};
    case 'aws:efs/fileSystem:FileSystem':
      return { arn: arn('elasticfilesystem', `file-system/fs-${name}`) };
    case 'aws:efs/accessPoint:AccessPoint':
      return { arn: arn('elasticfilesystem', `access-point/fsap-${name}`) };
    case 'aws:s3/bucket:Bucket':
      return { bucket: `${name}-mock`, arn: `arn:aws:s3:::${name}-mock` };
    case 'aws:s3/bucketObjectv2:BucketObjectv2':
      return { etag: 'mock-etag' };
    case 'aws:apigatewayv2/api:Api':
      return {
        apiEndpoint: `https://${name}.execute-api.${MOCK_REGION}.amazonaws.com`,
        executionArn: arn('execute-api', name),
      };
    case 'aws:lambda/function:Function':
      return {
        arn: arn('lambda', `function:${name}`),
        invokeArn: `arn:aws:apigateway:${MOCK_REGION}:lambda:path/2015-03-31/functions/${arn('lambda', `function:${name}`)}/invocations`,
        // What Lambda reports: a number for a published version, $LATEST otherwise.
        version: inputs['publish'] ? '1' : '$LATEST',
      };
    case 'aws:lambda/alias:Alias': {
      const aliasArn = arn('lambda', `function:${inputs['functionName']}:${inputs['name']}`);
      return {
        arn: aliasArn,
        invokeArn: `arn:aws:apigateway:${MOCK_REGION}:lambda:path/2015-03-31/functions/${aliasArn}/invocations`,
      };
    }
    case 'aws:cloudwatch/logGroup:LogGroup':
      return { arn: arn('logs', `log-group:${name}`) };
    case 'aws:iam/role:Role':
      return { arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${name}` };
    case 'aws:sqs/queue:Queue': {
      const queue = inputs['fifoQueue'] ? `${name}.fifo` : name;
      return {
        name: queue,
        arn: arn('sqs', queue),
        url: `https://sqs.${MOCK_REGION}.amazonaws.com/${MOCK_ACCOUNT}/${queue}`,
      };
    }
    case 'aws:cloudwatch/metricAlarm:MetricAlarm':
      return { name };
    case 'aws:iam/policy:Policy':
      return { arn: `arn:aws:iam::${MOCK_ACCOUNT}:policy/${name}` };
    case 'aws:kms/key:Key':
      return { arn: arn('kms', `key/${name}`) };
    case 'aws:sns/topic:Topic':
      return { arn: arn('sns', name) };
    default:
      return {};
  }
}

export interface MockRunOptions {
  /** Project config by short key (`loaderEnabled`), values as Pulumi hands them over: strings. */
  config?: Record<string, string>;
  /** Run as `pulumi preview` (true) or `pulumi up` (false). */
  preview: boolean;
  stack?: string;
}

export interface MockRun {
  resources: RecordedResource[];
  calls: { token: string; inputs: Record<string, unknown> }[];
  /** Stack outputs, resolved. */
  outputs: Record<string, unknown>;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getDependenciesList(): string[];
  getIgnorechangesList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/** The signature key Pulumi's wire format marks special values with, and the value for secrets. */
const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** Names of the inputs that are, or contain, a secret in a registration's wire-format object. */
function secretInputNames(object: Record<string, unknown>): string[] {
  const isSecret = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.some(isSecret);
    if (v === null || typeof v !== 'object') return false;
    const o = v as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return true;
    return Object.values(o).some(isSecret);
  };
  return Object.keys(object).filter((key) => isSecret(object[key]));
}
type Callback = (err: unknown, response: { getUrn(): string } | undefined) => void;
interface WrappableMonitor {
  registerResource(req: RegisterRequest, callback: Callback): Promise<void>;
}

/** Inputs as JSON-able data: assets and archives become `{ asset | archive: path }`. */
async function plain(value: unknown): Promise<unknown> {
  if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) {
    const kind = pulumi.asset.Asset.isInstance(value) ? 'asset' : 'archive';
    const source = value as unknown as { path?: Promise<string>; text?: Promise<string> };
    return { [kind]: (await source.path) ?? (await source.text) ?? '(inline)' };
  }
  if (Array.isArray(value)) return Promise.all((value as unknown[]).map(plain));
  if (value !== null && typeof value === 'object') {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await plain(v)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

function resolve<T>(output: pulumi.Output<T> | undefined): Promise<T | undefined> {
  return output === undefined
    ? Promise.resolve(undefined)
    : new Promise((done) => output.apply((value) => done(value)));
}

/** Runs the real program under mocks and returns what it declared. Throws on any failed invoke or registration. */
export async function runProgramUnderMocks(options: MockRunOptions): Promise<MockRun> {
  const resources: RecordedResource[] = [];
  const calls: MockRun['calls'] = [];
  const inputsByKey = new Map<string, Record<string, unknown>>();
  const propsByKey = new Map<string, Record<string, unknown>>();
  // The first failure also settles `failed`, so outputs that will never resolve (their inputs
  // failed) end the run with that failure instead of hanging it.
  let fail: (reason: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const failures = {
    list: [] as unknown[],
    push(reason: unknown) {
      this.list.push(reason);
      fail(reason);
    },
  };

  await pulumi.runtime.setMocks(
    {
      call(args) {
        calls.push({ token: args.token, inputs: args.inputs });
        const handler = EXPECTED_CALLS[args.token];
        if (!handler) {
          const error = new UnexpectedCallError(
            `unexpected function call ${args.token}; expected one of ${Object.keys(EXPECTED_CALLS).join(', ')}`,
          );
          failures.push(error);
          throw error;
        }
        try {
          return handler(args.inputs);
        } catch (error) {
          failures.push(error);
          throw error;
        }
      },
      async newResource(args) {
        inputsByKey.set(
          `${args.type}::${args.name}`,
          (await plain(args.inputs)) as Record<string, unknown>,
        );
        // Auto-named resources get their logical name as physical name, as autonaming would (minus the suffix).
        const named = args.custom ? { name: args.name } : {};
        const state = {
          ...named,
          ...args.inputs,
          ...computedState(args.type, args.name, args.inputs),
        };
        propsByKey.set(
          `${args.type}::${args.name}`,
          (await plain(state)) as Record<string, unknown>,
        );
        return { id: args.custom ? `${args.name}-id` : undefined, state };
      },
    },
    'serverless-ir',
    options.stack ?? 'test',
    options.preview,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as WrappableMonitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, response) => {
      if (!err && response) {
        resources.push({
          urn: response.getUrn(),
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          inputs: inputsByKey.get(`${req.getType()}::${req.getName()}`) ?? {},
          parent: req.getParent(),
          dependencies: req.getDependenciesList(),
          ignoreChanges: req.getIgnorechangesList(),
          secretInputs: secretInputNames(req.getObject()?.toJavaScript() ?? {}),
          props: propsByKey.get(`${req.getType()}::${req.getName()}`) ?? {},
        });
      } else if (err) {
        failures.push(err);
      }
      callback(err, response);
    });

  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.config ?? {}))
    config[`serverless-ir:${key}`] = value;
  pulumi.runtime.setAllConfig(config);

  const onRejection = (reason: unknown) => failures.push(reason);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onRejection);
  // What the engine would report as an error and fail the update for (a registration whose inputs
  // could not be computed, an invoke whose arguments failed) reaches the program only as a log line.
  const log = pulumi.log as { error: typeof pulumi.log.error };
  const logError = log.error;
  log.error = (message, ...rest) => {
    failures.push(new Error(message));
    return logError(message, ...rest);
  };
  try {
    const stack: StackOutputs = createStack();
    const outputs: Record<string, unknown> = {};
    for (const [key, output] of Object.entries(stack))
      outputs[key] = await Promise.race([
        resolve(output as pulumi.Output<unknown> | undefined),
        failed,
      ]);
    // Resources outside the outputs' dependency graph (permissions, rules) may still be in flight,
    // and a registration whose inputs failed reports it just after the RPC queue drains: wait until
    // a pause passes with nothing new.
    for (let seen = -1, i = 0; seen !== resources.length + failures.list.length && i < 20; i++) {
      seen = resources.length + failures.list.length;
      await Promise.race([waitForRegistrations(), failed]);
      await new Promise((done) => setTimeout(done, 20));
    }
    if (failures.list.length > 0) throw failures.list[0];
    return { resources, calls, outputs };
  } finally {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onRejection);
    log.error = logError;
  }
}

/** Waits until the SDK has no RPC in flight (its internal `waitForRPCs`), or until registrations settle. */
async function waitForRegistrations(): Promise<void> {
  const internal = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (typeof internal.waitForRPCs === 'function') {
    await internal.waitForRPCs();
    return;
  }
  await new Promise((done) => setTimeout(done, 200));
}
