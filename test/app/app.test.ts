import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createApp, openLiveIndex } from '../../runtime/app/index.js';
import { buildIndex, INDEX_FILE } from '../../runtime/engine/index.js';
import { jsonLinesLogger, silentLogger } from '../../runtime/log/logger.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
import { buildFixtureIndex, expectProblem as problem, fixtureApp } from './helpers.js';

type Fx = ReturnType<typeof fixtureApp>;

/** A stream that collects the lines written to it. */
const lineSink = (lines: string[]) =>
  new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).trimEnd().split('\n'));
      done();
    },
  });

describe('app: routes', () => {
  let fx: Fx;
  before(() => (fx = fixtureApp()));
  after(() => fx.cleanup());

  it('GET /search returns ranked hits with snippets, metadata and paging', async () => {
    const res = await fx.app.request('/search?q=liberty&size=5');
    assert.equal(res.status, 200);
    const body = (await res.json()) as any;
    assert.equal(body.page, 1);
    assert.equal(body.size, 5);
    assert.equal(body.hits.length, 5);
    assert.ok(body.total >= 5 && typeof body.took_ms === 'number' && body.version === 'index');
    assert.equal(body.total_relation, 'eq');
    const hit = body.hits[0];
    assert.match(hit.id, /^doc-\d+$/);
    assert.match(hit.snippet, /<mark>liberty<\/mark>/i);
    assert.match(hit.snippet, /&lt;b&gt;bold&lt;\/b&gt; &amp;/, 'text is HTML-escaped');
    assert.deepEqual(Object.keys(hit.metadata).sort(), ['party', 'year']);
    assert.equal(body.prev, null);
    assert.match(body.next, /page=2/);
    const page2 = (await (await fx.app.request(body.next)).json()) as any;
    assert.equal(page2.page, 2);
    assert.ok(!page2.hits.some((h: any) => body.hits.some((g: any) => g.id === h.id)));
    assert.match(page2.prev, /page=1/);
  });

  it('stemmed matches are marked', async () => {
    const body = (await (await fx.app.request('/search?q=run')).json()) as any;
    assert.equal(body.hits[0].id, 'doc-0');
    assert.match(body.hits[0].snippet, /<mark>running<\/mark>/);
  });

  it('the cursor continues where the page ended', async () => {
    const all = (await (await fx.app.request('/search?q=union&size=20')).json()) as any;
    const first = (await (await fx.app.request('/search?q=union&size=10')).json()) as any;
    const second = (await (
      await fx.app.request(`/search?q=union&size=10&cursor=${first.cursor}`)
    ).json()) as any;
    assert.equal(second.page, null);
    assert.deepEqual(
      second.hits.map((h: any) => h.id),
      all.hits.slice(10, 20).map((h: any) => h.id),
    );
  });

  it('filters, fields and ranker parameters apply (GET and POST agree)', async () => {
    const get = (await (
      await fx.app.request(
        '/search?q=union&filter=year>=1900&filter=party=Whig&ranker=dirichlet&mu=100&fields=text',
      )
    ).json()) as any;
    assert.ok(get.hits.length > 0);
    for (const h of get.hits) assert.ok(h.metadata.year >= 1900 && h.metadata.party === 'Whig');
    const post = await fx.app.request('/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        q: 'union',
        filters: ['year>=1900', 'party=Whig'],
        ranker: 'dirichlet',
        params: { mu: 100 },
        fields: ['text'],
      }),
    });
    assert.equal(post.status, 200);
    assert.deepEqual(((await post.json()) as any).hits, get.hits);
  });

  it('GET /documents/{id}, /health, /, /docs, /openapi.json', async () => {
    const doc = (await (await fx.app.request('/documents/doc-3')).json()) as any;
    assert.equal(doc.id, 'doc-3');
    assert.equal(doc.title, 'Address 1853');
    await problem(await fx.app.request('/documents/nope'), 404, 'id');
    const health = (await (await fx.app.request('/health')).json()) as any;
    assert.equal(health.docCount, 30);
    assert.equal(health.version, 'index');
    assert.ok(!Number.isNaN(Date.parse(health.loadedAt)));
    const page = await fx.app.request('/');
    assert.match(page.headers.get('content-type')!, /text\/html/);
    assert.match(await page.text(), /role="search"/);
    assert.match(await (await fx.app.request('/docs')).text(), /swagger/i);
  });

  it('/docs loads Swagger UI from the app itself, under a self-only CSP', async () => {
    const docs = await fx.app.request('/docs');
    assert.equal(docs.status, 200);
    const csp = docs.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/, 'scripts: self only');
    assert.doesNotMatch(csp, /unsafe|https?:|\*/, 'no inline, no eval, no other origin');
    const html = await docs.text();
    assert.doesNotMatch(html, /https?:\/\//, 'no absolute (CDN) URLs');
    assert.doesNotMatch(html, /<script>/, 'no inline script');
    const srcs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(
      srcs.some((u) => u.startsWith('/docs/assets/swagger-ui-bundle.js?v=')),
      srcs.join(' '),
    );
    assert.ok(
      srcs.some((u) => u.startsWith('/docs/assets/swagger-ui.css?v=')),
      srcs.join(' '),
    );

    const js = await fx.app.request('/docs/assets/swagger-ui-bundle.js');
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type')!, /^text\/javascript/);
    assert.match(js.headers.get('cache-control')!, /max-age=31536000/);
    const body = await js.text();
    assert.ok(body.length > 500_000 && body.includes('SwaggerUIBundle'), `${body.length} chars`);
    const css = await fx.app.request('/docs/assets/swagger-ui.css');
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type')!, /^text\/css/);
    assert.match(await css.text(), /\.swagger-ui/);
    for (const u of srcs) assert.equal((await fx.app.request(u)).status, 200, u);

    const etag = js.headers.get('etag')!;
    assert.ok(etag);
    assert.equal(
      (
        await fx.app.request('/docs/assets/swagger-ui-bundle.js', {
          headers: { 'if-none-match': etag },
        })
      ).status,
      304,
    );
    await problem(await fx.app.request('/docs/assets/swagger-ui.js.map'), 404);
    await problem(
      await fx.app.request('/docs/assets/swagger-ui.css', { method: 'POST' }),
      405,
      'method',
    );
  });

  it('the OpenAPI document is valid OpenAPI 3.1 and describes the search operations', async () => {
    const spec = (await (await fx.app.request('/openapi.json')).json()) as any;
    assert.equal(spec.openapi, '3.1.0');
    assert.ok(
      spec.paths['/search'].get && spec.paths['/search'].post && spec.paths['/documents/{id}'].get,
    );
    const result = await new Validator().validate(spec);
    assert.equal(result.valid, true, JSON.stringify(result.errors));
  });

  it('compresses when the client accepts it; HEAD and CORS preflight work', async () => {
    const res = await fx.app.request('/search?q=union&size=50', {
      headers: { 'accept-encoding': 'gzip' },
    });
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    const head = await fx.app.request('/health', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    const pre = await fx.app.request('/search', {
      method: 'OPTIONS',
      headers: { origin: 'https://x.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
  });
});

describe('app: every bad input is a 4xx problem naming the field', () => {
  let fx: Fx;
  before(() => (fx = fixtureApp()));
  after(() => fx.cleanup());
  const get = (qs: string) => fx.app.request(`/search?${qs}`);
  const post = (body: string, type = 'application/json') =>
    fx.app.request('/search', { method: 'POST', headers: { 'content-type': type }, body });

  const cases: Array<[string, string, string]> = [
    ['missing q', '', 'q'],
    ['empty q', 'q=', 'q'],
    ['q too long', `q=${'a'.repeat(1025)}`, 'q'],
    ['size 0', 'q=union&size=0', 'size'],
    ['size 1000', 'q=union&size=1000', 'size'],
    ['page -1', 'q=union&page=-1', 'page'],
    ['page abc', 'q=union&page=abc', 'page'],
    ['page 1.5', 'q=union&page=1.5', 'page'],
    ['unknown ranker', 'q=union&ranker=tfidf', 'ranker'],
    ['NaN k1', 'q=union&k1=NaN', 'k1'],
    ['text mu', 'q=union&ranker=dirichlet&mu=lots', 'mu'],
    ['param of another ranker', 'q=union&ranker=dirichlet&k1=1.2', 'k1'],
    ['beyond the result window without cursor', 'q=union&page=1001&size=100', 'page'],
    ['bad cursor', 'q=union&cursor=!!!', 'cursor'],
    ['unknown field', 'q=union&fields=nope', 'fields'],
  ];
  for (const [name, qs, field] of cases) {
    it(`GET: ${name} → 400 naming ${field}`, async () => {
      const body = await problem(await get(qs), 400, field);
      if (field === 'size') assert.match(body.detail, /1 to 100/);
    });
  }

  it('POST: malformed JSON → 400 naming body', async () =>
    problem(await post('{"q":'), 400, 'body'));
  it('POST: missing q → 400 naming q', async () => problem(await post('{}'), 400, 'q'));
  it('POST: NaN-ish param → 400 naming params.k1', async () =>
    problem(await post('{"q":"union","params":{"k1":"NaN"}}'), 400, 'params.k1'));
  it('POST: size 1000 → 400 naming size', async () =>
    problem(await post('{"q":"union","size":1000}'), 400, 'size'));
  it('POST: unknown key → 400 naming it', async () =>
    problem(await post('{"q":"union","filter":["a"]}'), 400, 'filter'));
  it('POST: body that is not an object → 400', async () =>
    problem(await post('[1,2]'), 400, 'body'));
  it('POST: wrong content type → 415', async () =>
    problem(await post('q=union', 'application/x-www-form-urlencoded'), 415, 'content-type'));
  it('POST: body over 64 KB → 413', async () =>
    problem(await post(JSON.stringify({ q: 'a', pad: 'x'.repeat(70_000) })), 413, 'body'));
  it('unknown route → 404 problem', async () => problem(await fx.app.request('/nope'), 404));
  it('wrong method → 405 problem with Allow', async () => {
    const res = await fx.app.request('/search', { method: 'DELETE' });
    assert.equal(res.headers.get('allow'), 'GET, HEAD, POST, OPTIONS');
    await problem(res, 405, 'method');
    await problem(await fx.app.request('/health', { method: 'POST' }), 405, 'method');
  });
});

describe('app: logs and metrics through the one logger', () => {
  it('one JSON line per request and one Embedded Metric Format line per search', async () => {
    const lines: string[] = [];
    const fx = fixtureApp();
    try {
      const app = createApp({ index: fx.live, log: jsonLinesLogger(lineSink(lines)) });
      assert.equal((await app.request('/search?q=union')).status, 200);
      const records = lines.map((l) => JSON.parse(l) as Record<string, any>);
      const emf = records.find((r) => r.msg === 'search')!;
      assert.equal(emf.level, 'info');
      assert.deepEqual(emf._aws.CloudWatchMetrics[0].Metrics, [
        { Name: 'SearchLatency', Unit: 'Milliseconds' },
        { Name: 'Hits', Unit: 'Count' },
      ]);
      assert.equal(emf.Operation, 'search-get');
      assert.equal(typeof emf.SearchLatency, 'number');
      assert.equal(emf.Hits, 10);
      const request = records.find((r) => r.msg === 'request')!;
      assert.deepEqual(
        { ...request, time: undefined, ms: undefined },
        {
          level: 'info',
          time: undefined,
          msg: 'request',
          requestId: emf.requestId,
          method: 'GET',
          path: '/search',
          status: 200,
          ms: undefined,
        },
      );
      assert.ok(!Number.isNaN(Date.parse(request.time)));
    } finally {
      await fx.cleanup();
    }
  });
});

describe('app: totals past the count limit', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sir-app-total-'));
  const docs = Array.from({ length: 10_050 }, (_, i) => ({
    _id: `d${i}`,
    title: `note ${i}`,
    text: i % 2 ? 'common ground' : 'common sense',
  }));
  const live = openLiveIndex(buildFixtureIndex(tmp, docs));
  const app = createApp({ index: live, log: silentLogger });
  after(async () => {
    await live.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('counts exactly up to 10,000, then says "gte"; exact_total=true counts them all', async () => {
    const capped = (await (await app.request('/search?q=common&size=3')).json()) as any;
    assert.deepEqual([capped.total, capped.total_relation], [10_000, 'gte']);
    assert.equal(capped.hits.length, 3);
    assert.match(capped.next, /page=2/);
    const exact = (await (
      await app.request('/search?q=common&size=3&exact_total=true')
    ).json()) as any;
    assert.deepEqual([exact.total, exact.total_relation], [10_050, 'eq']);
    assert.deepEqual(
      exact.hits,
      capped.hits.map((h: any) => h),
    );
    assert.match(exact.next, /exact_total=true/, 'the next link keeps asking for the exact total');
    const post = (await (
      await app.request('/search', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ q: 'sense', exact_total: true }),
      })
    ).json()) as any;
    assert.deepEqual([post.total, post.total_relation], [5_025, 'eq']);
  });

  it('refuses a malformed exact_total', async () => {
    await problem(await app.request('/search?q=common&exact_total=yes'), 400, 'exact_total');
    const res = await app.request('/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ q: 'common', exact_total: 'true' }),
    });
    await problem(res, 400, 'exact_total');
  });
});

