/**
 * The real Pulumi program (infra/program.ts, what `pulumi up` runs) under mocks, in update and
 * preview modes, for three stacks: the default dev stack (loader off), loader on, API key on.
 * Assertions are on the declared resources: types, names, inputs, parents and dependencies.
 */
import { strict as assert } from 'node:assert';
import * as pulumi from '@pulumi/pulumi';
import {
  EXPECTED_CALLS,
  MOCK_AMI,
  MOCK_S3_PREFIX_LIST,
  runProgramUnderMocks,
  UnexpectedCallError,
  type MockRun,
  type RecordedResource,
} from '../../infra/testing/mocks.js';

const T = {
  sg: 'aws:ec2/securityGroup:SecurityGroup',
  ingress: 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
  egress: 'aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule',
  mountTarget: 'aws:efs/mountTarget:MountTarget',
  lambda: 'aws:lambda/function:Function',
  instance: 'aws:ec2/instance:Instance',
  endpoint: 'aws:ec2/vpcEndpoint:VpcEndpoint',
  attachment: 'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
};

const byType = (run: MockRun, type: string) => run.resources.filter((r) => r.type === type);
function one(run: MockRun, type: string, name: string): RecordedResource {
  const found = run.resources.filter((r) => r.type === type && r.name === name);
  assert.equal(found.length, 1, `expected exactly one ${type} named ${name}`);
  return found[0]!;
}
const sgId = (name: string) => `sir-sg-${name}-id`;

