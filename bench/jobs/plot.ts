/**
 * The strong-scaling plot as plain SVG (our own code, no library): speedup over workers on a
 * log₂ axis — the measured local runs, the ideal line, and the model's prediction for Lambda up to
 * 100 workers.
 */
export interface Series {
  label: string;
  colour: string;
  points: Array<[number, number]>;
  dashed?: boolean;
}

export function scalingSvg(series: Series[], { maxX = 128, title = '' } = {}): string {
  const W = 640;
  const H = 420;
  const m = { left: 60, right: 20, top: 40, bottom: 50 };
  const maxY = Math.max(2, ...series.flatMap((s) => s.points.map(([, y]) => y))) * 1.1;
  const x = (v: number) => m.left + (Math.log2(v) / Math.log2(maxX)) * (W - m.left - m.right);
  const y = (v: number) => H - m.bottom - (v / maxY) * (H - m.top - m.bottom);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  for (let v = 1; v <= maxX; v *= 2) {
    out.push(`<line x1="${x(v)}" y1="${m.top}" x2="${x(v)}" y2="${H - m.bottom}" stroke="#eee"/>`);
    out.push(`<text x="${x(v)}" y="${H - m.bottom + 16}" text-anchor="middle">${v}</text>`);
  }
  const step = maxY > 40 ? 10 : maxY > 16 ? 4 : maxY > 6 ? 2 : 1;
  for (let v = 0; v <= maxY; v += step) {
    out.push(`<line x1="${m.left}" y1="${y(v)}" x2="${W - m.right}" y2="${y(v)}" stroke="#eee"/>`);
    out.push(`<text x="${m.left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  }
  out.push(
    `<line x1="${m.left}" y1="${H - m.bottom}" x2="${W - m.right}" y2="${H - m.bottom}" stroke="black"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${H - m.bottom}" stroke="black"/>`,
    `<text x="${W / 2}" y="${H - 12}" text-anchor="middle">workers (log scale)</text>`,
    `<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">speedup over one worker</text>`,
  );
  series.forEach((s, i) => {
    const path = s.points
      .map(([px, py], j) => `${j ? 'L' : 'M'}${x(px).toFixed(1)},${y(py).toFixed(1)}`)
      .join(' ');
    out.push(
      `<path d="${path}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    for (const [px, py] of s.points)
      out.push(
        `<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${s.colour}"/>`,
      );
    const ly = m.top + 8 + i * 16;
    out.push(
      `<line x1="${m.left + 12}" y1="${ly}" x2="${m.left + 36}" y2="${ly}" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${m.left + 42}" y="${ly + 4}">${esc(s.label)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
