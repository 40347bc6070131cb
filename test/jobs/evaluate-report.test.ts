/**
 * What an evaluate result looks like to its readers: the terminal table of `sir jobs status` and
 * the figures the page and `--out` draw, from a result built by the real comparison functions over
 * synthetic per-query measures (a 2 × 2 BM25 grid and a 3-value Dirichlet grid).
 */
import assert from 'node:assert/strict';
import { formatEvaluation } from '../../runtime/cli/evaluate-report.js';
import {
  compareWithBaseline,
  configurationId,
  configurationSlug,
  crossValidate,
  expandGrids,
  zeroMetrics,
  type Metrics,
} from '../../runtime/eval/index.js';
import { figureNames, parsePerQuery, renderFigure } from '../../runtime/jobs/evaluate/figures.js';
import type { EvaluateResult } from '../../runtime/jobs/evaluate/result.js';

const QUERIES = Array.from({ length: 40 }, (_, i) => `q${i}`);
const configurations = expandGrids([
  { ranker: 'bm25', grid: { k1: [0.9, 1.2], b: [0.4, 0.75] } },
  { ranker: 'dirichlet', grid: { mu: [500, 1000, 2000] } },
]);
/** A deterministic per-query score: configuration `c` is better by c/50 on 3 queries in 4. */
const score = (c: number, q: number): Metrics => {
  const base = ((q * 37) % 100) / 100;
  const v = Math.min(1, base + (q % 4 === 0 ? -0.01 : c / 50));
  return { ...zeroMetrics(), ndcg10: c === 0 ? base : v, map: base / 2 };
};
const scored = configurations.map((c, i) => ({
  id: configurationId(c),
  ranker: c.ranker,
  params: c.params,
  perQuery: new Map(QUERIES.map((q, j) => [q, score(i, j)])),
}));

function result(): EvaluateResult {
  const metrics = ['ndcg_cut_10', 'map'];
  const table = compareWithBaseline(scored, 'bm25 k1=0.9 b=0.4', metrics, {
    trials: 2000,
    seed: 7,
  });
  const cv = crossValidate(
    scored.map((s) => ({ ranker: s.ranker, id: s.id, test: s.perQuery })),
    'ndcg10',
    4,
  );
  return {
    kind: 'evaluate',
    queries: QUERIES.length,
    metrics,
    baseline: 'bm25 k1=0.9 b=0.4',
    table: table.map((r) => ({ ...r, runFile: `${configurationSlug(r.configuration)}.trec` })),
    bestOnTest: [
      { ranker: 'bm25', configuration: 'bm25 k1=1.2 b=0.75', metric: 'ndcg_cut_10', value: 0.6 },
    ],
    tuning: {
      method: 'cross-validation',
      metric: 'ndcg_cut_10',
      folds: 4,
      chosen: cv.map((c) => ({
        ranker: c.ranker,
        folds: c.folds,
        test: { ndcg_cut_10: c.mean.ndcg10, map: c.mean.map },
      })),
    },
    randomisation: { trials: 2000, seed: 7 },
    perQueryFile: 'per-query.jsonl',
    cells: { total: 14, reused: 4 },
  };
}

const perQueryText = scored
  .flatMap((s) =>
    [...s.perQuery].map(([query, m]) =>
      JSON.stringify({ configuration: s.id, query, ndcg_cut_10: m.ndcg10, map: m.map }),
    ),
  )
  .join('\n');

describe('jobs/evaluate: the table and the figures', () => {
  it('prints a row per configuration with significance against the baseline, and the tuning', () => {
    const text = formatEvaluation(result());
    const lines = text.split('\n');
    assert.match(lines[0]!, /^7 configurations on 40 test queries; baseline bm25 k1=0\.9 b=0\.4$/);
    assert.match(
      lines[1]!,
      /^configuration\s+nDCG@10\s+Δ nDCG@10\s+p t-test \(Holm\)\s+p rand\. \(Holm\)\s+wins\/losses\s+MAP$/,
    );
    assert.match(text, /bm25 k1=0\.9 b=0\.4 \(baseline\)/);
    // dirichlet mu=2000 is +6/50 on 30 queries and -0.01 on 10: clearly better.
    const mu2000 = lines.find((l) => l.startsWith('dirichlet mu=2000'))!;
    assert.match(mu2000, /▲/);
    assert.match(mu2000, /30\/10/);
    assert.match(text, /4-fold cross-validation by nDCG@10/);
    assert.match(text, /chosen by peeking at the test queries/);
    assert.match(text, /cells: 14 \(configuration × query shard\), 4 reused from earlier jobs/);
  });

  it('has a heat map for the two-parameter grid, sweeps for the one-parameter grid, and differences', () => {
    const r = result();
    assert.deepEqual(figureNames(r).slice(0, 2), ['heatmap-bm25.svg', 'sweeps.svg']);
    assert.equal(figureNames(r).filter((n) => n.startsWith('difference-')).length, 6);
    const heat = renderFigure(r, 'heatmap-bm25.svg')!;
    assert.match(heat, /<svg[^>]*aria-label="bm25 on 40 test queries: nDCG@10 over k1 × b"/);
    assert.equal((heat.match(/<title>k1=/g) ?? []).length, 4);
    const sweeps = renderFigure(r, 'sweeps.svg', 'map')!;
    assert.match(sweeps, /dirichlet: mu/);
    const diff = renderFigure(
      r,
      'difference-dirichlet_mu=2000.svg',
      'ndcg_cut_10',
      parsePerQuery(perQueryText),
    )!;
    assert.match(diff, /30 better, 10 worse, 0 equal/);
    assert.equal(renderFigure(r, 'heatmap-dirichlet.svg'), undefined);
    assert.throws(
      () => renderFigure(r, 'sweeps.svg', 'P_10'),
      /metric must be one of ndcg_cut_10, map, got "P_10"/,
    );
    assert.throws(
      () => renderFigure(r, 'difference-dirichlet_mu=500.svg'),
      /needs the per-query measures/,
    );
  });
});
