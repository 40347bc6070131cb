/**
 * The limits of `sir serve`'s HTTP server, in one object. Node's defaults are made for servers
 * behind a proxy that enforces its own (5 minutes for a request, 60 s for headers checked every
 * 30 s, 16 KiB of headers, unbounded connections); `sir serve` may face clients directly, so each
 * limit is chosen here and documented where it is declared.
 */
import { MAX_Q } from '../app/limits.js';

export interface ServerLimits {
  /**
   * Longest request target (path and query string), in bytes; longer gets 414. Default 64 KiB:
   * far above the longest `q` the API accepts in any encoding (1,024 UTF-16 units, at most 9
   * bytes each percent-encoded), so a `q` over its limit gets the API's own 400 naming `q`.
   */
  maxUrlBytes: number;
  /** Header fields (names, values and separators), in bytes; more gets 431. Default 16 KiB (Node's). */
  maxHeaderBytes: number;
  /** Time to receive the request line and headers, in ms; then 408. Default 10 s (Node: 60 s). */
  headersTimeoutMs: number;
  /** Time to receive the whole request, body included, in ms; then 408. Default 30 s (Node: 300 s). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open, in ms. Default 5 s. */
  keepAliveTimeoutMs: number;
  /** How long a connection may see no traffic at all (a client not reading its answer), in ms. Default 60 s. */
  idleTimeoutMs: number;
  /**
   * Open connections served at once, 1 or more; a request on a connection beyond them gets 503 with
   * `Retry-After` and the connection is closed. Default 512 (half of a common 1,024 file limit).
   */
  maxConnections: number;
  /**
   * How long the server may stay busy without a break before requests still waiting get 503 with
   * `Retry-After` instead of being served, in ms. Node serves requests one at a time; under more
   * load than it can take, a request's wait grows with the number of clients (seconds at 200).
   * This bounds it: a new client gets an answer or a 503 within about this long. Default 500 ms.
   */
  maxQueueMs: number;
  /** `Retry-After` of those 503s, in seconds. Default 1. */
  retryAfterSeconds: number;
  /**
   * Connections the kernel queues before the server accepts them. Default 511 (Node's). A full
   * queue drops new connections silently and clients retry after seconds, so it is kept larger
   * than any burst: excess connections are accepted and answered 503 instead.
   */
  backlog: number;
}

/** Bytes one UTF-16 unit of `q` can take percent-encoded: 3 UTF-8 bytes × "%XX". */
const WORST_ENCODED_UNIT = 9;

export const SERVER_DEFAULTS: Readonly<ServerLimits> = Object.freeze({
  maxUrlBytes: 64 * 1024,
  maxHeaderBytes: 16 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
  maxConnections: 512,
  maxQueueMs: 500,
  retryAfterSeconds: 1,
  backlog: 511,
});

/** The longest URL a request carrying the longest valid `q` needs, for the check below and tests. */
export const LONGEST_VALID_Q_BYTES = MAX_Q * WORST_ENCODED_UNIT;

/** Merges `overrides` into the defaults and checks the result, naming the limit at fault. */
export function resolveLimits(overrides: Partial<ServerLimits> = {}): ServerLimits {
  const limits = { ...SERVER_DEFAULTS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value < (name === 'retryAfterSeconds' ? 0 : 1))
      throw new RangeError(`server limit ${name} must be a positive number, got ${value}`);
  }
  if (limits.maxUrlBytes <= LONGEST_VALID_Q_BYTES)
    throw new RangeError(
      `server limit maxUrlBytes must exceed ${LONGEST_VALID_Q_BYTES}, the longest valid q percent-encoded`,
    );
  if (limits.headersTimeoutMs > limits.requestTimeoutMs)
    throw new RangeError('server limit headersTimeoutMs must not exceed requestTimeoutMs');
  return limits;
}
