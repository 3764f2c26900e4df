/**
 * Inline SVG charts for the HTML report, drawn as text on the host (the page
 * needs no script and no network). Every data mark carries class `mark` and a
 * `<title>` tooltip, so a test (or a reader) can count what was drawn; a chart
 * with nothing to draw says so in words instead.
 */

/** One named, coloured series of values. */
export interface Series {
  name: string;
  color: string;
  values: readonly number[];
}

/** A labelled row of a horizontal bar chart: one value per legend entry, stacked. */
export interface BarRow {
  label: string;
  values: readonly number[];
}

const WIDTH = 760;
const PLOT_LEFT = 64;
const PLOT_RIGHT = 16;
const PLOT_TOP = 12;
const AXIS_BELOW = 34;

/** Text made safe for SVG and HTML. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A compact number: 1234 -> `1,234`, 2.5e6 -> `2.5M`, fractions to 3 significant digits. */
export function formatNumber(value: number): string {
  if (Math.abs(value) >= 1e9) return `${+(value / 1e9).toPrecision(3)}G`;
  if (Math.abs(value) >= 1e6) return `${+(value / 1e6).toPrecision(3)}M`;
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return String(+value.toPrecision(3));
}

/** The sentence shown where a chart has nothing to draw. */
export function noData(what: string): string {
  return `<p class="empty">No ${escapeXml(what)} in this trace.</p>`;
}

