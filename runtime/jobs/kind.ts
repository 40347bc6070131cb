/**
 * A job kind: what is specific to one kind of job, behind one interface, so the pipeline (submit,
 * coordinator, worker, reduce, status) is written once. `build-index` is the first kind; the
 * evaluation jobs are the next, as one more module registered in `KINDS`.
 */
import type { ZodType } from 'zod';
import type { JobsContext } from './context.js';
import type { InputRef } from './inputs.js';
import type { CanonicalRequest, JobRecord } from './job-record.js';

/** What a finished map task leaves in `jobs/<id>/tasks/<n>.json`. */
export interface TaskRecord {
  task: number;
  seconds: number;
  /** Its output came from an identical, earlier piece of work. */
  reused: boolean;
  /** For corpus kinds: documents indexed and lines read. */
  docs?: number;
  lines?: number;
  [detail: string]: unknown;
}

/** A failure that running the same task again cannot fix (bad input, changed input). */
export class PermanentTaskError extends Error {
  override name = 'PermanentTaskError';
  /** The line within the task's chunk, when a corpus line is at fault. */
  readonly chunkLine?: number;

  constructor(message: string, chunkLine?: number) {
    super(message);
    this.chunkLine = chunkLine;
  }
}

export interface JobKind<R extends CanonicalRequest = CanonicalRequest> {
  /** The request's `kind`. */
  name: string;
  /** The first part of its job ids (`build-…`). */
  idPrefix: string;
  /** Validates a request body (also documents it in OpenAPI). */
  schema: ZodType;
  /** The request with every default filled in. */
  canonical(input: unknown): R;
  /**
   * Completes the canonical request with what only the surroundings know, at submission (an
   * evaluation's `index: "live"` becomes the live version's file); throws `JobError`.
   */
  resolve?(ctx: JobsContext, request: R): Promise<R>;
  /** The inputs whose content identifies the job: request field and URL. */
  inputs(request: R): Array<{ field: string; url: string }>;
  /**
   * Checks what the schema cannot (needs the inputs' sizes, or what the stack can hold, such as a
   * worker's /tmp); throws `JobError`.
   */
  validate?(request: R, inputs: InputRef[], ctx: JobsContext): void;
  /** How many map tasks the job has. */
  taskCount(request: R, inputs: InputRef[]): number;
  /** Runs map task `task`; idempotent (writes deterministic keys). */
  runTask(ctx: JobsContext, job: JobRecord<R>, task: number): Promise<TaskRecord>;
  /** Combines the task records into the job's result (written to `result.json`). */
  reduce(ctx: JobsContext, job: JobRecord<R>, records: TaskRecord[]): Promise<object>;
}
