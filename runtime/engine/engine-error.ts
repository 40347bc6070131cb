/**
 * The engine's failures, typed. The WebAssembly module throws `Error("[code] message")`; `engineCall`
 * turns that into an `EngineError` with the code as a field, so callers can map codes to exit codes
 * and HTTP statuses without parsing messages.
 */

export type EngineErrorCode =
  'corrupt-index' | 'unsupported-version' | 'bad-document' | 'bad-query' | 'bad-options';

const CODES: readonly EngineErrorCode[] = [
  'corrupt-index',
  'unsupported-version',
  'bad-document',
  'bad-query',
  'bad-options',
];

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** Runs a call into the engine, rethrowing its errors as `EngineError`. */
export function engineCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toEngineError(err);
  }
}

function toEngineError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const m = /^\[([a-z-]+)\] ([\s\S]*)$/.exec(err.message);
  if (m && (CODES as readonly string[]).includes(m[1]!))
    return new EngineError(m[1] as EngineErrorCode, m[2]!);
  return err;
}
