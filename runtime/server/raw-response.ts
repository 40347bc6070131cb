/**
 * Problem responses written straight to a socket, for the requests Node's HTTP parser gives up on
 * (no `ServerResponse` exists) and for `CONNECT`. The connection is closed afterwards, but what the
 * client is still sending is read and discarded for a moment first: closing a socket with unread
 * input makes the kernel send a reset, and a client still writing a huge request would lose the
 * answer.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { problemBody, type Problem } from '../app/problem.js';

/** How long, and how much, a refused client may keep sending before the socket is destroyed. */
const DRAIN_MS = 2_000;
const DRAIN_BYTES = 4 * 1024 * 1024;

/** The problem as `application/problem+json` text. */
export function problemJson(p: Problem, instance?: string): string {
  return JSON.stringify(problemBody(p, instance));
}

/** Writes `p` as a complete HTTP/1.1 response and closes the connection (after draining). */
export function answerAndClose(socket: Duplex, p: Problem, instance?: string): void {
  if (!socket.writable) return;
  const body = Buffer.from(problemJson(p, instance));
  const head = [
    `HTTP/1.1 ${p.status} ${STATUS_CODES[p.status] ?? 'Error'}`,
    'content-type: application/problem+json',
    `content-length: ${body.length}`,
    'connection: close',
    'cache-control: no-store',
    ...Object.entries(p.headers).map(([k, v]) => `${k}: ${v}`),
  ].join('\r\n');
  socket.end(Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body]));
  let drained = 0;
  socket.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_BYTES) socket.destroy();
  });
  socket.on('end', () => socket.destroy());
  socket.resume();
  setTimeout(() => socket.destroy(), DRAIN_MS).unref();
}
