/**
 * The whole job pipeline on one machine, as `sir serve --store` and `npm start` run it: fauxqs as
 * S3 and SQS (local-aws.ts), the pipeline's buckets and queues created as Pulumi creates them in AWS
 * (same names, attributes, dead-letter queues and redrive policies, from runtime/jobs/queues.ts),
 * and the same handlers fed by local event-source mappings — the workers and the reduce step in
 * their own execution environments (child processes, started at once and kept warm), the
 * coordinator in this process.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  DEFAULT_TIMEOUTS,
  JOBS_ENV,
  type JobFunction,
  type JobsContext,
  JobsService,
  QUEUES,
  type QueueRole,
  contextFromEnv,
  deadLetterAttributes,
  handleControlBatch,
  makeSqsClient,
  queueAttributes,
  queueName,
} from '../jobs/index.js';
import { errorMessage, jsonLinesLogger, type Logger } from '../log/logger.js';
import { makeS3Client } from '../upload/index.js';
import { EventSourceMapping } from './event-source.js';
import { ExecutionEnvironments, InProcessFunction } from './environments.js';
import { type LocalAws, startLocalAws } from './local-aws.js';

export const LOCAL_STAGING_BUCKET = 'sir-local-staging';
export const LOCAL_RESULTS_BUCKET = 'sir-local-results';
const QUEUE_BASE = 'sir-jobs';

export interface LocalPipelineOptions {
  /** The index store build jobs publish to: a folder (as on an `efs` stack)… */
  storeDir?: string;
  /**
   * …or, instead, an S3 store in the staging bucket under this prefix (e.g. `store/`), as an `s3`
   * stack keeps it: the reduce function publishes there, the API resolves `live` there.
   */
  storePrefix?: string;
  /**
   * With `storeDir`: give the API no store, as on an `efs` stack in AWS, where only the reduce
   * function mounts it — `live` and version ids are then resolved by the reduce function.
   */
  apiWithoutStore?: boolean;
  /** Concurrent map workers (the task mapping's maximum concurrency). Default 2. */
  workers?: number;
  /** Folders `file://` inputs may come from. Default: the current directory. */
  inputRoots?: string[];
  /** Function timeouts in seconds (queue visibility timeouts follow: 6 × these). */
  timeouts?: Partial<Record<JobFunction, number>>;
  retryBaseSeconds?: number;
  /** Versions the store keeps after a publish. */
  keep?: number;
  /** Run the worker and reduce functions from `dist/lambda/` (after `npm run build`) instead of source. */
  builtHandlers?: boolean;
  /** Where the functions' log lines go (default: stderr). */
  output?: (line: string) => void;
}

export interface LocalPipeline {
  service: JobsService;
  aws: LocalAws;
  /** The environment variables every function gets (what Lambda's configuration holds in AWS). */
  env: Record<string, string>;
  mappings: Record<QueueRole, EventSourceMapping>;
  workers: ExecutionEnvironments;
  reducers: ExecutionEnvironments;
  /** The in-process coordinator's context (its clients and logger). */
  coordinatorContext: JobsContext;
  stagingBucket: string;
  resultsBucket: string;
  close(): Promise<void>;
}

const HANDLERS: Record<'worker' | 'reduce', string> = {
  worker: 'jobs-worker',
  reduce: 'jobs-reduce',
};

function handlerModule(name: string, built: boolean): string {
  return built
    ? fileURLToPath(new URL(`../../dist/lambda/${name}/index.mjs`, import.meta.url))
    : fileURLToPath(new URL(`../lambda/${name}.ts`, import.meta.url));
}

async function createQueue(
  sqs: SQSClient,
  role: QueueRole,
  timeoutSeconds: number,
): Promise<{ url: string; arn: string; dlqUrl: string }> {
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: queueName(QUEUE_BASE, role, true),
      Attributes: deadLetterAttributes(role),
    }),
  );
  const arn = async (url: string) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
      .Attributes!.QueueArn!;
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: queueName(QUEUE_BASE, role),
      Attributes: queueAttributes(role, {
        consumerTimeoutSeconds: timeoutSeconds,
        deadLetterArn: await arn(dlq.QueueUrl!),
      }),
    }),
  );
  return { url: main.QueueUrl!, arn: await arn(main.QueueUrl!), dlqUrl: dlq.QueueUrl! };
}

