// Event timelines as DOM elements: msticpy's display_timeline / display_timeline_values / display_timeline_duration.
//
// The event layer of every view is rasterised in wasm (TimelineModel.render) and blitted with one putImageData;
// this file draws the text (title, tick labels, y labels, reference labels) with the 2D canvas API, and owns the
// pointer, wheel and legend events. Everything from the data reaches the page through fillText or textContent.
//
// The element draws as soon as it is created (attached to a document or not), so a notebook can append it later.

import { resolveTime } from "../time.js";
import { el, emit } from "../widgets/dom.js";
import { TimelineModel } from "./model.js";
import {
  injectStyle, pixelRatio, hidpiCanvas, fitText, canvasToPNG, downloadBlob, fileName, newCanvas, hasDom, Picture,
  FONT, TITLE_FONT, AXIS, TEXT,
} from "./canvas.js";

const MT = 16; // top margin (reference labels)
const MB = 36; // bottom margin (tick labels, date context)
const MR = 16;
const STRIP_LABELS = 18;

/** A Date, epoch ms, ISO text (UTC when it names no zone) or an offset from now → epoch ms; `what` names it in errors. */
function timeMs(v, what) {
  try {
    return resolveTime(v);
  } catch (e) {
    throw new TypeError(`${what}: ${e.message}`);
  }
}

function now() {
  return globalThis.performance ? performance.now() : Date.now();
}

// A timeline element is built by the steps below on one state object `tl`: the model and its layout, the DOM
// parts, the geometry (CSS px), the visible range [start, end] (epoch ms) and flags.

// Without a DOM (a Worker) the same steps draw the first view into OffscreenCanvases and `exportCanvas` composes
// them into a `Picture`, as the element's toPNG() does.

function build(df, opts, kind, fn) {
  const plot = newCanvas(fn); // throws, naming what to use instead, where there is neither a DOM nor OffscreenCanvas
  const model = new TimelineModel(df, opts, kind, fn);
  const ratio = pixelRatio();
  model.setPixelRatio(ratio);
  const L = model.layout;
  const tl = {
    model, L, ratio, plotW: L.width, plotH: L.height, start: L.view_start_ms, end: L.view_end_ms, disposed: false, boxMode: false,
    hasLegend: L.legend !== "none" && L.groups.length > 0,
  };
  if (!hasDom()) return picture(tl, plot, fn);
  injectStyle();
  tl.dom = skeleton(L, plot);
  tl.ctx = tl.dom.plot.getContext("2d");
  layoutGeometry(tl);
  setUpOverview(tl);
  buildLegend(tl);
  plotHandlers(tl);
  rangeHandlers(tl);
  buttonHandlers(tl);
  elementApi(tl);
  draw(tl);
  return tl.dom.root;
}

/** The first view (title, plot, axes, range tool, legend) as a Picture; the model is freed afterwards. */
function picture(tl, plot, fn) {
  tl.dom = { plot, range: tl.L.range_tool ? newCanvas(fn) : null, status: null };
  tl.ctx = plot.getContext("2d");
  try {
    layoutGeometry(tl);
    setUpOverview(tl);
    drawMain(tl);
    drawRange(tl);
    return new Picture(exportCanvas(tl, fn), { kind: "timeline", title: tl.L.title, layout: tl.L });
  } finally {
    tl.model.free();
  }
}

