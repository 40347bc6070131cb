/**
 * The benchmark's statistics, one definition for every runner: per query the median of its timed
 * rounds, then mean / p50 / p99 over queries (bench/lucene and bench/tantivy compute the same in
 * their own language); across the three fresh processes of an engine, the median of each number.
 */

/** Query latency in µs: mean, p50 and p99 over the queries' per-query medians. */
export interface Latency {
  mean: number;
  p50: number;
  p99: number;
}

export const median = (v: number[]): number =>
  v.length ? [...v].sort((a, b) => a - b)[v.length >> 1]! : NaN;

/** The `p` quantile of ascending `sorted` (nearest rank). */
export const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]! : NaN;

/** `times[i]` holds query i's timed rounds. */
export function latency(times: number[][]): Latency {
  const med = times.map(median).sort((a, b) => a - b);
  return {
    mean: med.reduce((a, b) => a + b, 0) / med.length,
    p50: percentile(med, 0.5),
    p99: percentile(med, 0.99),
  };
}

/** The median of each field over several runs' latencies. */
export const medianLatency = (runs: Latency[]): Latency => ({
  mean: median(runs.map((r) => r.mean)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
});

/**
 * Times `run(i)` for every query: `warmup` untimed passes, then `rounds` timed ones; returns the
 * per-query times in µs (`process.hrtime.bigint()`). A promise is awaited (Orama answers with one);
 * a synchronous engine is timed without a trip through the microtask queue.
 */
export async function timeQueries(
  n: number,
  warmup: number,
  rounds: number,
  run: (i: number) => unknown,
): Promise<number[][]> {
  const once = async (i: number) => {
    const r = run(i);
    if (r instanceof Promise) await r;
  };
  for (let w = 0; w < warmup; w++) for (let i = 0; i < n; i++) await once(i);
  const times: number[][] = Array.from({ length: n }, () => []);
  for (let r = 0; r < rounds; r++)
    for (let i = 0; i < n; i++) {
      const t = process.hrtime.bigint();
      const p = run(i);
      if (p instanceof Promise) await p;
      times[i]!.push(Number(process.hrtime.bigint() - t) / 1e3);
    }
  return times;
}

/** Warm-up passes and timed rounds for every engine (Lucene's and tantivy's runners use 3 too). */
export const WARMUP_PASSES = 3;

/**
 * How two engines' top 10s compare over the queries both answered: the mean fraction of `a`'s ids
 * found in `b` (queries where `a` has hits), how many have the same ids, and how many the same ids
 * in the same order.
 */
export function compareTops(
  a: string[][],
  b: string[][],
): { queries: number; overlap: number; sameSet: number; sameOrder: number } {
  let sum = 0;
  let counted = 0;
  let sameSet = 0;
  let sameOrder = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const ys = new Set(y);
    const common = x.filter((id) => ys.has(id)).length;
    if (x.length) {
      sum += common / x.length;
      counted++;
    }
    if (x.length === y.length && common === x.length) {
      sameSet++;
      if (x.every((id, j) => id === y[j])) sameOrder++;
    }
  }
  return { queries: n, overlap: counted ? sum / counted : NaN, sameSet, sameOrder };
}
