// Charts: a thin layer over Chart.js (global `Chart`, copied from npm into lib/chartjs by npm.targets) with the
// page's colours, an aria-label on every canvas and the same numbers as a table in a <details> beside it, plus an
// inline-SVG sparkline that needs no library. Labels and values reach the DOM only as text.
import { h, clear } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

// Colour-blind-friendly series colours (Okabe–Ito and Tol), readable on light and dark surfaces; past the
// palette, series repeat the colours with a dashed line.
const SERIES = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#882255', '#44aa99', '#999933', '#aa4499'];
export const INSTITUTION_COLOURS = { NATO: '#0b5cad', EP: '#c2410c', Other: '#6b7280' };

export function seriesColour(index) {
  return SERIES[index % SERIES.length];
}

function cssVar(name, fallback) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

function themed() {
  const text = cssVar('--text', '#17202b');
  const muted = cssVar('--muted', '#4b5563');
  const grid = cssVar('--border', '#d5dbe3');
  const reduced = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  return { text, muted, grid, animation: reduced ? false : { duration: 300 } };
}

/**
 * A chart area inside `container` (emptied): a canvas labelled `ariaLabel` and a "Show data" table.
 * Returns { canvas, table, status } so a caller can also show a message.
 */
function frame(container, ariaLabel) {
  clear(container);
  const box = h('div', 'chart-box');
  const canvas = h('canvas', 'chart-canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', ariaLabel);
  // Fallback content for browsers without canvas; the table below is the accessible version.
  canvas.textContent = `${ariaLabel}. The data is in the table below.`;
  box.append(canvas);
  const details = h('details', 'chart-data');
  details.append(h('summary', null, 'Show data'));
  const table = h('table', 'data-table');
  const wrap = h('div', 'table-wrap');
  wrap.append(table);
  details.append(wrap);
  container.append(box, details);
  return { canvas, table };
}

/** Fills a table: a caption, a header row [corner, ...columns], and one row per label. */
function fillTable(table, caption, corner, labels, datasets) {
  clear(table);
  table.append(h('caption', null, caption));
  const head = h('thead');
  const headRow = h('tr');
  const cornerCell = h('th', null, corner);
  cornerCell.setAttribute('scope', 'col');
  headRow.append(cornerCell);
  for (const dataset of datasets) {
    const th = h('th', null, dataset.label);
    th.setAttribute('scope', 'col');
    headRow.append(th);
  }
  head.append(headRow);
  const body = h('tbody');
  labels.forEach((label, i) => {
    const row = h('tr');
    const th = h('th', null, label);
    th.setAttribute('scope', 'row');
    row.append(th);
    for (const dataset of datasets) row.append(h('td', 'num', String(dataset.data[i] ?? 0)));
    body.append(row);
  });
  table.append(head, body);
}

const charts = new WeakMap();
const shortDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Axis text: ISO days as "Sep 1", long category names cut to 28 characters (the table has them whole). */
function tickText(label) {
  const text = String(label ?? '');
  if (ISO_DAY.test(text)) return shortDay.format(new Date(`${text}T00:00:00Z`));
  return text.length > 28 ? `${text.slice(0, 27)}…` : text;
}