/** The element's DOM: title, toolbar, legend (left, right, inline or none), plot and range canvases, notes. */
function skeleton(L, plot) {
  plot.className = "huntbook-plot";
  const tooltip = el("div", { class: "huntbook-tooltip", role: "tooltip" });
  const box = el("div", { class: "huntbook-box" });
  const main = el("div", { class: "huntbook-tl-main" }, plot, tooltip, box);
  const range = L.range_tool ? el("canvas", { class: "huntbook-range" }) : null;
  if (range) main.append(range);
  const status = el("span", { class: "huntbook-hint huntbook-status" });
  const resetBtn = el("button", { type: "button", name: "reset", text: "Reset", title: "Back to the whole time range" });
  const boxBtn = el("button", { type: "button", name: "boxzoom", text: "Box zoom", title: "Drag a box to zoom (or shift+drag)" });
  boxBtn.setAttribute("aria-pressed", "false");
  const pngBtn = el("button", { type: "button", name: "png", text: "PNG", title: "Download the current view as PNG" });
  const toolbar = el("div", { class: "huntbook-toolbar" }, resetBtn, boxBtn, pngBtn,
    el("span", { class: "huntbook-hint", text: "wheel: zoom · drag: pan · shift+drag: box zoom · hover: details" }), status);
  const legendPos = L.legend;
  const legend = legendPos !== "none" && L.groups.length > 0 // = tl.hasLegend
    ? el("ul", { class: `huntbook-legend${legendPos === "inline" ? " huntbook-legend-inline" : ""}` })
    : null;
  const body = el("div", { class: "huntbook-tl-body" });
  if (legend && legendPos === "left") body.append(legend, main);
  else if (legend && legendPos === "right") body.append(main, legend);
  else body.append(main);
  const notes = el("div", { class: "huntbook-notes", text: L.notes.join(" ") });
  const root = el("div", { class: "huntbook-timeline" }, el("div", { class: "huntbook-title", text: L.title }), toolbar);
  if (legend && legendPos === "inline") root.append(legend);
  root.append(body, notes);
  root.dataset.kind = L.kind;
  return { root, plot, tooltip, box, range, status, resetBtn, boxBtn, pngBtn, legend };
}

/** The left margin (fits the y labels), the canvas sizes and the range strip's height. */
function layoutGeometry(tl) {
  const { L, ctx, ratio, plotW, plotH } = tl;
  ctx.font = FONT;
  tl.yTicks = tl.model.yTicks(Math.round(plotH * ratio)).map((t) => ({ ...t, px: t.px / ratio }));
  let ML = 12;
  if (L.yaxis) {
    const widest = tl.yTicks.reduce((m, t) => Math.max(m, ctx.measureText(t.label).width), 0);
    ML = Math.ceil(Math.min(widest, 180)) + 14 + (L.kind === "values" && L.y_label ? 16 : 0);
  }
  tl.ML = ML;
  tl.cssW = ML + plotW + MR;
  tl.cssH = MT + plotH + MB;
  hidpiCanvas(tl.dom.plot, tl.cssW, tl.cssH, ratio);
  tl.stripH = Math.max(40, Math.min(L.overview_height, 120) - STRIP_LABELS - 6);
}

/** The range tool's canvas, its overview image (drawn once) and ticks. */
function setUpOverview(tl) {
  const { range } = tl.dom;
  if (!range) return;
  const { model, L, ratio, plotW, stripH } = tl;
  tl.rctx = hidpiCanvas(range, tl.cssW, stripH + STRIP_LABELS, ratio);
  const o = model.renderOverview(Math.round(plotW * ratio), Math.round(stripH * ratio));
  tl.overviewImage = o.width > 0 && o.height > 0 ? new ImageData(new Uint8ClampedArray(o.pixels), o.width, o.height) : null;
  tl.overviewTicks = model.ticks(L.overview_start_ms, L.overview_end_ms, plotW);
}

/** Tick labels centred under their ticks at `y`, kept inside the canvas and never overlapping. */
function tickLabels(c, ticks, ML, cssW, y) {
  let lastRight = -Infinity;
  for (const t of ticks) {
    const w = c.measureText(t.label).width;
    const x = Math.min(ML + t.px, cssW - w / 2 - 1);
    if (x - w / 2 < lastRight + 4) continue;
    c.fillText(t.label, x, y);
    lastRight = x + w / 2;
  }
}

