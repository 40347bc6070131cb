/**
 * The CrossGuard rules on passing and failing resource properties, through the same
 * `validateResource` Pulumi calls, plus the whole mocked program checked against every rule.
 */
import { strict as assert } from 'node:assert';
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import {
  bucketPublicAccessBlock,
  checkEveryBucketBlocked,
  checkEveryQueueHasDeadLetter,
  checkQueueVisibility,
  noWildcardSqsActions,
  snsEncrypted,
  sqsEncrypted,
  sqsPartialBatchResponses,
  efsAccessPointOnly,
  efsEncrypted,
  efsTlsPolicy,
  gatewayEndpointPolicy,
  noInternetGateway,
  imdsV2Required,
  lambdaIndexStorage,
  lambdaInVpc,
  lambdaRuntime,
  logRetention,
  noFullAccess,
  noKeyPair,
  noPublicIngress,
  POLICIES,
  RULES,
  toPolicy,
  TYPES,
  type Rule,
} from '../../infra/policies/rules.js';
import { fileSystemPolicy, s3GatewayEndpointPolicy, toJson } from '../../infra/policy-documents.js';
import { runProgramUnderMocks } from '../../infra/testing/mocks.js';

/** Runs a rule as Pulumi would and returns the reported violations. */
function violations(rule: Rule, type: string, props: Record<string, unknown>): string[] {
  const reported: string[] = [];
  const policy = toPolicy(rule) as ResourceValidationPolicy & {
    validateResource: (a: ResourceValidationArgs, r: (m: string) => void) => void;
  };
  policy.validateResource({ type, props } as unknown as ResourceValidationArgs, (message) =>
    reported.push(message),
  );
  return reported;
}
const passes = (rule: Rule, type: string, props: Record<string, unknown>) =>
  assert.deepEqual(violations(rule, type, props), []);
const fails = (rule: Rule, type: string, props: Record<string, unknown>) =>
  assert.ok(
    violations(rule, type, props).length > 0,
    `${rule.name} should flag ${JSON.stringify(props)}`,
  );

