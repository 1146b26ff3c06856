/** Small SVG charts written by hand: a report must open offline, from a file, with no script. */

/** Okabe–Ito: distinguishable under the common colour-vision deficiencies. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const fmt = (v: number) => (Math.round(v * 100) / 100).toString();

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function plotArea(f: Frame) {
  return { x0: f.left, x1: f.width - f.right, y0: f.height - f.bottom, y1: f.top };
}

function yAxis(f: Frame, label: string, ticks = [0, 0.25, 0.5, 0.75, 1]): string {
  const { x0, x1, y0, y1 } = plotArea(f);
  const y = (v: number) => y0 - v * (y0 - y1);
  return [
    ...ticks.map(
      (t) =>
        `<line x1="${x0}" x2="${x1}" y1="${fmt(y(t))}" y2="${fmt(y(t))}" stroke="#ddd"/><text x="${x0 - 6}" y="${fmt(y(t) + 4)}" text-anchor="end" font-size="11">${t}</text>`,
    ),
    `<text transform="translate(14 ${fmt((y0 + y1) / 2)}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(label)}</text>`,
  ].join('');
}

function legend(entries: Array<{ label: string; color: string }>, x: number, y: number): string {
  return entries
    .map(
      (e, i) =>
        `<rect x="${x}" y="${y + i * 16}" width="10" height="10" fill="${e.color}"/><text x="${x + 15}" y="${y + i * 16 + 9}" font-size="11">${escapeXml(e.label)}</text>`,
    )
    .join('');
}

export interface ScatterPoint {
  x: number;
  y: number;
  label: string;
  series: string;
}

/** Accuracy (y) against language consistency (x): the Pareto view, top right is best. */
export function scatterChart(
  points: readonly ScatterPoint[],
  options: { xLabel: string; yLabel: string; title: string },
): string {
  const f: Frame = { width: 560, height: 400, left: 50, right: 150, top: 30, bottom: 45 };
  const { x0, x1, y0, y1 } = plotArea(f);
  const series = [...new Set(points.map((p) => p.series))];
  const color = (s: string) => PALETTE[series.indexOf(s) % PALETTE.length]!;
  const px = (v: number) => x0 + v * (x1 - x0);
  const py = (v: number) => y0 - v * (y0 - y1);
  const xTicks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (t) =>
        `<line x1="${fmt(px(t))}" x2="${fmt(px(t))}" y1="${y0}" y2="${y1}" stroke="#eee"/><text x="${fmt(px(t))}" y="${y0 + 16}" text-anchor="middle" font-size="11">${t}</text>`,
    )
    .join('');
  const dots = points
    .map(
      (p) =>
        `<g><title>${escapeXml(`${p.series} ${p.label}: consistency ${p.x.toFixed(3)}, accuracy ${p.y.toFixed(3)}`)}</title><circle cx="${fmt(px(p.x))}" cy="${fmt(py(p.y))}" r="5" fill="${color(p.series)}" fill-opacity="0.85"/><text x="${fmt(px(p.x) + 7)}" y="${fmt(py(p.y) - 6)}" font-size="11">${escapeXml(p.label)}</text></g>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${escapeXml(options.title)}" font-family="sans-serif">
<text x="${f.left}" y="18" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>${yAxis(f, options.yLabel)}${xTicks}
<text x="${fmt((x0 + x1) / 2)}" y="${f.height - 8}" text-anchor="middle" font-size="12">${escapeXml(options.xLabel)}</text>
<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" fill="none" stroke="#999"/>${dots}${legend(
    series.map((s) => ({ label: s, color: color(s) })),
    x1 + 14,
    y1 + 4,
  )}</svg>`;
}

export interface Bar {
  group: string;
  series: string;
  value: number;
  low?: number;
  high?: number;
}

