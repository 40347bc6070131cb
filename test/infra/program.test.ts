/**
 * The real Pulumi program (infra/program.ts, what `pulumi up` runs) under mocks, in update and
 * preview modes, for three stacks: the default dev stack (loader off), loader on, API key on.
 * Assertions are on the declared resources: types, names, inputs, secrecy, parents and
 * dependencies.
 */
import { strict as assert } from 'node:assert';
import * as pulumi from '@pulumi/pulumi';
import { LAMBDA_NODE_OPTIONS, LAMBDA_RUNTIME } from '../../infra/lambda-platform.js';
import { accessLogGroupName } from '../../infra/search-api.js';
import {
  EXPECTED_CALLS,
  MOCK_AMI,
  MOCK_S3_PREFIX_LIST,
  MOCK_ZONES,
  runProgramUnderMocks,
  UnexpectedCallError,
  type MockRun,
  type RecordedResource,
} from '../../infra/testing/mocks.js';
import { LOADER_TAG_KEY } from '../../infra/policy-documents.js';

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
const subnetId = (i: number) => `sir-net-private-${i}-id`;
const dependsOn = (r: RecordedResource, other: RecordedResource) =>
  assert.ok(r.dependencies.includes(other.urn), `${r.name} must depend on ${other.name}`);

for (const preview of [false, true]) {
  describe(`infra program under mocks (${preview ? 'preview' : 'update'})`, function () {
    this.timeout(60_000);
    let dev: MockRun;
    let loader: MockRun;
    let apiKey: MockRun;

    before(async () => {
      dev = await runProgramUnderMocks({ preview, config: { indexStorage: 'efs' } });
      loader = await runProgramUnderMocks({
        preview,
        config: { indexStorage: 'efs', loaderEnabled: 'true' },
      });
      apiKey = await runProgramUnderMocks({
        preview,
        config: { indexStorage: 'efs', apiKeyRequired: 'true', azCount: '3' },
      });
    });

    it('declares the VPC itself: private subnets in distinct zones, one route table, no way to the internet', () => {
      for (const [run, azs] of [
        [dev, 2],
        [apiKey, 3],
      ] as const) {
        assert.equal(run.resources.filter((r) => r.type.startsWith('awsx:')).length, 0);
        const [vpc, ...more] = byType(run, 'aws:ec2/vpc:Vpc');
        assert.equal(more.length, 0);
        assert.equal(vpc!.inputs['cidrBlock'], '10.0.0.0/16');
        assert.equal(vpc!.inputs['enableDnsHostnames'], true);
        const subnets = byType(run, 'aws:ec2/subnet:Subnet');
        assert.deepEqual(
          subnets.map((s) => s.inputs['availabilityZone']),
          MOCK_ZONES.slice(0, azs),
        );
        assert.equal(new Set(subnets.map((s) => s.inputs['cidrBlock'])).size, azs);
        for (const subnet of subnets) assert.equal(subnet.inputs['mapPublicIpOnLaunch'], false);
        for (const type of [
          'aws:ec2/internetGateway:InternetGateway',
          'aws:ec2/natGateway:NatGateway',
          'aws:ec2/eip:Eip',
          'aws:ec2/route:Route',
          'aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway',
        ])
          assert.equal(byType(run, type).length, 0, type);
        const [table, ...others] = byType(run, 'aws:ec2/routeTable:RouteTable');
        assert.equal(others.length, 0);
        assert.deepEqual(table!.inputs['routes'] ?? [], []);
        const associations = byType(run, 'aws:ec2/routeTableAssociation:RouteTableAssociation');
        assert.deepEqual(
          associations.map((a) => [a.inputs['subnetId'], a.inputs['routeTableId']]),
          subnets.map((_, i) => [subnetId(i), 'sir-net-private-id']),
        );
        const s3 = one(run, T.endpoint, 'sir-net-s3');
        assert.equal(s3.inputs['vpcEndpointType'], 'Gateway');
        assert.deepEqual(s3.inputs['routeTableIds'], ['sir-net-private-id']);
        const emptied = byType(run, 'aws:ec2/defaultSecurityGroup:DefaultSecurityGroup');
        assert.equal(emptied.length, 1);
        assert.equal(emptied[0]!.inputs['ingress'], undefined);
        assert.equal(emptied[0]!.inputs['egress'], undefined);
      }
    });

    it("lets the S3 endpoint reach only the stack's buckets (writing only the job results) and the Amazon Linux repositories", () => {
      const policy = JSON.parse(String(one(dev, T.endpoint, 'sir-net-s3').inputs['policy']));
      assert.deepEqual(policy.Statement.flatMap((s: any) => [s.Resource].flat()).sort(), [
        'arn:aws:s3:::al2023-repos-us-east-1-de612dc2/*',
        'arn:aws:s3:::sir-job-results-bucket-mock',
        'arn:aws:s3:::sir-job-results-bucket-mock/*',
        'arn:aws:s3:::sir-job-results-bucket-mock/*',
        'arn:aws:s3:::sir-staging-bucket-mock',
        'arn:aws:s3:::sir-staging-bucket-mock/*',
      ]);
      const writes = policy.Statement.filter((s: any) =>
        [s.Action].flat().includes('s3:PutObject'),
      );
      assert.deepEqual(
        writes.map((s: any) => s.Resource),
        [['arn:aws:s3:::sir-job-results-bucket-mock/*']],
      );
    });

    it('lets NFS into EFS only from the Lambda and job reduce groups (and the loader group when on)', () => {
      for (const [run, sources] of [
        [dev, ['lambda', 'jobs-reduce']],
        [loader, ['lambda', 'jobs-reduce', 'loader']],
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

    it('encrypts EFS, mounts it in every private subnet, enforces TLS and the access point, no anonymous access', () => {
      const [fs] = byType(apiKey, 'aws:efs/fileSystem:FileSystem');
      assert.equal(fs!.inputs['encrypted'], true);
      assert.equal(fs!.inputs['throughputMode'], 'elastic');
      const targets = byType(apiKey, T.mountTarget);
      assert.deepEqual(targets.map((t) => t.inputs['subnetId']).sort(), [
        subnetId(0),
        subnetId(1),
        subnetId(2),
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
      const apArn =
        'arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-sir-store-ap';
      const outside = policy.Statement.find(
        (s: any) => s.Sid === 'DenyClientsOutsideTheAccessPoint',
      );
      assert.deepEqual(outside.Condition, {
        StringNotEquals: { 'elasticfilesystem:AccessPointArn': apArn },
      });
      assert.deepEqual([outside.Action].flat().sort(), [
        'elasticfilesystem:ClientMount',
        'elasticfilesystem:ClientRootAccess',
        'elasticfilesystem:ClientWrite',
      ]);
      assert.deepEqual(
        byType(dev, 'aws:efs/backupPolicy:BackupPolicy')[0]!.inputs['backupPolicy'],
        { status: 'DISABLED' },
      );
    });

    it('deploys the search Lambda on nodejs24.x arm64 in the VPC with the access point mounted at /mnt/<name>', () => {
      const fn = one(dev, T.lambda, 'sir-api-search');
      assert.equal(fn.inputs['runtime'], 'nodejs24.x');
      assert.equal(fn.inputs['runtime'], LAMBDA_RUNTIME);
      assert.deepEqual(fn.inputs['architectures'], ['arm64']);
      assert.equal((fn.inputs['environment'] as any).variables.NODE_OPTIONS, LAMBDA_NODE_OPTIONS);
      const fsConfig = fn.inputs['fileSystemConfig'] as { arn: string; localMountPath: string };
      assert.match(fsConfig.localMountPath, /^\/mnt\/[A-Za-z0-9._-]+$/);
      assert.match(fsConfig.arn, /:access-point\//);
      assert.equal((fn.inputs['environment'] as any).variables.INDEX_DIR, fsConfig.localMountPath);
      assert.deepEqual(fn.inputs['vpcConfig'], {
        subnetIds: [subnetId(0), subnetId(1)],
        securityGroupIds: [sgId('lambda')],
      });
      assert.match(
        String((fn.inputs['code'] as { archive: string }).archive),
        /\/dist\/lambda\/search$/,
      );
    });

    it('creates the Lambda only after every mount target, its NFS rules and the VPC-access attachment', () => {
      for (const run of [dev, apiKey]) {
        const fn = one(run, T.lambda, 'sir-api-search');
        const targets = byType(run, T.mountTarget);
        assert.ok(targets.length >= 2);
        for (const target of targets) dependsOn(fn, target);
        dependsOn(fn, one(run, T.ingress, 'sir-sg-efs-from-lambda'));
        dependsOn(fn, one(run, T.egress, 'sir-sg-lambda-to-efs'));
        const vpcAccess = one(run, T.attachment, 'sir-api-vpc-access');
        assert.match(String(vpcAccess.inputs['policyArn']), /AWSLambdaVPCAccessExecutionRole$/);
        dependsOn(fn, vpcAccess);
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
      assert.deepEqual(routes.map((r) => r.inputs['routeKey']).sort(), [
        'ANY /',
        'ANY /jobs',
        'ANY /jobs/{proxy+}',
        'ANY /{proxy+}',
      ]);
      for (const route of routes) assert.equal(route.inputs['authorizationType'], 'NONE');
      const permission = one(dev, 'aws:lambda/permission:Permission', 'sir-api-invoke');
      assert.equal(permission.inputs['principal'], 'apigateway.amazonaws.com');
      assert.equal(
        permission.inputs['sourceArn'],
        'arn:aws:execute-api:us-east-1:123456789012:sir-api-http/*/*',
      );
      for (const group of byType(dev, 'aws:cloudwatch/logGroup:LogGroup'))
        assert.equal(group.inputs['retentionInDays'], 14, group.name);
    });

    it('names the access-log group under /aws/vendedlogs/, unique per project and stack', () => {
      const group = one(dev, 'aws:cloudwatch/logGroup:LogGroup', 'sir-api-access-logs');
      assert.equal(
        group.inputs['name'],
        '/aws/vendedlogs/apigateway/serverless-ir/test/http-api-access',
      );
      assert.equal(group.inputs['name'], accessLogGroupName('serverless-ir', 'test'));
      const stage = byType(dev, 'aws:apigatewayv2/stage:Stage')[0]!;
      assert.equal(
        (stage.inputs['accessLogSettings'] as any).destinationArn,
        'arn:aws:logs:us-east-1:123456789012:log-group:sir-api-access-logs',
      );
    });

    it('requires IAM-signed requests on every route when the API key is on, and outputs the caller policy', () => {
      for (const route of byType(apiKey, 'aws:apigatewayv2/route:Route'))
        assert.equal(route.inputs['authorizationType'], 'AWS_IAM');
      const policy = one(apiKey, 'aws:iam/policy:Policy', 'sir-api-callers');
      assert.match(
        String(JSON.parse(String(policy.inputs['policy'])).Statement[0].Resource),
        /sir-api-http\/\*$/,
      );
      assert.equal(
        byType(dev, 'aws:iam/policy:Policy').filter((p) => p.name === 'sir-api-callers').length,
        0,
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
      // A secret AMI would show as [secret] in previews and hide that a new one replaces the instance.
      assert.deepEqual(instance.secretInputs, []);
      assert.equal(instance.inputs['instanceType'], 't4g.small');
      assert.equal((instance.inputs['tags'] as any)[LOADER_TAG_KEY], 'test');
      assert.equal((instance.inputs['metadataOptions'] as any).httpTokens, 'required');
      assert.equal((instance.inputs['rootBlockDevice'] as any).encrypted, true);
      assert.equal(instance.inputs['keyName'], undefined);
      assert.equal(instance.inputs['associatePublicIpAddress'], false);
      assert.deepEqual(instance.inputs['vpcSecurityGroupIds'], [sgId('loader')]);
      assert.match(
        String(instance.inputs['userData']),
        /mount -t efs -o tls,iam,accesspoint=sir-store-ap-id/,
      );
      for (const target of byType(loader, T.mountTarget)) dependsOn(instance, target);
      const type = loader.calls.find((c) => c.token === 'aws:ec2/getInstanceType:getInstanceType');
      assert.equal(type?.inputs['instanceType'], 't4g.small');
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
        assert.deepEqual(e.inputs['subnetIds'], [subnetId(0)]);
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

    it('with the loader on: boots only after its network path (S3 endpoint, routes, every rule it uses) is in place', () => {
      const instance = one(loader, T.instance, 'sir-loader-instance');
      dependsOn(instance, one(loader, T.endpoint, 'sir-net-s3'));
      const associations = byType(loader, 'aws:ec2/routeTableAssociation:RouteTableAssociation');
      assert.equal(associations.length, 2);
      for (const association of associations) dependsOn(instance, association);
      for (const rule of [
        one(loader, T.ingress, 'sir-sg-efs-from-loader'),
        one(loader, T.ingress, 'sir-sg-endpoints-from-loader'),
        one(loader, T.egress, 'sir-sg-loader-to-efs'),
        one(loader, T.egress, 'sir-sg-loader-to-s3'),
        one(loader, T.egress, 'sir-sg-loader-to-endpoints'),
      ])
        dependsOn(instance, rule);
    });

    it('outputs a least-privilege policy for uploaders, loader on or off', () => {
      for (const run of [dev, loader]) {
        const policy = one(run, 'aws:iam/policy:Policy', 'sir-uploaders-policy');
        const doc = JSON.parse(String(policy.inputs['policy']));
        const send = doc.Statement.filter((s: any) => s.Action === 'ssm:SendCommand');
        assert.deepEqual(send.map((s: any) => s.Resource).sort(), [
          'arn:aws:ec2:us-east-1:123456789012:instance/*',
          'arn:aws:ssm:us-east-1::document/AWS-RunShellScript',
        ]);
        assert.deepEqual(send.find((s: any) => s.Condition)?.Condition, {
          StringEquals: { [`ssm:resourceTag/${LOADER_TAG_KEY}`]: 'test' },
        });
        assert.ok(
          doc.Statement.some(
            (s: any) => s.Resource === 'arn:aws:s3:::sir-staging-bucket-mock/staging/*',
          ),
        );
        assert.equal(
          run.outputs['uploadPolicyArn'],
          'arn:aws:iam::123456789012:policy/sir-uploaders-policy',
        );
      }
    });

    it('names children after their component and parents them to it', () => {
      const components = dev.resources.filter((r) => r.type.startsWith('serverless-ir:infra:'));
      assert.deepEqual(components.map((c) => c.type.split(':').pop()).sort(), [
        'IndexStore',
        'JobPipeline',
        'JobResults',
        'Network',
        'NetworkSecurity',
        'SearchApi',
        'StagingBucket',
        'UploadAccess',
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
        indexStorage: 'efs',
        indexBucket: undefined,
        indexPrefix: undefined,
        searchFunctionName: undefined,
        versionsToKeep: 3,
        efsId: 'sir-store-fs-id',
        accessPointArn:
          'arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-sir-store-ap',
        loaderInstanceId: undefined,
        stagingBucket: 'sir-staging-bucket-mock',
        region: 'us-east-1',
        invokePolicyArn: undefined,
        uploadPolicyArn: 'arn:aws:iam::123456789012:policy/sir-uploaders-policy',
        jobsResultsBucket: 'sir-job-results-bucket-mock',
        jobsTaskQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/sir-jobs-task',
        jobsControlQueueUrl:
          'https://sqs.us-east-1.amazonaws.com/123456789012/sir-jobs-control.fifo',
        jobsReduceQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/sir-jobs-reduce',
        jobsTaskDlqUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/sir-jobs-task-dlq',
        jobsControlDlqUrl:
          'https://sqs.us-east-1.amazonaws.com/123456789012/sir-jobs-control-dlq.fifo',
        jobsReduceDlqUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/sir-jobs-reduce-dlq',
        jobsDlqAlarmNames: [
          'sir-jobs-task-dlq-alarm',
          'sir-jobs-control-dlq-alarm',
          'sir-jobs-reduce-dlq-alarm',
        ],
        jobsPolicyArn: 'arn:aws:iam::123456789012:policy/sir-jobs-users',
        jobsWorkerTmpMb: 2048,
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

  it('pick the loader AMI by the architecture EC2 reports for the type, not by its name', async () => {
    for (const [type, arch] of [
      ['a1.large', 'arm64'],
      ['t3.small', 'x86_64'],
      ['m7i-flex.large', 'x86_64'],
    ] as const) {
      const run = await runProgramUnderMocks({
        preview: true,
        config: { indexStorage: 'efs', loaderEnabled: 'true', loaderInstanceType: type },
      });
      const ami = run.calls.find((c) => c.token === 'aws:ssm/getParameter:getParameter');
      assert.equal(
        ami?.inputs['name'],
        `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`,
        type,
      );
    }
    await assert.rejects(
      runProgramUnderMocks({
        preview: false,
        config: { indexStorage: 'efs', loaderEnabled: 'true', loaderInstanceType: 'mac2.metal' },
      }),
      /loaderInstanceType mac2\.metal supports arm64_mac; Amazon Linux 2023 needs arm64 or x86_64/,
    );
  });

  it('refuse more availability zones than the region has, with a sentence', async () => {
    await assert.rejects(
      runProgramUnderMocks({ preview: false, config: { indexStorage: 'efs', azCount: '6' } }),
      /azCount is 6 but region us-east-1 has 5 available availability zones/,
    );
  });

  it('refuse an invalid stack config before declaring anything', async () => {
    await assert.rejects(
      runProgramUnderMocks({
        preview: false,
        config: { indexStorage: 'efs', efsThroughputMode: 'provisioned' },
      }),
      /efsProvisionedThroughputMibps/,
    );
  });
});