const TLS_POLICY = JSON.stringify({
  Statement: [
    { Effect: 'Deny', Action: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
  ],
});
const LAMBDA_OK = {
  runtime: 'nodejs24.x',
  architectures: ['arm64'],
  vpcConfig: { subnetIds: ['s'], securityGroupIds: ['g'] },
};

describe('infra policy pack', () => {
  it('makes every policy mandatory', () => {
    assert.equal(POLICIES.length, RULES.length + 3); // and the three stack-wide policies
    for (const policy of POLICIES) assert.equal(policy.enforcementLevel, 'mandatory', policy.name);
  });

  it('no-public-ingress', () => {
    passes(noPublicIngress, TYPES.ingressRule, {
      referencedSecurityGroupId: 'sg-1',
      fromPort: 2049,
    });
    fails(noPublicIngress, TYPES.ingressRule, { cidrIpv4: '0.0.0.0/0' });
    fails(noPublicIngress, TYPES.ingressRule, { cidrIpv6: '::/0' });
    fails(noPublicIngress, TYPES.securityGroup, { ingress: [{ cidrBlocks: ['0.0.0.0/0'] }] });
    fails(noPublicIngress, TYPES.securityGroupRule, {
      type: 'ingress',
      cidrBlocks: ['10.0.0.0/8', '0.0.0.0/0'],
    });
    passes(noPublicIngress, TYPES.securityGroupRule, { type: 'egress', cidrBlocks: ['0.0.0.0/0'] });
  });

  it('efs-encrypted', () => {
    passes(efsEncrypted, TYPES.efsFileSystem, { encrypted: true });
    fails(efsEncrypted, TYPES.efsFileSystem, {});
    fails(efsEncrypted, TYPES.efsFileSystem, { encrypted: false });
  });

  it('efs-tls-policy', () => {
    passes(efsTlsPolicy, TYPES.efsPolicy, { policy: TLS_POLICY });
    fails(efsTlsPolicy, TYPES.efsPolicy, {
      policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*' }] }),
    });
    fails(efsTlsPolicy, TYPES.efsPolicy, { policy: '{not json' });
  });

  it('efs-access-point-only', () => {
    const fs = 'arn:aws:elasticfilesystem:us-east-1:1:file-system/fs-1';
    const ap = 'arn:aws:elasticfilesystem:us-east-1:1:access-point/fsap-1';
    passes(efsAccessPointOnly, TYPES.efsPolicy, { policy: toJson(fileSystemPolicy(fs, '1', ap)) });
    fails(efsAccessPointOnly, TYPES.efsPolicy, { policy: TLS_POLICY });
    const onlyMount = {
      Statement: [
        {
          Effect: 'Deny',
          Action: 'elasticfilesystem:ClientMount',
          Condition: { StringNotEquals: { 'elasticfilesystem:AccessPointArn': ap } },
        },
      ],
    };
    assert.deepEqual(
      violations(efsAccessPointOnly, TYPES.efsPolicy, { policy: JSON.stringify(onlyMount) }),
      [
        'file-system policy must Deny elasticfilesystem:ClientWrite, elasticfilesystem:ClientRootAccess unless elasticfilesystem:AccessPointArn is the access point',
      ],
    );
    passes(efsAccessPointOnly, TYPES.efsPolicy, {}); // unknown in a preview
  });

  it('s3-gateway-endpoint-policy and no-internet-gateway', () => {
    const gateway = { vpcEndpointType: 'Gateway', serviceName: 'com.amazonaws.us-east-1.s3' };
    passes(gatewayEndpointPolicy, TYPES.vpcEndpoint, {
      ...gateway,
      policy: toJson(s3GatewayEndpointPolicy('us-east-1', ['arn:aws:s3:::b'])),
    });
    fails(gatewayEndpointPolicy, TYPES.vpcEndpoint, gateway);
    fails(gatewayEndpointPolicy, TYPES.vpcEndpoint, {
      ...gateway,
      policy: JSON.stringify({
        Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
      }),
    });
    passes(gatewayEndpointPolicy, TYPES.vpcEndpoint, { vpcEndpointType: 'Interface' });
    fails(noInternetGateway, TYPES.internetGateway, { vpcId: 'vpc-1' });
  });

  it('imdsv2-required and no-key-pair', () => {
    passes(imdsV2Required, TYPES.instance, { metadataOptions: { httpTokens: 'required' } });
    fails(imdsV2Required, TYPES.instance, { metadataOptions: { httpTokens: 'optional' } });
    fails(imdsV2Required, TYPES.instance, {});
    passes(noKeyPair, TYPES.instance, {});
    fails(noKeyPair, TYPES.instance, { keyName: 'my-laptop' });
  });

  it('lambda-runtime-arm64 and lambda-in-vpc', () => {
    passes(lambdaRuntime, TYPES.lambda, LAMBDA_OK);
    passes(lambdaRuntime, TYPES.lambda, { ...LAMBDA_OK, runtime: 'nodejs24.x' });
    fails(lambdaRuntime, TYPES.lambda, { ...LAMBDA_OK, runtime: 'nodejs20.x' });
    fails(lambdaRuntime, TYPES.lambda, { ...LAMBDA_OK, runtime: 'python3.12' });
    fails(lambdaRuntime, TYPES.lambda, { ...LAMBDA_OK, architectures: ['x86_64'] });
    passes(lambdaInVpc, TYPES.lambda, LAMBDA_OK);
    // Outside the VPC is fine for a function that mounts nothing (the job pipeline's API,
    // coordinator and workers); one that mounts EFS must be in it.
    passes(lambdaInVpc, TYPES.lambda, { runtime: 'nodejs24.x' });
    fails(lambdaInVpc, TYPES.lambda, { fileSystemConfig: { arn: 'ap', localMountPath: '/mnt/i' } });
    fails(lambdaInVpc, TYPES.lambda, { vpcConfig: { subnetIds: [], securityGroupIds: ['g'] } });
  });

  it('lambda-index-storage: efs in the VPC with the mount; s3 and bundled outside, mounting nothing', () => {
    const env = (v: Record<string, string>) => ({ environment: { variables: v } });
    passes(lambdaIndexStorage, TYPES.lambda, { runtime: 'nodejs24.x' }); // not a search function
    passes(lambdaIndexStorage, TYPES.lambda, {
      ...LAMBDA_OK,
      ...env({ INDEX_STORAGE: 'efs' }),
      fileSystemConfig: { arn: 'ap', localMountPath: '/mnt/index' },
    });
    fails(lambdaIndexStorage, TYPES.lambda, { ...env({ INDEX_STORAGE: 'efs' }) });
    const s3 = {
      ...env({ INDEX_STORAGE: 's3', INDEX_BUCKET: 'b' }),
      ephemeralStorage: { size: 2112 },
    };
    passes(lambdaIndexStorage, TYPES.lambda, s3);
    passes(lambdaIndexStorage, TYPES.lambda, env({ INDEX_STORAGE: 'bundled' }));
    fails(lambdaIndexStorage, TYPES.lambda, { ...s3, vpcConfig: LAMBDA_OK.vpcConfig });
    fails(lambdaIndexStorage, TYPES.lambda, {
      ...env({ INDEX_STORAGE: 'bundled' }),
      fileSystemConfig: { arn: 'ap', localMountPath: '/mnt/index' },
    });
    fails(lambdaIndexStorage, TYPES.lambda, { ...s3, ephemeralStorage: undefined });
    fails(lambdaIndexStorage, TYPES.lambda, { ...s3, ephemeralStorage: { size: 20000 } });
    fails(lambdaIndexStorage, TYPES.lambda, {
      ...s3,
      ...env({ INDEX_STORAGE: 's3', INDEX_BUCKET: '' }),
    });
    fails(lambdaIndexStorage, TYPES.lambda, env({ INDEX_STORAGE: 'nfs' }));
  });

  it('sqs-encrypted, sns-encrypted, sqs-partial-batch-responses and no-wildcard-sqs-actions', () => {
    passes(sqsEncrypted, TYPES.queue, { sqsManagedSseEnabled: true });
    passes(sqsEncrypted, TYPES.queue, { kmsMasterKeyId: 'alias/aws/sqs' });
    fails(sqsEncrypted, TYPES.queue, {});
    fails(sqsEncrypted, TYPES.queue, { sqsManagedSseEnabled: false });
    passes(snsEncrypted, TYPES.snsTopic, { kmsMasterKeyId: 'arn:aws:kms:us-east-1:1:key/k' });
    fails(snsEncrypted, TYPES.snsTopic, {});
    fails(snsEncrypted, TYPES.snsTopic, { kmsMasterKeyId: '' });
    const sqs = 'arn:aws:sqs:us-east-1:123456789012:q';
    passes(sqsPartialBatchResponses, TYPES.eventSourceMapping, {
      eventSourceArn: sqs,
      functionResponseTypes: ['ReportBatchItemFailures'],
    });
    fails(sqsPartialBatchResponses, TYPES.eventSourceMapping, { eventSourceArn: sqs });
    passes(sqsPartialBatchResponses, TYPES.eventSourceMapping, {
      eventSourceArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
    });
    const policy = (Action: unknown, Effect = 'Allow') =>
      JSON.stringify({ Statement: [{ Effect, Action, Resource: sqs }] });
    passes(noWildcardSqsActions, TYPES.rolePolicy, {
      policy: policy(['sqs:SendMessage', 'sqs:ReceiveMessage']),
    });
    fails(noWildcardSqsActions, TYPES.rolePolicy, { policy: policy('sqs:*') });
    fails(noWildcardSqsActions, TYPES.policy, { policy: policy(['sqs:Send*']) });
    fails(noWildcardSqsActions, TYPES.policy, { policy: policy('*') });
    passes(noWildcardSqsActions, TYPES.policy, { policy: policy('sqs:*', 'Deny') });
  });

  it('sqs-dead-letter-queue and sqs-visibility-timeout, stack-wide', () => {
    const dlq = { type: TYPES.queue, props: { name: 'd', arn: 'arn:aws:sqs:r:1:d' } };
    const redrive = (maxReceiveCount: number) =>
      JSON.stringify({ deadLetterTargetArn: dlq.props.arn, maxReceiveCount });
    const queue = (visibilityTimeoutSeconds: number, receives = 5) => ({
      type: TYPES.queue,
      props: {
        name: 'q',
        arn: 'arn:aws:sqs:r:1:q',
        visibilityTimeoutSeconds,
        redrivePolicy: redrive(receives),
      },
    });
    assert.deepEqual(checkEveryQueueHasDeadLetter([dlq, queue(60)]), []);
    assert.equal(checkEveryQueueHasDeadLetter([dlq, queue(60, 6)]).length, 1);
    assert.equal(
      checkEveryQueueHasDeadLetter([dlq, queue(60), { ...dlq, props: { name: 'lonely' } }]).length,
      1,
    );
    const fn = { type: TYPES.lambda, props: { arn: 'arn:aws:lambda:r:1:function:f', timeout: 10 } };
    const mapping = {
      type: TYPES.eventSourceMapping,
      props: { eventSourceArn: 'arn:aws:sqs:r:1:q', functionName: fn.props.arn },
    };
    assert.deepEqual(checkQueueVisibility([queue(60), fn, mapping]), []);
    assert.equal(checkQueueVisibility([queue(59), fn, mapping]).length, 1);
  });

  it('log-group-retention', () => {
    passes(logRetention, TYPES.logGroup, { retentionInDays: 14 });
    fails(logRetention, TYPES.logGroup, {});
    fails(logRetention, TYPES.logGroup, { retentionInDays: 0 });
  });

  it('no-full-access-policies', () => {
    passes(noFullAccess, TYPES.rolePolicyAttachment, {
      policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    });
    fails(noFullAccess, TYPES.rolePolicyAttachment, {
      policyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess',
    });
    fails(noFullAccess, TYPES.rolePolicyAttachment, {
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    });
    passes(noFullAccess, TYPES.role, { assumeRolePolicy: '{}' });
    fails(noFullAccess, TYPES.role, {
      managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    });
  });

  it('s3-public-access-block, per block and stack-wide', () => {
    const all = {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    };
    passes(bucketPublicAccessBlock, TYPES.publicAccessBlock, all);
    fails(bucketPublicAccessBlock, TYPES.publicAccessBlock, {
      ...all,
      restrictPublicBuckets: false,
    });
    assert.deepEqual(
      checkEveryBucketBlocked([{ type: TYPES.bucket }, { type: TYPES.publicAccessBlock }]),
      [],
    );
    assert.equal(checkEveryBucketBlocked([{ type: TYPES.bucket }]).length, 1);
  });

  it('ignores resource types a rule is not about', () => {
    passes(efsEncrypted, TYPES.lambda, {});
  });

  /** Every rule and stack-wide check over the program's resources; the resources as the pack sees them. */
  const passesWholeProgram = (run: Awaited<ReturnType<typeof runProgramUnderMocks>>) => {
    const found = run.resources.flatMap((r) =>
      RULES.flatMap((rule) =>
        violations(rule, r.type, r.inputs).map((v) => `${r.name}: ${rule.name}: ${v}`),
      ),
    );
    assert.deepEqual(found, []);
    assert.deepEqual(checkEveryBucketBlocked(run.resources), []);
    const stack = run.resources.map((r) => ({ type: r.type, props: r.props }));
    assert.ok(stack.filter((r) => r.type === TYPES.queue).length === 6, 'the job queues are there');
    assert.deepEqual(checkEveryQueueHasDeadLetter(stack), []);
    assert.deepEqual(checkQueueVisibility(stack), []);
    return stack;
  };

  it('passes the whole program on an s3 stack with the job pipeline', async function () {
    this.timeout(60_000);
    passesWholeProgram(
      await runProgramUnderMocks({ preview: false, config: { indexStorage: 's3' } }),
    );
  });

  it('passes the whole program, loader, IAM auth and alarm e-mail on', async function () {
    this.timeout(60_000);
    const run = await runProgramUnderMocks({
      preview: false,
      config: {
        indexStorage: 'efs',
        loaderEnabled: 'true',
        apiKeyRequired: 'true',
        jobsAlarmEmail: 'ops@example.org',
      },
    });
    const stack = passesWholeProgram(run);
    assert.ok(
      stack.some((r) => r.type === TYPES.snsTopic),
      'the alarm topic is there',
    );
    assert.equal(stack.filter((r) => r.type === TYPES.eventSourceMapping).length, 3);
    const checked = new Set(
      run.resources.map((r) => r.type).filter((t) => RULES.some((rule) => rule.types.includes(t))),
    );
    assert.ok(
      checked.size >= 9,
      `rules should see most resource types, saw ${[...checked].join(', ')}`,
    );
  });
});
