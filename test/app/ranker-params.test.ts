/**
 * Property: through the app, every ranker parameter inside its range gives 200 with finite scores,
 * and every value outside it (or empty, or not a number) gives a 400 problem naming the parameter
 * and its range — for GET and POST alike. Values are generated around and between the bounds,
 * including subnormal, huge, negative, NaN and infinite ones.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RANKER_TABLE, type RankerParamSpec } from '../../runtime/engine/index.js';
import { fixtureApp } from './helpers.js';

type Fx = ReturnType<typeof fixtureApp>;

const cases = RANKER_TABLE.flatMap((r) => r.params.map((p) => ({ ranker: r.name, p })));

/** A value near a bound, between the bounds, or anywhere a double can be. */
function valueFor(p: RankerParamSpec): fc.Arbitrary<number> {
  const near = (x: number) =>
    fc.constantFrom(x, x + 1e-9, x - 1e-9, x * (1 + 1e-12), x * (1 - 1e-12), x + 1, x - 1);
  return fc.oneof(
    near(p.min),
    near(p.max),
    fc.double({ min: p.min, max: p.max, noNaN: true }),
    fc.double(),
    fc.constantFrom(5e-324, -5e-324, 1e300, -1e300, 0, 1, Number.MIN_VALUE * 2),
  );
}

const inRange = (p: RankerParamSpec, v: number) => Number.isFinite(v) && v >= p.min && v <= p.max;

async function check(
  fx: Fx,
  ranker: string,
  p: RankerParamSpec,
  v: number,
  method: 'GET' | 'POST',
) {
  const res =
    method === 'GET'
      ? await fx.app.request(
          `/search?${new URLSearchParams({ q: 'union liberty', ranker, [p.name]: String(v), size: '20' })}`,
        )
      : await fx.app.request('/search', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ q: 'union liberty', ranker, params: { [p.name]: v }, size: 20 }),
        });
  const body = (await res.json()) as any;
  // GET sends the number as text: what counts is the number the text stands for.
  const sent = method === 'GET' ? Number(String(v)) : JSON.parse(JSON.stringify(v));
  if (typeof sent === 'number' && inRange(p, sent)) {
    assert.equal(res.status, 200, `${method} ${p.name}=${v}: ${JSON.stringify(body)}`);
    assert.ok(body.hits.length > 0);
    for (const h of body.hits) assert.ok(Number.isFinite(h.score), `${p.name}=${v}: ${h.score}`);
  } else {
    assert.equal(res.status, 400, `${method} ${p.name}=${v}`);
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const field = method === 'GET' ? p.name : `params.${p.name}`;
    const named = body.errors?.find((e: any) => e.field === field);
    assert.ok(named, `${method} ${p.name}=${v}: ${JSON.stringify(body)}`);
    assert.ok(named.message.includes(`from ${p.min} to ${p.max}`), named.message);
  }
}

describe('app: ranker parameters (property-based)', function () {
  this.timeout(120_000);
  let fx: Fx;
  before(() => (fx = fixtureApp()));
  after(() => fx.cleanup());

  for (const method of ['GET', 'POST'] as const)
    it(`${method}: in range → 200 with finite scores; outside → 400 naming the parameter and its range`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...cases).chain((c) => fc.tuple(fc.constant(c), valueFor(c.p))),
          async ([c, v]) => check(fx, c.ranker, c.p, v, method),
        ),
        { numRuns: 300, seed: 20261202 },
      );
    });

  it('an empty parameter (k1=, page=, size=, fields=) is a 400 naming it, never read as 0', async () => {
    for (const [qs, field] of [
      ['k1=', 'k1'],
      ['ranker=dirichlet&mu=', 'mu'],
      ['page=', 'page'],
      ['size=', 'size'],
      ['fields=', 'fields'],
      ['cursor=', 'cursor'],
      ['filter=', 'filter'],
      ['ranker=', 'ranker'],
    ]) {
      const res = await fx.app.request(`/search?q=union&${qs}`);
      assert.equal(res.status, 400, qs);
      const body = (await res.json()) as any;
      const named = body.errors?.find((e: any) => e.field === field);
      assert.ok(named, `${qs}: ${JSON.stringify(body)}`);
    }
    const k1 = (await (await fx.app.request('/search?q=union&k1=')).json()) as any;
    assert.match(k1.detail, /k1 .*is empty; give a value or leave the parameter out/);
  });

  it('a parameter of another ranker is a 400 naming it (GET and POST)', async () => {
    const get = (await (
      await fx.app.request('/search?q=union&ranker=pivoted&mu=100')
    ).json()) as any;
    assert.equal(get.status, 400);
    assert.deepEqual(
      get.errors.map((e: any) => e.field),
      ['mu'],
    );
    assert.match(get.errors[0].message, /does not apply to ranker pivoted \(its parameters: s\)/);
    const post = await fx.app.request('/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ q: 'union', params: { delta: 0.5 } }),
    });
    assert.equal(post.status, 400);
    assert.equal(((await post.json()) as any).errors[0].field, 'params.delta');
  });
});
