/**
 * A worker thread of `buildIndexParallel`: builds the segments of one range of the corpus
 * (`workerData`, a `RangeJob`) and reports progress, the result, or the error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerMessage } from './build-index.js';
import { buildRange, type RangeJob } from './build-range.js';
import { EngineError } from './engine-error.js';

const post = (m: WorkerMessage) => parentPort!.postMessage(m);
try {
  const result = buildRange(workerData as RangeJob, (bytesRead, docs) =>
    post({ kind: 'progress', bytesRead, docs }),
  );
  post({ kind: 'done', result });
} catch (err) {
  const e = err as NodeJS.ErrnoException & { dest?: string };
  post(
    err instanceof EngineError
      ? { kind: 'error', code: err.code, message: err.message }
      : {
          kind: 'error',
          message: String(e?.message ?? err),
          system:
            typeof e?.code === 'string'
              ? { code: e.code, syscall: e.syscall, path: e.path, dest: e.dest }
              : undefined,
        },
  );
}