/** Grouped bars (one group per language, one bar per model) with confidence whiskers. */
export function barChart(bars: readonly Bar[], options: { title: string; yLabel: string }): string {
  const groups = [...new Set(bars.map((b) => b.group))];
  const series = [...new Set(bars.map((b) => b.series))];
  const f: Frame = {
    width: Math.max(420, 90 + groups.length * (series.length * 18 + 22)) + 150,
    height: 300,
    left: 50,
    right: 150,
    top: 30,
    bottom: 40,
  };
  const { x0, x1, y0, y1 } = plotArea(f);
  const py = (v: number) => y0 - Math.max(0, Math.min(1, v)) * (y0 - y1);
  const groupWidth = (x1 - x0) / groups.length;
  const barWidth = Math.min(18, (groupWidth - 12) / series.length);
  const color = (s: string) => PALETTE[series.indexOf(s) % PALETTE.length]!;
  const parts: string[] = [];
  groups.forEach((g, gi) => {
    const start = x0 + gi * groupWidth + (groupWidth - barWidth * series.length) / 2;
    series.forEach((s, si) => {
      const bar = bars.find((b) => b.group === g && b.series === s);
      if (!bar) return;
      const x = start + si * barWidth;
      parts.push(
        `<g><title>${escapeXml(`${s} ${g}: ${bar.value.toFixed(3)}${bar.low !== undefined ? ` [${bar.low.toFixed(3)}, ${bar.high!.toFixed(3)}]` : ''}`)}</title><rect x="${fmt(x)}" y="${fmt(py(bar.value))}" width="${fmt(barWidth - 2)}" height="${fmt(y0 - py(bar.value))}" fill="${color(s)}"/></g>`,
      );
      if (bar.low !== undefined && bar.high !== undefined) {
        const cx = x + (barWidth - 2) / 2;
        parts.push(
          `<line x1="${fmt(cx)}" x2="${fmt(cx)}" y1="${fmt(py(bar.low))}" y2="${fmt(py(bar.high))}" stroke="#333"/>`,
        );
      }
    });
    parts.push(
      `<text x="${fmt(x0 + gi * groupWidth + groupWidth / 2)}" y="${y0 + 16}" text-anchor="middle" font-size="12">${escapeXml(g)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${escapeXml(options.title)}" font-family="sans-serif">
<text x="${f.left}" y="18" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>${yAxis(f, options.yLabel)}<line x1="${x0}" x2="${x1}" y1="${y0}" y2="${y0}" stroke="#999"/>${parts.join('')}${legend(
    series.map((s) => ({ label: s, color: color(s) })),
    x1 + 14,
    y1 + 4,
  )}</svg>`;
}

export interface TrendPoint {
  night: string;
  series: string;
  value: number;
  /** Drawn as a red ring: the night a regression was found. */
  flagged?: boolean;
}

/** One line per series over nights (x is the night's index; labels show dates). */
export function trendChart(points: readonly TrendPoint[], options: { title: string; yLabel: string }): string {
  const nights = [...new Set(points.map((p) => p.night))].sort();
  const series = [...new Set(points.map((p) => p.series))];
  const f: Frame = { width: 620, height: 300, left: 50, right: 150, top: 30, bottom: 50 };
  const { x0, x1, y0, y1 } = plotArea(f);
  const px = (i: number) =>
    nights.length === 1 ? (x0 + x1) / 2 : x0 + 10 + (i * (x1 - x0 - 20)) / (nights.length - 1);
  const py = (v: number) => y0 - v * (y0 - y1);
  const color = (s: string) => PALETTE[series.indexOf(s) % PALETTE.length]!;
  const every = Math.ceil(nights.length / 8);
  const labels = nights
    .map((n, i) =>
      i % every === 0 || i === nights.length - 1
        ? `<text x="${fmt(px(i))}" y="${y0 + 16}" text-anchor="middle" font-size="10">${escapeXml(n.slice(5))}</text>`
        : '',
    )
    .join('');
  const lines = series
    .map((s) => {
      const own = points.filter((p) => p.series === s).sort((a, b) => (a.night < b.night ? -1 : 1));
      const path = own
        .map((p, i) => `${i === 0 ? 'M' : 'L'}${fmt(px(nights.indexOf(p.night)))} ${fmt(py(p.value))}`)
        .join(' ');
      const dots = own
        .map(
          (p) =>
            `<g><title>${escapeXml(`${s} ${p.night}: ${p.value.toFixed(3)}${p.flagged ? ' (regression)' : ''}`)}</title><circle cx="${fmt(px(nights.indexOf(p.night)))}" cy="${fmt(py(p.value))}" r="${p.flagged ? 6 : 3}" fill="${p.flagged ? 'white' : color(s)}" stroke="${p.flagged ? '#c00' : color(s)}" stroke-width="${p.flagged ? 2.5 : 1}"/></g>`,
        )
        .join('');
      return `<path d="${path}" fill="none" stroke="${color(s)}" stroke-width="2"/>${dots}`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${escapeXml(options.title)}" font-family="sans-serif">
<text x="${f.left}" y="18" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>${yAxis(f, options.yLabel)}<line x1="${x0}" x2="${x1}" y1="${y0}" y2="${y0}" stroke="#999"/>${labels}
<text x="${fmt((x0 + x1) / 2)}" y="${f.height - 10}" text-anchor="middle" font-size="12">night</text>${lines}${legend(
    series.map((s) => ({ label: s, color: color(s) })),
    x1 + 14,
    y1 + 4,
  )}</svg>`;
}
