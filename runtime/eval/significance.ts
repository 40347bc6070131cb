/**
 * Is a difference between two systems real? The tests IR papers use, over per-query scores of the
 * same queries (paired): the paired t-test, the paired randomisation (sign-flip permutation) test,
 * wins and losses, and Holm–Bonferroni's correction when several systems are compared with one
 * baseline. Checked against scipy's `ttest_rel` and `permutation_test` and statsmodels'
 * `multipletests(method="holm")` (test/eval/fixtures/significance.json), and against R's worked
 * example of the paired t-test (the `sleep` data).
 *
 * Every function takes `baseline` and `other` as equally long arrays in the same query order; the
 * difference is `other − baseline`, positive when `other` is better. p-values are two-sided and in
 * [0, 1]; a p-value that is not defined (fewer than two queries for the t-test) is `null`, never
 * NaN, so that it can cross JSON.
 */
import { studentTTwoSidedP } from './student-t.js';

/** Trials of the randomisation test when the caller names none (Smucker et al. 2007 use 10^5; 10^4
 * keeps the Monte-Carlo error of p below 0.005 and a job's reduce step fast). */
export const DEFAULT_RANDOMISATION_TRIALS = 10_000;
/** The seed of the randomisation test when the caller names none: results are reproducible. */
export const DEFAULT_RANDOMISATION_SEED = 1;

export interface TTestResult {
  /** Mean of `other − baseline`. */
  meanDifference: number;
  /** The t statistic; null when undefined (fewer than two pairs, or every difference 0). */
  t: number | null;
  /** Degrees of freedom, n − 1. */
  df: number;
  /** Two-sided p; null when undefined (fewer than two pairs). 1 when every difference is 0. */
  p: number | null;
}

/**
 * Paired (dependent-samples) t-test, as `scipy.stats.ttest_rel(other, baseline)`, except where
 * scipy answers NaN: every difference 0 gives p = 1 (no evidence of any difference) with t null;
 * a constant non-zero difference gives p = 0 with t null (an infinite t).
 */
export function pairedTTest(baseline: readonly number[], other: readonly number[]): TTestResult {
  const d = differences(baseline, other);
  const n = d.length;
  const mean = average(d);
  if (n < 2) return { meanDifference: mean, t: null, df: Math.max(0, n - 1), p: null };
  let ss = 0;
  for (const x of d) ss += (x - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  if (sd === 0 || sd <= Math.abs(mean) * 1e-13)
    return { meanDifference: mean, t: null, df: n - 1, p: mean === 0 ? 1 : 0 };
  const t = mean / (sd / Math.sqrt(n));
  return { meanDifference: mean, t, df: n - 1, p: studentTTwoSidedP(t, n - 1) };
}

export interface RandomisationOptions {
  /** Random sign assignments drawn (default `DEFAULT_RANDOMISATION_TRIALS`). */
  trials?: number;
  /** Seed of the generator (default `DEFAULT_RANDOMISATION_SEED`); same seed, same p. */
  seed?: number;
}

export interface RandomisationResult {
  p: number;
  /** True when every sign assignment was enumerated (2^n ≤ trials, n = non-zero differences). */
  exact: boolean;
  /** Assignments counted: 2^n when exact, else `trials`. */
  trials: number;
}

/**
 * Paired randomisation test (Fisher's; Smucker, Allan and Carterette 2007): under the null
 * hypothesis each query's two scores are exchangeable, so the sign of each difference is a coin
 * flip. The statistic is |mean difference|; p is the share of sign assignments whose |mean| is at
 * least the observed one (within a relative 1e-9, so that float noise does not split ties).
 *
 * - With n non-zero differences and 2^n ≤ trials, every assignment is enumerated: p is exact and
 *   equals scipy's `permutation_test(..., permutation_type="samples")` with `n_resamples=inf`.
 * - Otherwise `trials` random assignments from a seeded xorshift generator, and
 *   p = (hits + 1) / (trials + 1) (the observed assignment counts as one of the draws: p is never
 *   0, as scipy and Phipson & Smyth 2010 do it).
 */
export function randomisationTest(
  baseline: readonly number[],
  other: readonly number[],
  {
    trials = DEFAULT_RANDOMISATION_TRIALS,
    seed = DEFAULT_RANDOMISATION_SEED,
  }: RandomisationOptions = {},
): RandomisationResult {
  if (!Number.isSafeInteger(trials) || trials < 1)
    throw new RangeError(`randomisation trials must be a positive integer, got ${trials}`);
  // Zero differences change nothing under a sign flip: leaving them out keeps p the same.
  const d = differences(baseline, other).filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return { p: 1, exact: true, trials: 1 };
  const observed = Math.abs(sum(d));
  const threshold = observed - Math.max(observed, 1) * 1e-9;
  if (n <= 30 && 2 ** n <= trials) {
    const total = 2 ** n;
    let hits = 0;
    for (let mask = 0; mask < total; mask++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += mask & (1 << i) ? -d[i]! : d[i]!;
      if (Math.abs(s) >= threshold) hits++;
    }
    return { p: hits / total, exact: true, trials: total };
  }
  const random = xorshift32(seed);
  let hits = 0;
  for (let t = 0; t < trials; t++) {
    let s = 0;
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if (i % 32 === 0) bits = random();
      s += bits & (1 << (i % 32)) ? -d[i]! : d[i]!;
    }
    if (Math.abs(s) >= threshold) hits++;
  }
  return { p: (hits + 1) / (trials + 1), exact: false, trials };
}

export interface WinsLosses {
  /** Queries where `other` scores higher than `baseline`. */
  wins: number;
  /** Queries where it scores lower. */
  losses: number;
  /** Queries where both score the same. */
  ties: number;
}

/** How many queries improve, degrade, or stay the same against the baseline. */
export function winsLosses(baseline: readonly number[], other: readonly number[]): WinsLosses {
  const out = { wins: 0, losses: 0, ties: 0 };
  for (const x of differences(baseline, other)) {
    if (x > 0) out.wins++;
    else if (x < 0) out.losses++;
    else out.ties++;
  }
  return out;
}

/**
 * Holm–Bonferroni step-down adjusted p-values, in the order given: sort ascending, multiply the
 * i-th smallest (from 0) by (m − i), carry the running maximum, cap at 1. Reject hypothesis j at
 * level α when `adjusted[j] ≤ α`. As statsmodels' `multipletests(p, method="holm")[1]`.
 */
export function holmBonferroni(pValues: readonly number[]): number[] {
  for (const p of pValues)
    if (!(p >= 0 && p <= 1)) throw new RangeError(`a p-value must be in [0, 1], got ${p}`);
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

function differences(baseline: readonly number[], other: readonly number[]): number[] {
  if (baseline.length !== other.length)
    throw new RangeError(
      `paired samples must be equally long: baseline ${baseline.length}, other ${other.length}`,
    );
  return other.map((x, i) => x - baseline[i]!);
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function average(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : sum(xs) / xs.length;
}

/**
 * Marsaglia's xorshift32 (13, 17, 5): small, fast and fully determined by its seed, which is all a
 * Monte-Carlo test needs. A zero state would stay zero, so seed 0 is mapped to a fixed constant.
 */
function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}
