/**
 * Bounds how long a client waits when `sir serve` has more work than it can do.
 *
 * Node runs every request on one thread, and each turn of its event loop first reads every socket
 * that has data and then accepts about one new connection. Run searches straight from the parser
 * and a turn under 200 busy keep-alive clients is 200 searches long: a new client waits a turn per
 * connection queued ahead of it (seconds; `bench/OVERLOAD.md`). So requests are queued here as the
 * parser delivers them and started one per turn (`setImmediate`): a turn stays one search long,
 * connections keep being accepted, and each request's wait in the queue is known. Two bounds, each
 * answered with a cheap 503 and `Retry-After` instead of a search:
 *
 * - **queue time**: a request that waited more than `maxQueueMs` is refused when its turn comes;
 * - **connections**: a connection accepted while `maxConnections` are open is refused on its first
 *   request and closed (file descriptors and memory stay bounded).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Problem } from '../app/problem.js';
import type { ServerLimits } from './limits.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
type Refuse = (req: IncomingMessage, res: ServerResponse, p: Problem) => void;

interface Waiting {
  req: IncomingMessage;
  res: ServerResponse;
  since: number;
}

export class RequestQueue {
  #open = 0;
  readonly #overLimit = new WeakSet<Socket>();
  readonly #waiting: Waiting[] = [];
  #head = 0;
  #scheduled = false;
  /** Requests refused with 503 since start, by reason. */
  readonly refused = { connections: 0, queue: 0 };

  private readonly limits: ServerLimits;
  private readonly serve: Handler;
  private readonly refuse: Refuse;

  constructor(limits: ServerLimits, serve: Handler, refuse: Refuse) {
    this.limits = limits;
    this.serve = serve;
    this.refuse = refuse;
  }

  /** Counts a new connection; marks it refused if the limit was already reached. */
  onConnection(socket: Socket): void {
    if (this.#open >= this.limits.maxConnections) this.#overLimit.add(socket);
    else {
      this.#open++;
      socket.once('close', () => this.#open--);
    }
  }

  /** Queues a parsed request (or refuses it now, if its connection is over the limit). */
  push(req: IncomingMessage, res: ServerResponse): void {
    if (this.#overLimit.has(req.socket)) {
      this.refused.connections++;
      this.refuse(
        req,
        res,
        this.#overloaded(
          `the server has ${this.limits.maxConnections} connections open, its limit`,
          true,
        ),
      );
      return;
    }
    this.#waiting.push({ req, res, since: performance.now() });
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#next);
    }
  }

  /** Requests waiting to start. */
  get length(): number {
    return this.#waiting.length - this.#head;
  }

  /** Starts the next request that is still wanted; refuses those that waited too long. */
  readonly #next = (): void => {
    while (this.length > 0) {
      const w = this.#waiting[this.#head++]!;
      if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
        this.#waiting.splice(0, this.#head);
        this.#head = 0;
      }
      if (w.res.destroyed || w.req.socket.destroyed) continue;
      const waited = performance.now() - w.since;
      if (waited > this.limits.maxQueueMs) {
        this.refused.queue++;
        this.refuse(
          w.req,
          w.res,
          this.#overloaded(
            `the request waited ${Math.round(waited)} ms behind others (the limit is ${this.limits.maxQueueMs} ms)`,
            false,
          ),
        );
        continue;
      }
      this.serve(w.req, w.res);
      break;
    }
    this.#scheduled = this.length > 0;
    if (this.#scheduled) setImmediate(this.#next);
  };

  #overloaded(why: string, close: boolean): Problem {
    return new Problem(
      503,
      `${why}; retry after ${this.limits.retryAfterSeconds} s`,
      [],
      'overloaded',
      {
        'retry-after': String(this.limits.retryAfterSeconds),
        ...(close ? { connection: 'close' } : {}),
      },
    );
  }
}
