/**
 * Observability: one JSON line per request (with the request id), and one CloudWatch Embedded
 * Metric Format line per search, so Lambda's log stream yields latency and hit metrics without an
 * agent or an extra API call. Both go through the runtime's one `Logger` (runtime/log).
 */
import type { Logger } from '../log/logger.js';

export const METRIC_NAMESPACE = 'serverless-ir';

/**
 * The id a request is answered (`x-request-id`) and logged with, when the client sent none: in
 * Lambda the invocation's own `awsRequestId`, which the function's START and REPORT log lines
 * carry too, else a random UUID (from the global Web Crypto, loaded on first use).
 */
export function newRequestId(lambdaContext?: unknown): string {
  const id = (lambdaContext as { awsRequestId?: unknown } | undefined)?.awsRequestId;
  return typeof id === 'string' && /^[\w-]{1,255}$/.test(id) ? id : crypto.randomUUID();
}

/** The line every request leaves when it is answered (an error line for a 5xx). */
export function logRequest(
  log: Logger,
  r: { requestId: string; method: string; path: string; status: number; startedMs: number },
): void {
  const fields = {
    requestId: r.requestId,
    method: r.method,
    path: r.path,
    status: r.status,
    ms: Math.round((performance.now() - r.startedMs) * 100) / 100,
  };
  if (r.status >= 500) log.error('request', fields);
  else log.info('request', fields);
}

/** An EMF record: CloudWatch turns `SearchLatency` and `Hits` into metrics, dimensioned by method. */
export function emitSearchMetrics(
  log: Logger,
  m: {
    latencyMs: number;
    hits: number;
    total: number;
    method: string;
    requestId: string;
    version: string;
  },
): void {
  log.info('search', {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [['Operation']],
          Metrics: [
            { Name: 'SearchLatency', Unit: 'Milliseconds' },
            { Name: 'Hits', Unit: 'Count' },
          ],
        },
      ],
    },
    Operation: `search-${m.method.toLowerCase()}`,
    SearchLatency: m.latencyMs,
    Hits: m.hits,
    total: m.total,
    requestId: m.requestId,
    version: m.version,
  });
}
