/**
 * What `sir serve` and `sir demo` share: they serve with `serveIndex` (runtime/server/: limits,
 * problem+json for what the parser refuses, load shedding; a failure to load or to listen is a
 * `ServeError`, which cli/errors.ts prints as one line) until the process is asked to stop.
 */

/** Resolves when the process is asked to stop, after closing the server. */
export function untilSignal(close: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    const stop = () => void close().then(() => resolve(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
