// Event timelines as DOM elements: msticpy's display_timeline / display_timeline_values / display_timeline_duration.
//
// The event layer of every view is rasterised in wasm (TimelineModel.render) and blitted with one putImageData;
// this file draws the text (title, tick labels, y labels, reference labels) with the 2D canvas API, and owns the
// pointer, wheel and legend events. Everything from the data reaches the page through fillText or textContent.
//
// The element draws as soon as it is created (attached to a document or not), so a notebook can append it later.

import * as wasm from "../huntbook_wasm.js";
import { el, emit } from "../widgets/dom.js";
import { TimelineModel } from "./model.js";
import { plain } from "./options.js";
import {
  injectStyle, pixelRatio, hidpiCanvas, fitText, canvasToPNG, downloadBlob, fileName, FONT, TITLE_FONT, AXIS, TEXT,
} from "./canvas.js";

const MT = 16; // top margin (reference labels)
const MB = 36; // bottom margin (tick labels, date context)
const MR = 16;
const STRIP_LABELS = 18;

/** A Date, ISO text (UTC when it names no zone) or epoch ms → epoch ms, read in Rust; `what` names it in errors. */
function timeMs(v, what) {
  return wasm.visTimeMs(plain(v), what);
}

function now() {
  return globalThis.performance ? performance.now() : Date.now();
}

