/**
 * What an evaluate job answers (`result` of `GET /jobs/{id}`, `jobs/<id>/result.json`): the
 * comparison table, the best configuration per ranker with how it was chosen, and the names of
 * the run files and per-query measures (in `jobs/<id>/files/`, served at
 * `GET /jobs/{id}/files/{name}`). Read by `sir jobs status` and the page's jobs view.
 */
import type { ComparisonRow, FoldChoice } from '../../eval/index.js';
import { keys } from '../keys.js';

/** A result file's name: letters, digits and `._=-` (configuration ids with `_` for spaces). */
export const RESULT_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._=-]{0,200}$/;

/** Where a job's result file `name` is kept in the results bucket. */
export function resultFileKey(job: string, name: string): string {
  return `${keys.job(job)}files/${name}`;
}

export interface EvaluateResult {
  kind: 'evaluate';
  /** Test queries averaged over: every query of the test qrels (trec_eval -c). */
  queries: number;
  /** The measures reported, by trec_eval name, in report order. */
  metrics: string[];
  /** The baseline's configuration id. */
  baseline: string;
  /** One row per configuration (grid order; the baseline last when no run has it), with the name
   * of its TREC run file. */
  table: Array<ComparisonRow & { runFile: string }>;
  /**
   * The best configuration per ranker on the TEST set by `metric` (the tuning metric, else the
   * first measure): what a grid search reports when it peeks. With `tuning`, read those numbers.
   */
  bestOnTest: Array<{ ranker: string; configuration: string; metric: string; value: number }>;
  tuning: TuningResult | null;
  randomisation: { trials: number; seed: number };
  /** Name of the per-query measures: one JSON object a line, `{configuration, query, ...measures}`. */
  perQueryFile: string;
  /** Test-set cells (configuration × shard) that an earlier job had already computed. */
  cells: { total: number; reused: number };
}

export type TuningResult =
  | {
      method: 'tuning-set';
      metric: string;
      /** Judged queries of the tuning set. */
      queries: number;
      chosen: Array<{
        ranker: string;
        configuration: string;
        /** The tuning metric's mean on the tuning set. */
        tuningValue: number;
        /** Every reported measure's mean on the test set. */
        test: Record<string, number>;
      }>;
    }
  | {
      method: 'cross-validation';
      metric: string;
      folds: number;
      chosen: Array<{
        ranker: string;
        folds: FoldChoice[];
        /** Every reported measure's cross-validated mean on the test set. */
        test: Record<string, number>;
      }>;
    };
