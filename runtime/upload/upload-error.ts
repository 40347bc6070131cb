/**
 * `UploadError`: a failure of the upload path the user can act on (a missing stack output, a
 * staged file that does not match its checksum, a loader command that failed). Its message is a
 * sentence saying what was wrong and what is accepted; the CLI prints it without a stack trace.
 */
export type UploadErrorCode =
  | 'invalid-outputs'
  | 'invalid-option'
  | 'staging-failed'
  | 'nothing-staged'
  | 'checksum-mismatch'
  | 'loader-failed'
  | 'transport-failed'
  | 'lambda-failed'
  | 'verify-timeout';

export class UploadError extends Error {
  readonly code: UploadErrorCode;

  constructor(code: UploadErrorCode, message: string) {
    super(message);
    this.name = 'UploadError';
    this.code = code;
  }
}