function build(df, opts, kind, fn) {
  injectStyle();
  const model = new TimelineModel(df, opts, kind, fn);
  const L = model.layout;
  const ratio = pixelRatio();
  model.setPixelRatio(ratio);
  const plotW = L.width;
  const plotH = L.height;

  // --- DOM skeleton ---
  const plot = el("canvas", { class: "huntbook-plot" });
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
  const legend = legendPos !== "none" && L.groups.length > 0
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

  // --- geometry: the left margin fits the y labels ---
  const ctx = plot.getContext("2d");
  ctx.font = FONT;
  const yTicks = model.yTicks(Math.round(plotH * ratio)).map((t) => ({ ...t, px: t.px / ratio }));
  let ML = 12;
  if (L.yaxis) {
    const widest = yTicks.reduce((m, t) => Math.max(m, ctx.measureText(t.label).width), 0);
    ML = Math.ceil(Math.min(widest, 180)) + 14 + (L.kind === "values" && L.y_label ? 16 : 0);
  }
  const cssW = ML + plotW + MR;
  const cssH = MT + plotH + MB;
  hidpiCanvas(plot, cssW, cssH, ratio);
  const stripH = Math.max(40, Math.min(L.overview_height, 120) - STRIP_LABELS - 6);
  let rctx = null;
  let overviewImage = null;
  let overviewTicks = null;
  if (range) {
    rctx = hidpiCanvas(range, cssW, stripH + STRIP_LABELS, ratio);
    const o = model.renderOverview(Math.round(plotW * ratio), Math.round(stripH * ratio));
    if (o.width > 0 && o.height > 0) overviewImage = new ImageData(new Uint8ClampedArray(o.pixels), o.width, o.height);
    overviewTicks = model.ticks(L.overview_start_ms, L.overview_end_ms, plotW);
  }

  // --- state ---
  let start = L.view_start_ms;
  let end = L.view_end_ms;
  let disposed = false;
  let boxMode = false;

  function drawMain() {
    const dw = Math.round(plotW * ratio);
    const dh = Math.round(plotH * ratio);
    const r = model.render(start, end, dw, dh);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, plot.width, plot.height);
    if (dw > 0 && dh > 0) ctx.putImageData(new ImageData(r.pixels, dw, dh), Math.round(ML * ratio), Math.round(MT * ratio));
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    // frame
    ctx.strokeStyle = "#bbb";
    ctx.lineWidth = 1;
    ctx.strokeRect(ML - 0.5, MT - 0.5, plotW + 1, plotH + 1);
    // x ticks
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
    let lastRight = -Infinity;
    for (const t of ticks.ticks) {
      const w = ctx.measureText(t.label).width;
      const x = Math.min(ML + t.px, cssW - w / 2 - 1); // kept inside the canvas
      if (x - w / 2 < lastRight + 4) continue; // never overlap labels
      ctx.fillText(t.label, x, MT + plotH + 6);
      lastRight = x + w / 2;
    }
    ctx.textAlign = "left";
    ctx.fillStyle = "#666";
    const ctxText = `${ticks.context ? `${ticks.context} · ` : ""}${L.x_label} (UTC)`;
    ctx.fillText(ctxText, ML, MT + plotH + 21);
    // y labels
    if (L.yaxis) {
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      ctx.fillStyle = TEXT;
      const labelW = ML - 10 - (L.kind === "values" && L.y_label ? 16 : 0);
      for (const t of yTicks) {
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
    // reference labels
    ctx.textBaseline = "bottom";
    ctx.textAlign = "left";
    ctx.fillStyle = "#c00";
    for (const ref of L.ref_lines) {
      const x = model.timeToPx(start, end, plotW, ref.time_ms);
      if (x < -1 || x > plotW + 1) continue;
      ctx.fillText(fitText(ctx, ref.label, 200), ML + x + 3, MT - 2);
    }
    status.textContent = `${r.visibleEvents.toLocaleString("en-US")} of ${L.events.toLocaleString("en-US")} events in view`;
  }

  function drawRange() {
    if (!range) return;
    rctx.setTransform(1, 0, 0, 1, 0, 0);
    rctx.fillStyle = "#fff";
    rctx.fillRect(0, 0, range.width, range.height);
    if (overviewImage) rctx.putImageData(overviewImage, Math.round(ML * ratio), 0);
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
    let lastRight = -Infinity;
    for (const t of overviewTicks.ticks) {
      const w = rctx.measureText(t.label).width;
      const x = Math.min(ML + t.px, cssW - w / 2 - 1);
      if (x - w / 2 < lastRight + 4) continue;
      rctx.fillText(t.label, x, stripH + 3);
      lastRight = x + w / 2;
    }
  }

  function draw() {
    if (disposed) return;
    const t0 = now();
    drawMain();
    drawRange();
    root.lastDrawMs = now() - t0;
  }

  /** Shows `[s, e]` (made valid), redraws, and emits `input` when it changed. */
  function setView(s, e, { silent = false } = {}) {
    if (disposed) return;
    [s, e] = model.clamp(s, e);
    const changed = s !== start || e !== end;
    start = s;
    end = e;
    draw();
    if (changed && !silent) emit(root);
  }

  // --- legend ---
  if (legend) {
    for (const g of L.groups) {
      const sw = el("span", { class: "huntbook-swatch" });
      sw.style.background = g.color;
      const li = el("li", { title: `${g.label}: ${g.count} events (click to hide or show)` }, sw,
        el("span", { class: "huntbook-legend-label", text: g.label }), el("span", { class: "huntbook-hint", text: `(${g.count})` }));
      li.dataset.group = String(g.index);
      li.setAttribute("role", "button");
      li.setAttribute("aria-pressed", "true");
      li.tabIndex = 0;
      li.addEventListener("click", () => toggleGroup(g.index));
      li.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") {
          ev.preventDefault();
          toggleGroup(g.index);
        }
      });
      legend.append(li);
    }
  }
  function toggleGroup(index) {
    if (disposed) return;
    const hidden = new Set(model.hidden);
    if (hidden.has(index)) hidden.delete(index);
    else hidden.add(index);
    model.setHidden([...hidden]);
    if (legend) {
      for (const li of legend.children) {
        const off = hidden.has(Number(li.dataset.group));
        li.classList.toggle("huntbook-off", off);
        li.setAttribute("aria-pressed", String(!off));
      }
    }
    draw();
  }

  // --- hover ---
  function hideTip() {
    tooltip.style.display = "none";
    tooltip.replaceChildren();
  }
  function showTip(px, py) {
    const res = model.hitTest(start, end, Math.round(plotW * ratio), Math.round(plotH * ratio), px * ratio, py * ratio,
      { radius: 3 * ratio, maxHits: 5 });
    if (!res.hits.length) {
      if (res.group != null && L.kind === "duration") {
        const g = L.groups[res.group];
        tooltip.replaceChildren(el("div", { class: "huntbook-tip-event" },
          el("div", { text: g.label }),
          el("div", { text: `${new Date(g.first_ms).toISOString()} → ${new Date(g.last_ms).toISOString()}` }),
          el("div", { text: `${g.count} events` })));
      } else return hideTip();
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
    const mainW = cssW;
    const tw = tooltip.offsetWidth || 240;
    let left = ML + px + 14;
    if (left + tw > mainW) left = Math.max(0, ML + px - tw - 14);
    tooltip.style.left = `${left}px`;
    tooltip.style.top = `${MT + py + 14}px`;
  }

  // --- pointer on the plot: hover, pan, box zoom; wheel zoom ---
  const local = (ev, canvas) => {
    const rect = canvas.getBoundingClientRect();
    const sx = rect.width > 0 ? cssW / rect.width : 1;
    return [(ev.clientX - rect.left) * sx - ML, (ev.clientY - rect.top) * sx - MT];
  };
  let drag = null;
  plot.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0 || disposed) return;
    const [x, y] = local(ev, plot);
    drag = { mode: ev.shiftKey || boxMode ? "box" : "pan", x0: x, y0: y, s0: start, e0: end, moved: false };
    plot.setPointerCapture?.(ev.pointerId);
    hideTip();
    ev.preventDefault();
  });
  plot.addEventListener("pointermove", (ev) => {
    if (disposed) return;
    const [x, y] = local(ev, plot);
    if (!drag) {
      if (x >= 0 && x <= plotW && y >= 0 && y <= plotH) showTip(x, y);
      else hideTip();
      return;
    }
    if (Math.abs(x - drag.x0) > 2) drag.moved = true;
    if (drag.mode === "pan") {
      plot.style.cursor = "grabbing";
      const [s, e] = model.pan(drag.s0, drag.e0, plotW, x - drag.x0);
      setView(s, e);
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
      const [x] = local(ev, plot);
      if (Math.abs(x - d.x0) > 3) {
        const a = Math.max(0, Math.min(d.x0, x));
        const b = Math.min(plotW, Math.max(d.x0, x));
        setView(model.pxToTime(start, end, plotW, a), model.pxToTime(start, end, plotW, b));
      }
    }
  };
  plot.addEventListener("pointerup", endDrag);
  plot.addEventListener("pointercancel", endDrag);
  plot.addEventListener("pointerleave", () => { if (!drag) hideTip(); });
  plot.addEventListener("dblclick", () => reset());
  plot.addEventListener("wheel", (ev) => {
    if (disposed) return;
    ev.preventDefault();
    const [x] = local(ev, plot);
    const unit = ev.deltaMode === 1 ? 40 : ev.deltaMode === 2 ? 400 : 1;
    const dy = Math.max(-500, Math.min(500, ev.deltaY * unit));
    const factor = Math.exp(-dy * 0.002);
    const [s, e] = model.zoom(start, end, plotW, factor, Math.max(0, Math.min(plotW, x)));
    hideTip();
    setView(s, e);
  }, { passive: false });

  // --- the range tool ---
  if (range) {
    let rdrag = null;
    const rx = (ev) => local(ev, range)[0];
    range.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0 || disposed) return;
      const x = rx(ev);
      let handle = model.rangeHandleAt(plotW, start, end, x, 6);
      if (handle === "outside") {
        const [s, e] = model.centerRangeAt(plotW, start, end, x);
        setView(s, e);
        handle = "inside";
      }
      rdrag = { handle, x0: x, s0: start, e0: end };
      range.setPointerCapture?.(ev.pointerId);
      ev.preventDefault();
    });
    range.addEventListener("pointermove", (ev) => {
      if (disposed) return;
      const x = rx(ev);
      if (!rdrag) {
        const h = model.rangeHandleAt(plotW, start, end, x, 6);
        range.style.cursor = h === "left" || h === "right" ? "ew-resize" : h === "inside" ? "grab" : "pointer";
        return;
      }
      const [s, e] = model.dragRange(plotW, rdrag.handle, rdrag.s0, rdrag.e0, x - rdrag.x0);
      setView(s, e);
    });
    const stop = () => { rdrag = null; };
    range.addEventListener("pointerup", stop);
    range.addEventListener("pointercancel", stop);
  }

  // --- buttons ---
  resetBtn.addEventListener("click", () => reset());
  boxBtn.addEventListener("click", () => {
    boxMode = !boxMode;
    boxBtn.setAttribute("aria-pressed", String(boxMode));
  });
  pngBtn.addEventListener("click", () => root.downloadPNG());

  function reset() {
    setView(L.view_start_ms, L.view_end_ms);
  }

  /** The current view composed into one canvas: title, plot, range strip and legend. */
  function exportCanvas() {
    const d = plot.ownerDocument;
    const visibleGroups = L.groups.filter((g) => !model.hidden.has(g.index));
    const c = d.createElement("canvas");
    const probe = c.getContext("2d");
    probe.font = FONT;
    const legendW = legend ? Math.min(220, Math.ceil(Math.max(0, ...visibleGroups.map((g) => probe.measureText(g.label).width))) + 30) : 0;
    const titleH = 24;
    const rangeH = range ? stripH + STRIP_LABELS : 0;
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

  // --- the element's API ---
  Object.defineProperty(root, "value", {
    get: () => ({ start: new Date(start), end: new Date(end) }),
    set: (v) => { if (v && v.start != null && v.end != null) setView(timeMs(v.start, "value.start"), timeMs(v.end, "value.end"), { silent: true }); },
    configurable: true,
  });
  root.lastDrawMs = 0;
  /** CSS px: the plot area's offset in the plot canvas and its size; the range strip's height (same x offset). */
  root.geometry = { left: ML, top: MT, plotWidth: plotW, plotHeight: plotH, stripHeight: range ? stripH : 0 };
  root.model = model;
  root.layout = L;
  /** Shows `[start, end]` (Dates, ISO text or epoch ms) and redraws now. */
  root.setRange = (s, e) => setView(timeMs(s, "start"), timeMs(e, "end"));
  root.reset = reset;
  root.redraw = draw;
  /** Hides or shows group `index` (as a legend click does). */
  root.toggleGroup = (index) => toggleGroup(Number(index));
  /** The current view (title, plot, range tool, legend) as a PNG Blob. */
  root.toPNG = () => (disposed ? Promise.reject(new Error("this timeline was disposed")) : canvasToPNG(exportCanvas()));
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
    if (disposed) return null;
    const e = model.eventOf(row);
    if (!e || model.hidden.has(e.group)) return null;
    const x = model.timeToPx(start, end, plotW, e.time);
    if (!(x >= 0 && x <= plotW)) return null;
    const y = L.kind === "values"
      ? model.valueToPx(e.value, plotH * ratio) / ratio
      : model.rowCenter(e.group, plotH * ratio) / ratio;
    return { x: ML + Math.floor(x) + 0.5, y: MT + y + 0.5 };
  };
  /** Frees the wasm memory; the element stops responding. */
  root.dispose = () => {
    if (disposed) return;
    disposed = true;
    hideTip();
    model.free();
  };

  draw();
  return root;
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