function draw(container, type, spec) {
  charts.get(container)?.destroy();
  charts.delete(container);
  const { canvas, table } = frame(container, spec.ariaLabel);
  fillTable(table, spec.caption ?? spec.ariaLabel, spec.corner ?? '', spec.labels, spec.datasets);
  const ChartJs = globalThis.Chart;
  if (!ChartJs) {
    const note = h('p', 'status status-error', 'The chart script did not load (build the dashboard so npm.targets copies it); the numbers are in the table.');
    container.prepend(note);
    container.querySelector('details')?.setAttribute('open', '');
    return null;
  }
  const theme = themed();
  const category = { color: theme.muted, maxRotation: 0, autoSkip: true, autoSkipPadding: 12, callback(value) { return tickText(this.getLabelForValue(value)); } };
  const numeric = { color: theme.muted, precision: 0 };
  const datasets = spec.datasets.map((dataset, i) => {
    const colour = dataset.colour ?? seriesColour(i);
    return type === 'line'
      ? {
        label: dataset.label, data: dataset.data, borderColor: colour, backgroundColor: colour,
        borderWidth: 2, pointRadius: spec.labels.length > 60 ? 0 : 2, tension: 0.2,
        borderDash: i >= SERIES.length ? [6, 4] : undefined,
      }
      : { label: dataset.label, data: dataset.data, backgroundColor: colour, borderColor: colour, borderWidth: 1 };
  });
  const chart = new ChartJs(canvas, {
    type,
    data: { labels: spec.labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: theme.animation,
      indexAxis: spec.horizontal ? 'y' : 'x',
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { display: datasets.length > 1, position: 'bottom', labels: { color: theme.text, boxWidth: 14 } },
        tooltip: { enabled: true },
      },
      scales: {
        x: { stacked: !!spec.stacked, beginAtZero: true, ticks: spec.horizontal ? numeric : category, grid: { color: theme.grid } },
        y: { stacked: !!spec.stacked, beginAtZero: true, ticks: spec.horizontal ? { ...category, autoSkip: false } : numeric, grid: { color: theme.grid } },
      },
    },
  });
  charts.set(container, chart);
  return chart;
}

/**
 * A line chart in `container`: spec = { ariaLabel, caption?, corner?, labels: string[], datasets: [{ label, data: number[], colour? }] }.
 */
export function lineChart(container, spec) {
  return draw(container, 'line', spec);
}

/** A bar chart; spec as lineChart plus stacked?, horizontal?. */
export function barChart(container, spec) {
  return draw(container, 'bar', spec);
}

/**
 * An inline-SVG sparkline of `values` (oldest first): a polyline with the last point marked, labelled for screen
 * readers by `label` (e.g. "Daily statements, last 30 days: 0 to 12, today 3").
 */
export function sparkline(values, label, { width = 160, height = 32 } = {}) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('focusable', 'false');
  const title = document.createElementNS(SVG, 'title');
  title.textContent = label;
  svg.append(title);
  drawSparkline(svg, values, width, height);
  return svg;
}

/** Redraws an existing sparkline with new values (and label). */
export function updateSparkline(svg, values, label) {
  const [, , width, height] = svg.getAttribute('viewBox').split(' ').map(Number);
  for (const child of [...svg.children]) if (child.tagName !== 'title') child.remove();
  if (label) {
    svg.setAttribute('aria-label', label);
    svg.querySelector('title').textContent = label;
  }
  drawSparkline(svg, values, width, height);
}

function drawSparkline(svg, values, width, height) {
  const numbers = values.map((v) => (Number.isFinite(Number(v)) ? Number(v) : 0));
  const pad = 3;
  const max = Math.max(1, ...numbers);
  const step = numbers.length > 1 ? (width - 2 * pad) / (numbers.length - 1) : 0;
  const points = numbers.map((v, i) => [pad + i * step, height - pad - (v / max) * (height - 2 * pad)]);
  const baseline = document.createElementNS(SVG, 'line');
  baseline.setAttribute('class', 'sparkline-base');
  baseline.setAttribute('x1', String(pad));
  baseline.setAttribute('x2', String(width - pad));
  baseline.setAttribute('y1', String(height - pad));
  baseline.setAttribute('y2', String(height - pad));
  svg.append(baseline);
  if (points.length === 0) return;
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('class', 'sparkline-line');
  line.setAttribute('points', points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '));
  svg.append(line);
  const [lx, ly] = points[points.length - 1];
  const dot = document.createElementNS(SVG, 'circle');
  dot.setAttribute('class', 'sparkline-dot');
  dot.setAttribute('cx', lx.toFixed(1));
  dot.setAttribute('cy', ly.toFixed(1));
  dot.setAttribute('r', '2.5');
  svg.append(dot);
}

/** "YYYY-MM-DD" of a UTC date. */
export function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

/**
 * Consecutive bucket starts (UTC days or ISO weeks starting Monday) from `from` to `to` inclusive, as "YYYY-MM-DD",
 * so gaps with no statements show as zero.
 */
export function buckets(from, to, interval) {
  const start = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  if (interval === 'week') start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  const days = interval === 'week' ? 7 : 1;
  const result = [];
  for (const d = start; d <= to && result.length < 2000; d.setUTCDate(d.getUTCDate() + days)) result.push(isoDay(d));
  return result;
}
