/**
 * The search Lambda's direct `GET /search` path against the app it stands in front of, request by
 * request: the same API Gateway v2 event goes to `directSearch` and to the app through
 * `hono/aws-lambda`, and wherever the direct path answers, its answer must be the app's — status,
 * headers (the request id is the invocation's, in both), the body once decompressed (all but
 * `took_ms`), and the log lines (all but timings). Generated query strings mix plain values with
 * every other spelling the schema accepts or refuses, repeated and unknown parameters, bad percent-encoding, and several
 * `accept-encoding` headers. Where it must answer, and where it must leave the request to the app,
 * is pinned by examples, so the comparison cannot pass by answering nothing.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { handle } from 'hono/aws-lambda';
import { createApp, openLiveIndex } from '../../runtime/app/index.js';
import { MAX_Q } from '../../runtime/app/limits.js';
import { silentLogger } from '../../runtime/log/logger.js';
import { apiGatewayHandler, type LambdaResult } from '../../runtime/lambda/adapter.js';
import { directSearch } from '../../runtime/lambda/direct-search.js';
import { apiGatewayV2, lambdaContext } from '../fixtures/lambda-events.js';
import { captureLogger, type LogRecord } from '../store/helpers.js';
import { buildFixtureIndex } from './helpers.js';

/** Log records without what differs between two answers of one request (timings). */
function comparable(records: LogRecord[]) {
  return records.map(({ level, msg, fields = {} }) => {
    const { ms, SearchLatency, _aws, ...rest } = fields;
    return {
      level,
      msg,
      fields: {
        ...rest,
        ms: typeof ms,
        SearchLatency: typeof SearchLatency,
        _aws: _aws === undefined ? undefined : JSON.stringify(_aws).replace(/\d{13}/, 'T'),
      },
    };
  });
}

/** An answer as a client sees it: the body decompressed and parsed, `took_ms` aside. */
function seen(r: LambdaResult) {
  const headers = r.headers ?? {};
  const raw = r.isBase64Encoded ? Buffer.from(r.body, 'base64') : Buffer.from(r.body);
  const encoding = headers['content-encoding'];
  const text = (
    encoding === 'gzip' ? gunzipSync(raw) : encoding === 'deflate' ? inflateSync(raw) : raw
  ).toString();
  const body = JSON.parse(text) as Record<string, unknown>;
  if (typeof body.took_ms === 'number') body.took_ms = 'ms';
  return { statusCode: r.statusCode, isBase64Encoded: r.isBase64Encoded, headers, body };
}

const ENCODINGS = [
  undefined,
  'gzip, deflate, br',
  'deflate',
  'br',
  'identity',
  '*',
  '*;q=0',
  'gzip;q=0, deflate',
  'deflate;q=0.5, gzip;q=0.4',
  'GZIP',
];

