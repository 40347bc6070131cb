/**
 * The engine's failures, typed. The WebAssembly module throws `Error("[code] message")`, or
 * `Error("[bad-query:field] message")` for a bad search request; `engineCall` turns that into an
 * `EngineError` with the code and the request field as properties, so callers map codes to exit
 * codes and HTTP statuses, and fields to the names their users know, without parsing sentences.
 */

import { markEngineBroken } from './wasm-module.js';

export type EngineErrorCode =
  | 'corrupt-index'
  | 'unsupported-version'
  | 'bad-document'
  | 'bad-query'
  | 'bad-options'
  | 'out-of-memory'
  | 'internal';

const CODES: readonly EngineErrorCode[] = [
  'corrupt-index',
  'unsupported-version',
  'bad-document',
  'bad-query',
  'bad-options',
  'out-of-memory',
  'internal',
];

/**
 * The search request fields a `bad-query` error can name: the query, the engine's search options
 * (`SearchOptions`, `count` included), `options` for the options object as a whole, a ranker parameter by its name
 * (`k1`, `mu`, ...), and `doc` for a document number that does not exist.
 */
export type EngineField =
  | 'query'
  | 'ranker'
  | 'params'
  | 'offset'
  | 'size'
  | 'fields'
  | 'filters'
  | 'after'
  | 'count'
  | 'options'
  | 'doc'
  | (string & {});

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  /** The request field at fault; set on every `bad-query` error. */
  readonly field?: EngineField;

  constructor(code: EngineErrorCode, message: string, field?: EngineField) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.field = field;
  }
}

const OUT_OF_MEMORY =
  'the engine ran out of memory: WebAssembly can address 4 GiB, and this index needs more ' +
  'to be built in one piece (see "How large a corpus" in the README)';

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
  if (err instanceof WebAssembly.RuntimeError) {
    // Rust's allocation-failure handler traps: the module has used the 4 GiB a wasm32 memory can
    // address. Any other trap is a bug (a panic), reported with its stack. Either way the instance
    // must not run again, so this is the caller's last answer from it.
    const oom = /rust_oom|handle_alloc_error/.test(err.stack ?? '');
    markEngineBroken(
      new EngineError(oom ? 'out-of-memory' : 'internal', oom ? OUT_OF_MEMORY : err.message),
    );
    return oom ? new EngineError('out-of-memory', OUT_OF_MEMORY) : err;
  }
  const m = /^\[([a-z-]+)(?::([A-Za-z0-9_.-]+))?\] ([\s\S]*)$/.exec(err.message);
  if (m && (CODES as readonly string[]).includes(m[1]!))
    return new EngineError(m[1] as EngineErrorCode, m[3]!, m[2]);
  return err;
}
