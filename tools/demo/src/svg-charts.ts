/** Escapes text for HTML and SVG content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Round tick values from 0 to at least `max` (1, 2 or 5 times a power of ten apart, at least `minStep`). */
export function niceTicks(max: number, count = 5, minStep = 0): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = Math.max(max / count, minStep);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((factor) => factor * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let value = 0; value < max + step; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

/** One line of a {@link lineChart}: (x, y) points in x order. */
export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

const WIDTH = 720;
const HEIGHT = 260;
const MARGIN = { top: 46, right: 16, bottom: 40, left: 64 } as const;
/** Rough width of one legend character at font size 11. */
const CHAR_WIDTH = 6.2;
const FONT = 'font-family="system-ui, sans-serif" font-size="11" fill="#444"';

const compact = (value: number): string => (value >= 10_000 ? `${Number((value / 1000).toPrecision(3))}k` : String(Number(value.toPrecision(4))));

/**
 * An inline SVG line chart with axes, ticks and a legend; no script, no external asset.
 *
 * @example
 * lineChart({ title: 'Throughput', xLabel: 'seconds', yLabel: 'events/s', series: [{ name: 'output', color: '#1f77b4', points: [[0, 10], [1, 12]] }] });
 */
export function lineChart(options: { readonly title: string; readonly xLabel: string; readonly yLabel: string; readonly series: readonly ChartSeries[] }): string {
  const all = options.series.flatMap(({ points }) => points);
  const xTicks = niceTicks(Math.max(1, ...all.map(([x]) => x)), 8, 1); // whole seconds
  const yTicks = niceTicks(Math.max(0, ...all.map(([, y]) => y)));
  const xMax = xTicks[xTicks.length - 1] ?? 1;
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number): number => MARGIN.left + (x / xMax) * plotWidth;
  const sy = (y: number): number => MARGIN.top + plotHeight - (y / yMax) * plotHeight;
  const round = (value: number): string => value.toFixed(1);

  const grid = yTicks.map(
    (tick) =>
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${round(sy(tick))}" y2="${round(sy(tick))}" stroke="#e5e5e5"/>` +
      `<text x="${MARGIN.left - 6}" y="${round(sy(tick) + 4)}" text-anchor="end" ${FONT}>${compact(tick)}</text>`,
  );
  const xAxis = xTicks.map((tick) => `<text x="${round(sx(tick))}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" ${FONT}>${compact(tick)}</text>`);
  const lines = options.series
    .filter(({ points }) => points.length > 0)
    .map(
      ({ name, color, points }) =>
        `<polyline fill="none" stroke="${escapeHtml(color)}" stroke-width="1.8" points="${points.map(([x, y]) => `${round(sx(x))},${round(sy(y))}`).join(' ')}"><title>${escapeHtml(name)}</title></polyline>`,
    );
  let legendX = MARGIN.left;
  const legend = options.series.map(({ name, color }) => {
    const x = legendX;
    legendX += 40 + name.length * CHAR_WIDTH;
    return (
      `<rect x="${x.toFixed(1)}" y="${MARGIN.top - 17}" width="14" height="3" fill="${escapeHtml(color)}"/>` +
      `<text x="${(x + 18).toFixed(1)}" y="${MARGIN.top - 12}" ${FONT}>${escapeHtml(name)}</text>`
    );
  });
  return [
    `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(options.title)}">`,
    `<text x="${MARGIN.left}" y="14" font-family="system-ui, sans-serif" font-size="13" font-weight="600" fill="#222">${escapeHtml(options.title)}</text>`,
    ...grid,
    ...xAxis,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#999"/>`,
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight}" stroke="#999"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 6}" text-anchor="middle" ${FONT}>${escapeHtml(options.xLabel)}</text>`,
    `<text transform="translate(14 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" ${FONT}>${escapeHtml(options.yLabel)}</text>`,
    ...lines,
    ...legend,
    '</svg>',
  ].join('\n');
}

/** An inline SVG horizontal bar chart (one labelled bar per entry, value at its end). */
export function barChart(options: { readonly title: string; readonly bars: readonly { readonly label: string; readonly value: number }[]; readonly color: string }): string {
  const rowHeight = 24;
  const labelWidth = 150;
  const height = 30 + Math.max(1, options.bars.length) * rowHeight;
  const max = Math.max(1, ...options.bars.map(({ value }) => value));
  const barSpace = WIDTH - labelWidth - 70;
  const rows = options.bars.map(({ label, value }, index) => {
    const y = 26 + index * rowHeight;
    const width = Math.max(1, (value / max) * barSpace);
    return (
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" ${FONT}>${escapeHtml(label)}</text>` +
      `<rect x="${labelWidth}" y="${y + 3}" width="${width.toFixed(1)}" height="${rowHeight - 8}" fill="${escapeHtml(options.color)}"><title>${escapeHtml(`${label}: ${value}`)}</title></rect>` +
      `<text x="${(labelWidth + width + 6).toFixed(1)}" y="${y + 15}" ${FONT}>${value.toLocaleString('en-US')}</text>`
    );
  });
  const empty = options.bars.length === 0 ? [`<text x="${labelWidth}" y="42" ${FONT}>none</text>`] : [];
  return [
    `<svg viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}">`,
    `<text x="0" y="14" font-family="system-ui, sans-serif" font-size="13" font-weight="600" fill="#222">${escapeHtml(options.title)}</text>`,
    ...rows,
    ...empty,
    '</svg>',
  ].join('\n');
}
