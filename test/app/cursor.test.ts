/**
 * Cursors are bound to their query and index version: a tampered cursor, one taken from another
 * query, or one from a replaced version is a 400 naming `cursor`; the engine's option name never
 * shows.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { createApp } from '../../runtime/app/index.js';
import { fnv1a64 } from '../../runtime/app/cursor.js';
import { IndexStore, LiveIndex, silentLogger } from '../../runtime/store/index.js';
import { SearchIndex } from '../../runtime/engine/index.js';
import { tempDir } from '../fixtures/corpus.js';
import { buildFixtureIndex, expectProblem, fixtureApp } from './helpers.js';

type Fx = ReturnType<typeof fixtureApp>;
type Page = { hits: Array<{ id: string }>; cursor: string | null; next: string | null };

describe('app: cursors', () => {
  let fx: Fx;
  before(() => (fx = fixtureApp()));
  after(() => fx.cleanup());

  const get = async (qs: string) => fx.app.request(`/search?${qs}`);
  const page = async (qs: string) => {
    const res = await get(qs);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as Page;
  };

  it('a cursor continues its own query, with any page size, GET or POST', async () => {
    const qs = 'q=union+liberty&ranker=dirichlet&mu=500&fields=text&filter=year>=1860';
    const all = await page(`${qs}&size=20`);
    const first = await page(`${qs}&size=5`);
    const second = await page(`${qs}&size=7&cursor=${first.cursor}`);
    assert.deepEqual(
      second.hits.map((h) => h.id),
      all.hits.slice(5, 12).map((h) => h.id),
    );
    const post = await fx.app.request('/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        q: 'union liberty',
        ranker: 'dirichlet',
        params: { mu: 500 },
        fields: ['text'],
        filters: ['year>=1860'],
        size: 7,
        cursor: first.cursor,
      }),
    });
    assert.equal(post.status, 200);
    assert.deepEqual(((await post.json()) as Page).hits, second.hits);
    // The next link keeps the query: page 2 of size 5 is hits 5..10.
    const linked = (await (await fx.app.request(first.next!)).json()) as Page;
    assert.deepEqual(
      linked.hits.map((h) => h.id),
      all.hits.slice(5, 10).map((h) => h.id),
    );
  });

  it('a cursor from another query is refused naming cursor', async () => {
    const base = 'q=union&ranker=bm25&k1=1.2&fields=text&filter=year>=1860';
    const { cursor } = await page(`${base}&size=3`);
    assert.ok(cursor);
    for (const other of [
      'q=liberty&ranker=bm25&k1=1.2&fields=text&filter=year>=1860',
      'q=union&ranker=dirichlet&fields=text&filter=year>=1860',
      'q=union&ranker=bm25&k1=1.3&fields=text&filter=year>=1860',
      'q=union&ranker=bm25&k1=1.2&b=0.5&fields=text&filter=year>=1860',
      'q=union&ranker=bm25&k1=1.2&fields=title&filter=year>=1860',
      'q=union&ranker=bm25&k1=1.2&fields=text',
      'q=union&ranker=bm25&k1=1.2&fields=text&filter=year>=1860&filter=party=Whig',
    ]) {
      const body = await expectProblem(await get(`${other}&cursor=${cursor}`), 400, 'cursor');
      assert.match(body.detail, /another query/, other);
    }
    // Order of fields and filters, and a repeated default ranker name, are the same query.
    await page(`q=union&k1=1.2&filter=year>=1860&fields=text&cursor=${cursor}`);
  });

  it('any change to a cursor is refused naming cursor, never q or "after" (property)', async () => {
    const { cursor } = await page('q=union&size=3');
    assert.ok(cursor);
    const mutated = fc.oneof(
      // Replace, insert or delete characters of the cursor.
      fc
        .tuple(fc.nat(cursor.length - 1), fc.string({ minLength: 0, maxLength: 3 }), fc.nat(3))
        .map(([at, insert, drop]) => cursor.slice(0, at) + insert + cursor.slice(at + drop)),
      // Re-encode the decoded JSON with one value changed (a forged position, version or digest).
      fc
        .record({
          key: fc.constantFrom('s', 'd', 'v', 'k'),
          value: fc.oneof(
            fc.double(),
            fc.integer(),
            fc.string(),
            fc.constant(null),
            fc.constant(1e308 * 10),
            fc.constant(2 ** 32),
          ),
        })
        .map(({ key, value }) => {
          const o = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<
            string,
            unknown
          >;
          o[key] = value;
          return Buffer.from(JSON.stringify(o)).toString('base64url');
        }),
      fc.string({ maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(mutated, async (m) => {
        fc.pre(m !== cursor && m !== '');
        const res = await fx.app.request(`/search?q=union&size=3&cursor=${encodeURIComponent(m)}`);
        const body = await expectProblem(res, 400, 'cursor');
        assert.doesNotMatch(body.detail, /"after"|^q /);
      }),
      { numRuns: 300 },
    );
  });
});

describe('app: a cursor from a replaced index version', function () {
  this.timeout(60_000);
  it('is refused naming cursor and the versions', async () => {
    const tmp = tempDir('sir-cursor-');
    const store = new IndexStore(`${tmp}/store`, { logger: silentLogger });
    const built = buildFixtureIndex(tmp);
    const first = await store.publish(built);
    const live = new LiveIndex({
      store,
      load: (dir: string) => SearchIndex.open(dir),
      unload: (i: SearchIndex) => i.free(),
      checkIntervalMs: 0,
      logger: silentLogger,
    });
    const app = createApp({ index: live, log: silentLogger });
    try {
      const res = await app.request('/search?q=union&size=3');
      const { cursor, version } = (await res.json()) as Page & { version: string };
      assert.ok(cursor);
      assert.equal(version, first.version);
      assert.equal((await app.request(`/search?q=union&size=3&cursor=${cursor}`)).status, 200);
      const second = await store.publish(built);
      await live.refresh();
      const body = await expectProblem(
        await app.request(`/search?q=union&size=3&cursor=${cursor}`),
        400,
        'cursor',
      );
      assert.match(body.detail, new RegExp(`version "${first.version}".*"${second.version}"`));
    } finally {
      await live.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('app: the cursor digest', () => {
  it('is 64-bit FNV-1a (the published test vectors)', () => {
    for (const [text, hex] of [
      ['', 'cbf29ce484222325'],
      ['a', 'af63dc4c8601ec8c'],
      ['foobar', '85944171f73967e8'],
    ])
      assert.equal(fnv1a64(text).toString('hex'), hex, JSON.stringify(text));
  });
});
