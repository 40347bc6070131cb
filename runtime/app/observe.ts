/**
 * Observability: one JSON line per request (with the request id), and one CloudWatch Embedded
 * Metric Format line per search, so Lambda's log stream yields latency and hit metrics without an
 * agent or an extra API call.
 */
export type LogSink = (line: string) => void;

export const stdoutSink: LogSink = (line) => process.stdout.write(line + '\n');

export function logJson(sink: LogSink, fields: Record<string, unknown>): void {
  sink(JSON.stringify({ time: new Date().toISOString(), ...fields }));
}

export const METRIC_NAMESPACE = 'serverless-ir';

/** An EMF record: CloudWatch turns `SearchLatency` and `Hits` into metrics, dimensioned by method. */
export function emitSearchMetrics(
  sink: LogSink,
  m: {
    latencyMs: number;
    hits: number;
    total: number;
    method: string;
    requestId: string;
    version: string;
  },
): void {
  sink(
    JSON.stringify({
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
    }),
  );
}
