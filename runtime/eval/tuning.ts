/**
 * Tuning without peeking: which configuration of each ranker is best, chosen on queries other than
 * those it is then scored on?
 *
 * - `tuneOnSet`: a separate tuning set (for example SciFact's train split): the best configuration
 *   per ranker by the tuning set's mean, reported with its test-set measures.
 * - `crossValidate`: k-fold cross-validation over the test queries. Query i (in qrels order) is in
 *   fold i mod k; each fold's configuration is the one with the best mean over the OTHER folds'
 *   queries, and each query is scored by its own fold's configuration; the cross-validated score is
 *   the mean of those per-query scores over every query.
 *
 * Ties between configurations go to the first in grid order, so the choice is deterministic.
 */
import { EvalInputError } from './input-error.js';
import { meanMetrics, type Metrics } from './metrics.js';

/** What tuning reads of one configuration: its ranker, id, and per-query measures. */
export interface TuningCell {
  ranker: string;
  /** `configurationId` of the configuration. */
  id: string;
  /** Per query of the test set (every query of the test qrels, in qrels order). */
  test: ReadonlyMap<string, Metrics>;
  /** Per query of the tuning set, when there is one. */
  tuning?: ReadonlyMap<string, Metrics>;
}

export interface TunedOnSet {
  ranker: string;
  /** The configuration chosen on the tuning set. */
  configuration: string;
  /** Its mean of the tuning metric on the tuning set. */
  tuningValue: number;
  /** Its mean measures on the test set. */
  test: Metrics;
}

/**
 * The best configuration per ranker (in the order rankers first appear) by the mean of `metric`
 * over the tuning set, with its test-set means.
 */
export function tuneOnSet(cells: readonly TuningCell[], metric: keyof Metrics): TunedOnSet[] {
  return byRanker(cells).map(([ranker, group]) => {
    let best: { cell: TuningCell; value: number } | undefined;
    for (const cell of group) {
      if (cell.tuning === undefined)
        throw new Error(`configuration ${cell.id} has no tuning-set measures`);
      const value = meanOf(cell.tuning, metric);
      if (best === undefined || value > best.value) best = { cell, value };
    }
    return {
      ranker,
      configuration: best!.cell.id,
      tuningValue: best!.value,
      test: meanMetrics(best!.cell.test),
    };
  });
}

export interface FoldChoice {
  fold: number;
  /** Test queries in this fold. */
  queries: number;
  /** The configuration chosen on the other folds. */
  configuration: string;
}

export interface CrossValidated {
  ranker: string;
  folds: FoldChoice[];
  /** Mean over every test query of its own fold's configuration's measures. */
  mean: Metrics;
  /** Per query, the measures of its fold's configuration. */
  perQuery: Map<string, Metrics>;
}

/**
 * k-fold cross-validation per ranker (see the module comment).
 * @throws EvalInputError when `folds` is not an integer from 2 to the number of test queries.
 */
export function crossValidate(
  cells: readonly TuningCell[],
  metric: keyof Metrics,
  folds: number,
): CrossValidated[] {
  const queryIds = [...(cells[0]?.test.keys() ?? [])];
  if (!Number.isInteger(folds) || folds < 2 || folds > queryIds.length)
    throw new EvalInputError(
      `tune.folds: ${folds} folds over ${queryIds.length} test queries; use an integer from 2 to ${queryIds.length}`,
    );
  const foldOf = new Map(queryIds.map((q, i) => [q, i % folds]));
  return byRanker(cells).map(([ranker, group]) => {
    // Per configuration, the sum of `metric` over each fold's queries.
    const foldSums = group.map((cell) => {
      const sums = new Array<number>(folds).fill(0);
      for (const [q, m] of cell.test) sums[foldOf.get(q)!]! += m[metric];
      return sums;
    });
    const total = foldSums.map((sums) => sums.reduce((a, b) => a + b, 0));
    const chosen: number[] = [];
    for (let f = 0; f < folds; f++) {
      let best = 0;
      for (let c = 1; c < group.length; c++)
        if (total[c]! - foldSums[c]![f]! > total[best]! - foldSums[best]![f]!) best = c;
      chosen.push(best);
    }
    const perQuery = new Map<string, Metrics>();
    for (const q of queryIds) perQuery.set(q, group[chosen[foldOf.get(q)!]!]!.test.get(q)!);
    return {
      ranker,
      folds: chosen.map((c, fold) => ({
        fold,
        queries: queryIds.filter((_, i) => i % folds === fold).length,
        configuration: group[c]!.id,
      })),
      mean: meanMetrics(perQuery),
      perQuery,
    };
  });
}

function meanOf(perQuery: ReadonlyMap<string, Metrics>, metric: keyof Metrics): number {
  return meanMetrics(perQuery)[metric];
}

function byRanker(cells: readonly TuningCell[]): Array<[string, TuningCell[]]> {
  const groups = new Map<string, TuningCell[]>();
  for (const cell of cells) {
    const group = groups.get(cell.ranker);
    if (group === undefined) groups.set(cell.ranker, [cell]);
    else group.push(cell);
  }
  return [...groups];
}
