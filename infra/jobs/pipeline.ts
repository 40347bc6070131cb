/**
 * JobPipeline: the SQS job pipeline (runtime/jobs/) in AWS — fixed queues shared by every job, the
 * four functions that run it, and the `/jobs` routes of the stack's HTTP API.
 *
 *   POST /jobs ─▶ jobs-api ──send──▶ control (FIFO, group = job) ─▶ coordinator ──▶ task ─▶ workers
 *                    │                     ▲                            │                  │
 *                    └── results bucket ◀──┼── job state (one writer) ◀─┘                  │
 *                                          └──────────── outcomes ◀────────────────────────┘
 *                          coordinator ──▶ reduce ─▶ reduce (publishes to the store; reports through S3)
 *
 * - Outside the VPC (SQS and S3 without interface endpoints, so the idle cost stays at zero): the
 *   jobs API, the coordinator and the map workers. The reduce function publishes through the store
 *   interface: on an `efs` stack it runs in the VPC with the store mounted, its event-source
 *   mapping polls SQS for it (Lambda's service does, with the function's role), it sends nothing
 *   to SQS and reports through S3 (the gateway endpoint); on an `s3` stack it runs outside any VPC
 *   and writes the store's `versions/` and `CURRENT` in the bucket, reporting the same way (one
 *   code path). There the jobs API reads the store too (read-only), to resolve an evaluation's
 *   `live` or version id, and the workers read the resolved index file.
 * - Every queue has a dead-letter queue (`maxReceiveCount` 5), a CloudWatch alarm on its depth,
 *   SSE, and a visibility timeout of 6 × its consumer's timeout; with `jobsAlarmEmail` the alarms
 *   e-mail through an encrypted SNS topic. Mappings report partial batch failures; the task
 *   mapping's `MaximumConcurrency` is the global cap on map workers, the others are uncapped.
 * - Each function's role allows what its code calls (infra/policy-documents.ts) on these queues
 *   and these bucket prefixes only; logs go to a log group with retention.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { JOBS_ENV } from '../../runtime/jobs/environment.js';
import { type EfsMount, efsMountArgs, efsMountDependencies } from '../efs-mount.js';
import {
  DEFAULT_TIMEOUTS,
  DLQ_RETENTION_SECONDS,
  MAX_RECEIVE_COUNT,
  MESSAGE_RETENTION_SECONDS,
  QUEUES,
  type JobFunction,
  type QueueRole,
  visibilityTimeoutSeconds,
} from '../../runtime/jobs/queues.js';
import { JOB_LAMBDA_DIRS, repoPath } from '../artifacts.js';
import { LIMITS } from '../../runtime/cost/prices.js';
import { AlarmTopic } from './alarm-topic.js';
import {
  JOBS_SMALL_FUNCTION_MEMORY_MB,
  LAMBDA_ARCHITECTURE,
  LAMBDA_NODE_OPTIONS,
  LAMBDA_RUNTIME,
} from '../lambda-platform.js';
import {
  assumeRolePolicy,
  efsClientPolicy,
  jobApiPolicy,
  jobCoordinatorPolicy,
  jobReducePolicy,
  jobUserPolicy,
  jobWorkerPolicy,
  MANAGED_POLICIES,
  toJson,
  type JobPolicyArgs,
  type PolicyDocument,
} from '../policy-documents.js';
import { MAX_INTEGRATION_TIMEOUT_MS } from '../search-api.js';

/** The routes API Gateway sends to the jobs API; everything else stays with the search Lambda. */
export const JOB_ROUTE_KEYS = ['ANY /jobs', 'ANY /jobs/{proxy+}'] as const;