export async function startLocalPipeline(o: LocalPipelineOptions): Promise<LocalPipeline> {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...o.timeouts };
  const workers = o.workers ?? 2;
  if ((o.storeDir === undefined) === (o.storePrefix === undefined))
    throw new Error('give the local pipeline one index store: storeDir or storePrefix');
  if (o.apiWithoutStore && o.storeDir === undefined)
    throw new Error('apiWithoutStore stands in for an efs stack: it goes with storeDir');
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(`workers must be an integer of at least 1, got ${workers}`);
  const aws = await startLocalAws();
  try {
    const s3 = makeS3Client({ region: aws.region, endpoint: aws.endpoint });
    const sqs = makeSqsClient(aws.region, aws.endpoint);
    for (const Bucket of [LOCAL_STAGING_BUCKET, LOCAL_RESULTS_BUCKET])
      await s3.send(new CreateBucketCommand({ Bucket }));
    const queues = {} as Record<QueueRole, { url: string; arn: string; dlqUrl: string }>;
    for (const role of Object.keys(QUEUES) as QueueRole[])
      queues[role] = await createQueue(sqs, role, timeouts[QUEUES[role].consumer]);

    // The store is readable too: an evaluation of `live` or a version reads its index file.
    // (`sir serve` creates the store after the pipeline starts: a missing one is taken as named.)
    const storeDir = o.storeDir !== undefined ? path.resolve(o.storeDir) : undefined;
    const real = (dir: string) => (existsSync(dir) ? realpathSync(dir) : dir);
    const roots = [
      ...(o.inputRoots ?? [process.cwd()]).map((r) => realpathSync(path.resolve(r))),
      ...(storeDir !== undefined ? [real(storeDir)] : []),
    ];
    const storeEnv: Record<string, string> =
      storeDir !== undefined
        ? { [JOBS_ENV.indexDir]: storeDir }
        : { [JOBS_ENV.indexBucket]: LOCAL_STAGING_BUCKET, [JOBS_ENV.indexPrefix]: o.storePrefix! };
    const env: Record<string, string> = {
      [JOBS_ENV.region]: aws.region,
      [JOBS_ENV.endpoint]: aws.endpoint,
      [JOBS_ENV.resultsBucket]: LOCAL_RESULTS_BUCKET,
      [JOBS_ENV.taskQueue]: queues.task.url,
      [JOBS_ENV.controlQueue]: queues.control.url,
      [JOBS_ENV.reduceQueue]: queues.reduce.url,
      [JOBS_ENV.taskDlq]: queues.task.dlqUrl,
      [JOBS_ENV.controlDlq]: queues.control.dlqUrl,
      [JOBS_ENV.reduceDlq]: queues.reduce.dlqUrl,
      [JOBS_ENV.inputBuckets]: LOCAL_STAGING_BUCKET,
      [JOBS_ENV.inputRoots]: roots.join(','),
      ...(o.retryBaseSeconds !== undefined
        ? { [JOBS_ENV.retryBaseSeconds]: String(o.retryBaseSeconds) }
        : {}),
    };
    const reduceEnv = {
      ...env,
      ...storeEnv,
      [JOBS_ENV.sendToSqs]: 'false',
      ...(o.keep !== undefined ? { [JOBS_ENV.keep]: String(o.keep) } : {}),
    };
    const built = o.builtHandlers ?? false;
    const output = o.output;
    const workerEnvs = new ExecutionEnvironments({
      name: 'jobs-worker',
      module: handlerModule(HANDLERS.worker, built),
      env,
      size: workers,
      timeoutSeconds: timeouts.worker,
      ...(output ? { output } : {}),
    });
    const reducers = new ExecutionEnvironments({
      name: 'jobs-reduce',
      module: handlerModule(HANDLERS.reduce, built),
      env: reduceEnv,
      size: 1,
      timeoutSeconds: timeouts.reduce,
      ...(output ? { output } : {}),
    });
    workerEnvs.warm();
    reducers.warm();
    const coordinatorCtx = contextFromEnv(env);
    if (output) coordinatorCtx.log = lineLogger(output);
    const coordinator = new InProcessFunction('jobs-coordinator', (event) =>
      handleControlBatch(coordinatorCtx, event),
    );
    const log = output ? lineLogger(output) : jsonLinesLogger(process.stderr);
    const report = (err: unknown) =>
      log.warn('local event-source mapping', { error: errorMessage(err) });
    const mapping = (
      role: QueueRole,
      invoker: EventSourceMapping['options']['invoker'],
      maxConcurrency: number,
    ) =>
      new EventSourceMapping({
        sqs,
        queueUrl: queues[role].url,
        queueArn: queues[role].arn,
        region: aws.region,
        batchSize: QUEUES[role].batchSize,
        maxConcurrency,
        invoker,
        onError: report,
      }).start();
    const mappings = {
      task: mapping('task', workerEnvs, workers),
      control: mapping('control', coordinator, 1),
      reduce: mapping('reduce', reducers, 1),
    };
    // The API resolves an evaluation's `index: "live"` through the store, or asks the reduce.
    const apiCtx = contextFromEnv({
      ...env,
      ...(o.apiWithoutStore ? { [JOBS_ENV.resolveIndexVia]: 'reduce' } : storeEnv),
    });
    if (output) apiCtx.log = lineLogger(output);
    return {
      service: new JobsService(apiCtx),
      aws,
      env,
      mappings,
      workers: workerEnvs,
      reducers,
      coordinatorContext: coordinatorCtx,
      stagingBucket: LOCAL_STAGING_BUCKET,
      resultsBucket: LOCAL_RESULTS_BUCKET,
      async close() {
        // Stop polling, end running invocations (as a deleted function would), then the services.
        const stopping = Object.values(mappings).map((m) => m.stop());
        await Promise.all([workerEnvs.close(), reducers.close()]);
        await Promise.all(stopping);
        await aws.close();
      },
    };
  } catch (err) {
    await aws.close();
    throw err;
  }
}

/** The one logger's JSON lines, each handed to `output` (without its newline). */
function lineLogger(output: (line: string) => void): Logger {
  return jsonLinesLogger({
    write: (chunk: string) => {
      output(chunk.replace(/\n$/, ''));
      return true;
    },
  } as NodeJS.WritableStream);
}
