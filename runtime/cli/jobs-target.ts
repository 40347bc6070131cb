/**
 * Where `sir jobs` sends its requests: `--api URL` (a `sir serve --store` or any server of the jobs
 * API, over HTTP) or `--stack NAME` (the stack's queues and results bucket, directly, as the jobs
 * API function does — no request signing needed; `--outputs FILE` and `--endpoint URL` stand in
 * for the Pulumi CLI and AWS).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type JobsApi,
  JobsService,
  type JobStatusView,
  type RetryOutcome,
  type SubmitOutcome,
  inputBuckets,
  makeContext,
  makeSqsClient,
} from '../jobs/index.js';
import {
  STAGING_PREFIX,
  makeS3Client,
  prepareCorpusUpload,
  prepareIndexUpload,
  type StagedUpload,
  readRawStackOutputs,
  stageVersion,
} from '../upload/index.js';
import { silentLogger } from '../log/logger.js';
import { INDEX_FILE } from '../engine/index.js';
import { S3_STORE_PREFIX } from '../lambda/index-env.js';
import { S3IndexStore } from '../store/index.js';
import { CliError, type CliIO } from './command.js';
import { progressOn } from './upload-progress.js';

export const TARGET_FLAG_OPTIONS = {
  api: { type: 'string' },
  stack: { type: 'string' },
  outputs: { type: 'string' },
  endpoint: { type: 'string' },
} as const;

export const TARGET_FLAGS_HELP = `  --api URL              a local server (sir serve --store DIR) or any jobs API,
                         e.g. http://127.0.0.1:8787
  --stack NAME           the Pulumi stack whose pipeline runs the job (reads its outputs)
  --outputs FILE         with --stack: the JSON of \`pulumi stack output --json\`, instead of pulumi
  --endpoint URL         with --stack: an S3/SQS endpoint standing in for AWS (the local stand-in)`;

export interface TargetFlags {
  api?: string;
  stack?: string;
  outputs?: string;
  endpoint?: string;
}

export interface JobsTarget {
  api: JobsApi;
  description: string;
  /** Turns `--corpus FILE|URL` into the URL the pipeline reads (staging a local file for a stack). */
  inputUrl(corpus: string, io: CliIO): Promise<string>;
  /** The URL of a built index folder's index file (staging the folder for a stack). */
  indexUrl(dir: string, io: CliIO): Promise<string>;
  /** An `efs` stack: `live` and version ids are resolved by its reduce function, which takes a while. */
  resolvesThroughReduce?: boolean;
}

