/**
 * `JobError`: a failure of the job pipeline a caller can act on — a request that is not valid, an
 * input the stack may not read, an unknown job, a retry of a job that has not failed. Its message is
 * a sentence saying what was wrong and what is accepted; the HTTP API turns the code into a status
 * (`httpStatus`), the CLI prints the message.
 */
export type JobErrorCode =
  | 'invalid-request'
  | 'input-refused'
  | 'input-unreadable'
  | 'not-found'
  | 'conflict'
  | 'unavailable';

const STATUS: Record<JobErrorCode, 400 | 404 | 409 | 503> = {
  'invalid-request': 400,
  'input-refused': 400,
  'input-unreadable': 400,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
};

export class JobError extends Error {
  readonly code: JobErrorCode;
  /** The request field at fault, when there is one. */
  readonly field?: string;
  /** For `unavailable`: when asking again may succeed (HTTP `Retry-After`). */
  readonly retryAfterSeconds?: number;

  constructor(code: JobErrorCode, message: string, field?: string, retryAfterSeconds?: number) {
    super(message);
    this.name = 'JobError';
    this.code = code;
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  get httpStatus(): 400 | 404 | 409 | 503 {
    return STATUS[this.code];
  }
}