export interface JobPipelineArgs {
  maxWorkers: number;
  workerMemoryMb: number;
  workerTimeoutSeconds: number;
  /** A worker's /tmp (ephemeral storage), MB: the largest index an evaluation may read. */
  workerTmpMb: number;
  reduceMemoryMb: number;
  logRetentionDays: number;
  /** Where the index store is, which decides where the reduce function runs. */
  store: JobStoreArgs;
  versionsToKeep: number;
  resultsBucketName: pulumi.Input<string>;
  resultsBucketArn: pulumi.Input<string>;
  /** Job inputs come from here (objects under `staging/`), and nowhere else. */
  stagingBucketName: pulumi.Input<string>;
  stagingBucketArn: pulumi.Input<string>;
  /** The stack's HTTP API, which gets the `/jobs` routes. */
  apiId: pulumi.Input<string>;
  apiExecutionArn: pulumi.Input<string>;
  iamAuth: boolean;
  /** Where the dead-letter alarms send e-mail; '' for nowhere (the alarms still show in CloudWatch). */
  alarmEmail: string;
  region: string;
}

/** The index store of an `efs` stack: the reduce function mounts it from the VPC. */
export type EfsJobStore = { kind: 'efs' } & EfsMount;

/** The index store of an `s3` stack: a prefix of a bucket, reached without a VPC. */
export interface S3JobStore {
  kind: 's3';
  bucketName: pulumi.Input<string>;
  bucketArn: pulumi.Input<string>;
  /** The store's key prefix (`INDEX_PREFIX`), e.g. `store/`. */
  prefix: string;
}

export type JobStoreArgs = EfsJobStore | S3JobStore;

interface QueuePair {
  queue: aws.sqs.Queue;
  deadLetter: aws.sqs.Queue;
  alarm: aws.cloudwatch.MetricAlarm;
}

export class JobPipeline extends pulumi.ComponentResource {
  public readonly taskQueueUrl: pulumi.Output<string>;
  public readonly controlQueueUrl: pulumi.Output<string>;
  public readonly reduceQueueUrl: pulumi.Output<string>;
  public readonly taskDlqUrl: pulumi.Output<string>;
  public readonly controlDlqUrl: pulumi.Output<string>;
  public readonly reduceDlqUrl: pulumi.Output<string>;
  /** The dead-letter alarms' names: any message there is a job that failed for good. */
  public readonly dlqAlarmNames: pulumi.Output<string[]>;
  /** Attach it to whoever runs jobs (`sir jobs --stack`, or IAM-signed calls to `/jobs`). */
  public readonly userPolicyArn: pulumi.Output<string>;

