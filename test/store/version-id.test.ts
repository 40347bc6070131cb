import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { assertVersionId, isVersionId, newVersionId } from '../../runtime/store/version-id.js';
import { previousLiveVersion, type HistoryEntry } from '../../runtime/store/history.js';
import { versionsToPrune } from '../../runtime/store/retention.js';

describe('store/version ids', () => {
  it('accepts store ids and rejects anything that could leave versions/', () => {
    for (const ok of ['20261123T042501Z-3f9a', 'v1', 'a', 'A.b_c-d', 'x'.repeat(128)])
      assert.ok(isVersionId(ok), ok);
    for (const bad of [
      '',
      '.',
      '..',
      '../x',
      'a/b',
      'a\\b',
      '.hidden',
      '-x',
      '_x',
      'x'.repeat(129),
      'a b',
      'a\n',
      'é',
    ]) {
      assert.ok(!isVersionId(bad), JSON.stringify(bad));
    }
    assert.throws(
      () => assertVersionId('../etc'),
      /"\.\.\/etc" is not valid; expected 1–128 characters/,
    );
  });

  it('never lets an accepted id resolve outside the versions folder (property)', () => {
    const root = path.resolve('/store/versions');
    fc.assert(
      fc.property(fc.string({ maxLength: 140 }), (s) => {
        if (!isVersionId(s)) return;
        assert.equal(path.dirname(path.resolve(root, s)), root);
      }),
      { numRuns: 2000 },
    );
  });

  it('makes sortable, unique-looking ids like 20261123T042501Z-3f9a', () => {
    assert.match(
      newVersionId(new Date('2026-11-23T04:25:01.789Z')),
      /^20261123T042501Z-[0-9a-f]{4}$/,
    );
    const a = newVersionId(new Date('2026-01-01T00:00:00Z'));
    const b = newVersionId(new Date('2026-01-01T00:00:01Z'));
    assert.ok(a < b);
    assert.ok(isVersionId(newVersionId()));
  });
});

describe('store/history: previousLiveVersion', () => {
  const h = (...versions: string[]): HistoryEntry[] =>
    versions.map((version) => ({ at: '2026-01-01T00:00:00Z', version, action: 'publish' }));
  it('is the version live before the current activation', () => {
    assert.equal(previousLiveVersion(h('a', 'b', 'c'), 'c'), 'b');
    assert.equal(previousLiveVersion(h('a', 'b', 'c', 'b'), 'b'), 'c'); // rollback twice returns, like cd -
    assert.equal(previousLiveVersion(h('a', 'b', 'b'), 'b'), 'a');
  });
  it('reads an unrecorded last flip (crash between CURRENT and HISTORY) correctly', () => {
    assert.equal(previousLiveVersion(h('a', 'b'), 'c'), 'b');
  });
  it('has no answer without a current version or an earlier one', () => {
    assert.equal(previousLiveVersion(h('a'), 'a'), undefined);
    assert.equal(previousLiveVersion([], 'a'), undefined);
    assert.equal(previousLiveVersion(h('a'), undefined), undefined);
  });
});

describe('store/retention: versionsToPrune', () => {
  const v = (version: string, day: number) => ({
    version,
    createdAt: `2026-01-${String(day).padStart(2, '0')}T00:00:00.000Z`,
  });
  it('keeps the newest `keep` and every protected version', () => {
    const all = [v('a', 1), v('b', 2), v('c', 3), v('d', 4), v('e', 5)];
    assert.deepEqual(versionsToPrune(all, { keep: 2, protect: new Set() }).sort(), ['a', 'b', 'c']);
    assert.deepEqual(versionsToPrune(all, { keep: 2, protect: new Set(['a']) }).sort(), ['b', 'c']);
    assert.deepEqual(versionsToPrune(all, { keep: 10, protect: new Set() }), []);
  });
});
