/**
 * The significance tests against a reference implementation and a published worked example.
 * `fixtures/significance.json` was produced by `fixtures/make-significance.py` with scipy 1.17.1
 * (`ttest_rel`, `permutation_test`) and statsmodels 0.15.0 (`multipletests(method="holm")`); CI
 * does not run Python, the JSON is the record.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  holmBonferroni,
  pairedTTest,
  randomisationTest,
  winsLosses,
} from '../../runtime/eval/index.js';

interface PairedCase {
  name: string;
  baseline: number[];
  other: number[];
  t: number | null;
  tP: number | null;
  randomisationP: number;
  randomisationExact: boolean;
}
interface Fixture {
  tool: string;
  paired: PairedCase[];
  holm: Array<{ p: number[]; adjusted: number[] }>;
}

const close = (actual: number | null, expected: number | null, tolerance: number, what: string) => {
  if (expected === null) return assert.equal(actual, null, what);
  assert.ok(actual !== null, `${what}: got null, expected ${expected}`);
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: got ${actual}, expected ${expected}`,
  );
};

describe('eval/significance', () => {
  let fixture: Fixture;
  before(async () => {
    const path = fileURLToPath(new URL('./fixtures/significance.json', import.meta.url));
    fixture = JSON.parse(await readFile(path, 'utf8')) as Fixture;
  });

  it("paired t-test: R's worked example on the sleep data (t = 4.0621, df = 9, p = 0.002833)", () => {
    // Cushny & Peebles (1905) as in R's `t.test(extra ~ group, data = sleep, paired = TRUE)`,
    // which prints t = -4.0621, df = 9, p-value = 0.002833 (group 1 − group 2; here 2 − 1).
    const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    const r = pairedTTest(group1, group2);
    assert.equal(r.df, 9);
    assert.equal(r.t!.toFixed(4), '4.0621');
    assert.equal(r.p!.toPrecision(4), '0.002833');
    assert.equal(r.meanDifference.toFixed(2), '1.58');
  });

  it('paired t-test: t and p equal scipy ttest_rel to 1e-10', () => {
    for (const c of fixture.paired) {
      const r = pairedTTest(c.baseline, c.other);
      close(r.t, c.t, 1e-10, `${c.name} t`);
      if (c.tP === null) assert.equal(r.p, 1, `${c.name}: every pair equal is p = 1`);
      else close(r.p, c.tP, 1e-10, `${c.name} p`);
    }
  });

  it('paired t-test: the edges are defined and finite', () => {
    assert.deepEqual(pairedTTest([0.5], [0.7]), {
      meanDifference: 0.7 - 0.5,
      t: null,
      df: 0,
      p: null,
    });
    assert.deepEqual(pairedTTest([0.1, 0.2, 0.3], [0.2, 0.3, 0.4]).p, 0);
    assert.throws(() => pairedTTest([1, 2], [1]), /equally long: baseline 2, other 1/);
  });

  it('randomisation test: exact enumeration equals scipy permutation_test (n_resamples=inf)', () => {
    const exact = fixture.paired.filter((c) => c.randomisationExact);
    assert.ok(exact.length >= 4);
    for (const c of exact) {
      const r = randomisationTest(c.baseline, c.other);
      assert.equal(r.exact, true, c.name);
      close(r.p, c.randomisationP, 1e-12, `${c.name} p`);
    }
  });

  it('randomisation test: 10^4 seeded trials are within 0.015 of scipy with 10^6 resamples', () => {
    const sampled = fixture.paired.filter((c) => !c.randomisationExact);
    assert.ok(sampled.length >= 3);
    for (const c of sampled) {
      const r = randomisationTest(c.baseline, c.other);
      assert.equal(r.exact, false, c.name);
      assert.equal(r.trials, 10_000);
      close(r.p, c.randomisationP, 0.015, `${c.name} p`);
    }
  });

  it('randomisation test: the same seed gives the same p, another seed another estimate', () => {
    const c = fixture.paired.find((x) => x.name === 'n=300 shift=0.05')!;
    const a = randomisationTest(c.baseline, c.other, { seed: 42 });
    const b = randomisationTest(c.baseline, c.other, { seed: 42 });
    const other = randomisationTest(c.baseline, c.other, { seed: 43 });
    assert.equal(a.p, b.p);
    assert.notEqual(a.p, other.p);
    assert.ok(a.p > 0 && a.p <= 1);
    assert.throws(() => randomisationTest([1], [2], { trials: 0 }), /positive integer, got 0/);
  });

  it('wins and losses count queries above, below and level with the baseline', () => {
    assert.deepEqual(winsLosses([0.1, 0.5, 0.5, 1], [0.2, 0.5, 0.4, 1]), {
      wins: 1,
      losses: 1,
      ties: 2,
    });
  });

  it("Holm–Bonferroni: Wikipedia's worked example, and statsmodels' adjusted p-values", () => {
    // Wikipedia, "Holm–Bonferroni method", example: p = 0.01, 0.04, 0.03, 0.005 at α = 0.05
    // rejects H1 and H4 (adjusted 0.03 and 0.02), not H2 and H3 (0.06 each).
    const adjusted = holmBonferroni([0.01, 0.04, 0.03, 0.005]);
    assert.deepEqual(
      adjusted.map((p) => p <= 0.05),
      [true, false, false, true],
    );
    for (const c of fixture.holm) {
      holmBonferroni(c.p).forEach((p, i) => close(p, c.adjusted[i]!, 1e-12, `holm ${c.p}[${i}]`));
    }
    assert.deepEqual(holmBonferroni([]), []);
    assert.throws(() => holmBonferroni([0.5, Number.NaN]), /in \[0, 1\], got NaN/);
  });
});
