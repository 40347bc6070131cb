import assert from 'node:assert/strict';
import {
  completeConfiguration,
  configurationId,
  EvalInputError,
  expandGrids,
  MAX_CONFIGURATIONS,
} from '../../runtime/eval/index.js';
import { RANKER_TABLE } from '../../runtime/engine/index.js';

const ids = (runs: Parameters<typeof expandGrids>[0]) => expandGrids(runs).map(configurationId);

describe('eval/grid', () => {
  it('expands a grid into every combination, the last parameter varying fastest', () => {
    assert.deepEqual(ids([{ ranker: 'bm25', grid: { k1: [0.9, 1.2], b: [0.4, 0.75] } }]), [
      'bm25 k1=0.9 b=0.4',
      'bm25 k1=0.9 b=0.75',
      'bm25 k1=1.2 b=0.4',
      'bm25 k1=1.2 b=0.75',
    ]);
  });

  it("fills the ranker table's defaults, so one configuration written two ways is one cell", () => {
    assert.deepEqual(
      ids([
        { ranker: 'bm25', grid: { k1: [0.9] } },
        { ranker: 'bm25', grid: { b: [0.4], k1: [0.9] } },
        { ranker: 'dirichlet' },
      ]),
      ['bm25 k1=0.9 b=0.4', 'dirichlet mu=2000'],
    );
    const bm25 = RANKER_TABLE.find((r) => r.name === 'bm25')!;
    assert.deepEqual(
      completeConfiguration('bm25', {}, 'baseline').params,
      Object.fromEntries(bm25.params.map((p) => [p.name, p.default])),
    );
  });

  it('refuses bad grids naming the run, the parameter, the value and the accepted range', () => {
    const refuses = (runs: unknown, message: RegExp) =>
      assert.throws(
        () => expandGrids(runs as Parameters<typeof expandGrids>[0]),
        (err: unknown) => err instanceof EvalInputError && message.test(err.message),
      );
    refuses(
      [{ ranker: 'bm25' }, { ranker: 'bm25', grid: { k1: [0.9, -1] } }],
      /^runs\[1\]\.grid\.k1: ranker parameter k1 must be a number from 0 to 1000 \(default 0\.9\), got -1$/,
    );
    refuses(
      [{ ranker: 'dirichlet', grid: { mu: [0] } }],
      /runs\[0\]\.grid\.mu: .*from 1 to 1000000.*got 0/,
    );
    refuses(
      [{ ranker: 'bm25', grid: { mu: [500] } }],
      /runs\[0\]\.grid\.mu: bm25 has no parameter mu \(its parameters: k1, b\)/,
    );
    refuses([{ ranker: 'okapi' }], /runs\[0\]\.ranker: unknown ranker "okapi"; use bm25, /);
    refuses([{ ranker: 'bm25', grid: { b: [] } }], /runs\[0\]\.grid\.b: list at least one value/);
    refuses(
      [{ ranker: 'bm25', grid: { b: [0.4, 0.4] } }],
      /grid\.b: the value 0\.4 is listed twice/,
    );
    refuses([{ ranker: 'bm25', grid: { b: [Number.NaN] } }], /grid\.b: NaN is not a finite number/);
    refuses([], /runs: name at least one run/);
    const many = Array.from({ length: 17 }, (_, i) => 0.1 + i / 10);
    refuses(
      [{ ranker: 'bm25', grid: { k1: many, b: many.map((x) => x / 2) } }],
      new RegExp(`more than ${MAX_CONFIGURATIONS} configurations`),
    );
  });
});
