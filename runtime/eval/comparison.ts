/**
 * The comparison table of an evaluation: one row per configuration with its mean measures and,
 * against the baseline, per measure: the difference of means, the paired t-test and randomisation
 * test p-values (raw and Holm–Bonferroni-adjusted across every configuration compared with the
 * baseline, per measure and test), and the queries improved / degraded / unchanged.
 */
import { MEASURES, meanMetrics, measureByName, type MeasureName, type Metrics } from './metrics.js';
import {
  holmBonferroni,
  pairedTTest,
  randomisationTest,
  winsLosses,
  type RandomisationOptions,
} from './significance.js';

/** One configuration's per-query measures on the test set (every query of the qrels, one order). */
export interface ScoredConfiguration {
  /** `configurationId`: `bm25 k1=0.9 b=0.4`. */
  id: string;
  ranker: string;
  params: Record<string, number>;
  perQuery: ReadonlyMap<string, Metrics>;
}

/** One measure of one configuration against the baseline. */
export interface VersusBaseline {
  /** This configuration's mean minus the baseline's. */
  delta: number;
  /** Paired t-test p; null when undefined (fewer than two queries). */
  tTestP: number | null;
  /** Holm-adjusted t-test p across the configurations compared (null when tTestP is). */
  tTestPHolm: number | null;
  randomisationP: number;
  randomisationPHolm: number;
  wins: number;
  losses: number;
  ties: number;
}

export interface ComparisonRow {
  configuration: string;
  ranker: string;
  params: Record<string, number>;
  baseline: boolean;
  /** Mean of each requested measure, by trec_eval name. */
  mean: Record<MeasureName, number>;
  /** Per requested measure, against the baseline; absent on the baseline's own row. */
  vsBaseline?: Record<MeasureName, VersusBaseline>;
}

/**
 * The comparison table, rows in the order of `configurations`.
 * @param baselineId the `id` of the baseline, which must be one of `configurations`.
 * @param measures trec_eval names (`ndcg_cut_10`, ...), each one of `MEASURES`.
 */
export function compareWithBaseline(
  configurations: readonly ScoredConfiguration[],
  baselineId: string,
  measures: readonly MeasureName[],
  randomisation: RandomisationOptions = {},
): ComparisonRow[] {
  const baseline = configurations.find((c) => c.id === baselineId);
  if (baseline === undefined) throw new Error(`the baseline ${baselineId} was not evaluated`);
  const keys = measures.map((name) => {
    const m = measureByName(name);
    if (m === undefined)
      throw new Error(`unknown measure ${name}; use ${MEASURES.map((x) => x.trecName).join(', ')}`);
    return m;
  });
  const queryIds = [...baseline.perQuery.keys()];
  const column = (c: ScoredConfiguration, key: keyof Metrics) =>
    queryIds.map((q) => {
      const m = c.perQuery.get(q);
      if (m === undefined) throw new Error(`configuration ${c.id} has no measures for query ${q}`);
      return m[key];
    });

  const rows: ComparisonRow[] = configurations.map((c) => {
    const mean = meanMetrics(c.perQuery);
    return {
      configuration: c.id,
      ranker: c.ranker,
      params: c.params,
      baseline: c.id === baselineId,
      mean: Object.fromEntries(keys.map(({ key, trecName }) => [trecName, mean[key]])),
    };
  });
  const compared = rows.filter((r) => !r.baseline);
  const baselineMean = meanMetrics(baseline.perQuery);
  for (const { key, trecName } of keys) {
    const base = column(baseline, key);
    const results = compared.map((row) => {
      const values = column(
        configurations.find((c) => c.id === row.configuration)!,
        key,
      );
      const t = pairedTTest(base, values);
      const r = randomisationTest(base, values, randomisation);
      return { row, t, r, counts: winsLosses(base, values) };
    });
    const tHolm = holmBonferroni(results.map(({ t }) => t.p ?? 1));
    const rHolm = holmBonferroni(results.map(({ r }) => r.p));
    results.forEach(({ row, t, r, counts }, i) => {
      row.vsBaseline ??= {};
      row.vsBaseline[trecName] = {
        delta: row.mean[trecName]! - baselineMean[key],
        tTestP: t.p,
        tTestPHolm: t.p === null ? null : tHolm[i]!,
        randomisationP: r.p,
        randomisationPHolm: rHolm[i]!,
        ...counts,
      };
    });
  }
  return rows;
}
