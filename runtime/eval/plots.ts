/**
 * The evaluation's plots as plain SVG text, drawn by our own code (no charting library, no CDN):
 * the web page shows them as images from the app (CSP 'self'), and `sir jobs status --out DIR`
 * writes the same files.
 *
 * - `heatMapSvg`: a measure over a two-parameter grid (k1 × b), the value printed in each cell and
 *   the best cell outlined;
 * - `sweepSvg`: a line per ranker over its one-parameter grid, one panel per ranker (their
 *   parameters differ: mu, lambda, s, ...) on a shared measure axis, the baseline dashed;
 * - `differenceSvg`: the per-query difference against the baseline, sorted, gains above the axis
 *   and losses below (the "per-topic difference" plot of IR papers).
 *
 * Output is deterministic (the same data gives the same bytes); every text is XML-escaped.
 */

const FONT = 'font-family="system-ui, sans-serif"';
const INK = '#1f2937';
const GRID = '#d1d5db';
const GAIN = '#15803d';
const LOSS = '#b91c1c';
const LINE_COLOURS = ['#1d4ed8', '#b45309', '#7c3aed', '#0f766e', '#be123c', '#4d7c0f'];

export interface HeatMap {
  title: string;
  /** The measure's label, e.g. `nDCG@10`. */
  measure: string;
  xName: string;
  yName: string;
  xValues: readonly number[];
  yValues: readonly number[];
  /** The measure at (x, y); undefined where the grid has no cell. */
  value: (x: number, y: number) => number | undefined;
}

/** A measure over a two-parameter grid: columns are `xValues`, rows `yValues` (first at the top). */
export function heatMapSvg(map: HeatMap): string {
  const cellW = 64;
  const cellH = 34;
  const left = 70;
  const top = 56;
  const width = left + cellW * map.xValues.length + 24;
  const height = top + cellH * map.yValues.length + 52;
  const values = map.xValues.flatMap((x) => map.yValues.map((y) => map.value(x, y)));
  const present = values.filter((v): v is number => v !== undefined);
  const lo = Math.min(...present);
  const hi = Math.max(...present);
  const out = [
    svgOpen(width, height, `${map.title}: ${map.measure} over ${map.xName} × ${map.yName}`),
  ];
  out.push(text(left, 24, map.title, { weight: 'bold' }));
  out.push(text(left, 42, `${map.measure} (best outlined)`, { size: 12 }));
  map.yValues.forEach((y, row) => {
    const cy = top + row * cellH;
    out.push(text(left - 8, cy + cellH / 2 + 4, fmt(y), { anchor: 'end', size: 12 }));
    map.xValues.forEach((x, col) => {
      const v = map.value(x, y);
      const cx = left + col * cellW;
      if (v === undefined) {
        out.push(rect(cx, cy, cellW, cellH, '#f3f4f6', GRID) + '</rect>');
        return;
      }
      const t = hi > lo ? (v - lo) / (hi - lo) : 1;
      const best = v === hi;
      out.push(
        rect(cx, cy, cellW, cellH, colourScale(t), best ? INK : '#ffffff', best ? 3 : 1) +
          `<title>${esc(`${map.xName}=${fmt(x)} ${map.yName}=${fmt(y)}: ${v.toFixed(4)}`)}</title></rect>`,
      );
      out.push(
        text(cx + cellW / 2, cy + cellH / 2 + 4, v.toFixed(4), {
          anchor: 'middle',
          size: 12,
          fill: t > 0.55 ? INK : '#ffffff',
        }),
      );
    });
  });
  map.xValues.forEach((x, col) =>
    out.push(
      text(left + col * cellW + cellW / 2, top + cellH * map.yValues.length + 18, fmt(x), {
        anchor: 'middle',
        size: 12,
      }),
    ),
  );
  const axisY = top + cellH * map.yValues.length + 40;
  out.push(text(left + (cellW * map.xValues.length) / 2, axisY, map.xName, { anchor: 'middle' }));
  out.push(
    text(20, top + (cellH * map.yValues.length) / 2, map.yName, {
      anchor: 'middle',
      vertical: true,
    }),
  );
  out.push('</svg>\n');
  return out.join('\n');
}

