/**
 * `sir serve`'s HTTP server: a fetch handler (the Hono app) behind node:http with every limit set
 * deliberately (`limits.ts`), problem+json answers for what Node's parser refuses, and bounded
 * queueing under overload (`request-queue.ts`). The app itself is the one the Lambda runs; only this
 * socket-level layer is particular to a long-running process.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Problem } from '../app/problem.js';
import { jsonLinesLogger, type Logger } from '../log/logger.js';
import { problemForClientError } from './client-errors.js';
import { resolveLimits, type ServerLimits } from './limits.js';
import { RequestQueue } from './request-queue.js';
import { answerAndClose, problemJson } from './raw-response.js';
import { ServeError } from './serve-error.js';

export interface HttpServerOptions {
  /** The application: a WHATWG fetch handler, e.g. `app.fetch`. */
  fetch: (request: Request) => Response | Promise<Response>;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Overrides of `SERVER_DEFAULTS`. */
  limits?: Partial<ServerLimits>;
  /** Where refusals are logged as JSON lines (default stdout). */
  log?: Logger;
}

export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  port: number;
  limits: ServerLimits;
  /** Requests refused with 503 since start, by reason. */
  refused(): { connections: number; queue: number };
  /** Stops accepting, lets requests in progress finish (at most `graceMs`), then closes everything. */
  close(graceMs?: number): Promise<void>;
}

/** Node's "where the connection is": the response in progress on a socket, if any (internal field). */
const responseOf = (socket: Socket) =>
  (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;

export function listen(o: HttpServerOptions): Promise<RunningServer> {
  const limits = resolveLimits(o.limits);
  const log = o.log ?? jsonLinesLogger(process.stdout);
  const app = getRequestListener(o.fetch);

  const refuse = (req: IncomingMessage, res: ServerResponse, p: Problem) => {
    log.warn('request refused by the server', {
      status: p.status,
      kind: p.kind,
      method: req.method,
    });
    const path = (req.url ?? '').split('?')[0]!;
    const body = problemJson(p, path.length <= 256 ? path : undefined);
    res.writeHead(p.status, {
      'content-type': 'application/problem+json',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      ...p.headers,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const server = createServer(
    {
      // Node counts the request line and the headers together.
      maxHeaderSize: limits.maxUrlBytes + limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often the two timeouts above are checked (Node: every 30 s, hence its 86 s for 60).
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, limits.headersTimeoutMs / 4)),
      // Answered below as problem+json instead of Node's bodiless 400.
      requireHostHeader: false,
    },
    (req, res) => {
      const p = sizeProblem(req, limits) ?? missingHostProblem(req);
      if (p) refuse(req, res, p);
      else queue.push(req, res);
    },
  );
  const queue = new RequestQueue(limits, (req, res) => void app(req, res), refuse);
  server.setTimeout(limits.idleTimeoutMs);
  server.on('connection', (socket: Socket) => queue.onConnection(socket));
  server.on('clientError', (err: Error, socket: Socket) => {
    // Once answered, the parser keeps failing on what the client still sends: let the drain run.
    if (!socket.writable) return;
    const p = problemForClientError(err, limits);
    if (!p || responseOf(socket)?.headersSent) {
      socket.destroy();
      return;
    }
    log.warn('malformed request', {
      status: p.status,
      code: (err as NodeJS.ErrnoException).code,
    });
    answerAndClose(socket, p);
  });
  server.on('connect', (_req: IncomingMessage, socket: Socket) =>
    answerAndClose(
      socket,
      new Problem(
        405,
        'CONNECT is not served: this is the search API, not a proxy; use GET, HEAD, POST or OPTIONS',
        [{ field: 'method', message: 'one of GET, HEAD, POST, OPTIONS' }],
        'method-not-allowed',
        { allow: 'GET, HEAD, POST, OPTIONS' },
      ),
    ),
  );
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) =>
    refuse(
      req,
      res,
      new Problem(417, `Expect: ${req.headers.expect} is not supported; only "100-continue" is`, [
        { field: 'expect', message: 'absent or 100-continue' },
      ]),
    ),
  );

  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new ServeError(
          err.code === 'EADDRINUSE'
            ? `port ${o.port} on ${o.host} is in use`
            : err.code === 'EADDRNOTAVAIL'
              ? `${o.host} is not an address of this machine`
              : err.message,
          err.code,
        ),
      );
    });
    server.listen({ host: o.host, port: o.port, backlog: limits.backlog }, () => {
      const port = (server.address() as AddressInfo).port;
      const host = o.host.includes(':') ? `[${o.host}]` : o.host;
      resolve({
        url: `http://${host === '0.0.0.0' || host === '[::]' ? 'localhost' : host}:${port}`,
        port,
        limits,
        refused: () => ({ ...queue.refused }),
        close: (graceMs = 5_000) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), graceMs).unref();
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}

/** 414 or 431 for a request within Node's combined limit but over one of ours. */
function sizeProblem(req: IncomingMessage, limits: ServerLimits): Problem | undefined {
  const urlBytes = Buffer.byteLength(req.url ?? '', 'latin1');
  if (urlBytes > limits.maxUrlBytes)
    return new Problem(
      414,
      `the URL has ${urlBytes} bytes; this server accepts at most ${limits.maxUrlBytes} (send long queries as POST /search)`,
      [{ field: 'url', message: `at most ${limits.maxUrlBytes} bytes` }],
    );
  let headerBytes = 0;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    headerBytes += req.rawHeaders[i]!.length + req.rawHeaders[i + 1]!.length + 4;
  if (headerBytes > limits.maxHeaderBytes)
    return new Problem(
      431,
      `the header fields have ${headerBytes} bytes; this server accepts at most ${limits.maxHeaderBytes}`,
      [{ field: 'headers', message: `at most ${limits.maxHeaderBytes} bytes` }],
    );
  return undefined;
}

function missingHostProblem(req: IncomingMessage): Problem | undefined {
  if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.host === undefined)
    return new Problem(400, 'an HTTP/1.1 request must have a Host header', [
      { field: 'host', message: 'required in HTTP/1.1' },
    ]);
  return undefined;
}