function axes(height: number, yMax: number, xLabel: string, xMax: number, yLabel: string): string {
  const bottom = height - AXIS_BELOW;
  const right = WIDTH - PLOT_RIGHT;
  return [
    `<line class="axis" x1="${PLOT_LEFT}" y1="${bottom}" x2="${right}" y2="${bottom}"/>`,
    `<line class="axis" x1="${PLOT_LEFT}" y1="${PLOT_TOP}" x2="${PLOT_LEFT}" y2="${bottom}"/>`,
    `<text class="tick" x="${PLOT_LEFT - 6}" y="${PLOT_TOP + 4}" text-anchor="end">${formatNumber(yMax)}</text>`,
    `<text class="tick" x="${PLOT_LEFT - 6}" y="${bottom}" text-anchor="end">0</text>`,
    `<text class="tick" x="${PLOT_LEFT}" y="${bottom + 14}">0</text>`,
    `<text class="tick" x="${right}" y="${bottom + 14}" text-anchor="end">${formatNumber(xMax)}</text>`,
    `<text class="label" x="${(PLOT_LEFT + right) / 2}" y="${height - 4}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text class="label" transform="translate(12 ${(PLOT_TOP + bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
  ].join('');
}

function legend(series: readonly { name: string; color: string }[]): string {
  return `<ul class="legend">${series.map((s) => `<li><span class="swatch" style="background:${s.color}"></span>${escapeXml(s.name)}</li>`).join('')}</ul>`;
}

/**
 * Stacked columns over time: one column per bucket of `bucketWidth`
 * instructions, one stacked segment per series.
 */
export function stackedColumns(series: readonly Series[], bucketWidth: number, xLabel: string, yLabel: string): string {
  const buckets = series[0]?.values.length ?? 0;
  const totals = Array.from({ length: buckets }, (_, bucket) => series.reduce((sum, s) => sum + (s.values[bucket] ?? 0), 0));
  const yMax = Math.max(0, ...totals);
  if (yMax === 0) return noData(yLabel);
  const height = 240;
  const plotHeight = height - AXIS_BELOW - PLOT_TOP;
  const columnWidth = (WIDTH - PLOT_LEFT - PLOT_RIGHT) / buckets;
  const marks: string[] = [];
  for (let bucket = 0; bucket < buckets; bucket++) {
    let y = height - AXIS_BELOW;
    for (const s of series) {
      const value = s.values[bucket] ?? 0;
      if (value === 0) continue;
      const barHeight = (value / yMax) * plotHeight;
      y -= barHeight;
      const from = bucket * bucketWidth;
      marks.push(`<rect class="mark" x="${(PLOT_LEFT + bucket * columnWidth).toFixed(2)}" y="${y.toFixed(2)}" width="${Math.max(0.5, columnWidth - 0.5).toFixed(2)}" height="${Math.max(0.5, barHeight).toFixed(2)}" fill="${s.color}"><title>${escapeXml(s.name)}: ${formatNumber(value)} at icount ${formatNumber(from)}..${formatNumber(from + bucketWidth)}</title></rect>`);
    }
  }
  return `<svg viewBox="0 0 ${WIDTH} ${height}" role="img">${axes(height, yMax, xLabel, buckets * bucketWidth, yLabel)}${marks.join('')}</svg>${series.length > 1 ? legend(series) : ''}`;
}

/** A line over time with a dot per bucket that has a value (undefined = no instructions ran there). */
export function lineChart(values: readonly (number | undefined)[], bucketWidth: number, color: string, xLabel: string, yLabel: string): string {
  const defined = values.filter((v): v is number => v !== undefined);
  const yMax = Math.max(0, ...defined);
  if (defined.length === 0 || yMax === 0) return noData(yLabel);
  const height = 220;
  const plotHeight = height - AXIS_BELOW - PLOT_TOP;
  const step = (WIDTH - PLOT_LEFT - PLOT_RIGHT) / values.length;
  const points: string[] = [];
  const marks: string[] = [];
  values.forEach((value, bucket) => {
    if (value === undefined) return;
    const x = PLOT_LEFT + (bucket + 0.5) * step;
    const y = height - AXIS_BELOW - (value / yMax) * plotHeight;
    points.push(`${x.toFixed(2)},${y.toFixed(2)}`);
    marks.push(`<circle class="mark" cx="${x.toFixed(2)}" cy="${y.toFixed(2)}" r="2.5" fill="${color}"><title>${formatNumber(value)} at icount ${formatNumber(bucket * bucketWidth)}</title></circle>`);
  });
  return `<svg viewBox="0 0 ${WIDTH} ${height}" role="img">${axes(height, yMax, xLabel, values.length * bucketWidth, yLabel)}<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${points.join(' ')}"/>${marks.join('')}</svg>`;
}

/** Horizontal bars, one row per label, each stacked from the `parts` legend (e.g. reads and writes). */
export function horizontalBars(rows: readonly BarRow[], parts: readonly { name: string; color: string }[], what: string): string {
  const totals = rows.map((row) => row.values.reduce((sum, v) => sum + v, 0));
  const max = Math.max(0, ...totals);
  if (rows.length === 0 || max === 0) return noData(what);
  const rowHeight = 22;
  const labelWidth = 260;
  const height = rows.length * rowHeight + 8;
  const plotWidth = WIDTH - labelWidth - 90;
  const marks: string[] = [];
  rows.forEach((row, index) => {
    const y = 4 + index * rowHeight;
    marks.push(`<text class="tick" x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeXml(row.label)}</text>`);
    let x = labelWidth;
    row.values.forEach((value, part) => {
      if (value === 0) return;
      const width = Math.max(1, (value / max) * plotWidth);
      marks.push(`<rect class="mark" x="${x.toFixed(2)}" y="${y + 3}" width="${width.toFixed(2)}" height="${rowHeight - 6}" fill="${parts[part]!.color}"><title>${escapeXml(row.label)}: ${formatNumber(value)} ${escapeXml(parts[part]!.name)}</title></rect>`);
      x += width;
    });
    marks.push(`<text class="tick" x="${(x + 6).toFixed(2)}" y="${y + 15}">${formatNumber(totals[index]!)}</text>`);
  });
  return `<svg viewBox="0 0 ${WIDTH} ${height}" role="img">${marks.join('')}</svg>${parts.length > 1 ? legend(parts) : ''}`;
}

/**
 * Lanes over time (one per hart): each bucket a column split by the share
 * of its instructions spent in each mode.
 */
export function laneTimeline(lanes: readonly { label: string; buckets: readonly (readonly number[])[] }[], modes: readonly { name: string; color: string }[], bucketWidth: number, xLabel: string): string {
  const drawn = lanes.filter((lane) => lane.buckets.some((bucket) => bucket.some((v) => v > 0)));
  if (drawn.length === 0) return noData('privilege mode changes');
  const laneHeight = 28;
  const height = drawn.length * (laneHeight + 6) + AXIS_BELOW;
  const buckets = drawn[0]!.buckets.length;
  const columnWidth = (WIDTH - PLOT_LEFT - PLOT_RIGHT) / buckets;
  const marks: string[] = [];
  drawn.forEach((lane, index) => {
    const top = index * (laneHeight + 6);
    marks.push(`<text class="tick" x="${PLOT_LEFT - 6}" y="${top + laneHeight / 2 + 4}" text-anchor="end">${escapeXml(lane.label)}</text>`);
    lane.buckets.forEach((shares, bucket) => {
      const total = shares.reduce((sum, v) => sum + v, 0);
      if (total === 0) return;
      let y = top;
      shares.forEach((share, mode) => {
        if (share === 0) return;
        const h = (share / total) * laneHeight;
        marks.push(`<rect class="mark" x="${(PLOT_LEFT + bucket * columnWidth).toFixed(2)}" y="${y.toFixed(2)}" width="${(columnWidth + 0.3).toFixed(2)}" height="${h.toFixed(2)}" fill="${modes[mode]!.color}"><title>${escapeXml(lane.label)} ${escapeXml(modes[mode]!.name)}: ${formatNumber(share)} instructions at icount ${formatNumber(bucket * bucketWidth)}</title></rect>`);
        y += h;
      });
    });
  });
  const bottom = height - AXIS_BELOW;
  const right = WIDTH - PLOT_RIGHT;
  const axis = `<line class="axis" x1="${PLOT_LEFT}" y1="${bottom}" x2="${right}" y2="${bottom}"/><text class="tick" x="${PLOT_LEFT}" y="${bottom + 14}">0</text><text class="tick" x="${right}" y="${bottom + 14}" text-anchor="end">${formatNumber(buckets * bucketWidth)}</text><text class="label" x="${(PLOT_LEFT + right) / 2}" y="${height - 4}" text-anchor="middle">${escapeXml(xLabel)}</text>`;
  return `<svg viewBox="0 0 ${WIDTH} ${height}" role="img">${marks.join('')}${axis}</svg>${legend(modes)}`;
}
