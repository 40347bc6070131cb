/**
 * How good is a ranking? nDCG@10, MAP, P@10, R@100, R@1000 and MRR, computed as trec_eval 9.x
 * computes `ndcg_cut.10`, `map`, `P.10`, `recall.100`, `recall.1000` and `recip_rank` with its
 * defaults, averaged as with `-c`.
 *
 * Per query (with `relevant` = judged relevance >= 1, trec_eval's default `-l 1`):
 * - the hits are put in trec_eval's order first (`trec-order.ts`: score desc, ties by id desc);
 * - unjudged documents count as not relevant, with gain 0;
 * - AP = Σ over relevant hits of (relevant so far / rank) ÷ (number of relevant judgements), over
 *   the whole ranking (no cutoff); 0 when the query has no relevant judgement;
 * - P@10 = relevant hits in the top 10 ÷ 10, even when fewer than 10 documents were returned;
 * - R@100 (R@1000) = relevant hits in the top 100 (1000) ÷ number of relevant judgements (0 if
 *   there are none);
 * - reciprocal rank = 1 ÷ the rank of the first relevant hit, over the whole ranking; 0 when no
 *   relevant document was retrieved (trec_eval's `recip_rank`, averaged: MRR);
 * - nDCG@10 = DCG@10 ÷ ideal DCG@10, where gain = the judged relevance value (when > 0) and the
 *   discount of rank r is log2(r + 1); the ideal ranking sorts all judgements with positive
 *   relevance by relevance, best first; 0 when no judgement has positive relevance.
 *
 * Averaging (the product rule, identical to `trec_eval -c`): the mean is taken over EVERY query in
 * the qrels — including queries with no hits in the run (they score 0 on every measure) and queries
 * whose judgements are all non-relevant (they also score 0: trec_eval -c counts every query of the
 * qrels file). Queries in the run that are not in the qrels are ignored, as trec_eval ignores them.
 * Plain trec_eval (without -c) and pytrec_eval / BEIR instead average over the queries present in
 * both run and qrels, which inflates the mean when a system returns nothing for hard queries.
 */
import { EvalInputError } from './input-error.js';
import type { RunHit } from './run-file.js';
import { trecOrder } from './trec-order.js';

/** Rank cutoff of nDCG (trec_eval `ndcg_cut.10`). */
export const NDCG_CUTOFF = 10;
/** Rank cutoff of precision (trec_eval `P.10`). */
export const PRECISION_CUTOFF = 10;
/** Rank cutoff of recall (trec_eval `recall.100`). */
export const RECALL_CUTOFF = 100;
/** Rank cutoff of deep recall (trec_eval `recall.1000`). */
export const DEEP_RECALL_CUTOFF = 1000;
/** The lowest judged relevance that counts as relevant (trec_eval `-l 1`, its default). */
export const RELEVANCE_LEVEL = 1;

/** The measures of one query, or their mean; each in [0, 1]. */
export interface Metrics {
  /** nDCG@10, trec_eval `ndcg_cut_10`. */
  ndcg10: number;
  /** Average precision over the whole ranking, trec_eval `map`. */
  map: number;
  /** Precision at 10, trec_eval `P_10`. */
  p10: number;
  /** Recall at 100, trec_eval `recall_100`. */
  recall100: number;
  /** Recall at 1000, trec_eval `recall_1000`. */
  recall1000: number;
  /** Reciprocal rank of the first relevant hit, trec_eval `recip_rank` (its mean is MRR). */
  recipRank: number;
}

/** Display label and trec_eval name of each measure, in report order. The one list of measure names. */
export const MEASURES: ReadonlyArray<{ key: keyof Metrics; label: string; trecName: string }> = [
  { key: 'ndcg10', label: 'nDCG@10', trecName: 'ndcg_cut_10' },
  { key: 'map', label: 'MAP', trecName: 'map' },
  { key: 'p10', label: 'P@10', trecName: 'P_10' },
  { key: 'recall100', label: 'R@100', trecName: 'recall_100' },
  { key: 'recall1000', label: 'R@1000', trecName: 'recall_1000' },
  { key: 'recipRank', label: 'MRR', trecName: 'recip_rank' },
];

/** A measure's trec_eval name (`ndcg_cut_10`, `map`, `P_10`, `recall_100`, `recall_1000`, `recip_rank`). */
export type MeasureName = string;