export interface Sweep {
  /** The ranker, drawn as the panel's line. */
  ranker: string;
  /** The parameter its grid varies. */
  parameter: string;
  /** (parameter value, measure) in grid order. */
  points: ReadonlyArray<{ x: number; y: number }>;
}

/** One panel per sweep, shared measure axis; `baseline` (the baseline's mean) dashed in each. */
export function sweepSvg(
  title: string,
  measure: string,
  sweeps: readonly Sweep[],
  baseline?: number,
): string {
  const panelW = 220;
  const panelH = 160;
  const left = 56;
  const top = 44;
  const gap = 28;
  const width = left + sweeps.length * (panelW + gap) + 8;
  const height = top + panelH + 56;
  const ys = sweeps.flatMap((s) => s.points.map((p) => p.y));
  if (baseline !== undefined) ys.push(baseline);
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  const pad = hi > lo ? (hi - lo) * 0.1 : 0.01;
  lo = Math.max(0, lo - pad);
  hi = Math.min(1, hi + pad);
  const yOf = (y: number) => top + panelH - ((y - lo) / (hi - lo || 1)) * panelH;
  const out = [svgOpen(width, height, `${title}: ${measure} per ranker over its parameter`)];
  out.push(text(left, 22, title, { weight: 'bold' }));
  for (const tick of ticks(lo, hi, 4)) {
    out.push(line(left - 4, yOf(tick), width - 8, yOf(tick), GRID));
    out.push(text(left - 8, yOf(tick) + 4, tick.toFixed(3), { anchor: 'end', size: 11 }));
  }
  out.push(text(14, top + panelH / 2, measure, { anchor: 'middle', size: 12, vertical: true }));
  if (baseline !== undefined)
    out.push(
      text(width - 8, top - 6, `- - baseline ${baseline.toFixed(4)}`, { anchor: 'end', size: 11 }),
    );
  sweeps.forEach((s, i) => {
    const x0 = left + i * (panelW + gap);
    const xs = s.points.map((p) => p.x);
    const xlo = Math.min(...xs);
    const xhi = Math.max(...xs);
    const xOf = (x: number) => x0 + 10 + ((x - xlo) / (xhi - xlo || 1)) * (panelW - 20);
    const colour = LINE_COLOURS[i % LINE_COLOURS.length]!;
    out.push(rect(x0, top, panelW, panelH, 'none', GRID) + '</rect>');
    if (baseline !== undefined)
      out.push(
        `<line x1="${x0}" y1="${r(yOf(baseline))}" x2="${x0 + panelW}" y2="${r(yOf(baseline))}" stroke="${INK}" stroke-dasharray="4 3"/>`,
      );
    const path = s.points.map((p) => `${r(xOf(p.x))},${r(yOf(p.y))}`).join(' ');
    out.push(`<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of s.points) {
      out.push(
        `<circle cx="${r(xOf(p.x))}" cy="${r(yOf(p.y))}" r="3.5" fill="${colour}"><title>${esc(`${s.ranker} ${s.parameter}=${fmt(p.x)}: ${p.y.toFixed(4)}`)}</title></circle>`,
      );
      out.push(text(xOf(p.x), top + panelH + 16, fmt(p.x), { anchor: 'middle', size: 11 }));
    }
    out.push(
      text(x0 + panelW / 2, top + panelH + 36, `${s.ranker}: ${s.parameter}`, {
        anchor: 'middle',
        fill: colour,
      }),
    );
  });
  out.push('</svg>\n');
  return out.join('\n');
}

/** Per-query differences (`delta` = configuration − baseline), drawn sorted from best gain to worst loss. */
export function differenceSvg(
  title: string,
  measure: string,
  differences: ReadonlyArray<{ query: string; delta: number }>,
): string {
  const sorted = [...differences].sort((a, b) => b.delta - a.delta || cmp(a.query, b.query));
  const left = 56;
  const top = 44;
  const plotH = 200;
  const barW = Math.max(1, Math.min(12, Math.floor(720 / Math.max(1, sorted.length))));
  const width = left + barW * sorted.length + 24;
  const height = top + plotH + 44;
  const extent = Math.max(0.05, ...sorted.map((d) => Math.abs(d.delta)));
  const mid = top + plotH / 2;
  const yOf = (d: number) => mid - (d / extent) * (plotH / 2);
  const wins = sorted.filter((d) => d.delta > 0).length;
  const losses = sorted.filter((d) => d.delta < 0).length;
  const out = [
    svgOpen(width, height, `${title}: per-query ${measure} difference against the baseline`),
  ];
  out.push(text(left, 22, title, { weight: 'bold' }));
  out.push(
    text(
      left,
      38,
      `${measure} − baseline per query: ${wins} better, ${losses} worse, ${sorted.length - wins - losses} equal`,
      {
        size: 12,
      },
    ),
  );
  for (const tick of [extent, extent / 2, 0, -extent / 2, -extent]) {
    out.push(line(left - 4, yOf(tick), width - 16, yOf(tick), tick === 0 ? INK : GRID));
    out.push(text(left - 8, yOf(tick) + 4, signed(tick), { anchor: 'end', size: 11 }));
  }
  sorted.forEach((d, i) => {
    if (d.delta === 0) return;
    const y = Math.min(yOf(d.delta), mid);
    out.push(
      `<rect x="${left + i * barW}" y="${r(y)}" width="${barW}" height="${r(Math.abs(yOf(d.delta) - mid))}" fill="${d.delta > 0 ? GAIN : LOSS}"><title>${esc(`${d.query}: ${signed(d.delta)}`)}</title></rect>`,
    );
  });
  out.push(
    text(
      left + (barW * sorted.length) / 2,
      top + plotH + 30,
      `${sorted.length} queries, sorted by difference`,
      { anchor: 'middle', size: 12 },
    ),
  );
  out.push('</svg>\n');
  return out.join('\n');
}

/** A sequential colour scale from dark blue (t = 0) to yellow (t = 1), like viridis' ends. */
export function colourScale(t: number): string {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const at = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(at));
  const f = at - i;
  const [a, b] = [stops[i]!, stops[i + 1]!];
  return `#${[0, 1, 2]
    .map((k) =>
      Math.round(a[k]! + (b[k]! - a[k]!) * f)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

function svgOpen(width: number, height: number, label: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(label)}" ${FONT} font-size="13">\n<rect width="100%" height="100%" fill="#ffffff"/>`;
}

function text(
  x: number,
  y: number,
  content: string,
  o: {
    anchor?: 'start' | 'middle' | 'end';
    size?: number;
    weight?: string;
    fill?: string;
    /** Turned a quarter anticlockwise about (x, y): a vertical axis' name. */
    vertical?: boolean;
  } = {},
): string {
  const attrs = [`x="${r(x)}"`, `y="${r(y)}"`, `fill="${o.fill ?? INK}"`];
  if (o.vertical) attrs.push(`transform="rotate(-90 ${r(x)} ${r(y)})"`);
  if (o.anchor) attrs.push(`text-anchor="${o.anchor}"`);
  if (o.size) attrs.push(`font-size="${o.size}"`);
  if (o.weight) attrs.push(`font-weight="${o.weight}"`);
  return `<text ${attrs.join(' ')}>${esc(content)}</text>`;
}

/** An open `<rect ...>`: the caller closes it (with a `<title>` inside, or right away). */
function rect(
  x: number,
  y: number,
  w: number,
  h: number,
  fill: string,
  stroke: string,
  strokeWidth = 1,
): string {
  return `<rect x="${r(x)}" y="${r(y)}" width="${r(w)}" height="${r(h)}" fill="${fill}" stroke="${stroke}" stroke-width="${strokeWidth}">`;
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string): string {
  return `<line x1="${r(x1)}" y1="${r(y1)}" x2="${r(x2)}" y2="${r(y2)}" stroke="${stroke}"/>`;
}

/** `count + 1` evenly spaced values from lo to hi. */
function ticks(lo: number, hi: number, count: number): number[] {
  return Array.from({ length: count + 1 }, (_, i) => lo + ((hi - lo) * i) / count);
}

const r = (n: number) => String(Math.round(n * 10) / 10);
const fmt = (n: number) => String(n);
const signed = (n: number) => (n > 0 ? `+${n.toFixed(3)}` : n.toFixed(3));
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Escapes text for SVG/XML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
