/**
 * The logger the store and the live reader write to: three levels, a message and structured
 * fields. Any object with these methods fits (pino, console-like adapters, the app's own logger).
 * The default writes one JSON object per line to stderr, the form CloudWatch Logs parses.
 */

export type LogFields = Record<string, unknown>;

export interface StoreLogger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** A logger writing `{"level","time","msg",...fields}` lines to `stream` (default stderr). */
export function jsonLinesLogger(
  stream: NodeJS.WritableStream = process.stderr,
  base: LogFields = { component: 'index-store' },
): StoreLogger {
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
export const silentLogger: StoreLogger = { info() {}, warn() {}, error() {} };