/** The plot canvas: the event raster from wasm, the frame, x ticks, y labels, reference labels; the status line. */
function drawMain(tl) {
  const { model, L, ctx, ratio, plotW, plotH, ML, start, end } = tl;
  const { plot } = tl.dom;
  const dw = Math.round(plotW * ratio);
  const dh = Math.round(plotH * ratio);
  const r = model.render(start, end, dw, dh);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, plot.width, plot.height);
  if (dw > 0 && dh > 0) ctx.putImageData(new ImageData(r.pixels, dw, dh), Math.round(ML * ratio), Math.round(MT * ratio));
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.strokeStyle = "#bbb";
  ctx.lineWidth = 1;
  ctx.strokeRect(ML - 0.5, MT - 0.5, plotW + 1, plotH + 1);
  drawXAxis(tl);
  if (L.yaxis) drawYAxis(tl);
  drawRefLabels(tl);
  if (tl.dom.status) tl.dom.status.textContent = `${r.visibleEvents.toLocaleString("en-US")} of ${L.events.toLocaleString("en-US")} events in view`;
}

function drawXAxis(tl) {
  const { model, L, ctx, plotW, plotH, ML, start, end } = tl;
  const ticks = model.ticks(start, end, plotW);
  ctx.font = FONT;
  ctx.fillStyle = TEXT;
  ctx.strokeStyle = AXIS;
  ctx.textBaseline = "top";
  ctx.textAlign = "center";
  ctx.beginPath();
  for (const t of ticks.ticks) {
    const x = Math.round(ML + t.px) + 0.5;
    ctx.moveTo(x, MT + plotH);
    ctx.lineTo(x, MT + plotH + 4);
  }
  ctx.stroke();
  tickLabels(ctx, ticks.ticks, ML, tl.cssW, MT + plotH + 6);
  ctx.textAlign = "left";
  ctx.fillStyle = "#666";
  ctx.fillText(`${ticks.context ? `${ticks.context} · ` : ""}${L.x_label} (UTC)`, ML, MT + plotH + 21);
}