describe('search Lambda: the direct GET /search path answers as the app does', function () {
  this.timeout(120_000);
  let tmp: string;
  let live: ReturnType<typeof openLiveIndex>;
  let cursor: string;
  let send: (
    query: string,
    headers?: Record<string, string>,
    more?: Record<string, unknown>,
  ) => Promise<LambdaResult | undefined>;
  let answered = 0;
  let left = 0;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'sir-direct-'));
    live = openLiveIndex(buildFixtureIndex(tmp), { logger: silentLogger });
    const direct = captureLogger();
    const viaApp = captureLogger();
    const lane = directSearch({ index: live, log: direct });
    const app = handle(createApp({ index: live, log: viaApp }));
    send = async (query, headers = {}, more = {}) => {
      const event = { ...apiGatewayV2('GET', '/search', query), ...more };
      event.headers = { ...event.headers, ...headers };
      direct.records.length = 0;
      viaApp.records.length = 0;
      // Each request its own invocation id, which both answer and log it with.
      const context = lambdaContext(randomUUID());
      const mine = await lane(structuredClone(event), context);
      if (mine === undefined) {
        left++;
        assert.deepEqual(direct.records, [], 'a request left to the app leaves no line');
        return undefined;
      }
      answered++;
      const theirs = (await app(structuredClone(event) as never, context as never)) as LambdaResult;
      const what = `GET /search?${query} ${JSON.stringify(headers)}`;
      assert.equal(mine.headers?.['x-request-id'], context.awsRequestId, what);
      assert.deepEqual(seen(mine), seen(theirs), what);
      assert.deepEqual(comparable(direct.records), comparable(viaApp.records), what);
      return mine;
    };
    const first = await send('q=union&size=2');
    cursor = (seen(first!).body as { cursor: string }).cursor;
    assert.ok(cursor, 'the fixture has a second page');
  });
  after(async () => {
    await live.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('answers plain queries itself, the same as the app, in every accepted encoding', async () => {
    const plain = [
      'q=union',
      'q=liberty+union&size=3&page=2',
      'q=union&exact_total=true',
      'q=union&exact_total=false',
      'q=union&ranker=bm25&k1=1.2&b=0.75',
      'q=union&ranker=dirichlet&mu=2000',
      'q=union&filter=year%3E%3D1900&filter=party%3DWhig',
      'q=union&fields=title,text',
      'q=address&fields=title',
      'q=caf%C3%A9',
      'q=nothingmatchesthis',
      `q=${'a'.repeat(MAX_Q)}`,
      'q=%22union+liberty%22',
      'q=union&size=100',
    ];
    for (const q of plain)
      for (const encoding of ENCODINGS) {
        const r = await send(q, encoding === undefined ? {} : { 'accept-encoding': encoding });
        assert.ok(r, `answered directly: ${q} ${encoding}`);
      }
    assert.ok(await send(`q=union&size=2&cursor=${encodeURIComponent(cursor)}`));
  });

  it('leaves every other request to the app: errors, other spellings, a client request id', async () => {
    const others = [
      '',
      'q=',
      'size=3',
      'q=union&size=0',
      'q=union&size=101',
      'q=union&size=01x',
      'q=union&size=1e1',
      'q=union&size=%205',
      'q=union&page=0',
      'q=union&q=liberty',
      'q=union&k1=1001',
      'q=union&k1=-1',
      'q=union&ranker=BM25',
      'q=union&ranker=bm25&mu=10',
      'q=union&fields=nosuch',
      'q=union&filter=year%3E%3Dabc',
      'q=union&filter=',
      'q=union&exact_total=yes',
      'q=union&cursor=notacursor',
      'q=union&unknown=1',
      'q=%ZZ',
      'q=%C3',
      'q=union#frag',
      '?q=union',
      'q=union liberty',
      `q=${'a'.repeat(MAX_Q + 1)}`,
      `q=union${'&filter=year%3E1800'.repeat(33)}`,
    ];
    for (const q of others) assert.equal(await send(q), undefined, q);
    assert.equal(await send('q=union', { 'x-request-id': 'mine-1' }), undefined);
    // A payload 2.0 event that carries a multi-value map gets its answer in that shape.
    assert.equal(await send('q=union', {}, { multiValueHeaders: {} }), undefined);
  });

  it('answers generated query strings as the app does, or leaves them to it', async () => {
    answered = left = 0;
    // Per parameter, values the schema takes in their plain form, and then every other kind.
    const plain: Record<string, string[]> = {
      q: ['union', 'liberty+union', 'caf%C3%A9', '%22union+liberty%22', 'a%2Bb'],
      page: ['1', '2', '3'],
      size: ['1', '5', '100'],
      ranker: ['bm25', 'dirichlet'],
      k1: ['0.5', '1.2'],
      b: ['0.75', '1'],
      mu: ['2000'],
      fields: ['title', 'title,text', 'text'],
      filter: ['year%3E%3D1900', 'party%3DWhig'],
      cursor: [encodeURIComponent(cursor)],
      exact_total: ['true', 'false'],
    };
    const odd = fc.constantFrom(
      '01',
      '101',
      '0',
      '-1',
      '1e1',
      '%201',
      '',
      'nosuch',
      'BM25',
      'year%3E%3D',
      '%ZZ',
      '%C3',
      '%F0%9F%8E%89',
      'x=y',
      'union liberty',
    );
    const pair = fc
      .constantFrom(...Object.keys(plain), 'lambda', 'unknown', 'Q')
      .chain((k) =>
        fc
          .oneof(
            { weight: 6, arbitrary: fc.constantFrom(...(plain[k] ?? ['1'])) },
            { weight: 1, arbitrary: odd },
          )
          .map((v) => `${k}=${v}`),
      );
    await fc.assert(
      fc.asyncProperty(
        // Repeated parameters are in the examples above; here each once, so most can be plain.
        fc.uniqueArray(pair, { maxLength: 4, selector: (p) => p.split('=')[0] }),
        fc.boolean(),
        fc.constantFrom(...ENCODINGS),
        async (pairs, withoutQ, encoding) => {
          await send(
            (withoutQ || pairs.some((p) => p.startsWith('q='))
              ? pairs
              : ['q=union', ...pairs]
            ).join('&'),
            encoding === undefined ? {} : { 'accept-encoding': encoding },
          );
        },
      ),
      { numRuns: 500 },
    );
    // Enough of each kind that the comparison means something.
    assert.ok(answered > 100 && left > 100, `answered ${answered}, left ${left}`);
  });
});

describe('search Lambda: the app behind the direct path', () => {
  it('is created on the first request left to it, once, and again after a creation that failed', async () => {
    let created = 0;
    let fail = true;
    const handler = apiGatewayHandler(
      async () => {
        created++;
        if (fail) throw new Error('the app could not be created');
        return createApp({
          index: { with: () => Promise.reject(new Error('no index in this test')) },
          log: silentLogger,
        });
      },
      async () => undefined,
    );
    const event = apiGatewayV2('GET', '/openapi.json');
    await assert.rejects(handler(structuredClone(event), {}), /could not be created/);
    fail = false;
    for (let i = 0; i < 3; i++)
      assert.equal((await handler(structuredClone(event), {})).statusCode, 200);
    assert.equal(created, 2);
  });
});
