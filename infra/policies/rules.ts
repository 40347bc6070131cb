/**
 * The security rules of serverless-ir as CrossGuard policies. Each rule is a plain `check`
 * function over a resource's type and properties that returns its violations (tests call it
 * directly on passing and failing properties), wrapped into a mandatory Pulumi policy.
 *
 * Properties may be unknown during a preview (undefined here); a rule flags only what it can see
 * is wrong, except where a value must be set explicitly (encryption, IMDSv2, retention).
 */
import type {
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from '@pulumi/policy';
import { LIMITS } from '../../runtime/cost/prices.js';
import { INDEX_STORAGE_KINDS } from '../../runtime/lambda/index-env.js';
import { MAX_RECEIVE_COUNT, VISIBILITY_FACTOR } from '../../runtime/jobs/queues.js';
import { LAMBDA_ARCHITECTURE, MIN_LAMBDA_NODE_MAJOR } from '../lambda-platform.js';

type Props = Record<string, any>;

export interface Rule {
  name: string;
  description: string;
  /** Resource type tokens the rule looks at. */
  types: readonly string[];
  /** Violations of one resource; empty when it complies. */
  check(type: string, props: Props): string[];
}

export const TYPES = {
  securityGroup: 'aws:ec2/securityGroup:SecurityGroup',
  securityGroupRule: 'aws:ec2/securityGroupRule:SecurityGroupRule',
  ingressRule: 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
  efsFileSystem: 'aws:efs/fileSystem:FileSystem',
  efsPolicy: 'aws:efs/fileSystemPolicy:FileSystemPolicy',
  vpcEndpoint: 'aws:ec2/vpcEndpoint:VpcEndpoint',
  internetGateway: 'aws:ec2/internetGateway:InternetGateway',
  instance: 'aws:ec2/instance:Instance',
  launchTemplate: 'aws:ec2/launchTemplate:LaunchTemplate',
  lambda: 'aws:lambda/function:Function',
  logGroup: 'aws:cloudwatch/logGroup:LogGroup',
  role: 'aws:iam/role:Role',
  rolePolicyAttachment: 'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
  bucket: 'aws:s3/bucket:Bucket',
  publicAccessBlock: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
  queue: 'aws:sqs/queue:Queue',
  snsTopic: 'aws:sns/topic:Topic',
  eventSourceMapping: 'aws:lambda/eventSourceMapping:EventSourceMapping',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  policy: 'aws:iam/policy:Policy',
} as const;

const PUBLIC_CIDRS = ['0.0.0.0/0', '::/0'];

export const noPublicIngress: Rule = {
  name: 'no-public-ingress',
  description: 'No security group admits traffic from 0.0.0.0/0 or ::/0.',
  types: [TYPES.securityGroup, TYPES.securityGroupRule, TYPES.ingressRule],
  check(type, props) {
    const open = (cidrs: unknown) =>
      Array.isArray(cidrs) && cidrs.some((c) => PUBLIC_CIDRS.includes(c));
    if (type === TYPES.ingressRule) {
      return PUBLIC_CIDRS.includes(props.cidrIpv4) || PUBLIC_CIDRS.includes(props.cidrIpv6)
        ? ['ingress rule open to the internet']
        : [];
    }
    if (type === TYPES.securityGroupRule) {
      return props.type === 'ingress' && (open(props.cidrBlocks) || open(props.ipv6CidrBlocks))
        ? ['ingress rule open to the internet']
        : [];
    }
    const ingress: Props[] = Array.isArray(props.ingress) ? props.ingress : [];
    return ingress.some((r) => open(r.cidrBlocks) || open(r.ipv6CidrBlocks))
      ? ['inline ingress open to the internet']
      : [];
  },
};

export const efsEncrypted: Rule = {
  name: 'efs-encrypted',
  description: 'EFS file systems are encrypted at rest.',
  types: [TYPES.efsFileSystem],
  check: (_type, props) =>
    props.encrypted === true ? [] : ['EFS file system must set encrypted: true'],
};

/** The statements of a JSON policy document; undefined when it is not JSON. */
function statementsOf(policy: string): Props[] | undefined {
  try {
    const doc = JSON.parse(policy);
    return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  } catch {
    return undefined;
  }
}

/** A rule over an EFS file-system policy's statements (unknown in a preview: nothing to say). */
function efsPolicyRule(
  name: string,
  description: string,
  inspect: (statements: Props[]) => string[],
): Rule {
  return {
    name,
    description,
    types: [TYPES.efsPolicy],
    check(_type, props) {
      if (typeof props.policy !== 'string') return [];
      const statements = statementsOf(props.policy);
      return statements ? inspect(statements) : ['file-system policy is not valid JSON'];
    },
  };
}

export const efsAccessPointOnly = efsPolicyRule(
  'efs-access-point-only',
  'EFS file-system policies deny ClientMount, ClientWrite and ClientRootAccess to every principal outside an access point.',
  (statements) => {
    const denied = new Set<string>();
    for (const s of statements) {
      const arn = s?.Condition?.StringNotEquals?.['elasticfilesystem:AccessPointArn'];
      if (s?.Effect !== 'Deny' || typeof arn !== 'string') continue;
      for (const action of [s.Action].flat()) denied.add(String(action));
    }
    const missing = [
      'elasticfilesystem:ClientMount',
      'elasticfilesystem:ClientWrite',
      'elasticfilesystem:ClientRootAccess',
    ].filter((a) => !denied.has(a) && !denied.has('*'));
    return missing.length === 0
      ? []
      : [
          `file-system policy must Deny ${missing.join(', ')} unless elasticfilesystem:AccessPointArn is the access point`,
        ];
  },
);

export const gatewayEndpointPolicy: Rule = {
  name: 's3-gateway-endpoint-policy',
  description:
    'Gateway VPC endpoints carry a policy naming their resources (the default allows every bucket of every account).',
  types: [TYPES.vpcEndpoint],
  check(_type, props) {
    if (props.vpcEndpointType !== 'Gateway') return [];
    if (props.policy === undefined) return ['gateway endpoint needs a policy'];
    if (typeof props.policy !== 'string') return []; // unknown during preview
    const statements = statementsOf(props.policy);
    if (!statements) return ['endpoint policy is not valid JSON'];
    return statements.some(
      (s) =>
        s?.Effect === 'Allow' &&
        [s.Resource].flat().some((r) => r === '*' || r === 'arn:aws:s3:::*'),
    )
      ? ['gateway endpoint policy must name its buckets, not "*"']
      : [];
  },
};

export const noInternetGateway: Rule = {
  name: 'no-internet-gateway',
  description:
    'No Internet Gateway: nothing in this stack is reachable from, or reaches, the internet.',
  types: [TYPES.internetGateway],
  check: () => ['the stack needs no Internet Gateway; remove it'],
};

export const efsTlsPolicy = efsPolicyRule(
  'efs-tls-policy',
  'EFS file-system policies deny requests made without TLS (aws:SecureTransport false).',
  (statements) => {
    const deniesPlainText = statements.some((s) => {
      const value = s?.Effect === 'Deny' ? s.Condition?.Bool?.['aws:SecureTransport'] : undefined;
      return value === 'false' || value === false;
    });
    return deniesPlainText
      ? []
      : ['file-system policy must Deny when aws:SecureTransport is false'];
  },
);

export const imdsV2Required: Rule = {
  name: 'imdsv2-required',
  description: 'EC2 instances and launch templates require IMDSv2 tokens.',
  types: [TYPES.instance, TYPES.launchTemplate],
  check: (_type, props) =>
    props.metadataOptions?.httpTokens === 'required'
      ? []
      : ['metadataOptions.httpTokens must be "required" (IMDSv2)'],
};

export const noKeyPair: Rule = {
  name: 'no-key-pair',
  description: 'Instances have no SSH key pair; access is through SSM only.',
  types: [TYPES.instance, TYPES.launchTemplate],
  check: (_type, props) =>
    props.keyName
      ? [`instance uses key pair ${props.keyName}; use SSM Session Manager instead`]
      : [],
};

export const lambdaRuntime: Rule = {
  name: 'lambda-runtime-arm64',
  description: `Lambda functions run nodejs${MIN_LAMBDA_NODE_MAJOR}.x or newer on ${LAMBDA_ARCHITECTURE}.`,
  types: [TYPES.lambda],
  check(_type, props) {
    const violations: string[] = [];
    const match = /^nodejs(\d+)\.x$/.exec(String(props.runtime ?? ''));
    if (!match || Number(match[1]) < MIN_LAMBDA_NODE_MAJOR)
      violations.push(`runtime ${props.runtime} is not nodejs${MIN_LAMBDA_NODE_MAJOR}.x or newer`);
    const arch = props.architectures;
    if (!Array.isArray(arch) || arch.length !== 1 || arch[0] !== LAMBDA_ARCHITECTURE)
      violations.push(`architectures must be ["${LAMBDA_ARCHITECTURE}"]`);
    return violations;
  },
};

/**
 * The index store is reachable only from the VPC, so what mounts it runs there. Functions that
 * mount nothing (the job pipeline's API, coordinator and map workers) run outside it on purpose:
 * they reach SQS without an interface endpoint, which would cost more than the idle stack.
 */
export const lambdaInVpc: Rule = {
  name: 'lambda-in-vpc',
  description:
    'Lambda functions that mount EFS run in the VPC, and a vpcConfig names subnets and security groups.',
  types: [TYPES.lambda],
  check(_type, props) {
    const vpc = props.vpcConfig;
    const has = (list: unknown) => list === undefined || (Array.isArray(list) && list.length > 0); // undefined: unknown in preview
    if (!vpc) return props.fileSystemConfig ? ['a function that mounts EFS needs a vpcConfig'] : [];
    return has(vpc.subnetIds) && has(vpc.securityGroupIds)
      ? []
      : ['vpcConfig needs subnetIds and securityGroupIds'];
  },
};

/**
 * The search Lambda reads its index from its stack's tier (env `INDEX_STORAGE`): on `efs` it
 * mounts the store from the VPC; on `s3` and `bundled` it runs outside any VPC and mounts nothing
 * (no ENIs, no NAT question), and an `s3` function names its bucket and sizes its /tmp.
 */
export const lambdaIndexStorage: Rule = {
  name: 'lambda-index-storage',
  description:
    'A search Lambda on efs mounts EFS from the VPC; on s3 or bundled it runs outside any VPC and mounts nothing; on s3 it names its bucket and sizes /tmp.',
  types: [TYPES.lambda],
  check(_type, props) {
    const env = props.environment?.variables as Record<string, unknown> | undefined;
    const storage = env?.INDEX_STORAGE;
    if (storage === undefined) return [];
    if (!(INDEX_STORAGE_KINDS as readonly unknown[]).includes(storage))
      return [
        `INDEX_STORAGE is ${String(storage)}; expected one of ${INDEX_STORAGE_KINDS.join(', ')}`,
      ];
    if (storage === 'efs')
      return props.fileSystemConfig && props.vpcConfig
        ? []
        : ['INDEX_STORAGE efs needs fileSystemConfig and vpcConfig'];
    const violations: string[] = [];
    if (props.vpcConfig)
      violations.push(`INDEX_STORAGE ${storage} runs outside any VPC: remove vpcConfig`);
    if (props.fileSystemConfig)
      violations.push(`INDEX_STORAGE ${storage} mounts nothing: remove fileSystemConfig`);
    if (storage === 's3') {
      if (env?.INDEX_BUCKET === '') violations.push('INDEX_STORAGE s3 needs INDEX_BUCKET');
      const size = props.ephemeralStorage?.size;
      if (
        size !== undefined &&
        !(size >= LIMITS.lambdaEphemeralFreeMb && size <= LIMITS.lambdaEphemeralMaxMb)
      )
        violations.push(`ephemeralStorage.size ${size} is outside 512–10240 MB`);
      if (props.ephemeralStorage === undefined)
        violations.push('INDEX_STORAGE s3 downloads the index to /tmp: set ephemeralStorage.size');
    }
    return violations;
  },
};

export const sqsEncrypted: Rule = {
  name: 'sqs-encrypted',
  description: 'SQS queues are encrypted at rest (SSE-SQS or a KMS key).',
  types: [TYPES.queue],
  check: (_type, props) =>
    props.sqsManagedSseEnabled === true || typeof props.kmsMasterKeyId === 'string'
      ? []
      : ['set sqsManagedSseEnabled: true (or kmsMasterKeyId)'],
};

export const snsEncrypted: Rule = {
  name: 'sns-encrypted',
  description: 'SNS topics are encrypted at rest with a KMS key.',
  types: [TYPES.snsTopic],
  check: (_type, props) =>
    typeof props.kmsMasterKeyId === 'string' && props.kmsMasterKeyId !== ''
      ? []
      : ['set kmsMasterKeyId (a key whose policy lets the publishers use it)'],
};

export const sqsPartialBatchResponses: Rule = {
  name: 'sqs-partial-batch-responses',
  description:
    'SQS event-source mappings report partial batch failures, so one failed message does not redeliver its batch.',
  types: [TYPES.eventSourceMapping],
  check(_type, props) {
    if (!/^arn:aws[\w-]*:sqs:/.test(String(props.eventSourceArn ?? 'arn:aws:sqs:'))) return [];
    const types = props.functionResponseTypes;
    return Array.isArray(types) && types.includes('ReportBatchItemFailures')
      ? []
      : ['functionResponseTypes must include ReportBatchItemFailures'];
  },
};

/** `*`, `sqs:*` and partial wildcards such as `sqs:Send*`. */
const wildcardSqs = (action: unknown) =>
  typeof action === 'string' && (action === '*' || /^sqs:.*\*/i.test(action));

export const noWildcardSqsActions: Rule = {
  name: 'no-wildcard-sqs-actions',
  description: 'IAM policies name the SQS actions they allow: no "*", "sqs:*" or "sqs:Send*".',
  types: [TYPES.rolePolicy, TYPES.policy],
  check(_type, props) {
    if (typeof props.policy !== 'string') return [];
    const statements = statementsOf(props.policy);
    if (!statements) return ['policy is not valid JSON'];
    const wild = statements
      .filter((st) => st?.Effect === 'Allow')
      .flatMap((st) => [st.Action].flat().filter(wildcardSqs));
    return wild.length === 0 ? [] : [`allows wildcard actions ${[...new Set(wild)].join(', ')}`];
  },
};

export const logRetention: Rule = {
  name: 'log-group-retention',
  description: 'Log groups expire their events (retentionInDays set).',
  types: [TYPES.logGroup],
  check: (_type, props) =>
    Number(props.retentionInDays) > 0
      ? []
      : ['retentionInDays must be set (logs kept forever cost forever)'],
};

export const noFullAccess: Rule = {
  name: 'no-full-access-policies',
  description:
    'No *FullAccess or AdministratorAccess managed policy, and no deprecated managedPolicyArns on roles.',
  types: [TYPES.rolePolicyAttachment, TYPES.role],
  check(type, props) {
    const broad = (arn: unknown) =>
      typeof arn === 'string' && /(FullAccess|AdministratorAccess)$/.test(arn);
    if (type === TYPES.rolePolicyAttachment)
      return broad(props.policyArn) ? [`attaches ${props.policyArn}`] : [];
    const managed = props.managedPolicyArns;
    return Array.isArray(managed) && managed.length > 0
      ? ['use RolePolicyAttachment instead of the deprecated managedPolicyArns']
      : [];
  },
};

export const bucketPublicAccessBlock: Rule = {
  name: 's3-public-access-block',
  description: 'S3 public access blocks turn on all four settings.',
  types: [TYPES.publicAccessBlock],
  check(_type, props) {
    const keys = [
      'blockPublicAcls',
      'blockPublicPolicy',
      'ignorePublicAcls',
      'restrictPublicBuckets',
    ];
    const off = keys.filter((k) => props[k] !== true);
    return off.length === 0 ? [] : [`public access block must set ${off.join(', ')} to true`];
  },
};

export const RULES: readonly Rule[] = [
  noPublicIngress,
  efsEncrypted,
  efsTlsPolicy,
  efsAccessPointOnly,
  gatewayEndpointPolicy,
  noInternetGateway,
  imdsV2Required,
  noKeyPair,
  lambdaRuntime,
  lambdaInVpc,
  lambdaIndexStorage,
  logRetention,
  noFullAccess,
  bucketPublicAccessBlock,
  sqsEncrypted,
  snsEncrypted,
  sqsPartialBatchResponses,
  noWildcardSqsActions,
];

/** Every bucket of the stack has a public access block (stack-wide: the link is by bucket id). */
export function checkEveryBucketBlocked(resources: Pick<PolicyResource, 'type'>[]): string[] {
  const buckets = resources.filter((r) => r.type === TYPES.bucket).length;
  const blocks = resources.filter((r) => r.type === TYPES.publicAccessBlock).length;
  return blocks >= buckets
    ? []
    : [`${buckets} bucket(s) but only ${blocks} public access block(s)`];
}

type StackResource = Pick<PolicyResource, 'type' | 'props'>;

/**
 * Every queue has a dead-letter queue: each queue either sends its failures to one
 * (`redrivePolicy` with at most `MAX_RECEIVE_COUNT` receives) or is one (the target of another
 * queue's policy). Counted like the public access blocks: the link is by ARN.
 */
export function checkEveryQueueHasDeadLetter(resources: StackResource[]): string[] {
  const queues = resources.filter((r) => r.type === TYPES.queue);
  const targets = new Set<string>();
  const violations: string[] = [];
  let sources = 0;
  for (const q of queues) {
    if (q.props.redrivePolicy === undefined) continue;
    sources++;
    let policy: Props | undefined;
    try {
      policy = JSON.parse(String(q.props.redrivePolicy));
    } catch {
      policy = undefined;
    }
    const receives = Number(policy?.maxReceiveCount);
    if (typeof policy?.deadLetterTargetArn !== 'string')
      violations.push(
        `queue ${q.props.name ?? ''} has a redrivePolicy without deadLetterTargetArn`,
      );
    else targets.add(policy.deadLetterTargetArn);
    if (!(receives >= 1 && receives <= MAX_RECEIVE_COUNT))
      violations.push(
        `queue ${q.props.name ?? ''} must dead-letter after at most ${MAX_RECEIVE_COUNT} receives, not ${policy?.maxReceiveCount}`,
      );
  }
  const deadLetters = queues.length - sources;
  if (deadLetters > targets.size)
    violations.push(
      `${queues.length - sources} queue(s) without a redrivePolicy but only ${targets.size} dead-letter target(s): every queue needs a dead-letter queue`,
    );
  return violations;
}

/**
 * A queue feeding a function hides a received message for at least `VISIBILITY_FACTOR` × the
 * function's timeout (AWS's advice: a batch may wait for throttled invocations), or a message
 * still being worked on comes back and runs twice at once.
 */
export function checkQueueVisibility(resources: StackResource[]): string[] {
  const byArn = (type: string) =>
    new Map(
      resources.filter((r) => r.type === type).map((r) => [String(r.props.arn), r.props] as const),
    );
  const queues = byArn(TYPES.queue);
  const functions = byArn(TYPES.lambda);
  const violations: string[] = [];
  for (const m of resources.filter((r) => r.type === TYPES.eventSourceMapping)) {
    const queue = queues.get(String(m.props.eventSourceArn));
    const fn =
      functions.get(String(m.props.functionName)) ??
      [...functions.values()].find((f) => f.name === m.props.functionName);
    if (!queue || !fn) continue;
    const timeout = Number(fn.timeout ?? 3); // Lambda's default timeout is 3 s
    const visibility = Number(queue.visibilityTimeoutSeconds ?? 30); // SQS's default is 30 s
    if (visibility < VISIBILITY_FACTOR * timeout)
      violations.push(
        `queue ${queue.name ?? queue.arn} hides messages for ${visibility} s, less than ${VISIBILITY_FACTOR} × the ${timeout} s timeout of the function it feeds`,
      );
  }
  return violations;
}

export function toPolicy(rule: Rule): ResourceValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: 'mandatory',
    validateResource: (args, reportViolation) => {
      if (!rule.types.includes(args.type)) return;
      for (const violation of rule.check(args.type, args.props)) reportViolation(violation);
    },
  };
}

