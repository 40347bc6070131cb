/**
 * The one translation of failures into what `sir` prints: a sentence on one line and an exit code
 * (2 for bad usage, 1 for bad input or a failed operation). The core modules throw their own
 * typed errors (`EngineError`, `StoreError`, `UploadError`, `EvalInputError`, `ServeError`, and
 * `JobError` from a job submitted straight to a stack's queues) or Node's file-system
 * errors; `main.ts` passes whatever a command throws through `toCliError`, so commands never wrap
 * errors themselves. Anything it does not recognise is a bug and keeps its stack trace.
 */
// Each from its own module, not the packages' indexes: `sir --help` and `sir index` do not
// import the server, the job pipeline and the AWS SDK to recognise their errors.
import { EngineError } from '../engine/engine-error.js';
import { EvalInputError } from '../eval/input-error.js';
import { JobError } from '../jobs/job-error.js';
import { ServeError } from '../server/serve-error.js';
import { StoreError } from '../store/store-error.js';
import { UploadError } from '../upload/upload-error.js';
import { CliError } from './command.js';

/** What each file-system error class means, in words. */
const FS_REASONS: Record<string, string> = {
  ENOENT: 'it does not exist',
  EEXIST: 'it already exists',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOTEMPTY: 'the folder is not empty',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EFBIG: 'the file is too large for the file system',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EBUSY: 'it is busy',
  EIO: 'an input/output error from the device',
  EPIPE: 'the reader closed the pipe',
};

/** What the failed system call was doing. */
const FS_ACTIONS: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  mkdtemp: 'create a temporary folder in',
  rmdir: 'remove the folder',
  rm: 'remove',
  unlink: 'remove',
  rename: 'rename',
  copyfile: 'copy',
  scandir: 'list the folder',
  opendir: 'list the folder',
  stat: 'read',
  lstat: 'read',
  fsync: 'flush',
  close: 'close',
};

type ErrnoError = NodeJS.ErrnoException & { dest?: string };

/** A Node.js file-system error (it has an errno code and the system call that failed). */
export function isFsError(err: unknown): err is ErrnoError {
  return (
    err instanceof Error &&
    typeof (err as ErrnoError).code === 'string' &&
    typeof (err as ErrnoError).syscall === 'string' &&
    (err as ErrnoError).code! in FS_REASONS
  );
}

/** `cannot write /x/index.sir: no space left on the device (ENOSPC)`. */
export function fsErrorSentence(err: ErrnoError): string {
  const action = FS_ACTIONS[err.syscall!] ?? err.syscall!;
  const where = err.path === undefined ? '' : ` ${err.path}${err.dest ? ` to ${err.dest}` : ''}`;
  return `cannot ${action}${where}: ${FS_REASONS[err.code!]} (${err.code})`;
}

/** The `CliError` a failure prints as, or undefined for an error that is a bug. */
export function toCliError(err: unknown): CliError | undefined {
  if (err instanceof CliError) return err;
  if (err instanceof EngineError)
    return new CliError(err.message, err.code === 'bad-query' ? 2 : 1);
  if (
    err instanceof StoreError ||
    err instanceof UploadError ||
    err instanceof EvalInputError ||
    err instanceof JobError
  )
    return new CliError(err.message, 1);
  if (err instanceof ServeError)
    return new CliError(
      err.code === 'EADDRINUSE' ? `${err.message}: choose another port` : err.message,
      1,
    );
  if (isFsError(err)) return new CliError(fsErrorSentence(err), 1);
  return undefined;
}
