/**
 * `JobsService`: what the HTTP API (`POST /jobs`, `GET /jobs/{id}`, `GET /jobs`, `POST
 * /jobs/{id}/retry`) and `sir jobs --stack` do, over a `JobsContext`. It runs where SQS can be
 * reached (outside the VPC in AWS; in the server locally).
 */
import type { JobsContext } from './context.js';
import { JobError } from './job-error.js';
import {
  type CanonicalRequest,
  type JobRecord,
  engineVersion,
  jobId,
  loadJob,
} from './job-record.js';
import { describeInput, type InputRef } from './inputs.js';
import { jobIdOfRecentKey, keys, RECENT_PREFIX } from './keys.js';
import type { JobKind } from './kind.js';
import { kindOf } from './kinds.js';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './limits.js';
import { JobRequestSchema } from './request-schema.js';
import { JOB_ID_PATTERN } from './messages.js';
import { exists, getBytes, listKeys, putJson } from './objects.js';
import { RESULT_FILE_NAME, resultFileKey } from './evaluate/result.js';
import { isNotFound } from '../upload/index.js';
import { sendControl } from './sqs-events.js';
import { type JobStatusView, readJobStatus, readQueueView } from './status.js';

export interface SubmitOutcome {
  /** False when the same request over the same inputs was already a job: that job is returned. */
  created: boolean;
  job: JobStatusView;
}

export interface RetryOutcome {
  job: JobStatusView;
  /** When the input changed since submission, the retry is that new job's id. */
  retriedAs?: string;
}

/** The interface the CLI talks to, in process (`--stack`) or over HTTP (`--api`). */
export interface JobsApi {
  submit(request: unknown): Promise<SubmitOutcome>;
  get(id: string): Promise<JobStatusView>;
  list(limit?: number): Promise<JobStatusView[]>;
  retry(id: string): Promise<RetryOutcome>;
  /** A file of a job's result (`jobs/<id>/files/<name>`: an evaluation's run files, per-query measures). */
  file(id: string, name: string): Promise<Uint8Array>;
}

export class JobsService implements JobsApi {
  readonly ctx: JobsContext;

  constructor(ctx: JobsContext) {
    this.ctx = ctx;
  }

  async submit(body: unknown): Promise<SubmitOutcome> {
    const parsed = JobRequestSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join('.') || 'body';
      throw new JobError('invalid-request', `${field}: ${issue.message}`, field);
    }
    const kind = kindOf(parsed.data.kind)!;
    const canonical = kind.canonical(parsed.data);
    const request = kind.resolve ? await kind.resolve(this.ctx, canonical) : canonical;
    const inputs = await this.#describeInputs(kind, request);
    kind.validate?.(request, inputs, this.ctx);
    return this.#create(kind, request, inputs);
  }

  async get(id: string): Promise<JobStatusView> {
    return readJobStatus(this.ctx, await this.#record(id));
  }

  async list(limit = DEFAULT_LIST_LIMIT): Promise<JobStatusView[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT)
      throw new JobError(
        'invalid-request',
        `limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${limit}`,
        'limit',
      );
    const ids = (await listKeys(this.ctx, RECENT_PREFIX, limit)).map(jobIdOfRecentKey);
    const queue = await readQueueView(this.ctx);
    const records = await Promise.all(ids.map((id) => loadJob(this.ctx, id)));
    return Promise.all(records.flatMap((r) => (r ? [readJobStatus(this.ctx, r, queue)] : [])));
  }

  /**
   * Runs a failed job's failed tasks (or its reduce step) again. If the input changed since the
   * job was submitted — a corpus fixed in place — the job cannot be that input's job any more:
   * the same request is submitted as a new job, whose chunks left unchanged are reused.
   */
  async retry(id: string): Promise<RetryOutcome> {
    const record = await this.#record(id);
    const job = await readJobStatus(this.ctx, record);
    if (job.status !== 'failed')
      throw new JobError(
        'conflict',
        job.status === 'succeeded'
          ? `job ${id} succeeded; there is nothing to retry`
          : `job ${id} is ${job.status}; only a failed job can be retried`,
      );
    const kind = kindOf(record.kind)!;
    const inputs = await this.#describeInputs(kind, record.request);
    if (inputs.some((input, i) => input.sha256 !== record.inputs[i]?.sha256)) {
      kind.validate?.(record.request, inputs, this.ctx);
      const created = await this.#create(kind, record.request, inputs);
      return { job: created.job, retriedAs: created.job.id };
    }
    if (job.error?.permanent)
      throw new JobError(
        'conflict',
        `job ${id} failed on its input itself (${job.error.message}); the same input fails the same way: fix it and retry (a file fixed in place becomes a new job), or submit the fixed input`,
      );
    await sendControl(this.ctx, { v: 1, type: 'retry', job: id, generation: job.retries });
    return { job };
  }

  async file(id: string, name: string): Promise<Uint8Array> {
    await this.#record(id);
    if (!RESULT_FILE_NAME.test(name))
      throw new JobError(
        'invalid-request',
        `"${name}" is not a result file name; expected one like per-query.jsonl or bm25_k1=0.9_b=0.4.trec`,
        'name',
      );
    try {
      return await getBytes(this.ctx, resultFileKey(id, name));
    } catch (err) {
      if (isNotFound(err))
        throw new JobError('not-found', `job ${id} has no result file ${name}`, 'name');
      throw err;
    }
  }

  async #record(id: string): Promise<JobRecord> {
    if (!JOB_ID_PATTERN.test(id))
      throw new JobError(
        'invalid-request',
        `"${id}" is not a job id; expected one like build-0123456789abcdef01234567`,
        'id',
      );
    const record = await loadJob(this.ctx, id);
    if (record === undefined) throw new JobError('not-found', `no job has id ${id}`, 'id');
    return record;
  }

  async #describeInputs(kind: JobKind<any>, request: CanonicalRequest): Promise<InputRef[]> {
    return Promise.all(
      kind
        .inputs(request)
        .map(({ field, url }) => describeInput(this.ctx.s3, url, this.ctx.inputs, field)),
    );
  }

  async #create(
    kind: JobKind<any>,
    request: CanonicalRequest,
    inputs: InputRef[],
  ): Promise<SubmitOutcome> {
    const engine = engineVersion();
    const id = jobId(kind.idPrefix, request, inputs, engine);
    const record: JobRecord = {
      v: 1,
      id,
      kind: kind.name,
      request,
      inputs,
      engine,
      submittedAt: this.ctx.now().toISOString(),
    };
    const created =
      (await putJson(this.ctx, keys.request(id), record, { ifNoneMatch: true })) !== undefined;
    // The coordinator starts a job on `submitted`. A submitter that stopped between creating the
    // request and sending it left a job without a state: submitting again finishes its work.
    if (created || !(await exists(this.ctx, keys.state(id)))) {
      const stored = created ? record : ((await loadJob(this.ctx, id)) ?? record);
      await putJson(this.ctx, keys.recent(id, Date.parse(stored.submittedAt)), {});
      await sendControl(this.ctx, { v: 1, type: 'submitted', job: id });
    }
    return { created, job: await this.get(id) };
  }
}