function drawYAxis(tl) {
  const { model, L, ctx, plotH, ML } = tl;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  ctx.fillStyle = TEXT;
  const labelW = ML - 10 - (L.kind === "values" && L.y_label ? 16 : 0);
  for (const t of tl.yTicks) {
    if (L.kind !== "values" && model.hidden.has(t.value)) ctx.fillStyle = "#bbb";
    else ctx.fillStyle = TEXT;
    ctx.fillText(fitText(ctx, t.label, labelW), ML - 6, MT + t.px);
  }
  if (L.kind === "values" && L.y_label) {
    ctx.save();
    ctx.translate(10, MT + plotH / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillStyle = "#666";
    ctx.fillText(fitText(ctx, L.y_label, plotH), 0, 0);
    ctx.restore();
  }
}

function drawRefLabels(tl) {
  const { model, L, ctx, plotW, ML, start, end } = tl;
  ctx.textBaseline = "bottom";
  ctx.textAlign = "left";
  ctx.fillStyle = "#c00";
  for (const ref of L.ref_lines) {
    const x = model.timeToPx(start, end, plotW, ref.time_ms);
    if (x < -1 || x > plotW + 1) continue;
    ctx.fillText(fitText(ctx, ref.label, 200), ML + x + 3, MT - 2);
  }
}

/** The range tool: the overview image, the selection box over it, its ticks. */
function drawRange(tl) {
  const { range } = tl.dom;
  if (!range) return;
  const { model, rctx, ratio, plotW, stripH, ML, start, end } = tl;
  rctx.setTransform(1, 0, 0, 1, 0, 0);
  rctx.fillStyle = "#fff";
  rctx.fillRect(0, 0, range.width, range.height);
  if (tl.overviewImage) rctx.putImageData(tl.overviewImage, Math.round(ML * ratio), 0);
  rctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  rctx.strokeStyle = "#bbb";
  rctx.lineWidth = 1;
  rctx.strokeRect(ML - 0.5, 0.5, plotW + 1, stripH - 1);
  const a = Math.max(0, Math.min(plotW, model.overviewPx(plotW, start)));
  const b = Math.max(0, Math.min(plotW, model.overviewPx(plotW, end)));
  rctx.fillStyle = "rgba(70, 110, 200, 0.22)";
  rctx.fillRect(ML + a, 0, Math.max(1, b - a), stripH);
  rctx.strokeStyle = "#1f3f7a";
  rctx.lineWidth = 1.5;
  rctx.strokeRect(ML + a, 0.75, Math.max(1, b - a), stripH - 1.5);
  rctx.font = FONT;
  rctx.fillStyle = "#555";
  rctx.textBaseline = "top";
  rctx.textAlign = "center";
  tickLabels(rctx, tl.overviewTicks.ticks, ML, tl.cssW, stripH + 3);
}

function draw(tl) {
  if (tl.disposed) return;
  const t0 = now();
  drawMain(tl);
  drawRange(tl);
  tl.dom.root.lastDrawMs = now() - t0;
}

/** Shows `[s, e]` (made valid), redraws, and emits `input` when it changed. */
function setView(tl, s, e, { silent = false } = {}) {
  if (tl.disposed) return;
  [s, e] = tl.model.clamp(s, e);
  const changed = s !== tl.start || e !== tl.end;
  tl.start = s;
  tl.end = e;
  draw(tl);
  if (changed && !silent) emit(tl.dom.root);
}

function reset(tl) {
  setView(tl, tl.L.view_start_ms, tl.L.view_end_ms);
}

/** A legend entry per group: a click (or Enter / Space) hides or shows it. */
function buildLegend(tl) {
  const { legend } = tl.dom;
  if (!legend) return;
  for (const g of tl.L.groups) {
    const sw = el("span", { class: "huntbook-swatch" });
    sw.style.background = g.color;
    const li = el("li", { title: `${g.label}: ${g.count} events (click to hide or show)` }, sw,
      el("span", { class: "huntbook-legend-label", text: g.label }), el("span", { class: "huntbook-hint", text: `(${g.count})` }));
    li.dataset.group = String(g.index);
    li.setAttribute("role", "button");
    li.setAttribute("aria-pressed", "true");
    li.tabIndex = 0;
    li.addEventListener("click", () => toggleGroup(tl, g.index));
    li.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        toggleGroup(tl, g.index);
      }
    });
    legend.append(li);
  }
}

function toggleGroup(tl, index) {
  if (tl.disposed) return;
  const hidden = new Set(tl.model.hidden);
  if (hidden.has(index)) hidden.delete(index);
  else hidden.add(index);
  tl.model.setHidden([...hidden]);
  if (tl.dom.legend) {
    for (const li of tl.dom.legend.children) {
      const off = hidden.has(Number(li.dataset.group));
      li.classList.toggle("huntbook-off", off);
      li.setAttribute("aria-pressed", String(!off));
    }
  }
  draw(tl);
}

function hideTip(tl) {
  tl.dom.tooltip.style.display = "none";
  tl.dom.tooltip.replaceChildren();
}

