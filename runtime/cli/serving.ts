/**
 * What `sir serve` and `sir demo` share: they serve with `serveIndex` (runtime/server/: limits,
 * problem+json for what the parser refuses, load shedding; a failure to load or to listen is a
 * `ServeError`, which cli/errors.ts prints as one line), with a store's job pipeline beside it
 * (runtime/local/), until the process is asked to stop.
 */
import { type LocalPipeline, startLocalPipeline } from '../local/pipeline.js';
import { serveIndex, type ServedIndex, type ServeIndexOptions } from '../server/index.js';

/** Job workers `sir serve --store` runs by default. */
export const DEFAULT_WORKERS = 2;

export interface ServeWithJobsOptions extends ServeIndexOptions {
  /** With a store: run the job pipeline too, with this many workers (0 or absent: no jobs). */
  workers?: number;
  /** Folders `file://` job inputs may come from (default: the current directory). */
  inputs?: string[];
}

/**
 * Starts serving, with the job pipeline when asked (jobs publish into the store). A failure to
 * load or to listen is `serveIndex`'s `ServeError`, which cli/errors.ts prints as one line.
 */
export async function startServer({
  workers = 0,
  inputs,
  ...o
}: ServeWithJobsOptions): Promise<ServedIndex> {
  let pipeline: LocalPipeline | undefined;
  if (o.store && workers > 0)
    pipeline = await startLocalPipeline({
      storeDir: o.dir,
      workers,
      ...(inputs ? { inputRoots: inputs } : {}),
    });
  try {
    const served = await serveIndex({ ...o, ...(pipeline ? { jobs: pipeline.service } : {}) });
    return {
      ...served,
      close: async (graceMs?: number) => {
        await served.close(graceMs);
        await pipeline?.close();
      },
    };
  } catch (err) {
    await pipeline?.close();
    throw err;
  }
}

/** Resolves when the process is asked to stop, after closing the server. */
export function untilSignal(close: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    const stop = () => void close().then(() => resolve(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
