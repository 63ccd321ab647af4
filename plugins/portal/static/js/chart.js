// A small time-series line chart drawn as inline SVG (scales to its container's width).

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 720;
const HEIGHT = 260;
const MARGIN = { top: 16, right: 20, bottom: 36, left: 56 };
const COLORS = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989"];

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Round, readable tick values covering [min, max]. */
export function niceTicks(min, max, count = 5) {
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
  }
  const rough = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) || rough;
  const ticks = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 0.5; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
}

function formatTime(date, spanMs) {
  if (spanMs < 2 * 86400000) return date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  if (spanMs < 365 * 86400000) return date.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  return date.toLocaleDateString(undefined, { year: "numeric", month: "short" });
}

/**
 * @param {Array<{name:string, unit:string, points:Array<{t:Date, v:number}>}>} series
 * @param {{title?: string}} options
 * @returns {SVGSVGElement}
 */
export function timeSeriesChart(series, { title = "Values over time" } = {}) {
  const points = series.flatMap((s) => s.points);
  const root = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "chart", role: "img" });
  const units = [...new Set(series.map((s) => s.unit).filter(Boolean))].join(", ");
  root.append(svg("title", {}, `${title}: ${points.length} values${units ? ` in ${units}` : ""}`));
  if (!points.length) return root;

  const times = points.map((p) => p.t.getTime());
  let [t0, t1] = [Math.min(...times), Math.max(...times)];
  if (t0 === t1) { t0 -= 3600000; t1 += 3600000; }
  const ticksY = niceTicks(Math.min(...points.map((p) => p.v)), Math.max(...points.map((p) => p.v)));
  const [v0, v1] = [ticksY[0], ticksY[ticksY.length - 1]];
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (t) => MARGIN.left + ((t - t0) / (t1 - t0)) * plotW;
  const y = (v) => MARGIN.top + plotH - ((v - v0) / (v1 - v0 || 1)) * plotH;

  const grid = svg("g", { class: "chart-grid" });
  for (const v of ticksY) {
    grid.append(svg("line", { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(v), y2: y(v) }));
    grid.append(svg("text", { x: MARGIN.left - 8, y: y(v) + 4, "text-anchor": "end", class: "chart-label" },
      String(Number(v.toPrecision(6)))));
  }
  const xTicks = 5;
  for (let i = 0; i <= xTicks; i += 1) {
    const t = t0 + ((t1 - t0) * i) / xTicks;
    grid.append(svg("text", { x: x(t), y: HEIGHT - MARGIN.bottom + 18, "text-anchor": "middle", class: "chart-label" },
      formatTime(new Date(t), t1 - t0)));
  }
  grid.append(svg("line", { x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: MARGIN.top + plotH, class: "chart-axis" }));
  grid.append(svg("line", { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: MARGIN.top + plotH, y2: MARGIN.top + plotH,
    class: "chart-axis" }));
  root.append(grid);

  series.forEach((s, index) => {
    const color = COLORS[index % COLORS.length];
    const group = svg("g", { class: "chart-series", "data-series": s.name });
    group.append(svg("polyline", { fill: "none", stroke: color, "stroke-width": 2,
      points: s.points.map((p) => `${x(p.t.getTime()).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ") }));
    for (const p of s.points) {
      const dot = svg("circle", { cx: x(p.t.getTime()).toFixed(1), cy: y(p.v).toFixed(1), r: 3.5, fill: color });
      dot.append(svg("title", {}, `${s.name}: ${p.v}${s.unit ? ` ${s.unit}` : ""} at ${p.t.toLocaleString()}`));
      group.append(dot);
    }
    root.append(group);
  });
  return root;
}

/** The legend for a chart, as HTML (wraps nicely on narrow screens). */
export function chartLegend(series) {
  const list = document.createElement("ul");
  list.className = "chart-legend";
  series.forEach((s, index) => {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = `swatch swatch-${index % COLORS.length}`;
    item.append(swatch, `${s.name}${s.unit ? ` (${s.unit})` : ""}: ${s.points.length} values`);
    list.append(item);
  });
  return list;
}