/** The tooltip at plot point `(px, py)`: the events there (their hover columns), or a duration bar's span. */
function showTip(tl, px, py) {
  const { model, L, ratio, plotW, plotH, ML } = tl;
  const { tooltip } = tl.dom;
  const res = model.hitTest(tl.start, tl.end, Math.round(plotW * ratio), Math.round(plotH * ratio), px * ratio, py * ratio,
    { radius: 3 * ratio, maxHits: 5 });
  if (!res.hits.length) {
    if (res.group != null && L.kind === "duration") {
      const g = L.groups[res.group];
      tooltip.replaceChildren(el("div", { class: "huntbook-tip-event" },
        el("div", { text: g.label }),
        el("div", { text: `${new Date(g.first_ms).toISOString()} → ${new Date(g.last_ms).toISOString()}` }),
        el("div", { text: `${g.count} events` })));
    } else return hideTip(tl);
  } else {
    const blocks = res.hits.map((h) => {
      const lines = [];
      if (L.group_by.length > 1) lines.push(el("div", { text: L.groups[h.group]?.label ?? "" }));
      for (const [k, v] of h.columns) {
        lines.push(el("div", {}, el("span", { class: "huntbook-tip-key", text: `${k}: ` }), v == null ? "(null)" : v));
      }
      return el("div", { class: "huntbook-tip-event" }, lines);
    });
    if (res.total > res.hits.length) blocks.push(el("div", { class: "huntbook-hint", text: `… ${res.total - res.hits.length} more here (zoom in)` }));
    tooltip.replaceChildren(...blocks);
  }
  tooltip.style.display = "block";
  const tw = tooltip.offsetWidth || 240;
  let left = ML + px + 14;
  if (left + tw > tl.cssW) left = Math.max(0, ML + px - tw - 14);
  tooltip.style.left = `${left}px`;
  tooltip.style.top = `${MT + py + 14}px`;
}

/** The pointer on `canvas` in plot-area CSS px (the canvas may be scaled by the page). */
function local(tl, ev, canvas) {
  const rect = canvas.getBoundingClientRect();
  const sx = rect.width > 0 ? tl.cssW / rect.width : 1;
  return [(ev.clientX - rect.left) * sx - tl.ML, (ev.clientY - rect.top) * sx - MT];
}

/** The pointer on the plot: hover, pan, box zoom; the wheel zooms; a double click resets. */
function plotHandlers(tl) {
  const { model, plotW, plotH, ML } = tl;
  const { plot, box } = tl.dom;
  let drag = null;
  plot.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0 || tl.disposed) return;
    const [x, y] = local(tl, ev, plot);
    drag = { mode: ev.shiftKey || tl.boxMode ? "box" : "pan", x0: x, y0: y, s0: tl.start, e0: tl.end, moved: false };
    plot.setPointerCapture?.(ev.pointerId);
    hideTip(tl);
    ev.preventDefault();
  });
  plot.addEventListener("pointermove", (ev) => {
    if (tl.disposed) return;
    const [x, y] = local(tl, ev, plot);
    if (!drag) {
      if (x >= 0 && x <= plotW && y >= 0 && y <= plotH) showTip(tl, x, y);
      else hideTip(tl);
      return;
    }
    if (Math.abs(x - drag.x0) > 2) drag.moved = true;
    if (drag.mode === "pan") {
      plot.style.cursor = "grabbing";
      const [s, e] = model.pan(drag.s0, drag.e0, plotW, x - drag.x0);
      setView(tl, s, e);
    } else {
      const a = Math.max(0, Math.min(drag.x0, x));
      const b = Math.min(plotW, Math.max(drag.x0, x));
      box.style.display = "block";
      box.style.left = `${ML + a}px`;
      box.style.top = `${MT}px`;
      box.style.width = `${b - a}px`;
      box.style.height = `${plotH}px`;
    }
  });
  const endDrag = (ev) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    plot.style.cursor = "";
    box.style.display = "none";
    if (d.mode === "box" && ev && ev.type === "pointerup") {
      const [x] = local(tl, ev, plot);
      if (Math.abs(x - d.x0) > 3) {
        const a = Math.max(0, Math.min(d.x0, x));
        const b = Math.min(plotW, Math.max(d.x0, x));
        setView(tl, model.pxToTime(tl.start, tl.end, plotW, a), model.pxToTime(tl.start, tl.end, plotW, b));
      }
    }
  };
  plot.addEventListener("pointerup", endDrag);
  plot.addEventListener("pointercancel", endDrag);
  plot.addEventListener("pointerleave", () => { if (!drag) hideTip(tl); });
  plot.addEventListener("dblclick", () => reset(tl));
  plot.addEventListener("wheel", (ev) => {
    if (tl.disposed) return;
    ev.preventDefault();
    const [x] = local(tl, ev, plot);
    const unit = ev.deltaMode === 1 ? 40 : ev.deltaMode === 2 ? 400 : 1;
    const dy = Math.max(-500, Math.min(500, ev.deltaY * unit));
    const factor = Math.exp(-dy * 0.002);
    const [s, e] = model.zoom(tl.start, tl.end, plotW, factor, Math.max(0, Math.min(plotW, x)));
    hideTip(tl);
    setView(tl, s, e);
  }, { passive: false });
}

