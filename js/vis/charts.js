// Quick charts of the Tour: value counts as horizontal bars or a pie, numbers over time as lines, and histograms.
// The geometry (top-N with "other", scales, ticks, wedge angles, colours) comes from wasm (src/vis/charts.rs);
// this file draws it on a canvas, with all text through fillText.

import * as wasm from "../huntbook_wasm.js";
import { el } from "../widgets/dom.js";
import { frameOf } from "./options.js";
import {
  injectStyle, pixelRatio, hidpiCanvas, fitText, canvasToPNG, downloadBlob, fileName, newCanvas, hasDom, Picture,
  FONT, TITLE_FONT, AXIS, TEXT,
} from "./canvas.js";

/**
 * The geometry of chart `fn` from wasm (`geometry(frame, options)`) and the options as Rust read them (snake_case,
 * defaults filled): `chart(df, "column", opts)` and `chart(df, {column, ...opts})` are the same.
 */
function chartData(fn, geometry, df, columnOrOpts, opts, key = "column") {
  const o = typeof columnOrOpts === "string" ? { ...opts, [key]: columnOrOpts } : { ...(columnOrOpts || {}), ...opts };
  return JSON.parse(geometry(frameOf(df, fn), o));
}

/** A chart canvas (an OffscreenCanvas in a Worker) and a context to measure text with (in the chart font). */
function chartCanvas(fn) {
  const canvas = newCanvas(fn);
  if (hasDom()) canvas.className = "huntbook-plot";
  const probe = canvas.getContext("2d");
  probe.font = FONT;
  return { canvas, probe };
}

/** Sizes the canvas to `W × H` CSS pixels at the page's pixel ratio and paints it white: the drawing context. */
function paper(canvas, W, H) {
  const ctx = hidpiCanvas(canvas, W, H, pixelRatio());
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  return ctx;
}

/**
 * The chart's element (title, canvas, note) with a DOM; without one (a Worker) a Picture of the same: the title
 * above the canvas and the note below it. `c` is the geometry from wasm (`.chart` of either).
 */
function chartOutput(title, canvas, note, kind, df, c) {
  const partial = df?.error ? `Partial result — the service reported: ${df.error.message ?? df.error}` : "";
  note = [partial, note].filter(Boolean).join("; ");
  if (!hasDom()) return chartPicture(title, canvas, note, kind, c);
  const root = chartElement(title, canvas, note, kind);
  root.chart = c;
  return root;
}

function chartPicture(title, canvas, note, kind, c) {
  const ratio = pixelRatio();
  const w = canvas.width / ratio;
  const h = canvas.height / ratio;
  const titleH = 22;
  const noteH = note ? 16 : 0;
  const out = newCanvas(kind);
  const x = hidpiCanvas(out, w, titleH + h + noteH, ratio);
  x.fillStyle = "#fff";
  x.fillRect(0, 0, w, titleH + h + noteH);
  x.font = TITLE_FONT;
  x.fillStyle = TEXT;
  x.textBaseline = "middle";
  x.fillText(fitText(x, title, w - 8), 4, titleH / 2);
  x.drawImage(canvas, 0, titleH, w, h);
  if (note) {
    x.font = FONT;
    x.fillStyle = "#666";
    x.fillText(fitText(x, note, w - 8), 4, titleH + h + noteH / 2);
  }
  return new Picture(out, { kind, title, chart: c });
}

function chartElement(title, canvas, note, kind) {
  injectStyle();
  const root = el("div", { class: "huntbook-chart" }, el("div", { class: "huntbook-title", text: title }), canvas);
  if (note) root.append(el("div", { class: "huntbook-notes", text: note }));
  root.dataset.kind = kind;
  root.toPNG = () => canvasToPNG(canvas);
  root.downloadPNG = async (filename) => {
    const b = await root.toPNG();
    downloadBlob(b, filename || fileName(title));
    return b;
  };
  return root;
}

function plural(n, one, many) {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

function drawXTicks(ctx, ticks, x0, y0, h, grid = true) {
  ctx.font = FONT;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  let lastRight = -Infinity;
  for (const t of ticks) {
    const x = Math.round(x0 + t.px) + 0.5;
    if (grid) {
      ctx.strokeStyle = "#e5e5e5";
      ctx.beginPath();
      ctx.moveTo(x, y0);
      ctx.lineTo(x, y0 + h);
      ctx.stroke();
    }
    ctx.strokeStyle = AXIS;
    ctx.beginPath();
    ctx.moveTo(x, y0 + h);
    ctx.lineTo(x, y0 + h + 4);
    ctx.stroke();
    const w = ctx.measureText(t.label).width;
    if (x - w / 2 < lastRight + 4) continue;
    ctx.fillStyle = TEXT;
    ctx.fillText(t.label, x, y0 + h + 6);
    lastRight = x + w / 2;
  }
}

function drawYTicks(ctx, ticks, x0, y0, w) {
  ctx.font = FONT;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of ticks) {
    const y = Math.round(y0 + t.px) + 0.5;
    ctx.strokeStyle = "#e5e5e5";
    ctx.beginPath();
    ctx.moveTo(x0, y);
    ctx.lineTo(x0 + w, y);
    ctx.stroke();
    ctx.fillStyle = TEXT;
    ctx.fillText(t.label, x0 - 6, y);
  }
}