/** The entry of `MEASURES` with trec_eval name `name`, or undefined. */
export function measureByName(name: MeasureName): (typeof MEASURES)[number] | undefined {
  return MEASURES.find((m) => m.trecName === name);
}

export interface Evaluation {
  /** Every query of the qrels, in qrels order; queries without hits have all-zero metrics. */
  perQuery: Map<string, Metrics>;
  /** The mean of `perQuery` (trec_eval -c). */
  mean: Metrics;
  /** The number of queries averaged: the number of queries in the qrels. */
  queryCount: number;
}

/**
 * Scores a run (a `Run`) against judgements (a `Qrels`).
 * @throws EvalInputError when the qrels hold no query, or a query's hits repeat a document or hold
 *   a non-finite score.
 */
export function evaluate(
  run: ReadonlyMap<string, readonly RunHit[]>,
  qrels: ReadonlyMap<string, ReadonlyMap<string, number>>,
): Evaluation {
  if (qrels.size === 0)
    throw new EvalInputError(
      'no judged queries: the qrels are empty, so there is nothing to average',
    );
  const perQuery = new Map<string, Metrics>();
  for (const [qid, judged] of qrels)
    perQuery.set(qid, evaluateQuery(run.get(qid) ?? [], judged, qid));
  return { perQuery, mean: meanMetrics(perQuery), queryCount: qrels.size };
}

/** The mean of every measure over per-query measures, summed in the map's order (0 when empty). */
export function meanMetrics(perQuery: ReadonlyMap<string, Metrics>): Metrics {
  const mean = zeroMetrics();
  if (perQuery.size === 0) return mean;
  for (const m of perQuery.values()) for (const { key } of MEASURES) mean[key] += m[key];
  for (const { key } of MEASURES) mean[key] /= perQuery.size;
  return mean;
}

/**
 * Scores one query's hits (in any order; they are put in trec_eval's order) against its judgements.
 * @param qid used only in error messages.
 */
export function evaluateQuery(
  hits: readonly RunHit[],
  judged: ReadonlyMap<string, number>,
  qid = '',
): Metrics {
  const ranked = trecOrder(hits, qid);
  let relevantCount = 0;
  const positiveGains: number[] = [];
  for (const rel of judged.values()) {
    if (rel >= RELEVANCE_LEVEL) relevantCount++;
    if (rel > 0) positiveGains.push(rel);
  }

  let relevantSoFar = 0;
  let precisionSum = 0;
  let relevantInTop10 = 0;
  let relevantInTop100 = 0;
  let relevantInTop1000 = 0;
  let firstRelevantRank = 0;
  let dcg = 0;
  ranked.forEach(({ docId }, i) => {
    const rel = judged.get(docId) ?? 0;
    if (i < NDCG_CUTOFF && rel > 0) dcg += rel / Math.log2(i + 2);
    if (rel < RELEVANCE_LEVEL) return;
    relevantSoFar++;
    precisionSum += relevantSoFar / (i + 1);
    if (firstRelevantRank === 0) firstRelevantRank = i + 1;
    if (i < PRECISION_CUTOFF) relevantInTop10++;
    if (i < RECALL_CUTOFF) relevantInTop100++;
    if (i < DEEP_RECALL_CUTOFF) relevantInTop1000++;
  });

  return {
    ndcg10: normalise(dcg, idealDcg(positiveGains, NDCG_CUTOFF)),
    map: relevantCount > 0 ? precisionSum / relevantCount : 0,
    p10: relevantInTop10 / PRECISION_CUTOFF,
    recall100: relevantCount > 0 ? relevantInTop100 / relevantCount : 0,
    recall1000: relevantCount > 0 ? relevantInTop1000 / relevantCount : 0,
    recipRank: firstRelevantRank > 0 ? 1 / firstRelevantRank : 0,
  };
}

/** DCG of the best possible ranking of the judged gains, cut at `cutoff`. */
function idealDcg(gains: number[], cutoff: number): number {
  const best = [...gains].sort((a, b) => b - a).slice(0, cutoff);
  return best.reduce((sum, gain, i) => sum + gain / Math.log2(i + 2), 0);
}

function normalise(dcg: number, ideal: number): number {
  return ideal > 0 ? dcg / ideal : 0;
}

/** Every measure at 0: the score of a query with no hits or no relevant judgement. */
export function zeroMetrics(): Metrics {
  return { ndcg10: 0, map: 0, p10: 0, recall100: 0, recall1000: 0, recipRank: 0 };
}
