/**
 * `JobsContext`: everything a pipeline function needs from its surroundings — AWS clients, the
 * results bucket, the queues, which inputs it may read, the index store (reduce only) — so the
 * core functions run unchanged in Lambda (`contextFromEnv`), in the local stand-in, and in tests.
 */
import { tmpdir } from 'node:os';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { jsonLinesLogger, type Logger } from '../log/logger.js';
import { join } from 'node:path';
import { IndexStore, S3IndexStore, type VersionStore } from '../store/index.js';
import { S3_STORE_PREFIX } from '../lambda/index-env.js';
import { localEndpointConfig, makeS3Client } from '../upload/index.js';
import type { InputAccess } from './inputs.js';
import { JOBS_ENV } from './environment.js';
import { MAX_RECEIVE_COUNT } from './queues.js';

export interface QueueUrls {
  task: string;
  control: string;
  reduce: string;
  /** Dead-letter queues, for the counts `GET /jobs/{id}` shows (optional). */
  taskDlq?: string;
  controlDlq?: string;
  reduceDlq?: string;
}

export interface JobsContext {
  s3: S3Client;
  /** Absent in the reduce function, which runs in the VPC without a route to SQS. */
  sqs?: SQSClient;
  resultsBucket: string;
  queues: QueueUrls;
  inputs: InputAccess;
  /**
   * The index store: a build publishes to it (reduce), an evaluation of `live` or a version id
   * resolves through it (API). A directory (EFS, or locally) or an S3 store (an `s3` stack).
   */
  store?: VersionStore;
  /**
   * Without `store`, on an `efs` stack: `live` and version ids are resolved by the reduce function
   * (evaluate/resolve-index.ts); an answer is awaited this long before the caller is told to ask
   * again.
   */
  resolveViaReduce?: { waitMs: number };
  /** Versions the store keeps after a publish. */
  keep?: number;
  /** Deliveries after which a message goes to its dead-letter queue. */
  maxReceiveCount: number;
  /** Base of the exponential delay before a failed message is retried, in seconds. */
  retryBaseSeconds: number;
  /** Memory the engine's builder may hold before spilling, per task (MiB). */
  memoryBudgetMb: number;
  tmpDir: string;
  /**
   * A map worker's /tmp in MB (its ephemeral storage): an evaluation reads its whole index there,
   * so a larger index is refused at submission. Absent: no limit (locally).
   */
  workerTmpMb?: number;
  log: Logger;
  now: () => Date;
}

export const DEFAULT_RETRY_BASE_SECONDS = 10;
/**
 * How long the jobs API waits for the reduce function to resolve `live`: API Gateway gives the
 * whole request 30 s, and a cold reduce in the VPC copying a large version may take longer — the
 * copy goes on, and the next submission finds it.
 */
export const API_RESOLVE_WAIT_MS = 20_000;
export const DEFAULT_TASK_MEMORY_MB = 256;

export function makeSqsClient(region: string, endpoint?: string): SQSClient {
  return new SQSClient({
    region,
    maxAttempts: 5,
    ...(endpoint !== undefined ? localEndpointConfig(endpoint) : {}),
  });
}

/** A context from its parts, the rest defaulted (the `sir jobs --stack` client needs only the AWS side). */
export function makeContext(
  parts: Pick<JobsContext, 's3' | 'resultsBucket' | 'queues' | 'inputs'> & Partial<JobsContext>,
): JobsContext {
  return {
    maxReceiveCount: MAX_RECEIVE_COUNT,
    retryBaseSeconds: DEFAULT_RETRY_BASE_SECONDS,
    memoryBudgetMb: DEFAULT_TASK_MEMORY_MB,
    tmpDir: tmpdir(),
    // JSON lines on stdout: CloudWatch Logs in Lambda.
    log: jsonLinesLogger(process.stdout),
    now: () => new Date(),
    ...parts,
  };
}

/**
 * The buckets inputs may come from: those given, and the results bucket, whose indexes — a build's
 * kept output, a store version copied out (`cache/index/`) — an evaluation reads. IAM narrows
 * each function to its prefixes.
 */
export function inputBuckets(given: string[], resultsBucket: string): string[] {
  return [...new Set([...given, resultsBucket])];
}

