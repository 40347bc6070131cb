/**
 * How `sir jobs status` prints an evaluate job's result in the terminal: the table (each measure's
 * mean, ▲/▼ where the randomisation test, Holm-corrected, says p < 0.05 against the baseline; then
 * for the first measure the difference, both tests' p-values raw and Holm-corrected, and
 * wins/losses), the
 * best configuration per ranker, and the tuning — saying on what each number was chosen.
 */
import { measureByName, REPORT_DECIMALS } from '../eval/index.js';
import type { EvaluateResult } from '../jobs/evaluate/result.js';

/** The significance level of the table's markers. */
export const ALPHA = 0.05;

const label = (metric: string) => measureByName(metric)?.label ?? metric;
const fixed = (x: number) => x.toFixed(REPORT_DECIMALS);
const p = (x: number | null) => (x === null ? '–' : x < 0.001 ? '<0.001' : x.toFixed(3));
const signed = (x: number) => (x >= 0 ? `+${fixed(x)}` : fixed(x));

export function formatEvaluation(result: EvaluateResult): string {
  const [first, ...others] = result.metrics as [string, ...string[]];
  const header = [
    'configuration',
    label(first),
    `Δ ${label(first)}`,
    'p t-test (Holm)',
    'p rand. (Holm)',
    'wins/losses',
    ...others.map(label),
  ];
  const rows = result.table.map((row) => {
    // Always two characters, so the numbers stay aligned.
    const mark = (m: string) => {
      const v = row.vsBaseline?.[m];
      if (v === undefined || v.randomisationPHolm >= ALPHA) return '  ';
      return v.delta > 0 ? ' ▲' : v.delta < 0 ? ' ▼' : '  ';
    };
    const v = row.vsBaseline?.[first];
    return [
      row.configuration + (row.baseline ? ' (baseline)' : ''),
      fixed(row.mean[first]!) + mark(first),
      v ? signed(v.delta) : '',
      v ? `${p(v.tTestP)} (${p(v.tTestPHolm)})` : '',
      v ? `${p(v.randomisationP)} (${p(v.randomisationPHolm)})` : '',
      v ? `${v.wins}/${v.losses}` : '',
      ...others.map((m) => fixed(row.mean[m]!) + mark(m)),
    ];
  });
  const lines = [
    `${result.table.length} configurations on ${result.queries} test queries; baseline ${result.baseline}`,
    ...align([header, ...rows]),
    `p-values of ${label(first)} against the baseline: paired t-test and randomisation test (${result.randomisation.trials} trials, seed ${result.randomisation.seed}), raw and (Holm–Bonferroni-corrected over the ${result.table.length - 1} configurations compared); ▲/▼: corrected randomisation p < ${ALPHA}.`,
    '',
    'best per ranker on the test set itself (chosen by peeking at the test queries):',
    ...result.bestOnTest.map(
      (b) => `  ${b.ranker.padEnd(18)} ${b.configuration}  ${label(b.metric)} ${fixed(b.value)}`,
    ),
  ];
  const t = result.tuning;
  if (t?.method === 'tuning-set')
    lines.push(
      '',
      `tuned without peeking: chosen by ${label(t.metric)} on the tuning set (${t.queries} queries), reported on the test set:`,
      ...t.chosen.map(
        (c) =>
          `  ${c.ranker.padEnd(18)} ${c.configuration}  tuning ${fixed(c.tuningValue)}  test ${result.metrics.map((m) => `${label(m)} ${fixed(c.test[m]!)}`).join('  ')}`,
      ),
    );
  if (t?.method === 'cross-validation')
    lines.push(
      '',
      `tuned without peeking: ${t.folds}-fold cross-validation by ${label(t.metric)} (each fold's configuration chosen on the other folds), cross-validated test scores:`,
      ...t.chosen.map(
        (c) =>
          `  ${c.ranker.padEnd(18)} ${result.metrics.map((m) => `${label(m)} ${fixed(c.test[m]!)}`).join('  ')}  folds: ${c.folds.map((f) => f.configuration).join(' | ')}`,
      ),
    );
  lines.push(
    '',
    `cells: ${result.cells.total} (configuration × query shard), ${result.cells.reused} reused from earlier jobs`,
  );
  return `${lines.join('\n')}\n`;
}

function align(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows.map((row) =>
    row
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}
