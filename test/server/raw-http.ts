/** A raw HTTP/1.1 client over node:net, for requests no well-behaved client would send. */
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** ms from connecting to the server closing the connection (or to the cap). */
  ms: number;
  /** The connection was reset rather than closed. */
  reset: boolean;
  /** The server still had the connection open when `capMs` ran out. */
  open: boolean;
}

/**
 * Connects to 127.0.0.1:`port`, writes `chunks` (strings are sent as latin1, so every byte is
 * exact), waiting `gapMs` between them, and collects the answer until the server closes the
 * connection or `capMs` passes. The first response in the stream is parsed.
 */
export function rawRequest(
  port: number,
  chunks: string | Array<string | Buffer>,
  { capMs = 5_000, gapMs = 0 } = {},
): Promise<RawResponse> {
  const parts = typeof chunks === 'string' ? [chunks] : chunks;
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let reset = false;
    let open = true;
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => (reset ||= e.code === 'ECONNRESET'));
    const cap = setTimeout(() => socket.destroy(), capMs);
    socket.on('close', () => {
      clearTimeout(cap);
      const ms = performance.now() - started;
      open = ms >= capMs - 5;
      resolve({ ...parseResponse(Buffer.concat(received).toString('latin1')), ms, reset, open });
    });
    socket.on('connect', async () => {
      for (const [i, part] of parts.entries()) {
        if (i > 0 && gapMs) await new Promise((r) => setTimeout(r, gapMs));
        if (socket.destroyed) return;
        socket.write(typeof part === 'string' ? Buffer.from(part, 'latin1') : part);
      }
    });
  });
}

function parseResponse(text: string): Pick<RawResponse, 'status' | 'headers' | 'body'> {
  const end = text.indexOf('\r\n\r\n');
  if (!text.startsWith('HTTP/1.1 ') || end < 0) return { status: 0, headers: {}, body: text };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(end + 4);
  if (headers['content-length'] !== undefined)
    body = body.slice(0, Number(headers['content-length']));
  return { status: Number(statusLine!.split(' ')[1]), headers, body };
}