  constructor(name: string, args: JobPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super('serverless-ir:infra:JobPipeline', name, {}, opts);
    const parent = { parent: this };
    const { store } = args;
    const timeouts: Record<JobFunction, number> = {
      ...DEFAULT_TIMEOUTS,
      worker: args.workerTimeoutSeconds,
    };

    const notify = args.alarmEmail
      ? new AlarmTopic(`${name}-alarms`, { email: args.alarmEmail, region: args.region }, parent)
      : undefined;

    const pair = (role: QueueRole): QueuePair => {
      const fifo = QUEUES[role].fifo;
      const deadLetter = new aws.sqs.Queue(
        `${name}-${role}-dlq`,
        {
          fifoQueue: fifo,
          sqsManagedSseEnabled: true,
          messageRetentionSeconds: DLQ_RETENTION_SECONDS,
        },
        parent,
      );
      const queue = new aws.sqs.Queue(
        `${name}-${role}`,
        {
          fifoQueue: fifo,
          // Control messages carry their own deduplication ids; one job's group is one writer.
          ...(fifo
            ? { deduplicationScope: 'messageGroup', fifoThroughputLimit: 'perMessageGroupId' }
            : {}),
          sqsManagedSseEnabled: true,
          messageRetentionSeconds: MESSAGE_RETENTION_SECONDS,
          visibilityTimeoutSeconds: visibilityTimeoutSeconds(timeouts[QUEUES[role].consumer]),
          redrivePolicy: deadLetter.arn.apply((arn) =>
            JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: MAX_RECEIVE_COUNT }),
          ),
        },
        parent,
      );
      const alarm = new aws.cloudwatch.MetricAlarm(
        `${name}-${role}-dlq-alarm`,
        {
          alarmDescription: `serverless-ir jobs: messages in the ${role} dead-letter queue (a task, control message or reduce step that failed ${MAX_RECEIVE_COUNT} times)`,
          namespace: 'AWS/SQS',
          metricName: 'ApproximateNumberOfMessagesVisible',
          dimensions: { QueueName: deadLetter.name },
          statistic: 'Maximum',
          period: 300,
          evaluationPeriods: 1,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 0,
          treatMissingData: 'notBreaching',
          ...(notify ? { alarmActions: [notify.topicArn], okActions: [notify.topicArn] } : {}),
        },
        parent,
      );
      return { queue, deadLetter, alarm };
    };
    const queues = { task: pair('task'), control: pair('control'), reduce: pair('reduce') };

    const policyArgs = pulumi
      .all([
        args.resultsBucketArn,
        args.stagingBucketArn,
        queues.task.queue.arn,
        queues.control.queue.arn,
        queues.reduce.queue.arn,
        queues.task.deadLetter.arn,
        queues.control.deadLetter.arn,
        queues.reduce.deadLetter.arn,
        store.kind === 's3' ? store.bucketArn : '',
      ])
      .apply(
        ([results, staging, task, control, reduce, taskDlq, controlDlq, reduceDlq, indexBucket]) =>
          ({
            resultsBucketArn: results,
            stagingBucketArn: staging,
            queues: { task, control, reduce, taskDlq, controlDlq, reduceDlq },
            ...(store.kind === 's3'
              ? { indexStore: { bucketArn: indexBucket, prefix: store.prefix } }
              : {}),
          }) satisfies JobPolicyArgs,
      );

    const env = {
      [JOBS_ENV.resultsBucket]: args.resultsBucketName,
      [JOBS_ENV.taskQueue]: queues.task.queue.url,
      [JOBS_ENV.controlQueue]: queues.control.queue.url,
      [JOBS_ENV.reduceQueue]: queues.reduce.queue.url,
      // On `s3` the store's bucket too: an evaluation's resolved index is read from it (IAM
      // narrows each function to its prefixes).
      [JOBS_ENV.inputBuckets]:
        store.kind === 's3'
          ? pulumi
              .all([args.stagingBucketName, store.bucketName])
              .apply((names) => [...new Set(names)].join(','))
          : args.stagingBucketName,
      NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
    };
    /** Where the store is, for the functions that use it (reduce: publish; API: resolve). */
    const storeEnv: Record<string, pulumi.Input<string>> = store.kind === 's3'
      ? { [JOBS_ENV.indexBucket]: store.bucketName, [JOBS_ENV.indexPrefix]: store.prefix }
      : { [JOBS_ENV.indexDir]: store.mountPath };
    const dlqEnv = {
      [JOBS_ENV.taskDlq]: queues.task.deadLetter.url,
      [JOBS_ENV.controlDlq]: queues.control.deadLetter.url,
      [JOBS_ENV.reduceDlq]: queues.reduce.deadLetter.url,
    };

    /** A function with its own role (its policy document plus logs) and log group. */
    const fn = (
      fnName: 'api' | JobFunction,
      o: {
        description: string;
        policy: (a: JobPolicyArgs) => PolicyDocument;
        memoryMb: number;
        timeoutSeconds: number;
        variables: Record<string, pulumi.Input<string>>;
        /** In the VPC with the index store mounted read-write (the reduce function on `efs`). */
        efs?: EfsJobStore;
        /** /tmp beyond Lambda's default 512 MB. */
        ephemeralStorageMb?: number;
      },
    ): aws.lambda.Function => {
      const role = new aws.iam.Role(
        `${name}-${fnName}-role`,
        {
          assumeRolePolicy: toJson(assumeRolePolicy('lambda.amazonaws.com')),
          description: `serverless-ir jobs ${fnName}: ${o.description}`,
        },
        parent,
      );
      const basics = new aws.iam.RolePolicyAttachment(
        `${name}-${fnName}-basics`,
        {
          role: role.name,
          policyArn: o.efs
            ? MANAGED_POLICIES.lambdaVpcAccess
            : MANAGED_POLICIES.lambdaBasicExecution,
        },
        parent,
      );
      const access = new aws.iam.RolePolicy(
        `${name}-${fnName}-access`,
        { role: role.id, policy: policyArgs.apply((a) => toJson(o.policy(a))) },
        parent,
      );
      const grants: pulumi.Resource[] = [basics, access];
      if (o.efs)
        grants.push(
          new aws.iam.RolePolicy(
            `${name}-${fnName}-efs`,
            {
              role: role.id,
              policy: pulumi
                .all([o.efs.fileSystemArn, o.efs.accessPointArn])
                .apply(([fs, ap]) => toJson(efsClientPolicy(fs, ap, true))),
            },
            parent,
          ),
        );
      const logs = new aws.cloudwatch.LogGroup(
        `${name}-${fnName}-logs`,
        { retentionInDays: args.logRetentionDays },
        parent,
      );
      const dir = JOB_LAMBDA_DIRS[fnName];
      return new aws.lambda.Function(
        `${name}-${fnName}`,
        {
          description: `serverless-ir jobs ${fnName}: ${o.description}`,
          role: role.arn,
          runtime: LAMBDA_RUNTIME,
          architectures: [LAMBDA_ARCHITECTURE],
          handler: 'index.handler',
          code: new pulumi.asset.FileArchive(repoPath(dir)),
          memorySize: o.memoryMb,
          timeout: o.timeoutSeconds,
          environment: { variables: o.variables },
          loggingConfig: { logFormat: 'JSON', logGroup: logs.name },
          ...(o.ephemeralStorageMb !== undefined
            ? { ephemeralStorage: { size: o.ephemeralStorageMb } }
            : {}),
          ...(o.efs ? efsMountArgs(o.efs) : {}),
        },
        {
          parent: this,
          dependsOn: [...grants, ...(o.efs ? efsMountDependencies(o.efs) : [])],
        },
      );
    };

    const api = fn('api', {
      description: 'submits, reads and retries jobs (outside the VPC)',
      policy: jobApiPolicy,
      memoryMb: JOBS_SMALL_FUNCTION_MEMORY_MB,
      timeoutSeconds: MAX_INTEGRATION_TIMEOUT_MS / 1000,
      // On `efs` the API cannot reach the store (EFS needs the VPC): it asks the reduce function,
      // which mounts it, which version `live` is (runtime/jobs/evaluate/resolve-index.ts).
      variables: {
        ...env,
        ...dlqEnv,
        ...(store.kind === 's3' ? storeEnv : { [JOBS_ENV.resolveIndexVia]: 'reduce' }),
        [JOBS_ENV.workerTmpMb]: String(args.workerTmpMb),
      },
    });
    const worker = fn('worker', {
      description: 'builds one chunk of a corpus into a segment (outside the VPC)',
      policy: jobWorkerPolicy,
      memoryMb: args.workerMemoryMb,
      timeoutSeconds: timeouts.worker,
      variables: env,
      ephemeralStorageMb: args.workerTmpMb,
    });
    const coordinator = fn('coordinator', {
      description: "the one writer of a job's state; releases tasks and the reduce step",
      policy: jobCoordinatorPolicy,
      memoryMb: JOBS_SMALL_FUNCTION_MEMORY_MB,
      timeoutSeconds: timeouts.coordinator,
      variables: env,
    });
    const reduce = fn('reduce', {
      description:
        store.kind === 'efs'
          ? 'merges the segments and publishes on EFS (in the VPC, no route to SQS)'
          : "merges the segments and publishes into the store's bucket (outside the VPC)",
      policy: jobReducePolicy,
      memoryMb: args.reduceMemoryMb,
      timeoutSeconds: timeouts.reduce,
      variables: {
        ...env,
        // Reports through S3 on both tiers: one code path, whatever the network allows.
        [JOBS_ENV.sendToSqs]: 'false',
        ...storeEnv,
        [JOBS_ENV.keep]: String(args.versionsToKeep),
      },
      // The merge stages about three times the index in /tmp: the segments, the index's lazy
      // sections, the merged file. Lambda's largest /tmp bounds a build at about 3.3 GB, near
      // the engine's own ceiling; its price (per GB-second above 512 MB, only while the reduce
      // runs) is about 0.5% of the reduce's memory at the default 4096 MB.
      ephemeralStorageMb: LIMITS.lambdaEphemeralMaxMb,
      ...(store.kind === 'efs' ? { efs: store } : {}),
    });

    // Only the task mapping is capped. A cap turns off Lambda's scaling down to 2 pollers on a
    // quiet standard queue (AWS Lambda docs, "Configuring scaling behavior for SQS event source
    // mappings"), so uncapped mappings cost less idle; the control queue runs one batch per
    // message group (job) at a time whatever the cap, and a reduce message is one job's merge.
    const consumers: Record<QueueRole, { fn: aws.lambda.Function; maxConcurrency?: number }> = {
      task: { fn: worker, maxConcurrency: args.maxWorkers },
      control: { fn: coordinator },
      reduce: { fn: reduce },
    };
    for (const role of Object.keys(consumers) as QueueRole[])
      new aws.lambda.EventSourceMapping(
        `${name}-${role}-mapping`,
        {
          eventSourceArn: queues[role].queue.arn,
          functionName: consumers[role].fn.arn,
          batchSize: QUEUES[role].batchSize,
          functionResponseTypes: ['ReportBatchItemFailures'],
          ...(consumers[role].maxConcurrency !== undefined
            ? { scalingConfig: { maximumConcurrency: consumers[role].maxConcurrency } }
            : {}),
        },
        parent,
      );

    // The `/jobs` routes of the stack's HTTP API go to the jobs API function.
    const integration = new aws.apigatewayv2.Integration(
      `${name}-api-lambda`,
      {
        apiId: args.apiId,
        integrationType: 'AWS_PROXY',
        integrationUri: api.invokeArn,
        payloadFormatVersion: '2.0',
        timeoutMilliseconds: MAX_INTEGRATION_TIMEOUT_MS,
      },
      parent,
    );
    JOB_ROUTE_KEYS.forEach(
      (routeKey, i) =>
        new aws.apigatewayv2.Route(
          `${name}-route-${i}`,
          {
            apiId: args.apiId,
            routeKey,
            target: pulumi.interpolate`integrations/${integration.id}`,
            authorizationType: args.iamAuth ? 'AWS_IAM' : 'NONE',
          },
          parent,
        ),
    );
    // Only the `/jobs` routes of this API may invoke it.
    (['jobs', 'jobs/*'] as const).forEach(
      (path, i) =>
        new aws.lambda.Permission(
          `${name}-api-invoke-${i}`,
          {
            action: 'lambda:InvokeFunction',
            function: api.name,
            principal: 'apigateway.amazonaws.com',
            sourceArn: pulumi.interpolate`${args.apiExecutionArn}/*/*/${path}`,
          },
          parent,
        ),
    );

    const users = new aws.iam.Policy(
      `${name}-users`,
      {
        description: 'Lets a person or CI role run serverless-ir jobs (sir jobs, or /jobs)',
        policy: pulumi
          .all([policyArgs, args.apiExecutionArn])
          .apply(([a, apiExecutionArn]) => toJson(jobUserPolicy({ ...a, apiExecutionArn }))),
      },
      parent,
    );

    this.taskQueueUrl = queues.task.queue.url;
    this.controlQueueUrl = queues.control.queue.url;
    this.reduceQueueUrl = queues.reduce.queue.url;
    this.taskDlqUrl = queues.task.deadLetter.url;
    this.controlDlqUrl = queues.control.deadLetter.url;
    this.reduceDlqUrl = queues.reduce.deadLetter.url;
    this.dlqAlarmNames = pulumi.all(Object.values(queues).map((q) => q.alarm.name));
    this.userPolicyArn = users.arn;
    this.registerOutputs({
      taskQueueUrl: this.taskQueueUrl,
      controlQueueUrl: this.controlQueueUrl,
      reduceQueueUrl: this.reduceQueueUrl,
      dlqAlarmNames: this.dlqAlarmNames,
      userPolicyArn: this.userPolicyArn,
    });
  }
}
