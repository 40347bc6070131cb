/**
 * The BUILT bundle (dist/lambda/search/index.mjs) as Lambda runs it: `INDEX_DIR` an index store that
 * starts empty (503 until the first publish, which is then picked up), real-shaped API Gateway v2
 * and v1 events, malformed ones (400), other triggers' events (refused with an error naming them),
 * stack traces mapped to the sources under the functions' NODE_OPTIONS, and no AWS SDK parsed at
 * a cold start that does not read S3.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LAMBDA_NODE_OPTIONS } from '../../infra/lambda-platform.js';
import { IndexStore, silentLogger } from '../../runtime/store/index.js';
import { buildLambdas } from '../../scripts/build-lambdas.js';
import {
  MALFORMED,
  OTHER_TRIGGERS,
  apiGatewayV1 as v1,
  apiGatewayV2 as v2,
  sqsEvent,
  lambdaContext,
} from '../fixtures/lambda-events.js';
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

const BUNDLE = join(process.cwd(), 'dist/lambda/search/index.mjs');
/** A response header, whether the result carries `headers` (payload 2.0) or `multiValueHeaders` (1.0). */
function header(r: Awaited<ReturnType<Handler>>, name: string): string | undefined {
  const multi = (r as { multiValueHeaders?: Record<string, string[]> }).multiValueHeaders;
  return r.headers?.[name] ?? multi?.[name]?.[0];
}
function problem(r: Awaited<ReturnType<Handler>>) {
  assert.match(header(r, 'content-type') ?? '', /^application\/problem\+json/);
  return JSON.parse(r.body) as { status: number; detail: string; errors?: { field: string }[] };
}

