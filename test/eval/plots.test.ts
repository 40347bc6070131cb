/**
 * The plots' SVG text: complete, deterministic, escaped. How they look is checked in real
 * Chromium by test/app/jobs-view.test.ts (screenshots in test-output/screenshots/).
 */
import assert from 'node:assert/strict';
import {
  colourScale,
  differenceSvg,
  heatMapSvg,
  sweepSvg,
  type HeatMap,
} from '../../runtime/eval/index.js';

/** Every element opened is closed, in order (a small well-formedness check; no attribute `<`). */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes <${stack.at(-1)}>`);
    else stack.push(name!);
  }
  assert.deepEqual(stack, []);
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.doesNotMatch(svg, /NaN|Infinity|undefined/);
}

const heat: HeatMap = {
  title: 'bm25 <on> "scifact"',
  measure: 'nDCG@10',
  xName: 'k1',
  yName: 'b',
  xValues: [0.6, 0.9, 1.2],
  yValues: [0.3, 0.4],
  value: (x, y) => (x === 1.2 && y === 0.3 ? undefined : x / 2 + y),
};

describe('eval/plots', () => {
  it('heat map: a cell per grid point with its value, the best outlined, gaps grey, text escaped', () => {
    const svg = heatMapSvg(heat);
    assertWellFormed(svg);
    assert.match(svg, /bm25 &#60;on&#62; &#34;scifact&#34;/);
    assert.equal((svg.match(/<title>/g) ?? []).length, 5);
    assert.match(svg, /stroke-width="3"><title>k1=1\.2 b=0\.4: 1\.0000<\/title>/);
    assert.match(svg, /fill="#f3f4f6"/);
    assert.equal(heatMapSvg(heat), svg, 'deterministic');
  });

  it('sweeps: one panel and line per ranker, the baseline dashed', () => {
    const svg = sweepSvg(
      'one-parameter grids',
      'nDCG@10',
      [
        {
          ranker: 'dirichlet',
          parameter: 'mu',
          points: [500, 1000, 2000].map((x, i) => ({ x, y: 0.6 + i / 100 })),
        },
        {
          ranker: 'jelinek-mercer',
          parameter: 'lambda',
          points: [
            { x: 0.1, y: 0.64 },
            { x: 0.7, y: 0.62 },
          ],
        },
      ],
      0.65,
    );
    assertWellFormed(svg);
    assert.equal((svg.match(/<polyline/g) ?? []).length, 2);
    assert.equal((svg.match(/stroke-dasharray/g) ?? []).length, 2);
    assert.match(svg, /dirichlet: mu/);
    assert.match(svg, /jelinek-mercer lambda=0\.1: 0\.6400/);
  });

  it('per-query differences: sorted bars, gains green and losses red, counts in the caption', () => {
    const svg = differenceSvg('bm25 k1=1.2 b=0.75', 'nDCG@10', [
      { query: 'q1', delta: -0.2 },
      { query: 'q2', delta: 0.5 },
      { query: 'q3', delta: 0 },
      { query: 'q4', delta: 0.1 },
    ]);
    assertWellFormed(svg);
    assert.match(svg, /2 better, 1 worse, 1 equal/);
    const bars = [...svg.matchAll(/fill="(#[0-9a-f]+)"><title>(q\d): /g)].map((m) => [m[2], m[1]]);
    assert.deepEqual(bars, [
      ['q2', '#15803d'],
      ['q4', '#15803d'],
      ['q1', '#b91c1c'],
    ]);
  });

  it('the colour scale runs from dark to light and clamps', () => {
    assert.equal(colourScale(0), '#440154');
    assert.equal(colourScale(1), '#fde725');
    assert.equal(colourScale(-3), colourScale(0));
    assert.equal(colourScale(7), colourScale(1));
  });
});