/**
 * Horizontal bars of a column's value counts, most frequent at the top (pandas `value_counts().plot.barh()`):
 * `barChart(df, "IPAddress", {top_n: 10})` or `barChart(df, {column, top_n, other_label, include_other, dropna,
 * width, height, color, title, xlabel})`.
 */
export function barChart(df, columnOrOpts, opts = {}) {
  const { chart: c, options: o } = chartData("barChart", wasm.barChartJSON, df, columnOrOpts, opts);
  const { canvas, probe } = chartCanvas("barChart");
  const ML = Math.ceil(Math.min(220, Math.max(20, ...c.bars.map((b) => probe.measureText(b.label).width)))) + 12;
  const countW = Math.ceil(probe.measureText(String(Math.max(0, ...c.bars.map((b) => b.count)))).width) + 10;
  const MT = 6;
  const MB = 36;
  const ctx = paper(canvas, ML + c.width + countW, MT + c.height + MB);
  drawXTicks(ctx, c.x_ticks, ML, MT, c.height);
  ctx.font = FONT;
  for (const b of c.bars) {
    ctx.fillStyle = b.color;
    ctx.fillRect(ML + b.x, MT + b.y, Math.max(1, b.width), b.height);
    ctx.fillStyle = TEXT;
    ctx.textBaseline = "middle";
    ctx.textAlign = "right";
    ctx.fillText(fitText(ctx, b.label, ML - 12), ML - 6, MT + b.label_y);
    ctx.textAlign = "left";
    ctx.fillText(String(b.count), ML + b.x + Math.max(1, b.width) + 4, MT + b.label_y);
  }
  ctx.strokeStyle = AXIS;
  ctx.beginPath();
  ctx.moveTo(ML + 0.5, MT);
  ctx.lineTo(ML + 0.5, MT + c.height);
  ctx.lineTo(ML + c.width, MT + c.height + 0.5);
  ctx.stroke();
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillStyle = "#666";
  ctx.fillText(o.xlabel ?? "count", ML + c.width / 2, MT + c.height + 21);
  const notes = [`${plural(c.categories, "distinct value", "distinct values")}, ${plural(c.total, "row", "rows")}`];
  if (c.nulls) notes.push(`${plural(c.nulls, "null was", "nulls were")} left out`);
  return chartOutput(o.title ?? `${o.column} counts`, canvas, notes.join("; "), "bar", df, c);
}

/**
 * A pie of a column's value counts, largest first from 12 o'clock, top N + "other", with a legend:
 * `pieChart(df, "IPAddress", {top_n: 8})` (options: column, top_n, other_label, dropna, size, title, legend).
 */
export function pieChart(df, columnOrOpts, opts = {}) {
  const { chart: c, options: o } = chartData("pieChart", wasm.pieChartJSON, df, columnOrOpts, opts);
  const { canvas, probe } = chartCanvas("pieChart");
  const legend = o.legend;
  const size = Math.round(c.cx * 2);
  const legendW = legend ? Math.ceil(Math.min(260, Math.max(40, ...c.wedges.map((w) => probe.measureText(`${w.label} (${w.count})`).width)))) + 30 : 0;
  const ctx = paper(canvas, size + legendW, Math.max(size, 16 * c.wedges.length + 12));
  for (const w of c.wedges) {
    ctx.beginPath();
    ctx.moveTo(c.cx, c.cy);
    if (w.fraction >= 1) ctx.arc(c.cx, c.cy, c.radius, 0, Math.PI * 2);
    else ctx.arc(c.cx, c.cy, c.radius, w.start_angle, w.end_angle);
    ctx.closePath();
    ctx.fillStyle = w.color;
    ctx.fill();
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 1;
    ctx.stroke();
  }
  ctx.font = FONT;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (const w of c.wedges) {
    if (w.fraction < 0.04) continue;
    ctx.fillStyle = "#fff";
    ctx.fillText(w.percent, w.text_x, w.text_y);
  }
  if (legend) {
    ctx.textAlign = "left";
    let y = 12;
    for (const w of c.wedges) {
      ctx.fillStyle = w.color;
      ctx.fillRect(size + 6, y - 5, 10, 10);
      ctx.fillStyle = TEXT;
      ctx.fillText(fitText(ctx, `${w.label} (${w.count})`, legendW - 26), size + 22, y);
      y += 16;
    }
  }
  const note = c.nulls ? `${plural(c.nulls, "null was", "nulls were")} left out` : "";
  return chartOutput(o.title ?? `${o.column}`, canvas, note, "pie", df, c);
}

