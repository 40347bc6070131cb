/**
 * `runtime/server/` over real sockets: what Node's parser refuses becomes a problem+json of the
 * right 4xx, size limits leave the API's own limits to the API, slow clients meet deliberate
 * timeouts, and the connection limit answers 503. Raw requests through node:net.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { silentLogger } from '../../runtime/log/logger.js';
import { serveIndex, type RunningServer } from '../../runtime/server/index.js';
import { LONGEST_VALID_Q_BYTES } from '../../runtime/server/limits.js';
import { tempDir } from '../fixtures/corpus.js';
import { MALFORMED_ESCAPES, buildFixtureIndex } from '../app/helpers.js';
import { rawRequest, type RawResponse } from './raw-http.js';

const HEADERS_TIMEOUT_MS = 400;
const REQUEST_TIMEOUT_MS = 800;
const KEEP_ALIVE_TIMEOUT_MS = 300;

/** Asserts a problem+json of `status` with a detail, naming `field` if given; returns the body. */
function assertProblem(r: RawResponse, status: number, field?: string) {
  assert.equal(r.status, status, `${r.status} ${r.body}`);
  assert.match(r.headers['content-type'] ?? '', /^application\/problem\+json/);
  const body = JSON.parse(r.body) as {
    status: number;
    detail: string;
    errors?: Array<{ field: string }>;
  };
  assert.equal(body.status, status);
  assert.ok(body.detail.length > 10, body.detail);
  if (field)
    assert.ok(
      body.errors?.some((e) => e.field === field),
      `${field} in ${r.body}`,
    );
  assert.equal(r.reset, false, 'answered, not reset');
  return body;
}

