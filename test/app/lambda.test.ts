/** The BUILT bundle (dist/lambda/search/index.mjs) with real-shaped API Gateway v2 and v1 events. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildLambdas } from '../../scripts/build-lambdas.js';
import { v1, v2 } from './api-gateway-events.js';
import { buildFixtureIndex } from './helpers.js';

type Handler = (
  event: unknown,
  context: unknown,
) => Promise<{
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}>;

describe('lambda: built bundle with API Gateway events', function () {
  this.timeout(120_000);
  let handler: Handler;
  let tmp: string;
  let zipped = 0;
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'sir-lambda-'));
    process.env.INDEX_DIR = buildFixtureIndex(tmp);
    zipped = (await buildLambdas(() => {})).search!;
    const mod = (await import(
      pathToFileURL(join(process.cwd(), 'dist/lambda/search/index.mjs')).href + `?t=${Date.now()}`
    )) as { handler: Handler };
    handler = mod.handler;
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('is under 2 MB zipped', () =>
    assert.ok(zipped > 0 && zipped < 2 * 1024 * 1024, String(zipped)));

  it('v2 GET with a query string', async () => {
    const r = await handler(v2('GET', '/search', 'q=liberty&size=3&filter=year%3E%3D1900'), {});
    assert.equal(r.statusCode, 200, r.body);
    const body = JSON.parse(r.body);
    assert.equal(body.hits.length, 3);
    for (const h of body.hits) assert.ok(h.metadata.year >= 1900);
  });

  it('v2 POST with a base64-encoded JSON body', async () => {
    const r = await handler(
      v2(
        'POST',
        '/search',
        '',
        JSON.stringify({ q: 'union', size: 2, ranker: 'bm25', params: { k1: 1.2 } }),
      ),
      {},
    );
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(JSON.parse(r.body).hits.length, 2);
  });

  it('v2 bad input is a problem, not a 5xx', async () => {
    const r = await handler(v2('GET', '/search', 'q=union&size=0'), {});
    assert.equal(r.statusCode, 400);
    assert.match(r.headers!['content-type']!, /problem\+json/);
  });

  it('v2 HEAD', async () => {
    const r = await handler(v2('HEAD', '/health'), {});
    assert.equal(r.statusCode, 200);
    assert.equal(r.body, '');
  });

  it('v1 (REST API) GET with query parameters and /documents/{id}', async () => {
    const r = await handler(v1('GET', '/search', { q: 'union', size: '4' }), {});
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(JSON.parse(r.body).hits.length, 4);
    const d = await handler(v1('GET', '/documents/doc-2'), {});
    assert.equal(JSON.parse(d.body).id, 'doc-2');
  });

  it("ships Swagger UI's assets and serves /docs from the bundle folder alone (no node_modules)", async () => {
    const shipped = readdirSync(join(process.cwd(), 'dist/lambda/search'));
    for (const f of ['swagger-ui-bundle.js', 'swagger-ui.css'])
      assert.ok(shipped.includes(f), `${f} in ${shipped}`);
    // A copy outside the repository: node_modules cannot be reached, as in a deployed Lambda.
    const copy = join(tmp, 'lambda-search');
    cpSync(join(process.cwd(), 'dist/lambda/search'), copy, { recursive: true });
    const { handler: copied } = (await import(pathToFileURL(join(copy, 'index.mjs')).href)) as {
      handler: Handler;
    };
    const page = await copied(v2('GET', '/docs'), {});
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.headers!['content-security-policy']!, /script-src 'self'/);
    assert.match(page.body, /\/docs\/assets\/swagger-ui-bundle\.js\?v=/);
    const expected = readFileSync(join(copy, 'swagger-ui-bundle.js'));
    for (const [ev, name] of [
      [v2('GET', '/docs/assets/swagger-ui-bundle.js'), 'v2'],
      [v1('GET', '/docs/assets/swagger-ui-bundle.js'), 'v1'],
    ] as const) {
      const r = await copied(ev, {});
      assert.equal(r.statusCode, 200, `${name}: ${r.body.slice(0, 200)}`);
      const headers = {
        ...r.headers,
        ...Object.fromEntries(
          Object.entries(
            (r as unknown as { multiValueHeaders?: Record<string, string[]> }).multiValueHeaders ??
              {},
          ).map(([k, v]) => [k, v[0]!]),
        ),
      };
      assert.match(headers['content-type'] ?? '', /^text\/javascript/, name);
      assert.match(headers['cache-control'] ?? '', /immutable/, name);
      assert.ok(
        Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8').equals(expected),
        `${name}: body is the shipped file`,
      );
    }
  });

  it('v1 OPTIONS preflight', async () => {
    const ev = v1('OPTIONS', '/search') as any;
    ev.headers = {
      ...ev.headers,
      Origin: 'https://x.example',
      'Access-Control-Request-Method': 'POST',
    };
    const r = await handler(ev, {});
    assert.equal(r.statusCode, 204);
    // REST API responses may carry headers as multiValueHeaders.
    const mv = (r as unknown as { multiValueHeaders?: Record<string, string[]> }).multiValueHeaders;
    assert.equal(
      r.headers?.['access-control-allow-origin'] ?? mv?.['access-control-allow-origin']?.[0],
      '*',
    );
  });
});