/** The range tool: drag the selection or its edges; a click outside it centres it there. */
function rangeHandlers(tl) {
  const { range } = tl.dom;
  if (!range) return;
  const { model, plotW } = tl;
  let rdrag = null;
  const rx = (ev) => local(tl, ev, range)[0];
  range.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0 || tl.disposed) return;
    const x = rx(ev);
    let handle = model.rangeHandleAt(plotW, tl.start, tl.end, x, 6);
    if (handle === "outside") {
      const [s, e] = model.centerRangeAt(plotW, tl.start, tl.end, x);
      setView(tl, s, e);
      handle = "inside";
    }
    rdrag = { handle, x0: x, s0: tl.start, e0: tl.end };
    range.setPointerCapture?.(ev.pointerId);
    ev.preventDefault();
  });
  range.addEventListener("pointermove", (ev) => {
    if (tl.disposed) return;
    const x = rx(ev);
    if (!rdrag) {
      const h = model.rangeHandleAt(plotW, tl.start, tl.end, x, 6);
      range.style.cursor = h === "left" || h === "right" ? "ew-resize" : h === "inside" ? "grab" : "pointer";
      return;
    }
    const [s, e] = model.dragRange(plotW, rdrag.handle, rdrag.s0, rdrag.e0, x - rdrag.x0);
    setView(tl, s, e);
  });
  const stop = () => { rdrag = null; };
  range.addEventListener("pointerup", stop);
  range.addEventListener("pointercancel", stop);
}

function buttonHandlers(tl) {
  const { resetBtn, boxBtn, pngBtn, root } = tl.dom;
  resetBtn.addEventListener("click", () => reset(tl));
  boxBtn.addEventListener("click", () => {
    tl.boxMode = !tl.boxMode;
    boxBtn.setAttribute("aria-pressed", String(tl.boxMode));
  });
  pngBtn.addEventListener("click", () => root.downloadPNG());
}

/** The current view composed into one canvas: title, plot, range strip and legend. */
function exportCanvas(tl, fn = "toPNG") {
  const { model, L, ratio, cssW, cssH } = tl;
  const { plot, range } = tl.dom;
  const legend = tl.hasLegend;
  const visibleGroups = L.groups.filter((g) => !model.hidden.has(g.index));
  const c = newCanvas(fn);
  const probe = c.getContext("2d");
  probe.font = FONT;
  const legendW = legend ? Math.min(220, Math.ceil(Math.max(0, ...visibleGroups.map((g) => probe.measureText(g.label).width))) + 30) : 0;
  const titleH = 24;
  const rangeH = range ? tl.stripH + STRIP_LABELS : 0;
  const W = cssW + legendW;
  const H = titleH + cssH + rangeH + 4;
  const x = hidpiCanvas(c, W, H, ratio);
  x.fillStyle = "#fff";
  x.fillRect(0, 0, W, H);
  x.font = TITLE_FONT;
  x.fillStyle = TEXT;
  x.textBaseline = "middle";
  x.fillText(fitText(x, L.title, W - 16), 8, titleH / 2);
  x.drawImage(plot, 0, titleH, cssW, cssH);
  if (range) x.drawImage(range, 0, titleH + cssH + 2, cssW, rangeH);
  if (legend) {
    x.font = FONT;
    let y = titleH + MT + 6;
    for (const g of visibleGroups) {
      if (y > H - 8) break;
      x.fillStyle = g.color;
      x.fillRect(cssW + 4, y - 5, 10, 10);
      x.fillStyle = TEXT;
      x.fillText(fitText(x, g.label, legendW - 24), cssW + 18, y);
      y += 16;
    }
  }
  return c;
}

