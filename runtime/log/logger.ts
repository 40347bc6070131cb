/**
 * The one logger of the runtime, shared by the app, the index store, the live index and the CLI:
 * three levels, a message and structured fields. Any object with these methods fits (pino, a
 * console adapter, a test's capture). `jsonLinesLogger` writes one JSON object per line,
 * `{"level","time","msg",...fields}`, the form CloudWatch Logs parses; a line whose fields carry
 * `_aws` is also an Embedded Metric Format record (app/observe.ts).
 */

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** A logger writing `{"level","time","msg",...base,...fields}` lines to `stream` (default stderr). */
export function jsonLinesLogger(
  stream: NodeJS.WritableStream = process.stderr,
  base: LogFields = {},
): Logger {
  const write = (level: string, msg: string, fields?: LogFields) => {
    stream.write(
      `${JSON.stringify({ level, time: new Date().toISOString(), msg, ...base, ...fields })}\n`,
    );
  };
  return {
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}

/** A logger that drops everything; for tests that assert on behaviour, not on logs. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** The message of any thrown value, for log fields and the sentences of wrapped errors. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