export async function resolveJobsTarget(flags: TargetFlags): Promise<JobsTarget> {
  if ((flags.api === undefined) === (flags.stack === undefined))
    throw new CliError(
      'give --api URL (a local sir serve --store) or --stack NAME (a deployed stack), one of them',
      2,
    );
  if (flags.api !== undefined) {
    if (flags.outputs !== undefined || flags.endpoint !== undefined)
      throw new CliError('--outputs and --endpoint go with --stack, not --api', 2);
    if (!/^https?:\/\/[^/]+/.test(flags.api))
      throw new CliError(
        `--api must be an http(s) URL such as http://127.0.0.1:8787, got "${flags.api}"`,
        2,
      );
    const base = flags.api.replace(/\/+$/, '');
    return {
      api: new HttpJobsApi(base),
      description: base,
      inputUrl: async (corpus) =>
        isUrl(corpus) ? corpus : pathToFileURL(path.resolve(corpus)).href,
      indexUrl: async (dir) => pathToFileURL(path.join(path.resolve(dir), INDEX_FILE)).href,
    };
  }
  if (flags.endpoint !== undefined && !/^https?:\/\/[^/]+/.test(flags.endpoint))
    throw new CliError(`--endpoint must be an http(s) URL, got "${flags.endpoint}"`, 2);
  const outputs = await stackOutputs(flags.stack!, flags.outputs);
  const endpoint = flags.endpoint;
  const s3 = makeS3Client({ region: outputs.region, ...(endpoint ? { endpoint } : {}) });
  const index =
    outputs.indexStorage === 's3' && outputs.indexBucket
      ? { bucket: outputs.indexBucket, prefix: outputs.indexPrefix ?? S3_STORE_PREFIX }
      : undefined;
  const service = new JobsService(
    makeContext({
      s3,
      sqs: makeSqsClient(outputs.region, endpoint),
      resultsBucket: outputs.jobsResultsBucket,
      queues: {
        task: outputs.jobsTaskQueueUrl,
        control: outputs.jobsControlQueueUrl,
        reduce: outputs.jobsReduceQueueUrl,
        ...(outputs.jobsTaskDlqUrl ? { taskDlq: outputs.jobsTaskDlqUrl } : {}),
        ...(outputs.jobsControlDlqUrl ? { controlDlq: outputs.jobsControlDlqUrl } : {}),
        ...(outputs.jobsReduceDlqUrl ? { reduceDlq: outputs.jobsReduceDlqUrl } : {}),
      },
      inputs: {
        buckets: inputBuckets(
          [outputs.stagingBucket, ...(index ? [index.bucket] : [])],
          outputs.jobsResultsBucket,
        ),
      },
      // An `s3` stack's store, read-only: an evaluation of `live` or a version id resolves there;
      // an `efs` stack's store only its reduce function mounts: it resolves them.
      ...(index
        ? {
            store: new S3IndexStore({
              client: s3,
              bucket: index.bucket,
              prefix: index.prefix,
              logger: silentLogger,
            }),
          }
        : { resolveViaReduce: { waitMs: CLI_RESOLVE_WAIT_MS } }),
      ...(outputs.jobsWorkerTmpMb !== undefined ? { workerTmpMb: outputs.jobsWorkerTmpMb } : {}),
      log: silentLogger,
    }),
  );
  return {
    api: service,
    description: `stack ${flags.stack}`,
    ...(index ? {} : { resolvesThroughReduce: true }),
    inputUrl: async (corpus, io) =>
      isUrl(corpus) ? corpus : stage(await prepareCorpusUpload(corpus, {}), io),
    // The folder as `sir upload` stages an index: every file, content-addressed, resumable.
    indexUrl: async (dir, io) => stage(await prepareIndexUpload(dir), io, INDEX_FILE),
  };
  /** Stages `upload` (progress bar, resumable); the URL of its `file` (default: its only one). */
  async function stage(upload: StagedUpload, io: CliIO, file = upload.files[0]!.path) {
    if (!upload.files.some((f) => f.path === file))
      throw new CliError(
        `${upload.manifest.source?.index ?? 'the folder'} has no ${file}; expected the output folder of sir index --out DIR`,
      );
    await stageVersion(
      { upload, s3, bucket: outputs.stagingBucket, prefix: STAGING_PREFIX },
      progressOn(io),
    );
    return `s3://${outputs.stagingBucket}/${STAGING_PREFIX}${upload.version}/${file}`;
  }
}

/**
 * How long `sir jobs submit eval --index live --stack` waits for an `efs` stack's reduce function
 * to say which version is live (and copy it out for the workers): a cold start in the VPC and a
 * copy of a few GB at S3's speed, with room to spare. Not the API's 20 s: no gateway limits it.
 */
export const CLI_RESOLVE_WAIT_MS = 5 * 60_000;

const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

const REQUIRED = [
  'stagingBucket',
  'region',
  'jobsResultsBucket',
  'jobsTaskQueueUrl',
  'jobsControlQueueUrl',
  'jobsReduceQueueUrl',
] as const;
const OPTIONAL = [
  'jobsTaskDlqUrl',
  'jobsControlDlqUrl',
  'jobsReduceDlqUrl',
  'indexStorage',
  'indexBucket',
  'indexPrefix',
] as const;

type StackJobOutputs = Record<(typeof REQUIRED)[number], string> &
  Partial<Record<(typeof OPTIONAL)[number], string>> & {
    /** A worker's /tmp, MB: an evaluation of a larger index is refused before it is submitted. */
    jobsWorkerTmpMb?: number;
  };

