/**
 * The job pipeline's infrastructure (infra/jobs/), through the real program under mocks: queues,
 * dead letters and alarms, event-source mappings, the four functions and what each role may do,
 * the `/jobs` routes, the results bucket, and a stack with the pipeline off.
 */
import { strict as assert } from 'node:assert';
import { LAMBDA_RUNTIME } from '../../infra/lambda-platform.js';
import { JOBS_ENV } from '../../runtime/jobs/environment.js';
import { DEFAULT_TIMEOUTS, MAX_RECEIVE_COUNT } from '../../runtime/jobs/queues.js';
import {
  runProgramUnderMocks,
  type MockRun,
  type RecordedResource,
} from '../../infra/testing/mocks.js';

const T = {
  queue: 'aws:sqs/queue:Queue',
  alarm: 'aws:cloudwatch/metricAlarm:MetricAlarm',
  mapping: 'aws:lambda/eventSourceMapping:EventSourceMapping',
  lambda: 'aws:lambda/function:Function',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  attachment: 'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
  route: 'aws:apigatewayv2/route:Route',
  integration: 'aws:apigatewayv2/integration:Integration',
  permission: 'aws:lambda/permission:Permission',
  policy: 'aws:iam/policy:Policy',
  lifecycle: 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
  key: 'aws:kms/key:Key',
  topic: 'aws:sns/topic:Topic',
  topicPolicy: 'aws:sns/topicPolicy:TopicPolicy',
  subscription: 'aws:sns/topicSubscription:TopicSubscription',
  sg: 'aws:ec2/securityGroup:SecurityGroup',
};
const ARN = (name: string) => `arn:aws:sqs:us-east-1:123456789012:${name}`;
const RESULTS = 'arn:aws:s3:::sir-job-results-bucket-mock';

const byType = (run: MockRun, type: string) => run.resources.filter((r) => r.type === type);
function one(run: MockRun, type: string, name: string): RecordedResource {
  const found = run.resources.filter((r) => r.type === type && r.name === name);
  assert.equal(found.length, 1, `expected exactly one ${type} named ${name}`);
  return found[0]!;
}
/** The Allow statements of a role's inline policy, as `action → resources`. */
function grants(run: MockRun, policyName: string): Record<string, string[]> {
  const doc = JSON.parse(String(one(run, T.rolePolicy, policyName).inputs['policy']));
  const out: Record<string, string[]> = {};
  for (const s of doc.Statement) {
    assert.equal(s.Effect, 'Allow');
    for (const action of [s.Action].flat())
      out[action] = [...(out[action] ?? []), ...[s.Resource].flat()].sort();
  }
  return out;
}

