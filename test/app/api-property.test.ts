/**
 * A property of the whole HTTP API: for generated requests (any method and path, query strings
 * with any parameters, junk, unicode and percent-escapes, JSON bodies of any shape, other content
 * types) the answer is a 4xx problem+json with a non-empty detail, or a 2xx whose body validates
 * against the served OpenAPI document with finite scores. Never a 5xx, never an empty error body.
 * Through `app.request` for volume, then fewer requests over a real socket to `sir serve`'s server.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { PARAM_NAMES, RANKERS } from '../../runtime/engine/index.js';
import { silentLogger } from '../../runtime/log/logger.js';
import { serveIndex } from '../../runtime/server/index.js';
import { tempDir } from '../fixtures/corpus.js';
import { buildFixtureIndex, fixtureApp } from './helpers.js';

type Send = (path: string, init: RequestInit) => Promise<Response>;
interface Generated {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const PARAMS = ['q', 'page', 'size', 'ranker', ...PARAM_NAMES, 'fields', 'filter', 'cursor'];
const escape = fc.oneof(
  fc.constantFrom(
    '%ZZ',
    '%C3',
    '%ED%A0%80',
    '%C0%AF',
    '%E2%82%AC',
    '%F0%9F%98%80',
    '%00',
    '%25',
    '+',
    '&',
    '=',
    '%26',
    '#',
  ),
  fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0')}`),
);
/** Ordinary numbers; the extremes have a property of their own below. */
const number = fc.integer({ min: -1000, max: 100_000 }).map((n) => String(n / 100));
const value = fc.oneof(
  fc.constantFrom(
    'union',
    'liberty union',
    '"union liberty"',
    '+union -liberty',
    'title:union',
    'bm25',
    'dirichlet',
    'jelinek-mercer',
    'pivoted',
    'absolute-discount',
    'title',
    'text',
    'title,text',
    'year>=1900',
    'party=Whig',
    'year>',
    '',
    '0',
    '1',
    '-1',
    '1.5',
    'NaN',
    'Infinity',
    '1e400',
    'true',
    'null',
    '[]',
    '{}',
  ),
  number,
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc
    .array(fc.oneof(fc.string({ maxLength: 4 }), escape), { maxLength: 6 })
    .map((xs) => xs.join('')),
);
/** encodeURIComponent throws on a lone surrogate: those go as U+FFFD (raw escapes cover the rest). */
const wellFormed = (v: string) =>
  v.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
const encoded = fc.oneof(
  { weight: 3, arbitrary: value.map((v) => encodeURIComponent(wellFormed(v))) },
  value.map((v) => encodeURI(wellFormed(v))),
  fc
    .array(fc.oneof(escape, fc.constantFrom('a', 'union', ' ')), { maxLength: 6 })
    .map((xs) => xs.join('').replace(/ /g, '+')),
);
const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...PARAMS) },
        fc.string({ maxLength: 6 }).map(encodeURIComponent),
      ),
      encoded,
    ),
    { maxLength: 6 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
const path = fc.oneof(
  { weight: 6, arbitrary: fc.constant('/search') },
  fc.constantFrom(
    '/',
    '/health',
    '/openapi.json',
    '/docs',
    '/documents/doc-3',
    '/documents/nope',
    '/search/',
    '/docs/assets/docs-init.js',
    '/nope',
    '//search',
  ),
  fc.string({ maxLength: 10 }).map((s) => `/documents/${encodeURIComponent(s)}`),
  fc.array(escape, { minLength: 1, maxLength: 3 }).map((xs) => `/documents/${xs.join('')}`),
);
const jsonBody = fc.oneof(
  fc
    .record(
      {
        q: fc.oneof(
          fc.string({ maxLength: 20 }),
          fc.constantFrom('union', 'liberty union', '"a', '\ud800'),
          fc.integer(),
        ),
        page: fc.oneof(fc.integer({ min: -2, max: 200 }), fc.double(), fc.string({ maxLength: 3 })),
        size: fc.oneof(fc.integer({ min: -2, max: 200 }), fc.constant(null)),
        ranker: fc.oneof(fc.constantFrom(...RANKERS, 'nope'), fc.integer()),
        params: fc.oneof(
          fc.dictionary(
            fc.constantFrom(...PARAM_NAMES, 'x'),
            fc.oneof(number.map(Number), fc.string({ maxLength: 3 })),
          ),
          fc.jsonValue(),
        ),
        fields: fc.oneof(
          fc.array(fc.constantFrom('title', 'text', 'nope', '', ' title ')),
          fc.string({ maxLength: 5 }),
        ),
        filters: fc.oneof(
          fc.array(fc.constantFrom('year>=1900', 'party=Whig', 'year>', '=', 'nope=1')),
          fc.jsonValue(),
        ),
        cursor: fc.string({ maxLength: 20 }),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 30 }),
);
const request: fc.Arbitrary<Generated> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.constantFrom('GET', 'GET', 'HEAD'), path, queryString)
      .map(([method, p, qs]) => ({ method, path: qs ? `${p}?${qs}` : p, headers: {} })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        jsonBody,
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'application/problem+json',
          'text/plain',
          'application/x-www-form-urlencoded',
          '',
        ),
        queryString,
      )
      .map(([body, type, qs]) => ({
        method: 'POST',
        path: qs ? `/search?${qs}` : '/search',
        headers: (type ? { 'content-type': type } : {}) as Record<string, string>,
        body,
      })),
  },
  fc
    .tuple(fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND'), path)
    .map(([method, p]) => ({ method, path: p, headers: { origin: 'https://x.example' } })),
);

