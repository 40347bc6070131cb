/**
 * The plots of an evaluate job's result, by name, for the page (`GET /jobs/{id}/figures/{name}`)
 * and `sir jobs status --out DIR` alike:
 *
 * - `heatmap-<ranker>.svg` for a ranker whose grid varies two parameters (k1 × b);
 * - `sweeps.svg`: a line per ranker whose grid varies one parameter (mu, lambda, ...);
 * - `difference-<configuration>.svg`: per-query difference against the baseline.
 *
 * Every plot draws one measure (`metric`, a trec_eval name; default the result's first).
 */
import {
  configurationSlug,
  differenceSvg,
  heatMapSvg,
  measureByName,
  sweepSvg,
} from '../../eval/index.js';
import type { EvaluateResult } from './result.js';

type Row = EvaluateResult['table'][number];

/** query → measure name → value, per configuration id: the lines of `per-query.jsonl`. */
export type PerQueryTable = Map<string, Map<string, Record<string, number>>>;

/** Parses `per-query.jsonl`. */
export function parsePerQuery(text: string): PerQueryTable {
  const out: PerQueryTable = new Map();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const { configuration, query, ...measures } = JSON.parse(line) as Record<string, unknown>;
    let byQuery = out.get(String(configuration));
    if (byQuery === undefined) out.set(String(configuration), (byQuery = new Map()));
    byQuery.set(String(query), measures as Record<string, number>);
  }
  return out;
}

/** The parameters whose values differ among a ranker's rows, in the ranker table's order. */
function varying(rows: Row[]): string[] {
  const names = Object.keys(rows[0]!.params);
  return names.filter((n) => new Set(rows.map((r) => r.params[n])).size > 1);
}

function byRanker(result: EvaluateResult): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const row of result.table) {
    const list = out.get(row.ranker);
    if (list) list.push(row);
    else out.set(row.ranker, [row]);
  }
  return out;
}

/** Every figure the result has, by file name. */
export function figureNames(result: EvaluateResult): string[] {
  const names: string[] = [];
  let sweeps = false;
  for (const [ranker, rows] of byRanker(result)) {
    const v = varying(rows);
    if (v.length === 2) names.push(`heatmap-${ranker}.svg`);
    if (v.length === 1) sweeps = true;
  }
  if (sweeps) names.push('sweeps.svg');
  for (const row of result.table)
    if (!row.baseline) names.push(`difference-${configurationSlug(row.configuration)}.svg`);
  return names;
}

/**
 * Draws figure `name`; undefined when the result has no such figure. The difference plots need the
 * per-query table.
 * @throws Error naming the accepted measures when `metric` is not one of the result's.
 */
export function renderFigure(
  result: EvaluateResult,
  name: string,
  metric: string = result.metrics[0]!,
  perQuery?: PerQueryTable,
): string | undefined {
  if (!result.metrics.includes(metric))
    throw new Error(`metric must be one of ${result.metrics.join(', ')}, got "${metric}"`);
  if (!figureNames(result).includes(name)) return undefined;
  const label = measureByName(metric)?.label ?? metric;
  const groups = byRanker(result);
  const heat = /^heatmap-(.+)\.svg$/.exec(name);
  if (heat) {
    const rows = groups.get(heat[1]!)!;
    const [xName, yName] = varying(rows) as [string, string];
    const values = (p: string) => [...new Set(rows.map((r) => r.params[p]!))].sort((a, b) => a - b);
    return heatMapSvg({
      title: `${heat[1]} on ${result.queries} test queries`,
      measure: label,
      xName,
      yName,
      xValues: values(xName),
      yValues: values(yName),
      value: (x, y) =>
        rows.find((r) => r.params[xName] === x && r.params[yName] === y)?.mean[metric],
    });
  }
  if (name === 'sweeps.svg') {
    const sweeps = [...groups]
      .map(([ranker, rows]) => ({ ranker, rows, v: varying(rows) }))
      .filter(({ v }) => v.length === 1)
      .map(({ ranker, rows, v }) => ({
        ranker,
        parameter: v[0]!,
        points: rows
          .map((r) => ({ x: r.params[v[0]!]!, y: r.mean[metric]! }))
          .sort((a, b) => a.x - b.x),
      }));
    const base = result.table.find((r) => r.baseline)!;
    return sweepSvg(`${label} per ranker over its parameter`, label, sweeps, base.mean[metric]);
  }
  const row = result.table.find(
    (r) => !r.baseline && name === `difference-${configurationSlug(r.configuration)}.svg`,
  )!;
  if (perQuery === undefined) throw new Error(`${name} needs the per-query measures`);
  const mine = perQuery.get(row.configuration);
  const base = perQuery.get(result.baseline);
  if (mine === undefined || base === undefined)
    throw new Error(`the per-query measures lack ${mine ? result.baseline : row.configuration}`);
  return differenceSvg(
    `${row.configuration} against ${result.baseline}`,
    label,
    [...base].map(([query, b]) => ({
      query,
      delta: (mine.get(query)?.[metric] ?? 0) - b[metric]!,
    })),
  );
}