describe('app: hits from the fields the index records', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sir-app-fields-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('an index built with --fields headline,body shows the headline and a body snippet', async () => {
    const dir = join(tmp, 'news');
    mkdirSync(dir);
    const huge = `needle at the start ${'filler words '.repeat(700_000)} needle at the end`;
    const docs = [
      {
        _id: 'n1',
        headline: 'Storm <warning>',
        body: 'The storm needle hit the coast.',
        desk: 'weather',
      },
      { _id: 'n2', headline: 'Huge', body: huge, desk: 'archive' },
    ];
    const corpus = join(dir, 'corpus.jsonl');
    writeFileSync(corpus, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
    buildIndex(corpus, join(dir, 'index'), { fields: ['headline', 'body'] });
    const live = openLiveIndex(join(dir, 'index'));
    try {
      const app = createApp({ index: live, log: silentLogger });
      const res = await app.request('/search?q=needle');
      const text = await res.text();
      assert.equal(res.status, 200);
      assert.ok(
        text.length < 5_000,
        `a 9 MB document does not travel with its hit (${text.length})`,
      );
      const body = JSON.parse(text) as any;
      const n1 = body.hits.find((h: any) => h.id === 'n1');
      assert.equal(n1.title, 'Storm <warning>');
      assert.equal(n1.snippet, 'The storm <mark>needle</mark> hit the coast.');
      assert.deepEqual(n1.metadata, { desk: 'weather' });
      const n2 = body.hits.find((h: any) => h.id === 'n2');
      assert.match(n2.snippet, /^<mark>needle<\/mark> at the start filler/);
      assert.ok(n2.snippet.length < 400 && n2.snippet.endsWith(' …'), n2.snippet);
      const doc = (await (await app.request('/documents/n1')).json()) as any;
      assert.deepEqual(doc, {
        id: 'n1',
        title: 'Storm <warning>',
        text: 'The storm needle hit the coast.',
        metadata: { desk: 'weather' },
      });
      const byBody = createApp({ index: live, log: silentLogger, titleField: 'body' });
      const hit = ((await (await byBody.request('/search?q=storm')).json()) as any).hits[0];
      assert.equal(hit.title, 'The storm needle hit the coast.');
      assert.match(hit.snippet, /<mark>Storm<\/mark> &lt;warning&gt;/);
    } finally {
      await live.close();
    }
  });

  it('a damaged stored document is a hit without a body and a logged error, not a 5xx', async () => {
    const dir = join(tmp, 'forged');
    mkdirSync(dir);
    // Document d1 of this sample is stored as text that is not JSON, behind valid checksums.
    copyFileSync(
      join(ROOT, 'index-core/tests/samples/v6-forged-stored-document.sir'),
      join(dir, INDEX_FILE),
    );
    const logs: string[] = [];
    const live = openLiveIndex(dir);
    try {
      const app = createApp({ index: live, log: jsonLinesLogger(lineSink(logs)) });
      const res = await app.request('/search?q=text&size=3');
      assert.equal(res.status, 200);
      const body = (await res.json()) as any;
      assert.deepEqual(
        body.hits.map((h: any) => h.id),
        ['d0', 'd1', 'd2'],
      );
      assert.deepEqual(body.hits[1], {
        id: 'd1',
        score: body.hits[1].score,
        title: '',
        snippet: '',
        metadata: {},
      });
      assert.equal(body.hits[0].title, 'a title');
      const errors = logs.map((l) => JSON.parse(l)).filter((l) => l.level === 'error');
      assert.equal(errors.length, 1);
      assert.equal(errors[0].id, 'd1');
      assert.match(errors[0].error, /not valid JSON/);
      const doc = await app.request('/documents/d1');
      const problem = (await doc.json()) as any;
      assert.equal(doc.status, 500);
      assert.match(problem.type, /index-damaged/);
      assert.match(problem.detail, /damaged/);
    } finally {
      await live.close();
    }
  });
});