/** The context of a pipeline function, from its environment. Throws naming a missing variable. */
export function contextFromEnv(env: NodeJS.ProcessEnv = process.env): JobsContext {
  const need = (name: string) => {
    const v = env[name];
    if (v === undefined || v === '')
      throw new Error(`the job pipeline needs the environment variable ${name}`);
    return v;
  };
  const list = (name: string) =>
    (env[name] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const number = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0, got "${raw}"`);
    return n;
  };
  const region = env[JOBS_ENV.region] ?? 'us-east-1';
  const endpoint = env[JOBS_ENV.endpoint] || undefined;
  const indexDir = env[JOBS_ENV.indexDir];
  const indexBucket = env[JOBS_ENV.indexBucket];
  if (indexDir && indexBucket)
    throw new Error(
      `${JOBS_ENV.indexDir} and ${JOBS_ENV.indexBucket} are both set; an index store is a directory or a bucket, not both`,
    );
  const optional = (name: string) => env[name] || undefined;
  const roots = list(JOBS_ENV.inputRoots);
  const s3 = endpoint
    ? makeS3Client({ region, endpoint })
    : new S3Client({ region, maxAttempts: 5 });
  const tmpDir = tmpdir();
  let store: VersionStore | undefined;
  if (indexDir) store = new IndexStore(indexDir);
  else if (indexBucket)
    store = new S3IndexStore({
      client: s3,
      bucket: indexBucket,
      prefix: env[JOBS_ENV.indexPrefix] ?? S3_STORE_PREFIX,
      cacheDir: join(tmpDir, 'sir-store-cache'),
    });
  const workerTmpMb = env[JOBS_ENV.workerTmpMb];
  const resolveVia = env[JOBS_ENV.resolveIndexVia];
  if (resolveVia !== undefined && resolveVia !== '' && resolveVia !== 'reduce')
    throw new Error(`${JOBS_ENV.resolveIndexVia} must be "reduce" or unset, got "${resolveVia}"`);
  if (resolveVia === 'reduce' && store !== undefined)
    throw new Error(
      `${JOBS_ENV.resolveIndexVia}=reduce is for a function without the index store; this one has it (${indexDir ? JOBS_ENV.indexDir : JOBS_ENV.indexBucket})`,
    );
  const resultsBucket = need(JOBS_ENV.resultsBucket);
  return makeContext({
    s3,
    ...(env[JOBS_ENV.sendToSqs] === 'false' ? {} : { sqs: makeSqsClient(region, endpoint) }),
    resultsBucket,
    queues: {
      task: need(JOBS_ENV.taskQueue),
      control: need(JOBS_ENV.controlQueue),
      reduce: need(JOBS_ENV.reduceQueue),
      ...(optional(JOBS_ENV.taskDlq) ? { taskDlq: optional(JOBS_ENV.taskDlq)! } : {}),
      ...(optional(JOBS_ENV.controlDlq) ? { controlDlq: optional(JOBS_ENV.controlDlq)! } : {}),
      ...(optional(JOBS_ENV.reduceDlq) ? { reduceDlq: optional(JOBS_ENV.reduceDlq)! } : {}),
    },
    inputs: {
      buckets: inputBuckets(list(JOBS_ENV.inputBuckets), resultsBucket),
      ...(roots.length ? { fileRoots: roots } : {}),
    },
    ...(store !== undefined ? { store } : {}),
    ...(resolveVia === 'reduce' ? { resolveViaReduce: { waitMs: API_RESOLVE_WAIT_MS } } : {}),
    ...(workerTmpMb ? { workerTmpMb: number(JOBS_ENV.workerTmpMb, 512) } : {}),
    ...(env[JOBS_ENV.keep] ? { keep: number(JOBS_ENV.keep, 3) } : {}),
    maxReceiveCount: number(JOBS_ENV.maxReceiveCount, MAX_RECEIVE_COUNT),
    retryBaseSeconds: number(JOBS_ENV.retryBaseSeconds, DEFAULT_RETRY_BASE_SECONDS),
    memoryBudgetMb: number(JOBS_ENV.memoryMb, DEFAULT_TASK_MEMORY_MB),
  });
}