describe('lambda: built bundle with API Gateway events', function () {
  this.timeout(120_000);
  let handler: Handler;
  let tmp: string;
  let storeDir: string;
  let zipped = 0;
  let saved: Record<string, string | undefined>;
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'sir-lambda-'));
    // What the access point shows a fresh stack: an empty folder.
    storeDir = join(tmp, 'efs');
    mkdirSync(storeDir);
    saved = {
      INDEX_DIR: process.env.INDEX_DIR,
      INDEX_CHECK_INTERVAL_MS: process.env.INDEX_CHECK_INTERVAL_MS,
    };
    process.env.INDEX_DIR = storeDir;
    process.env.INDEX_CHECK_INTERVAL_MS = '100';
    zipped = (await buildLambdas(() => {})).search!;
    const mod = (await import(pathToFileURL(BUNDLE).href + `?t=${Date.now()}`)) as {
      handler: Handler;
    };
    handler = mod.handler;
  });
  after(() => {
    for (const [key, value] of Object.entries(saved))
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    rmSync(tmp, { recursive: true, force: true });
  });

  it('is under 2 MB zipped, source map included', () => {
    assert.ok(zipped > 0 && zipped < 2 * 1024 * 1024, String(zipped));
    assert.ok(readdirSync(join(process.cwd(), 'dist/lambda/search')).includes('index.mjs.map'));
  });

  /** The chunks index.mjs imports statically, transitively: what every cold start parses. */
  function parsedAtColdStart(): { reached: Set<string>; holding: (marker: string) => string[] } {
    const dir = join(process.cwd(), 'dist/lambda/search');
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      const code = readFileSync(join(dir, file), 'utf8');
      for (const m of code.matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.mjs)"/g)) visit(m[1]!);
    };
    visit('index.mjs');
    const chunks = readdirSync(dir).filter((f) => f.endsWith('.mjs'));
    const holding = (marker: string) =>
      chunks.filter((f) => readFileSync(join(dir, f), 'utf8').includes(marker));
    return { reached, holding };
  }

  it('loads the AWS SDK only on the s3 tier: the cold start of efs and bundled parses none of it', () => {
    const { reached, holding } = parsedAtColdStart();
    // The S3 client's own error class marks the SDK's code.
    const sdk = holding('S3ServiceException');
    assert.ok(sdk.length > 0, 'the S3 store ships in a chunk of its own');
    for (const f of sdk) assert.ok(!reached.has(f), `${f} is imported at every cold start`);
  });

  it('parses the app (Hono routes, zod) only for a request the direct GET /search path leaves to it', () => {
    const { reached, holding } = parsedAtColdStart();
    const zod = holding('ZodError');
    assert.ok(zod.length > 0, 'zod ships in a chunk');
    for (const f of zod) assert.ok(!reached.has(f), `${f} (zod) is imported at every cold start`);
  });

  it("carries zod's English messages only, not the other languages every cold start would parse", async () => {
    const dir = join(process.cwd(), 'dist/lambda/search');
    const code = readdirSync(dir)
      .filter((f) => f.endsWith('.mjs'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    // German's "expected" (zod/v4/locales/de.js), one of the languages the build leaves out.
    assert.doesNotMatch(code, /erwartet/);
    // zod's English messages still reach the client, in the problem's `errors`.
    const r = await handler(v2('GET', '/search', 'q=union&size=0'), {});
    const body = JSON.parse(r.body) as { errors: { field: string; message: string }[] };
    assert.match(body.errors[0]!.message, /Too small: expected number to be >=1/, r.body);
  });

  it('answers 503 "no index published yet" on an empty store, then serves the first publish', async () => {
    for (const ev of [
      v2('GET', '/health'),
      v2('GET', '/search', 'q=union'),
      v1('GET', '/health'),
    ]) {
      const r = await handler(ev, {});
      assert.equal(r.statusCode, 503, r.body);
      const body = problem(r);
      assert.match(body.detail, /^no index published yet: run sir upload/);
    }
    const published = await new IndexStore(storeDir, { logger: silentLogger }).publish(
      buildFixtureIndex(tmp),
    );
    let health: Awaited<ReturnType<Handler>> | undefined;
    for (let i = 0; i < 100; i++) {
      health = await handler(v2('GET', '/health'), {});
      if (health.statusCode === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(health?.statusCode, 200, health?.body);
    assert.equal(JSON.parse(health!.body).version, published.version);
  });

  it('v2 GET with a query string', async () => {
    const r = await handler(v2('GET', '/search', 'q=liberty&size=3&filter=year%3E%3D1900'), {});
    assert.equal(r.statusCode, 200, r.body);
    const body = JSON.parse(r.body);
    assert.equal(body.hits.length, 3);
    for (const h of body.hits) assert.ok(h.metadata.year >= 1900);
  });

  it("answers a cold GET /search without loading Node's fetch implementation, crypto, zlib or worker threads, then the app on demand", () => {
    // A fresh process, as a cold Lambda: import the bundle, answer GET /search with the
    // invocation's context, and list which of the built-in modules it has no use for Node loaded
    // (each costs some ms of a cold start: bench/PROFILE.md); then a GET that takes gzip (zlib, on
    // demand) and a POST /search, which the app answers (and which loads the rest).
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(BUNDLE).href)});
      const loaded = () => ['internal/deps/undici/undici', 'crypto', 'zlib', 'worker_threads']
        .filter((m) => process.moduleLoadList.includes('NativeModule ' + m));
      const context = ${JSON.stringify(lambdaContext('5f8e7a2c-0b1d-4c3e-9f6a-7d8e9f0a1b2c'))};
      const get = await handler(${JSON.stringify(v2('GET', '/search', 'q=liberty&size=2'))}, context);
      const afterGet = loaded();
      const gzipped = ${JSON.stringify(v2('GET', '/search', 'q=liberty&size=2'))};
      gzipped.headers['accept-encoding'] = 'gzip';
      const gz = await handler(gzipped, context);
      const afterGzip = loaded();
      const post = await handler(${JSON.stringify(v2('POST', '/search', '', '{"q":"liberty","size":2}'))}, context);
      console.error(JSON.stringify({
        get: [get.statusCode, JSON.parse(get.body).hits.length, get.headers['x-request-id'], afterGet],
        gzip: [gz.statusCode, gz.headers['content-encoding'], afterGzip],
        post: [post.statusCode, JSON.parse(post.body).hits.length, post.headers['x-request-id'], loaded()] }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, INDEX_DIR: storeDir },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const seen = JSON.parse(r.stderr.trim().split('\n').pop()!) as Record<string, unknown[]>;
    const id = '5f8e7a2c-0b1d-4c3e-9f6a-7d8e9f0a1b2c';
    assert.deepEqual(seen.get, [200, 2, id, []], r.stderr);
    assert.deepEqual(seen.gzip, [200, 'gzip', ['zlib']], r.stderr);
    assert.deepEqual(seen.post!.slice(0, 3), [200, 2, id], r.stderr);
    assert.ok((seen.post![3] as string[]).includes('internal/deps/undici/undici'), r.stderr);
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

  for (const { name, event, names } of OTHER_TRIGGERS) {
    it(`refuses ${name} with an error naming it, not a search page`, async () => {
      await assert.rejects(handler(event, {}), (err: Error) => {
        assert.equal(err.name, 'UnsupportedEventError');
        assert.match(err.message, names);
        assert.match(err.message, /API Gateway HTTP API \(payload 2\.0\) and REST API/);
        return true;
      });
    });
  }

  for (const { name, event, field } of MALFORMED) {
    it(`answers ${name} with 400 problem+json naming ${field}`, async () => {
      const r = await handler(structuredClone(event), {});
      assert.equal(r.statusCode, 400, r.body);
      const body = problem(r);
      assert.deepEqual(
        body.errors?.map((e) => e.field),
        [field],
      );
      assert.match(body.detail, /not a well-formed API Gateway payload/);
    });
  }

  it('maps stack traces to the TypeScript sources under the functions NODE_OPTIONS', () => {
    const script = `import(${JSON.stringify(pathToFileURL(BUNDLE).href)}).then((m) => m.handler(${JSON.stringify(sqsEvent)}, {})).catch((e) => { console.log(e.stack); });`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, NODE_OPTIONS: LAMBDA_NODE_OPTIONS, INDEX_DIR: storeDir },
      encoding: 'utf8',
    });
    assert.match(run.stdout, /UnsupportedEventError: refusing an SQS event/);
    assert.match(run.stdout, /runtime\/lambda\/adapter\.ts:\d+/, run.stdout + run.stderr);
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