export const everyBucketBlocked: StackValidationPolicy = {
  name: 's3-bucket-has-public-access-block',
  description: 'Every S3 bucket has a public access block.',
  enforcementLevel: 'mandatory',
  validateStack: (args, reportViolation) =>
    checkEveryBucketBlocked(args.resources).forEach((v) => reportViolation(v)),
};

export const everyQueueDeadLettered: StackValidationPolicy = {
  name: 'sqs-dead-letter-queue',
  description: `Every SQS queue has a dead-letter queue (maxReceiveCount at most ${MAX_RECEIVE_COUNT}).`,
  enforcementLevel: 'mandatory',
  validateStack: (args, reportViolation) =>
    checkEveryQueueHasDeadLetter(args.resources).forEach((v) => reportViolation(v)),
};

export const queueVisibility: StackValidationPolicy = {
  name: 'sqs-visibility-timeout',
  description: `A queue feeding a Lambda function hides messages for at least ${VISIBILITY_FACTOR} × its timeout.`,
  enforcementLevel: 'mandatory',
  validateStack: (args, reportViolation) =>
    checkQueueVisibility(args.resources).forEach((v) => reportViolation(v)),
};

export const POLICIES = [
  ...RULES.map(toPolicy),
  everyBucketBlocked,
  everyQueueDeadLettered,
  queueVisibility,
];
