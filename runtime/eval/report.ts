/**
 * What does `sir eval` print? The mean of each measure as an aligned table for people, and the
 * same numbers (plus per-query values) as JSON for machines (`--json`).
 *
 * The table, with four decimals as trec_eval prints them:
 *
 *     measure   value   trec_eval
 *     nDCG@10   0.6789  ndcg_cut_10
 *     MAP       0.6401  map
 *     P@10      0.0903  P_10
 *     R@100     0.9253  recall_100
 *     R@1000    0.9767  recall_1000
 *     MRR       0.6506  recip_rank
 *     queries   300
 *
 * JSON keys are trec_eval's measure names, so scripts can compare our output with trec_eval's.
 */
import { MEASURES, zeroMetrics, type Evaluation, type Metrics } from './metrics.js';

/** Decimal places in the table (trec_eval prints 4). JSON keeps full precision. */
export const REPORT_DECIMALS = 4;

export interface ReportOptions {
  /** A first line naming what was evaluated, e.g. `bm25 k1=0.9 b=0.4 on scifact test`. Default: none. */
  title?: string;
  /** Also print one row per query (as `trec_eval -q`), after the means. Default: false. */
  perQuery?: boolean;
}

/** The `sir eval` table: a line per measure, then the number of queries averaged. Ends with `\n`. */
export function formatEvalTable(
  evaluation: Evaluation,
  { title, perQuery = false }: ReportOptions = {},
): string {
  const rows: string[][] = [['measure', 'value', 'trec_eval']];
  for (const { key, label, trecName } of MEASURES) {
    rows.push([label, evaluation.mean[key].toFixed(REPORT_DECIMALS), trecName]);
  }
  rows.push(['queries', String(evaluation.queryCount), 'num_q (-c)']);
  const lines = title === undefined ? [] : [title];
  lines.push(...alignColumns(rows));
  if (perQuery) {
    lines.push('', ...alignColumns(perQueryRows(evaluation)));
  }
  return lines.map((line) => `${line}\n`).join('');
}

/** One row per query: id, then each measure with REPORT_DECIMALS decimals. */
function perQueryRows(evaluation: Evaluation): string[][] {
  const rows: string[][] = [['query', ...MEASURES.map(({ label }) => label)]];
  for (const [qid, metrics] of evaluation.perQuery) {
    rows.push([qid, ...MEASURES.map(({ key }) => metrics[key].toFixed(REPORT_DECIMALS))]);
  }
  return rows;
}

/** Pads every column but the last to its widest cell, two spaces apart; no trailing spaces. */
function alignColumns(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** trec_eval measure name → value. */
export type TrecMeasures = Record<string, number>;

/** The JSON form of `sir eval --json`: full-precision means, the query count, and per-query values. */
export interface EvalReportJson {
  queries: number;
  mean: TrecMeasures;
  perQuery: Record<string, TrecMeasures>;
}

/** Builds the JSON form; `JSON.stringify` it to print. Per-query entries keep qrels order. */
export function evalReportJson(evaluation: Evaluation): EvalReportJson {
  const perQuery: Record<string, TrecMeasures> = {};
  for (const [qid, metrics] of evaluation.perQuery) perQuery[qid] = byTrecName(metrics);
  return { queries: evaluation.queryCount, mean: byTrecName(evaluation.mean), perQuery };
}

/** Every measure by its trec_eval name, in report order. */
export function byTrecName(metrics: Metrics): TrecMeasures {
  const out: TrecMeasures = {};
  for (const { key, trecName } of MEASURES) out[trecName] = metrics[key];
  return out;
}

/** The inverse of `byTrecName`; a measure the record lacks is refused, never read as 0. */
export function fromTrecNames(measures: Readonly<Record<string, unknown>>): Metrics {
  const out = zeroMetrics();
  for (const { key, trecName } of MEASURES) {
    const v = measures[trecName];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new Error(`measure ${trecName} is missing or not a finite number: ${String(v)}`);
    out[key] = v;
  }
  return out;
}