/** Checks one answer against the property, using the served OpenAPI document. */
function checker(spec: any) {
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  ajv.addSchema(spec, 'spec');
  const validator = (name: string) => ajv.compile({ $ref: `spec#/components/schemas/${name}` });
  const schemas: Record<string, ReturnType<typeof validator>> = {
    '/search': validator('SearchResponse'),
    '/documents/': validator('Document'),
    '/health': validator('Health'),
    problem: validator('Problem'),
  };
  return async (g: Generated, res: Response) => {
    const label = `${g.method} ${g.path} ${g.body ?? ''} → ${res.status}`;
    assert.ok(res.status < 500, label);
    const text = await res.text();
    if (g.method === 'HEAD') return;
    if (res.status >= 400) {
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/, label);
      const body = JSON.parse(text) as { detail?: unknown; status?: unknown };
      assert.ok(schemas.problem!(body), `${label}: ${JSON.stringify(schemas.problem!.errors)}`);
      assert.ok(typeof body.detail === 'string' && body.detail.trim().length > 0, label);
      assert.equal(body.status, res.status, label);
      return;
    }
    const route = Object.keys(schemas).find(
      (p) => new URL(g.path, 'http://x').pathname.startsWith(p) && p !== 'problem',
    );
    if (!route || !/json/.test(res.headers.get('content-type') ?? '')) return;
    const body = JSON.parse(text) as { hits?: Array<{ score: number }> };
    assert.ok(
      schemas[route]!(body),
      `${label}: ${JSON.stringify(schemas[route]!.errors)} in ${text.slice(0, 300)}`,
    );
    for (const h of body.hits ?? [])
      assert.ok(Number.isFinite(h.score), `${label}: score ${h.score}`);
  };
}

async function runProperty(send: Send, spec: unknown, numRuns: number, arb = request) {
  const check = checker(spec);
  await fc.assert(
    fc.asyncProperty(arb, async (g) => {
      const init: RequestInit = { method: g.method, headers: g.headers };
      if (g.body !== undefined) init.body = g.body;
      await check(g, await send(g.path, init));
    }),
    { numRuns, interruptAfterTimeLimit: 60_000 },
  );
}

describe('app: property of the HTTP API (fast-check)', function () {
  this.timeout(180_000);
  let fx: ReturnType<typeof fixtureApp>;
  let spec: unknown;
  before(async () => {
    fx = fixtureApp();
    spec = await (await fx.app.request('/openapi.json')).json();
  });
  after(() => fx.cleanup());

  it('4xx problem+json or 2xx valid against the OpenAPI document, through app.request', async () =>
    runProperty((p, init) => Promise.resolve(fx.app.request(p, init)), spec, 1500));

  it('the same over a real socket to the sir serve server', async () => {
    const tmp = tempDir('sir-prop-');
    const server = await serveIndex({
      dir: buildFixtureIndex(tmp),
      store: false,
      host: '127.0.0.1',
      port: 0,
      log: silentLogger,
    });
    try {
      await runProperty((p, init) => fetch(`${server.url}${p}`, init), spec, 200);
    } finally {
      await server.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  // Every ranker parameter has a finite range in the ranker table and the engine refuses to emit a
  // non-finite score: no extreme value may answer 200 with "score": null.
  it('ranker parameters at their extremes', async () => {
    const extreme = fc.constantFrom(
      '1e308',
      '-1e308',
      '5e-324',
      '1e-320',
      '-0',
      '',
      '0',
      '1e-300',
      '2.2250738585072014e-308',
    );
    const arb = fc
      .tuple(fc.constantFrom(...RANKERS), fc.constantFrom(...PARAM_NAMES), extreme)
      .map(([ranker, name, v]): Generated => ({
        method: 'GET',
        path: `/search?q=union+liberty&ranker=${ranker}&${name}=${v}`,
        headers: {},
      }));
    await runProperty((p, init) => Promise.resolve(fx.app.request(p, init)), spec, 300, arb);
  });
});