async function stackOutputs(
  stack: string,
  outputsFile: string | undefined,
): Promise<StackJobOutputs> {
  const raw = await readRawStackOutputs({
    stack,
    ...(outputsFile !== undefined ? { outputsFile } : {}),
  });
  const o = raw.value as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || Array.isArray(o))
    throw new CliError(`${raw.where} must be a JSON object of stack outputs`);
  const missing = REQUIRED.filter((k) => typeof o[k] !== 'string' || o[k] === '');
  if (missing.length > 0)
    throw new CliError(
      `${raw.where} has no ${missing.join(', ')}: the stack has no job pipeline yet; run pulumi up with this version of the program (jobsEnabled is true by default)`,
    );
  const out: Record<string, string | number> = {};
  for (const k of [...REQUIRED, ...OPTIONAL])
    if (typeof o[k] === 'string' && o[k] !== '') out[k] = o[k] as string;
  const tmp = o.jobsWorkerTmpMb;
  if (typeof tmp === 'number' && Number.isInteger(tmp) && tmp > 0) out.jobsWorkerTmpMb = tmp;
  return out as StackJobOutputs;
}

/** Times a busy server's GET is asked again, and the longest wait between (seconds). */
const BUSY_RETRIES = 10;
const MAX_BUSY_WAIT_S = 10;

/** The jobs API over HTTP: problem+json answers become `CliError`s carrying their detail. */
export class HttpJobsApi implements JobsApi {
  readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  async submit(request: unknown): Promise<SubmitOutcome> {
    const { status, body } = await this.#call('POST', '/jobs', request);
    return { created: status === 202, job: body as JobStatusView };
  }

  async get(id: string): Promise<JobStatusView> {
    return (await this.#call('GET', `/jobs/${encodeURIComponent(id)}`)).body as JobStatusView;
  }

  async list(limit?: number): Promise<JobStatusView[]> {
    const q = limit === undefined ? '' : `?limit=${limit}`;
    return ((await this.#call('GET', `/jobs${q}`)).body as { jobs: JobStatusView[] }).jobs;
  }

  async retry(id: string): Promise<RetryOutcome> {
    return (await this.#call('POST', `/jobs/${encodeURIComponent(id)}/retry`)).body as RetryOutcome;
  }

  async file(id: string, name: string): Promise<Uint8Array> {
    const route = `/jobs/${encodeURIComponent(id)}/files/${encodeURIComponent(name)}`;
    const res = await this.#fetch('GET', route);
    if (res.ok) return new Uint8Array(await res.arrayBuffer());
    const text = await res.text();
    let detail: string | undefined;
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail;
    } catch {
      detail = undefined;
    }
    throw new CliError(detail ?? `GET ${route} answered ${res.status}: ${text.slice(0, 200)}`);
  }

  /**
   * One request; one the server turned away for now (503 with `Retry-After`: `sir serve`'s request
   * queue while local workers hold the CPU, an `efs` stack's API still waiting to learn which
   * version `live` is) is asked again after the time it names, up to `BUSY_RETRIES` times, so
   * `--watch` outlasts a busy moment. GETs and submissions only: a GET changes nothing, and
   * submitting the same request again is the same job.
   */
  async #fetch(method: string, route: string, body?: unknown): Promise<Response> {
    const repeatable = method === 'GET' || (method === 'POST' && route === '/jobs');
    for (let attempt = 0; ; attempt++) {
      const res = await this.#fetchOnce(method, route, body);
      const wait = Number(res.headers.get('retry-after') ?? Number.NaN);
      if (!repeatable || res.status !== 503 || !(wait >= 0) || attempt >= BUSY_RETRIES) return res;
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, Math.min(wait, MAX_BUSY_WAIT_S) * 1000));
    }
  }

  async #fetchOnce(method: string, route: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(`${this.base}${route}`, {
        method,
        ...(body !== undefined
          ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
          : {}),
      });
    } catch (err) {
      const c = (err as { cause?: { code?: string; message?: string } }).cause;
      const cause = c?.code ?? c?.message ?? (err as Error).message;
      throw new CliError(
        `cannot reach ${this.base} (${cause}); is a server with the jobs API running there (sir serve --store DIR)?`,
      );
    }
  }

  async #call(
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const res = await this.#fetch(method, route, body);
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CliError(
        `${method} ${this.base}${route} answered ${res.status} with no JSON: ${text.slice(0, 200)}`,
      );
    }
    if (!res.ok) {
      const p = parsed as { detail?: string };
      throw new CliError(p.detail ?? `${method} ${route} answered ${res.status}`);
    }
    return { status: res.status, body: parsed };
  }
}
