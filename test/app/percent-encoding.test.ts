import assert from 'node:assert/strict';
import fc from 'fast-check';
import { percentEncodingError } from '../../runtime/app/percent-encoding.js';
import { MALFORMED_ESCAPES as MALFORMED, expectProblem, fixtureApp } from './helpers.js';

type Fx = ReturnType<typeof fixtureApp>;

describe('app: malformed percent-encoding', () => {
  let fx: Fx;
  before(() => (fx = fixtureApp()));
  after(() => fx.cleanup());

  it('is refused exactly when decodeURIComponent would throw (property)', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 4 }),
      fc.constantFrom('%', '%Z', '%zz', '%4', '%41', '%C3', '%A9', '%ED', '%F0', '%9F', '%80'),
      fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0')}`),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (parts) => {
        const s = parts.join('');
        let decodes = true;
        try {
          decodeURIComponent(s);
        } catch {
          decodes = false;
        }
        assert.equal(percentEncodingError(s) === undefined, decodes, s);
      }),
      { numRuns: 20_000 },
    );
  });

  for (const [raw, reason] of MALFORMED) {
    it(`q=${raw} → 400 naming q (${reason.source})`, async () => {
      const body = await expectProblem(await fx.app.request(`/search?q=${raw}`), 400, 'q');
      assert.match(body.detail, reason);
      assert.match(body.detail, /percent-encoded UTF-8/);
    });
  }

  it('names whichever parameter is malformed, GET or HEAD, and the path', async () => {
    for (const [qs, field] of [
      ['q=union&page=%ZZ', 'page'],
      ['q=union&filter=year>=1900&filter=party%3D%C3', 'filter'],
      ['q=union&fields=t%ED%A0%80', 'fields'],
      ['q=union&cursor=%C0%AF', 'cursor'],
      ['q=union&ranker=bm%2', 'ranker'],
      ['q=union&k%31=%FF', 'k1'],
      ['q=union&nosuch=%ZZ', 'nosuch'],
    ] as const) {
      await expectProblem(await fx.app.request(`/search?${qs}`), 400, field);
    }
    await expectProblem(await fx.app.request('/search?q=union&%ZZ=1'), 400, '%ZZ');
    await expectProblem(await fx.app.request('/documents/doc-%C3'), 400, 'id');
    await expectProblem(await fx.app.request('/health%ZZ'), 400, 'path');
    const head = await fx.app.request('/search?q=%ZZ', { method: 'HEAD' });
    assert.equal(head.status, 400);
  });

  it('well-formed escapes, plus signs and non-ASCII still search', async () => {
    for (const qs of [
      'q=liberty%20union',
      'q=liberty+union',
      'q=caf%C3%A9',
      'q=%F0%9F%98%80+union',
    ]) {
      const res = await fx.app.request(`/search?${qs}`);
      assert.equal(res.status, 200, qs);
    }
    const res = await fx.app.request('/search?q=%E2%80%9Cunion%E2%80%9D');
    assert.ok(((await res.json()) as { total: number }).total > 0);
  });
});