describe('infra: the job pipeline under mocks', function () {
  this.timeout(60_000);
  let run: MockRun;
  let iam: MockRun;
  let off: MockRun;
  let s3: MockRun;
  let mailed: MockRun;

  before(async () => {
    run = await runProgramUnderMocks({
      preview: false,
      config: { jobsMaxWorkers: '7', jobsWorkerTimeoutSeconds: '120' },
    });
    iam = await runProgramUnderMocks({ preview: false, config: { apiKeyRequired: 'true' } });
    off = await runProgramUnderMocks({ preview: false, config: { jobsEnabled: 'false' } });
    s3 = await runProgramUnderMocks({
      preview: false,
      config: { indexStorage: 's3', jobsWorkerTmpMb: '4096' },
    });
    mailed = await runProgramUnderMocks({
      preview: false,
      config: { jobsAlarmEmail: 'ops@example.org' },
    });
  });

  it('has a task, control (FIFO) and reduce queue, each encrypted with a dead-letter queue after 5 receives', () => {
    const queues = byType(run, T.queue);
    assert.deepEqual(queues.map((q) => q.name).sort(), [
      'sir-jobs-control',
      'sir-jobs-control-dlq',
      'sir-jobs-reduce',
      'sir-jobs-reduce-dlq',
      'sir-jobs-task',
      'sir-jobs-task-dlq',
    ]);
    for (const q of queues) assert.equal(q.inputs['sqsManagedSseEnabled'], true, q.name);
    for (const role of ['task', 'control', 'reduce']) {
      const fifo = role === 'control';
      const q = one(run, T.queue, `sir-jobs-${role}`);
      const dlq = one(run, T.queue, `sir-jobs-${role}-dlq`);
      assert.equal(q.inputs['fifoQueue'], fifo);
      assert.equal(dlq.inputs['fifoQueue'], fifo, 'a FIFO queue needs a FIFO dead-letter queue');
      assert.deepEqual(JSON.parse(String(q.inputs['redrivePolicy'])), {
        deadLetterTargetArn: ARN(`sir-jobs-${role}-dlq${fifo ? '.fifo' : ''}`),
        maxReceiveCount: MAX_RECEIVE_COUNT,
      });
      assert.equal(dlq.inputs['redrivePolicy'], undefined);
      assert.equal(dlq.inputs['messageRetentionSeconds'], 14 * 24 * 3600);
    }
    const control = one(run, T.queue, 'sir-jobs-control');
    assert.equal(control.inputs['deduplicationScope'], 'messageGroup');
    assert.equal(control.inputs['fifoThroughputLimit'], 'perMessageGroupId');
  });

  it("e-mails the alarms through a topic encrypted with a key only this account's alarms may use, when asked", () => {
    for (const type of [T.key, T.topic, T.topicPolicy, T.subscription])
      assert.equal(byType(run, type).length, 0, `no ${type} without jobsAlarmEmail`);
    for (const a of byType(run, T.alarm)) assert.equal(a.inputs['alarmActions'], undefined);

    const key = one(mailed, T.key, 'sir-jobs-alarms-key');
    assert.equal(key.inputs['enableKeyRotation'], true);
    const topic = one(mailed, T.topic, 'sir-jobs-alarms-topic');
    const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/sir-jobs-alarms-key';
    const topicArn = 'arn:aws:sns:us-east-1:123456789012:sir-jobs-alarms-topic';
    assert.equal(topic.inputs['kmsMasterKeyId'], keyArn);
    const sub = one(mailed, T.subscription, 'sir-jobs-alarms-email');
    assert.deepEqual(
      [sub.inputs['topic'], sub.inputs['protocol'], sub.inputs['endpoint']],
      [topicArn, 'email', 'ops@example.org'],
    );
    const ownAlarms = {
      StringEquals: { 'aws:SourceAccount': '123456789012' },
      ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:*' },
    };
    const keyPolicy = JSON.parse(String(key.inputs['policy']));
    const cloudwatch = keyPolicy.Statement.filter(
      (s: any) => s.Principal?.Service === 'cloudwatch.amazonaws.com',
    );
    assert.deepEqual(
      cloudwatch.map((s: any) => [s.Action, s.Condition]),
      [[['kms:Decrypt', 'kms:GenerateDataKey'], ownAlarms]],
    );
    for (const s of keyPolicy.Statement)
      for (const action of [s.Action].flat()) assert.doesNotMatch(action, /\*/);
    const topicPolicy = JSON.parse(
      String(one(mailed, T.topicPolicy, 'sir-jobs-alarms-topic-policy').inputs['policy']),
    );
    const [allow, deny] = topicPolicy.Statement;
    assert.deepEqual(
      [allow.Principal, allow.Action, allow.Resource, allow.Condition],
      [{ Service: 'cloudwatch.amazonaws.com' }, 'sns:Publish', topicArn, ownAlarms],
    );
    assert.deepEqual(
      [deny.Effect, deny.Condition],
      ['Deny', { Bool: { 'aws:SecureTransport': 'false' } }],
    );
    const alarms = byType(mailed, T.alarm);
    assert.equal(alarms.length, 3);
    for (const a of alarms) {
      assert.deepEqual(a.inputs['alarmActions'], [topicArn]);
      assert.deepEqual(a.inputs['okActions'], [topicArn]);
    }
  });

  it("hides a received message for 6 × its consumer's timeout", () => {
    const visibility = (role: string) =>
      one(run, T.queue, `sir-jobs-${role}`).inputs['visibilityTimeoutSeconds'];
    assert.equal(visibility('task'), 6 * 120);
    assert.equal(visibility('control'), 6 * DEFAULT_TIMEOUTS.coordinator);
    assert.equal(visibility('reduce'), 6 * DEFAULT_TIMEOUTS.reduce);
    assert.equal(one(run, T.lambda, 'sir-jobs-worker').inputs['timeout'], 120);
    assert.equal(one(run, T.lambda, 'sir-jobs-reduce').inputs['timeout'], DEFAULT_TIMEOUTS.reduce);
  });

  it('alarms on any message in a dead-letter queue', () => {
    const alarms = byType(run, T.alarm);
    assert.equal(alarms.length, 3);
    for (const a of alarms) {
      assert.equal(a.inputs['namespace'], 'AWS/SQS');
      assert.equal(a.inputs['metricName'], 'ApproximateNumberOfMessagesVisible');
      assert.equal(a.inputs['comparisonOperator'], 'GreaterThanThreshold');
      assert.equal(a.inputs['threshold'], 0);
      assert.match(String((a.inputs['dimensions'] as any).QueueName), /-dlq(\.fifo)?$/);
    }
    assert.deepEqual(
      run.outputs['jobsDlqAlarmNames'],
      alarms.map((a) => a.name),
    );
  });

  it('feeds each function from its queue with partial batch responses; only the task mapping is capped', () => {
    const mappings = byType(run, T.mapping);
    const fnArn = (n: string) => `arn:aws:lambda:us-east-1:123456789012:function:sir-jobs-${n}`;
    const seen = mappings
      .map((m) => [
        m.inputs['eventSourceArn'],
        m.inputs['functionName'],
        m.inputs['batchSize'],
        m.inputs['scalingConfig'],
      ])
      .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    // A cap would keep the quiet control and reduce queues from scaling down to 2 pollers.
    assert.deepEqual(seen, [
      [ARN('sir-jobs-control.fifo'), fnArn('coordinator'), 10, undefined],
      [ARN('sir-jobs-reduce'), fnArn('reduce'), 1, undefined],
      [ARN('sir-jobs-task'), fnArn('worker'), 1, { maximumConcurrency: 7 }],
    ]);
    for (const m of mappings)
      assert.deepEqual(m.inputs['functionResponseTypes'], ['ReportBatchItemFailures']);
  });

  it('runs only the reduce function in the VPC, with the index store mounted; the others outside', () => {
    for (const name of ['api', 'worker', 'coordinator', 'reduce']) {
      const fn = one(run, T.lambda, `sir-jobs-${name}`);
      assert.equal(fn.inputs['runtime'], LAMBDA_RUNTIME);
      assert.deepEqual(fn.inputs['architectures'], ['arm64']);
      assert.match(
        String((fn.inputs['code'] as { archive: string }).archive),
        new RegExp(`dist/lambda/jobs-${name}$`),
      );
      const inVpc = name === 'reduce';
      assert.equal(fn.inputs['vpcConfig'] !== undefined, inVpc, name);
      assert.equal(fn.inputs['fileSystemConfig'] !== undefined, inVpc, name);
      const attachment = one(run, T.attachment, `sir-jobs-${name}-basics`);
      assert.match(
        String(attachment.inputs['policyArn']),
        inVpc ? /AWSLambdaVPCAccessExecutionRole$/ : /AWSLambdaBasicExecutionRole$/,
      );
    }
    const reduce = one(run, T.lambda, 'sir-jobs-reduce');
    assert.deepEqual((reduce.inputs['vpcConfig'] as any).securityGroupIds, [
      'sir-sg-jobs-reduce-id',
    ]);
    assert.equal((reduce.inputs['fileSystemConfig'] as any).localMountPath, '/mnt/index');
    const env = (reduce.inputs['environment'] as any).variables;
    assert.equal(env[JOBS_ENV.sendToSqs], 'false');
    assert.equal(env[JOBS_ENV.indexDir], '/mnt/index');
    for (const dep of [
      'sir-sg-efs-from-jobs-reduce',
      'sir-sg-jobs-reduce-to-s3',
      'sir-jobs-reduce-efs',
    ])
      assert.ok(
        reduce.dependencies.includes(run.resources.find((r) => r.name === dep)!.urn),
        `the reduce function waits for ${dep}`,
      );
    const worker = (one(run, T.lambda, 'sir-jobs-worker').inputs['environment'] as any).variables;
    assert.equal(worker[JOBS_ENV.resultsBucket], 'sir-job-results-bucket-mock');
    assert.equal(worker[JOBS_ENV.inputBuckets], 'sir-staging-bucket-mock');
    assert.equal(worker[JOBS_ENV.sendToSqs], undefined);
    // The API cannot reach EFS: it gets no store (an evaluation of `live` is refused there).
    const api = (one(run, T.lambda, 'sir-jobs-api').inputs['environment'] as any).variables;
    for (const v of [JOBS_ENV.indexDir, JOBS_ENV.indexBucket]) assert.equal(api[v], undefined, v);
  });

  it("sizes a worker's /tmp from jobsWorkerTmpMb and tells the API, which refuses larger indexes", () => {
    const tmp = (stack: MockRun) =>
      (one(stack, T.lambda, 'sir-jobs-worker').inputs['ephemeralStorage'] as any).size;
    assert.equal(tmp(run), 2048);
    assert.equal(tmp(s3), 4096);
    const api = (one(s3, T.lambda, 'sir-jobs-api').inputs['environment'] as any).variables;
    assert.equal(api[JOBS_ENV.workerTmpMb], '4096');
    assert.equal(s3.outputs['jobsWorkerTmpMb'], 4096);
  });

  describe('on an s3 stack', () => {
    const STAGING = 'arn:aws:s3:::sir-staging-bucket-mock';

    it('runs every function outside any VPC; the reduce and API name the store in the bucket', () => {
      for (const name of ['api', 'worker', 'coordinator', 'reduce']) {
        const fn = one(s3, T.lambda, `sir-jobs-${name}`);
        assert.equal(fn.inputs['vpcConfig'], undefined, name);
        assert.equal(fn.inputs['fileSystemConfig'], undefined, name);
        assert.match(
          String(one(s3, T.attachment, `sir-jobs-${name}-basics`).inputs['policyArn']),
          /AWSLambdaBasicExecutionRole$/,
        );
      }
      assert.equal(byType(s3, 'aws:ec2/vpc:Vpc').length, 0);
      assert.equal(byType(s3, T.sg).length, 0);
      const env = (name: string) =>
        (one(s3, T.lambda, `sir-jobs-${name}`).inputs['environment'] as any).variables;
      for (const name of ['reduce', 'api']) {
        assert.equal(env(name)[JOBS_ENV.indexBucket], 'sir-staging-bucket-mock', name);
        assert.equal(env(name)[JOBS_ENV.indexPrefix], 'store/', name);
        assert.equal(env(name)[JOBS_ENV.indexDir], undefined, name);
      }
      // The API reads the store itself here; on efs it asks the reduce function.
      assert.equal(env('api')[JOBS_ENV.resolveIndexVia], undefined);
      const efsApi = (one(run, T.lambda, 'sir-jobs-api').inputs['environment'] as any).variables;
      assert.equal(efsApi[JOBS_ENV.resolveIndexVia], 'reduce');
      assert.equal(efsApi[JOBS_ENV.indexDir], undefined);
      assert.equal(env('reduce')[JOBS_ENV.sendToSqs], 'false');
      // The merge stages about three times the index in /tmp: Lambda's largest, on either tier.
      for (const stack of [s3, run])
        assert.deepEqual(one(stack, T.lambda, 'sir-jobs-reduce').inputs['ephemeralStorage'], {
          size: 10_240,
        });
      assert.equal(env('reduce')[JOBS_ENV.keep], '3');
      for (const name of ['worker', 'coordinator'])
        assert.equal(env(name)[JOBS_ENV.indexBucket], undefined, name);
      assert.equal(env('worker')[JOBS_ENV.inputBuckets], 'sir-staging-bucket-mock');
      assert.equal(s3.resources.filter((r) => r.name === 'sir-jobs-reduce-efs').length, 0);
    });

    it("gives the reduce step the store's versions and CURRENT, the API and workers only reads", () => {
      const reduce = grants(s3, 'sir-jobs-reduce-access');
      assert.deepEqual(reduce['s3:PutObject'], [
        `${RESULTS}/jobs/*`,
        `${STAGING}/store/CURRENT`,
        `${STAGING}/store/versions/*`,
      ]);
      assert.deepEqual(reduce['s3:DeleteObject'], [`${STAGING}/store/versions/*`]);
      assert.deepEqual(reduce['s3:GetObject'], [
        `${RESULTS}/jobs/*`,
        `${STAGING}/store/CURRENT`,
        `${STAGING}/store/versions/*`,
      ]);
      const doc = JSON.parse(
        String(one(s3, T.rolePolicy, 'sir-jobs-reduce-access').inputs['policy']),
      );
      const list = doc.Statement.find(
        (st: any) => st.Action === 's3:ListBucket' && st.Resource === STAGING,
      );
      assert.deepEqual(list.Condition, {
        StringLike: { 's3:prefix': ['store/CURRENT', 'store/versions/*'] },
      });
      const api = grants(s3, 'sir-jobs-api-access');
      assert.deepEqual(
        api['s3:GetObject']!.filter((r) => r.includes('/store/')),
        [`${STAGING}/store/CURRENT`, `${STAGING}/store/versions/*`],
      );
      assert.equal(api['s3:DeleteObject'], undefined);
      assert.ok(!(api['s3:PutObject'] ?? []).some((r) => r.includes('/store/')));
      const worker = grants(s3, 'sir-jobs-worker-access');
      assert.deepEqual(
        worker['s3:GetObject']!.filter((r) => r.includes('/store/')),
        [`${STAGING}/store/versions/*`],
      );
      assert.ok(!(worker['s3:PutObject'] ?? []).some((r) => r.includes(STAGING)));
      const users = JSON.parse(String(one(s3, T.policy, 'sir-jobs-users').inputs['policy']));
      const reads = users.Statement.filter((st: any) => st.Sid === 'ReadIndexVersionsAndCurrent');
      assert.equal(reads.length, 1, 'sir jobs --stack resolves live too');
      // Nothing on efs reads the store's bucket prefix.
      for (const name of ['worker', 'api', 'reduce'])
        assert.ok(
          !JSON.stringify(grants(run, `sir-jobs-${name}-access`)).includes('/store/'),
          name,
        );
    });
  });

  it('refuses jobs on a bundled stack, saying why and what to do', async () => {
    await assert.rejects(
      runProgramUnderMocks({
        preview: false,
        config: { indexStorage: 'bundled', indexPath: '/nonexistent' },
      }),
      /jobsEnabled is true \(the default\) but indexStorage is bundled: the index ships inside the search function/,
    );
  });

  it('gives each role the SQS actions its code calls on its own queues, and nothing wider', () => {
    const worker = grants(run, 'sir-jobs-worker-access');
    assert.deepEqual(worker['sqs:ReceiveMessage'], [ARN('sir-jobs-task')]);
    assert.deepEqual(worker['sqs:SendMessage'], [ARN('sir-jobs-control.fifo')]);
    assert.deepEqual(worker['s3:GetObject']!.sort(), [
      `${RESULTS}/cache/*`,
      `${RESULTS}/jobs/*`,
      'arn:aws:s3:::sir-staging-bucket-mock/staging/*',
    ]);
    // Workers read every cache but write only their own: not the store versions in cache/index/.
    assert.deepEqual(worker['s3:PutObject'], [
      `${RESULTS}/cache/eval/*`,
      `${RESULTS}/cache/segments/*`,
      `${RESULTS}/jobs/*`,
    ]);
    const coordinator = grants(run, 'sir-jobs-coordinator-access');
    assert.deepEqual(coordinator['sqs:ReceiveMessage'], [ARN('sir-jobs-control.fifo')]);
    assert.deepEqual(coordinator['sqs:SendMessage'], [
      ARN('sir-jobs-reduce'),
      ARN('sir-jobs-task'),
    ]);
    const reduce = grants(run, 'sir-jobs-reduce-access');
    assert.deepEqual(reduce['sqs:ReceiveMessage'], [ARN('sir-jobs-reduce')]);
    assert.equal(reduce['sqs:SendMessage'], undefined, 'the reduce step has no route to SQS');
    // On efs it answers the API's resolve messages and copies store versions out for the workers.
    assert.deepEqual(reduce['s3:PutObject'], [
      `${RESULTS}/cache/index/*`,
      `${RESULTS}/jobs/*`,
      `${RESULTS}/resolve/*`,
    ]);
    const api = grants(run, 'sir-jobs-api-access');
    assert.deepEqual(api['sqs:SendMessage'], [
      ARN('sir-jobs-control.fifo'),
      ARN('sir-jobs-reduce'),
    ]);
    assert.deepEqual(
      api['s3:GetObject']!.filter((r) => r.startsWith(RESULTS)),
      [
        `${RESULTS}/cache/index/*`,
        `${RESULTS}/jobs/*`,
        `${RESULTS}/recent/*`,
        `${RESULTS}/resolve/*`,
      ],
    );
    assert.equal(api['s3:PutObject']!.filter((r) => /cache|resolve/.test(r)).length, 0);
    // An s3 stack's API reads the store itself: it never asks the reduce.
    assert.deepEqual(grants(s3, 'sir-jobs-api-access')['sqs:SendMessage'], [
      ARN('sir-jobs-control.fifo'),
    ]);
    assert.equal(api['sqs:ReceiveMessage'], undefined);
    for (const g of [worker, coordinator, reduce, api])
      for (const action of Object.keys(g)) assert.ok(!action.includes('*'), action);
    const efs = JSON.parse(String(one(run, T.rolePolicy, 'sir-jobs-reduce-efs').inputs['policy']));
    assert.deepEqual(efs.Statement[0].Action, [
      'elasticfilesystem:ClientMount',
      'elasticfilesystem:ClientWrite',
    ]);
  });

  it('routes /jobs and /jobs/{proxy+} of the HTTP API to the jobs API, signed when IAM auth is on', () => {
    for (const [stack, auth] of [
      [run, 'NONE'],
      [iam, 'AWS_IAM'],
    ] as const) {
      const routes = byType(stack, T.route).filter((r) => r.name.startsWith('sir-jobs-'));
      assert.deepEqual(
        routes.map((r) => [r.inputs['apiId'], r.inputs['routeKey'], r.inputs['authorizationType']]),
        [
          ['sir-api-http-id', 'ANY /jobs', auth],
          ['sir-api-http-id', 'ANY /jobs/{proxy+}', auth],
        ],
      );
      for (const r of routes)
        assert.equal(r.inputs['target'], 'integrations/sir-jobs-api-lambda-id');
    }
    const integration = one(run, T.integration, 'sir-jobs-api-lambda');
    assert.match(
      String(integration.inputs['integrationUri']),
      /function:sir-jobs-api\/invocations$/,
    );
    const permissions = byType(run, T.permission).filter((p) => p.name.startsWith('sir-jobs-'));
    assert.deepEqual(
      permissions.map((p) => p.inputs['sourceArn']),
      [
        'arn:aws:execute-api:us-east-1:123456789012:sir-api-http/*/*/jobs',
        'arn:aws:execute-api:us-east-1:123456789012:sir-api-http/*/*/jobs/*',
      ],
    );
    const users = JSON.parse(String(one(run, T.policy, 'sir-jobs-users').inputs['policy']));
    const invoke = users.Statement.find((s: any) => s.Action === 'execute-api:Invoke');
    assert.deepEqual(invoke.Resource, [
      'arn:aws:execute-api:us-east-1:123456789012:sir-api-http/*/*/jobs',
      'arn:aws:execute-api:us-east-1:123456789012:sir-api-http/*/*/jobs/*',
    ]);
  });

  it('keeps job results in a private bucket whose every prefix expires', () => {
    const rules = (one(run, T.lifecycle, 'sir-job-results-lifecycle').inputs['rules'] as any[])
      .filter((r) => r.expiration)
      .map((r) => [r.filter.prefix, r.expiration.days]);
    assert.deepEqual(rules, [
      ['jobs/', 30],
      ['recent/', 30],
      ['cache/', 30],
      ['resolve/', 1],
    ]);
    one(
      run,
      'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
      'sir-job-results-public-access',
    );
    one(run, 'aws:s3/bucketPolicy:BucketPolicy', 'sir-job-results-policy');
  });

  it('with jobsEnabled false: no queues, no job functions, no reduce group, no job outputs', () => {
    assert.equal(byType(off, T.queue).length, 0);
    assert.equal(byType(off, T.mapping).length, 0);
    assert.deepEqual(
      byType(off, T.lambda).map((f) => f.name),
      ['sir-api-search'],
    );
    assert.ok(!byType(off, T.sg).some((g) => g.name.includes('jobs')));
    for (const [key, value] of Object.entries(off.outputs))
      if (key.startsWith('jobs')) assert.equal(value, undefined, key);
    const endpoint = one(off, 'aws:ec2/vpcEndpoint:VpcEndpoint', 'sir-net-s3');
    assert.doesNotMatch(String(endpoint.inputs['policy']), /job-results|PutObject/);
  });
});