/** The element's API: value, setRange, reset, redraw, toggleGroup, toPNG, downloadPNG, pixelOf, dispose. */
function elementApi(tl) {
  const { model, L, ratio, plotW, plotH, ML } = tl;
  const { root } = tl.dom;
  Object.defineProperty(root, "value", {
    get: () => ({ start: new Date(tl.start), end: new Date(tl.end) }),
    set: (v) => { if (v && v.start != null && v.end != null) setView(tl, timeMs(v.start, "value.start"), timeMs(v.end, "value.end"), { silent: true }); },
    configurable: true,
  });
  root.lastDrawMs = 0;
  /** CSS px: the plot area's offset in the plot canvas and its size; the range strip's height (same x offset). */
  root.geometry = { left: ML, top: MT, plotWidth: plotW, plotHeight: plotH, stripHeight: tl.dom.range ? tl.stripH : 0 };
  root.model = model;
  root.layout = L;
  /** Shows `[start, end]` (Dates, ISO text or epoch ms) and redraws now. */
  root.setRange = (s, e) => setView(tl, timeMs(s, "start"), timeMs(e, "end"));
  root.reset = () => reset(tl);
  root.redraw = () => draw(tl);
  /** Hides or shows group `index` (as a legend click does). */
  root.toggleGroup = (index) => toggleGroup(tl, Number(index));
  /** The current view (title, plot, range tool, legend) as a PNG Blob. */
  root.toPNG = () => (tl.disposed ? Promise.reject(new Error("this timeline was disposed")) : canvasToPNG(exportCanvas(tl)));
  /** Downloads the current view as a PNG file. */
  root.downloadPNG = async (filename) => {
    const blob = await root.toPNG();
    downloadBlob(blob, filename || fileName(L.title));
    return blob;
  };
  /**
   * Where source row `row` is drawn, in CSS pixels from the plot canvas's top-left corner (`{x, y}`), or null
   * when it is not drawn or is outside the view.
   */
  root.pixelOf = (row) => {
    if (tl.disposed) return null;
    const e = model.eventOf(row);
    if (!e || model.hidden.has(e.group)) return null;
    const x = model.timeToPx(tl.start, tl.end, plotW, e.time);
    if (!(x >= 0 && x <= plotW)) return null;
    const y = L.kind === "values"
      ? model.valueToPx(e.value, plotH * ratio) / ratio
      : model.rowCenter(e.group, plotH * ratio) / ratio;
    return { x: ML + Math.floor(x) + 0.5, y: MT + y + 0.5 };
  };
  /** Frees the wasm memory; the element stops responding. */
  root.dispose = () => {
    if (tl.disposed) return;
    tl.disposed = true;
    hideTip(tl);
    model.free();
  };
}

/**
 * An event timeline (msticpy `display_timeline`): a diamond per event, a row and a colour per `group_by` group.
 * Options: time_column, group_by, source_columns, title, height, width, color, legend (left/right/inline/none),
 * range_tool, ref_time, ref_label, ref_events (+ ref_col), yaxis, xgrid, ygrid (camelCase accepted).
 */
export function timeline(df, opts = {}) {
  return build(df, opts, "events", "timeline");
}

/** `value_column` against time (msticpy `display_timeline_values`); `kind`: vbar, line, circle or a list. */
export function timelineValues(df, opts = {}) {
  return build(df, opts, "values", "timelineValues");
}

/** One bar per `group_by` group from its first to its last event, events overlaid (msticpy `display_timeline_duration`). */
export function timelineDuration(df, opts = {}) {
  return build(df, opts, "duration", "timelineDuration");
}