/**
 * Numeric columns against a time column, one line each (pandas `df.plot(x=..., y=[...])`):
 * `lineChart(df, {x: "TimeGenerated", y: ["SentBytes"]})` or `lineChart(df, "SentBytes")`.
 */
export function lineChart(df, yOrOpts, opts = {}) {
  const { chart: c, options: o } = chartData("lineChart", wasm.lineChartJSON, df, yOrOpts, opts, "y");
  const { canvas, probe } = chartCanvas("lineChart");
  const ML = Math.ceil(Math.max(24, ...c.y_ticks.map((t) => probe.measureText(t.label).width))) + 12 + (o.ylabel ? 16 : 0);
  const MT = 8;
  const legendH = c.series.length > 1 ? 18 : 0;
  const MB = 36 + legendH;
  const H = MT + c.height + MB;
  const ctx = paper(canvas, ML + c.width + 16, H);
  drawYTicks(ctx, c.y_ticks, ML, MT, c.width);
  drawXTicks(ctx, c.x_ticks.ticks, ML, MT, c.height, false);
  ctx.save();
  ctx.beginPath();
  ctx.rect(ML, MT, c.width, c.height);
  ctx.clip();
  for (const s of c.series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    s.points.forEach((p, i) => (i ? ctx.lineTo(ML + p.x, MT + p.y) : ctx.moveTo(ML + p.x, MT + p.y)));
    ctx.stroke();
    if (s.points.length < 200) {
      ctx.fillStyle = s.color;
      for (const p of s.points) ctx.fillRect(ML + p.x - 1.5, MT + p.y - 1.5, 3, 3);
    }
  }
  ctx.restore();
  ctx.strokeStyle = AXIS;
  ctx.strokeRect(ML + 0.5, MT + 0.5, c.width, c.height);
  ctx.fillStyle = "#666";
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  ctx.fillText(`${c.x_ticks.context ? `${c.x_ticks.context} · ` : ""}${o.x} (UTC)`, ML, MT + c.height + 21);
  if (o.ylabel) {
    ctx.save();
    ctx.translate(10, MT + c.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText(String(o.ylabel), 0, 0);
    ctx.restore();
  }
  if (legendH) {
    let lx = ML;
    ctx.textBaseline = "middle";
    for (const s of c.series) {
      ctx.fillStyle = s.color;
      ctx.fillRect(lx, H - 12, 14, 3);
      ctx.fillStyle = TEXT;
      const label = fitText(ctx, s.label, 400);
      ctx.fillText(label, lx + 18, H - 10);
      lx += 30 + ctx.measureText(label).width;
    }
  }
  const note = c.skipped ? `${plural(c.skipped, "point without a time or number was", "points without a time or number were")} skipped` : "";
  return chartOutput(o.title ?? o.y.join(", "), canvas, note, "line", df, c);
}

/**
 * Equal-width bins of a numeric or datetime column: `histogram(df, "SentBytes", {bins: 20})`
 * (options: column, bins, width, height, color, title).
 */
export function histogram(df, columnOrOpts, opts = {}) {
  const { chart: c, options: o } = chartData("histogram", wasm.histogramJSON, df, columnOrOpts, opts);
  const { canvas, probe } = chartCanvas("histogram");
  const ML = Math.ceil(Math.max(24, ...c.y_ticks.map((t) => probe.measureText(t.label).width))) + 12;
  const MT = 8;
  const MB = 38;
  const ctx = paper(canvas, ML + c.width + 24, MT + c.height + MB);
  drawYTicks(ctx, c.y_ticks, ML, MT, c.width);
  ctx.fillStyle = c.color;
  for (const b of c.bins) if (b.count > 0) ctx.fillRect(ML + b.x, MT + b.y, Math.max(1, b.width - 1), Math.max(1, b.height));
  drawXTicks(ctx, c.x_ticks, ML, MT, c.height, false);
  ctx.strokeStyle = AXIS;
  ctx.beginPath();
  ctx.moveTo(ML + 0.5, MT);
  ctx.lineTo(ML + 0.5, MT + c.height + 0.5);
  ctx.lineTo(ML + c.width, MT + c.height + 0.5);
  ctx.stroke();
  ctx.fillStyle = "#666";
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  ctx.fillText(`${c.x_context ? `${c.x_context} · ` : ""}${o.column}${c.is_time ? " (UTC)" : ""}`, ML, MT + c.height + 22);
  const note = c.skipped ? `${plural(c.skipped, "null or non-finite value was", "null or non-finite values were")} skipped` : "";
  return chartOutput(o.title ?? `${o.column} histogram`, canvas, note, "histogram", df, c);
}