describe('server: sir serve over raw sockets', function () {
  this.timeout(60_000);
  let tmp: string;
  let server: RunningServer;
  let port: number;
  const req = (head: string, body = '') =>
    rawRequest(port, `${head.replace(/\n/g, '\r\n')}\r\n${body}`);

  before(async () => {
    tmp = tempDir('sir-server-');
    server = await serveIndex({
      dir: buildFixtureIndex(tmp),
      store: false,
      host: '127.0.0.1',
      port: 0,
      limits: {
        headersTimeoutMs: HEADERS_TIMEOUT_MS,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
        maxConnections: 8,
      },
      log: silentLogger,
    });
    port = server.port;
  });
  after(async () => {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const parserCases: Array<[string, string, number, string]> = [
    ['NUL in a header value', 'GET /health HTTP/1.1\nHost: x\nX-A: a\0b\n', 400, 'headers'],
    ['a space in a header name', 'GET /health HTTP/1.1\nHost: x\nX A: b\n', 400, 'headers'],
    [
      'negative Content-Length',
      'POST /search HTTP/1.1\nHost: x\nContent-Length: -1\n',
      400,
      'content-length',
    ],
    [
      'Content-Length with chunked',
      'POST /search HTTP/1.1\nHost: x\nContent-Length: 3\nTransfer-Encoding: chunked\n',
      400,
      'transfer-encoding',
    ],
    [
      'two Content-Lengths',
      'POST /search HTTP/1.1\nHost: x\nContent-Length: 1\nContent-Length: 2\n',
      400,
      'transfer-encoding',
    ],
    ['an unknown method', 'FROB /search HTTP/1.1\nHost: x\n', 405, 'method'],
    ['CONNECT', 'CONNECT example.com:443 HTTP/1.1\nHost: example.com:443\n', 405, 'method'],
    ['raw UTF-8 in the URL', 'GET /search?q=caf\u00c3\u00a9 HTTP/1.1\nHost: x\n', 400, 'url'],
    ['a space in the URL', 'GET /search?q=a b HTTP/1.1\nHost: x\n', 400, 'request'],
    ['an unknown HTTP version', 'GET /health HTTP/3.0\nHost: x\n', 400, 'request'],
    ['no Host in HTTP/1.1', 'GET /health HTTP/1.1\n', 400, 'host'],
    [
      'an unsupported Expect',
      'POST /search HTTP/1.1\nHost: x\nContent-Length: 2\nExpect: teapot\n',
      417,
      'expect',
    ],
  ];
  for (const [name, head, status, field] of parserCases) {
    it(`${name} → ${status} problem naming ${field}`, async () => {
      const r = await req(head);
      assertProblem(r, status, field);
      if (status === 405) assert.equal(r.headers.allow, 'GET, HEAD, POST, OPTIONS');
    });
  }

  it('TLS to the plain-HTTP port → 400 problem', async () => {
    const hello = Buffer.from('16030100a5010000a10303', 'hex');
    const r = await rawRequest(port, [hello]);
    assert.match(assertProblem(r, 400, 'request').detail, /TLS/);
  });

  it('a known method the API does not serve reaches the app: 405 with Allow', async () => {
    const r = await req('PROPFIND /search HTTP/1.1\nHost: x\nConnection: close\n');
    assertProblem(r, 405, 'method');
  });

  it('URL and header limits: 414 and 431 problems, never a bodiless 431 or a reset', async () => {
    const limits = server.limits;
    const url = `/search?q=${'a'.repeat(limits.maxUrlBytes)}`;
    assertProblem(await req(`GET ${url} HTTP/1.1\nHost: x\n`), 414, 'url');
    const header = `X-Pad: ${'p'.repeat(limits.maxHeaderBytes)}`;
    assertProblem(await req(`GET /health HTTP/1.1\nHost: x\n${header}\n`), 431, 'headers');
    // Over Node's own limit (URL and headers together): the parser's 431, as problem+json, and the
    // client may finish sending its 1 MiB before it reads the answer.
    const huge = `GET /search?q=${'a'.repeat(1 << 20)} HTTP/1.1\r\nHost: x\r\n\r\n`;
    assertProblem(await rawRequest(port, huge), 431, 'headers');
  });

  it('q over its limit gets the API own 400; the longest valid q in any encoding is served', async () => {
    const long = await req(
      `GET /search?q=${'a'.repeat(5000)} HTTP/1.1\nHost: x\nConnection: close\n`,
    );
    assert.match(assertProblem(long, 400, 'q').detail, /1 to 1024 characters/);
    const euro = '%E2%82%AC'.repeat(1024);
    assert.equal(`q=${euro}`.length - 2, LONGEST_VALID_Q_BYTES);
    const ok = await req(`GET /search?q=${euro} HTTP/1.1\nHost: x\nConnection: close\n`);
    assert.equal(ok.status, 200, ok.body);
  });

  for (const [raw, reason] of MALFORMED_ESCAPES) {
    it(`malformed percent-encoding q=${raw} over a socket → 400 naming q`, async () => {
      const r = await req(`GET /search?q=${raw} HTTP/1.1\nHost: x\nConnection: close\n`);
      assert.match(assertProblem(r, 400, 'q').detail, reason);
    });
  }

  it('incomplete headers get a 408 problem after the headers timeout', async () => {
    const r = await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: x\r\n');
    assertProblem(r, 408);
    assert.ok(r.ms >= HEADERS_TIMEOUT_MS && r.ms < HEADERS_TIMEOUT_MS + 1500, `${r.ms} ms`);
  });

  it('headers dripped a byte at a time do not reset the headers timeout', async () => {
    const head = 'GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'y'.repeat(100);
    const r = await rawRequest(port, [...head], { gapMs: 20 });
    assertProblem(r, 408);
    assert.ok(r.ms < HEADERS_TIMEOUT_MS + 1500, `${r.ms} ms`);
  });

  it('a body shorter than its Content-Length gets a 408 problem after the request timeout', async () => {
    const r = await rawRequest(
      port,
      'POST /search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"q":',
    );
    assertProblem(r, 408);
    assert.ok(r.ms >= REQUEST_TIMEOUT_MS && r.ms < REQUEST_TIMEOUT_MS + 1500, `${r.ms} ms`);
    // The server is still healthy afterwards.
    const ok = await req('GET /health HTTP/1.1\nHost: x\nConnection: close\n');
    assert.equal(ok.status, 200);
  });

  it('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const r = await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(r.status, 200);
    assert.equal(r.open, false);
    assert.ok(r.ms >= KEEP_ALIVE_TIMEOUT_MS && r.ms < KEEP_ALIVE_TIMEOUT_MS + 1500, `${r.ms} ms`);
  });

  it('connections beyond the limit get 503 with Retry-After and are closed; freed slots serve again', async () => {
    const held: Socket[] = [];
    try {
      for (let i = 0; i < server.limits.maxConnections; i++) {
        const s = connect(port, '127.0.0.1');
        await new Promise((r) => s.once('connect', r));
        held.push(s);
      }
      // Let the server count them before the next one arrives.
      await new Promise((r) => setTimeout(r, 50));
      const refused = await req('GET /health HTTP/1.1\nHost: x\n');
      const body = assertProblem(refused, 503);
      assert.equal(refused.headers['retry-after'], '1');
      assert.match(refused.headers.connection ?? '', /close/i);
      assert.match(body.detail, /8 connections open/);
      held.pop()!.destroy();
      await new Promise((r) => setTimeout(r, 50));
      const served = await req('GET /health HTTP/1.1\nHost: x\nConnection: close\n');
      assert.equal(served.status, 200);
    } finally {
      for (const s of held) s.destroy();
    }
    assert.ok(server.refused().connections >= 1);
  });
});