for (const preview of [false, true]) {
  describe(`infra program under mocks (${preview ? 'preview' : 'update'})`, function () {
    this.timeout(60_000);
    let dev: MockRun;
    let loader: MockRun;
    let apiKey: MockRun;

    before(async () => {
      dev = await runProgramUnderMocks({ preview });
      loader = await runProgramUnderMocks({ preview, config: { loaderEnabled: 'true' } });
      apiKey = await runProgramUnderMocks({
        preview,
        config: { apiKeyRequired: 'true', azCount: '3' },
      });
    });

    it('mocks the awsx VPC with two AZs, private subnets and no NAT gateway', () => {
      const [vpc] = byType(dev, 'awsx:ec2:Vpc');
      assert.equal(vpc!.inputs['numberOfAvailabilityZones'], 2);
      assert.deepEqual(vpc!.inputs['natGateways'], { strategy: 'None' });
      assert.deepEqual(
        (vpc!.inputs['subnetSpecs'] as { type: string }[]).map((s) => s.type),
        ['Private'],
      );
      assert.equal(byType(dev, 'aws:ec2/natGateway:NatGateway').length, 0);
      const s3 = one(dev, T.endpoint, 'sir-net-s3');
      assert.equal(s3.inputs['vpcEndpointType'], 'Gateway');
      assert.deepEqual(s3.inputs['routeTableIds'], ['rtb-private-0', 'rtb-private-1']);
    });

    it('lets NFS into EFS only from the Lambda group (and the loader group when on)', () => {
      for (const [run, sources] of [
        [dev, ['lambda']],
        [loader, ['lambda', 'loader']],
      ] as const) {
        const efsIngress = byType(run, T.ingress).filter(
          (r) => r.inputs['securityGroupId'] === sgId('efs'),
        );
        assert.deepEqual(
          efsIngress.map((r) => r.inputs['referencedSecurityGroupId']).sort(),
          sources.map(sgId).sort(),
        );
        for (const rule of efsIngress) {
          assert.deepEqual(
            [rule.inputs['ipProtocol'], rule.inputs['fromPort'], rule.inputs['toPort']],
            ['tcp', 2049, 2049],
          );
        }
      }
    });

    it('has no CIDR ingress and no inline rules anywhere', () => {
      for (const run of [dev, loader, apiKey]) {
        for (const rule of byType(run, T.ingress)) {
          assert.equal(rule.inputs['cidrIpv4'], undefined, rule.name);
          assert.equal(rule.inputs['cidrIpv6'], undefined, rule.name);
          assert.ok(
            rule.inputs['referencedSecurityGroupId'],
            `${rule.name} must name a source group`,
          );
        }
        for (const group of byType(run, T.sg)) {
          assert.equal(group.inputs['ingress'], undefined, group.name);
          assert.equal(group.inputs['egress'], undefined, group.name);
        }
        assert.equal(byType(run, 'aws:ec2/securityGroupRule:SecurityGroupRule').length, 0);
      }
    });

    it('lets the Lambda egress only NFS to EFS, and the loader only NFS, S3 and the SSM endpoints', () => {
      const egressOf = (run: MockRun, group: string) =>
        byType(run, T.egress)
          .filter((r) => r.inputs['securityGroupId'] === sgId(group))
          .map(
            (r) =>
              `${r.inputs['fromPort']}-${r.inputs['toPort']}->${r.inputs['referencedSecurityGroupId'] ?? r.inputs['prefixListId']}`,
          )
          .sort();
      assert.deepEqual(egressOf(dev, 'lambda'), [`2049-2049->${sgId('efs')}`]);
      assert.deepEqual(
        egressOf(loader, 'loader'),
        [
          `2049-2049->${sgId('efs')}`,
          `443-443->${MOCK_S3_PREFIX_LIST}`,
          `443-443->${sgId('endpoints')}`,
        ].sort(),
      );
      for (const rule of byType(loader, T.egress))
        assert.equal(rule.inputs['cidrIpv4'], undefined, rule.name);
    });

    it('encrypts EFS, mounts it in every private subnet, and enforces TLS with no anonymous access', () => {
      const [fs] = byType(apiKey, 'aws:efs/fileSystem:FileSystem');
      assert.equal(fs!.inputs['encrypted'], true);
      assert.equal(fs!.inputs['throughputMode'], 'elastic');
      const targets = byType(apiKey, T.mountTarget);
      assert.deepEqual(targets.map((t) => t.inputs['subnetId']).sort(), [
        'subnet-private-0',
        'subnet-private-1',
        'subnet-private-2',
      ]);
      for (const t of targets) assert.deepEqual(t.inputs['securityGroups'], [sgId('efs')]);
      const [ap] = byType(dev, 'aws:efs/accessPoint:AccessPoint');
      assert.deepEqual(ap!.inputs['posixUser'], { uid: 1001, gid: 1001 });
      assert.deepEqual((ap!.inputs['rootDirectory'] as { creationInfo: unknown }).creationInfo, {
        ownerUid: 1001,
        ownerGid: 1001,
        permissions: '0755',
      });
      const policy = JSON.parse(
        String(byType(dev, 'aws:efs/fileSystemPolicy:FileSystemPolicy')[0]!.inputs['policy']),
      );
      assert.ok(
        policy.Statement.some(
          (s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
        ),
      );
      assert.ok(policy.Statement.every((s: any) => s.Effect === 'Deny' || s.Principal.AWS !== '*'));
      assert.deepEqual(
        byType(dev, 'aws:efs/backupPolicy:BackupPolicy')[0]!.inputs['backupPolicy'],
        { status: 'DISABLED' },
      );
    });

    it('deploys the search Lambda on nodejs22.x arm64 in the VPC with the access point mounted at /mnt/<name>', () => {
      const fn = one(dev, T.lambda, 'sir-api-search');
      assert.equal(fn.inputs['runtime'], 'nodejs22.x');
      assert.deepEqual(fn.inputs['architectures'], ['arm64']);
      const fsConfig = fn.inputs['fileSystemConfig'] as { arn: string; localMountPath: string };
      assert.match(fsConfig.localMountPath, /^\/mnt\/[A-Za-z0-9._-]+$/);
      assert.match(fsConfig.arn, /:access-point\//);
      assert.equal((fn.inputs['environment'] as any).variables.INDEX_DIR, fsConfig.localMountPath);
      assert.deepEqual(fn.inputs['vpcConfig'], {
        subnetIds: ['subnet-private-0', 'subnet-private-1'],
        securityGroupIds: [sgId('lambda')],
      });
      assert.match(
        String((fn.inputs['code'] as { archive: string }).archive),
        /\/dist\/lambda\/search$/,
      );
    });

    it('creates the Lambda only after every mount target and the VPC-access attachment', () => {
      for (const run of [dev, apiKey]) {
        const fn = one(run, T.lambda, 'sir-api-search');
        const targets = byType(run, T.mountTarget);
        assert.ok(targets.length >= 2);
        for (const target of targets)
          assert.ok(fn.dependencies.includes(target.urn), `Lambda must depend on ${target.name}`);
        const vpcAccess = one(run, T.attachment, 'sir-api-vpc-access');
        assert.match(String(vpcAccess.inputs['policyArn']), /AWSLambdaVPCAccessExecutionRole$/);
        assert.ok(fn.dependencies.includes(vpcAccess.urn));
      }
    });

    it("scopes the Lambda's EFS access to ClientMount through the access point", () => {
      const policy = JSON.parse(
        String(one(dev, 'aws:iam/rolePolicy:RolePolicy', 'sir-api-efs').inputs['policy']),
      );
      const actions = policy.Statement.flatMap((s: any) => [s.Action].flat());
      assert.deepEqual(actions, ['elasticfilesystem:ClientMount']);
      assert.match(
        policy.Statement[0].Condition.StringEquals['elasticfilesystem:AccessPointArn'],
        /:access-point\//,
      );
    });

    it('fronts the Lambda with an HTTP API: $default stage, throttling, access logs, scoped permission', () => {
      const stage = byType(dev, 'aws:apigatewayv2/stage:Stage')[0]!;
      assert.equal(stage.inputs['name'], '$default');
      assert.deepEqual(stage.inputs['defaultRouteSettings'], {
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
      });
      assert.match(
        String((stage.inputs['accessLogSettings'] as any).destinationArn),
        /^arn:aws:logs:/,
      );
      const routes = byType(dev, 'aws:apigatewayv2/route:Route');
      assert.deepEqual(routes.map((r) => r.inputs['routeKey']).sort(), ['ANY /', 'ANY /{proxy+}']);
      for (const route of routes) assert.equal(route.inputs['authorizationType'], 'NONE');
      const permission = byType(dev, 'aws:lambda/permission:Permission')[0]!;
      assert.equal(permission.inputs['principal'], 'apigateway.amazonaws.com');
      assert.equal(
        permission.inputs['sourceArn'],
        'arn:aws:execute-api:us-east-1:123456789012:sir-api-http/*/*',
      );
      for (const group of byType(dev, 'aws:cloudwatch/logGroup:LogGroup'))
        assert.equal(group.inputs['retentionInDays'], 14, group.name);
    });

    it('requires IAM-signed requests on every route when the API key is on, and outputs the caller policy', () => {
      for (const route of byType(apiKey, 'aws:apigatewayv2/route:Route'))
        assert.equal(route.inputs['authorizationType'], 'AWS_IAM');
      const policy = byType(apiKey, 'aws:iam/policy:Policy');
      assert.equal(policy.length, 1);
      assert.match(
        String(JSON.parse(String(policy[0]!.inputs['policy'])).Statement[0].Resource),
        /sir-api-http\/\*$/,
      );
      assert.match(String(apiKey.outputs['invokePolicyArn']), /^arn:aws:iam::/);
      assert.equal(dev.outputs['invokePolicyArn'], undefined);
    });

    it('with the loader off: no instance, no SSM endpoints, no loader group', () => {
      assert.equal(byType(dev, T.instance).length, 0);
      assert.deepEqual(
        byType(dev, T.endpoint).map((e) => e.name),
        ['sir-net-s3'],
      );
      assert.equal(byType(dev, T.sg).filter((g) => /loader|endpoints/.test(g.name)).length, 0);
      assert.equal(dev.outputs['loaderInstanceId'], undefined);
      assert.ok(!dev.calls.some((c) => c.token === 'aws:ssm/getParameter:getParameter'));
    });

    it('with the loader on: AL2023, IMDSv2, encrypted root, no key pair, no public IP, EFS mounted over TLS', () => {
      const instance = one(loader, T.instance, 'sir-loader-instance');
      assert.equal(instance.inputs['ami'], MOCK_AMI);
      assert.equal(instance.inputs['instanceType'], 't4g.nano');
      assert.equal((instance.inputs['metadataOptions'] as any).httpTokens, 'required');
      assert.equal((instance.inputs['rootBlockDevice'] as any).encrypted, true);
      assert.equal(instance.inputs['keyName'], undefined);
      assert.equal(instance.inputs['associatePublicIpAddress'], false);
      assert.deepEqual(instance.inputs['vpcSecurityGroupIds'], [sgId('loader')]);
      assert.match(
        String(instance.inputs['userData']),
        /mount -t efs -o tls,iam,accesspoint=sir-store-ap-id/,
      );
      for (const target of byType(loader, T.mountTarget))
        assert.ok(instance.dependencies.includes(target.urn));
      const ami = loader.calls.find((c) => c.token === 'aws:ssm/getParameter:getParameter');
      assert.equal(
        ami?.inputs['name'],
        '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
      );
      assert.equal(loader.outputs['loaderInstanceId'], 'sir-loader-instance-id');
    });

    it('with the loader on: SSM endpoints in one subnet, SSM core + bucket-limited role, no FullAccess', () => {
      const ssm = byType(loader, T.endpoint).filter(
        (e) => e.inputs['vpcEndpointType'] === 'Interface',
      );
      assert.deepEqual(ssm.map((e) => e.inputs['serviceName']).sort(), [
        'com.amazonaws.us-east-1.ec2messages',
        'com.amazonaws.us-east-1.ssm',
        'com.amazonaws.us-east-1.ssmmessages',
      ]);
      for (const e of ssm) {
        assert.deepEqual(e.inputs['subnetIds'], ['subnet-private-0']);
        assert.deepEqual(e.inputs['securityGroupIds'], [sgId('endpoints')]);
        assert.equal(e.inputs['privateDnsEnabled'], true);
      }
      const attachments = byType(loader, T.attachment).map((a) => String(a.inputs['policyArn']));
      assert.ok(attachments.some((arn) => arn.endsWith('/AmazonSSMManagedInstanceCore')));
      for (const arn of attachments) assert.doesNotMatch(arn, /FullAccess|AdministratorAccess/);
      for (const role of byType(loader, 'aws:iam/role:Role'))
        assert.equal(role.inputs['managedPolicyArns'], undefined);
      const bucketPolicy = JSON.parse(
        String(one(loader, 'aws:iam/rolePolicy:RolePolicy', 'sir-loader-staging').inputs['policy']),
      );
      for (const s of bucketPolicy.Statement)
        for (const r of [s.Resource].flat())
          assert.match(r, /^arn:aws:s3:::sir-staging-bucket-mock(\/(staging|tooling)\/\*)?$/);
    });

    it('keeps the staging bucket private, encrypted, TLS-only and self-cleaning', () => {
      const block = byType(dev, 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock')[0]!;
      for (const key of [
        'blockPublicAcls',
        'blockPublicPolicy',
        'ignorePublicAcls',
        'restrictPublicBuckets',
      ])
        assert.equal(block.inputs[key], true, key);
      const sse = byType(
        dev,
        'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
      )[0]!;
      assert.equal(
        (sse.inputs['rules'] as any)[0].applyServerSideEncryptionByDefault.sseAlgorithm,
        'AES256',
      );
      const policy = JSON.parse(
        String(byType(dev, 'aws:s3/bucketPolicy:BucketPolicy')[0]!.inputs['policy']),
      );
      assert.deepEqual(policy.Statement[0].Condition, { Bool: { 'aws:SecureTransport': 'false' } });
      const rules = byType(
        dev,
        'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
      )[0]!.inputs['rules'] as any[];
      assert.deepEqual(rules.find((r) => r.expiration)?.expiration, { days: 7 });
      assert.equal(rules.find((r) => r.expiration)?.filter.prefix, 'staging/');
      assert.deepEqual(
        rules.find((r) => r.abortIncompleteMultipartUpload)?.abortIncompleteMultipartUpload,
        { daysAfterInitiation: 1 },
      );
    });

    it('names children after their component and parents them to it', () => {
      const components = dev.resources.filter((r) => r.type.startsWith('serverless-ir:infra:'));
      assert.deepEqual(components.map((c) => c.type.split(':').pop()).sort(), [
        'IndexStore',
        'Network',
        'NetworkSecurity',
        'SearchApi',
        'StagingBucket',
      ]);
      for (const component of components) {
        const children = dev.resources.filter((r) => r.parent === component.urn);
        assert.ok(children.length > 0, component.name);
        for (const child of children)
          assert.ok(
            child.name.startsWith(`${component.name}-`),
            `${child.name} under ${component.name}`,
          );
      }
    });

    it('exports the stack outputs', () => {
      assert.deepEqual(dev.outputs, {
        apiUrl: 'https://sir-api-http.execute-api.us-east-1.amazonaws.com',
        docsUrl: 'https://sir-api-http.execute-api.us-east-1.amazonaws.com/docs',
        efsId: 'sir-store-fs-id',
        accessPointArn:
          'arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-sir-store-ap',
        loaderInstanceId: undefined,
        stagingBucket: 'sir-staging-bucket-mock',
        region: 'us-east-1',
        invokePolicyArn: undefined,
      });
    });
  });
}

describe('infra program mocks', function () {
  this.timeout(60_000);
  it('fail on any function call the program is not expected to make', async () => {
    const calls = EXPECTED_CALLS as Record<string, unknown>;
    const saved = calls['aws:index/getCallerIdentity:getCallerIdentity'];
    delete calls['aws:index/getCallerIdentity:getCallerIdentity'];
    try {
      await assert.rejects(runProgramUnderMocks({ preview: false }), (error: unknown) => {
        assert.ok(
          error instanceof UnexpectedCallError ||
            String(error).includes('unexpected function call'),
          String(error),
        );
        return true;
      });
    } finally {
      calls['aws:index/getCallerIdentity:getCallerIdentity'] = saved;
    }
    await pulumi.runtime.setMocks({
      call: () => ({}),
      newResource: () => ({ id: 'x', state: {} }),
    });
  });

  it('refuse an invalid stack config before declaring anything', async () => {
    await assert.rejects(
      runProgramUnderMocks({ preview: false, config: { efsThroughputMode: 'provisioned' } }),
      /efsProvisionedThroughputMibps/,
    );
  });
});
