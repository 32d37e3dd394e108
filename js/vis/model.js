// The DOM-free half of a timeline: a DataFrame grouped once in wasm (one time-sorted index per group), then asked
// for rasterised views, ticks, hits and zoom/pan/range-tool arithmetic. `timeline()` builds its element on it; it
// also works in a Worker or Node.js (e.g. to render into an OffscreenCanvas, or in tests).

import * as wasm from "../huntbook_wasm.js";
import { normalizeOptions, toMs, columnList, positiveInt, frameOf } from "./options.js";

/** Options of timeline / timelineValues / timelineDuration (msticpy's names; camelCase is accepted too). */
export const TIMELINE_OPTIONS = [
  "time_column", "end_time_column", "group_by", "source_columns", "title", "height", "width", "color", "legend",
  "range_tool", "ref_time", "ref_label", "ref_events", "ref_col", "yaxis", "xgrid", "ygrid", "value_column", "kind",
];

/** Reference events: a DataFrame (its time column, labels from `ref_col`), rows, or `[{time, label}]`. */
function refEvents(v, timeColumn, refCol) {
  if (v == null) return [];
  let rows = v;
  if (v && typeof v.toRows === "function") rows = v.toRows();
  if (!Array.isArray(rows)) throw new TypeError("ref_events: expected a DataFrame or a list of {time, label} rows");
  return rows.map((r, i) => {
    if (r instanceof Date || typeof r === "number" || typeof r === "string") return { time: toMs(r, `ref_events[${i}]`), label: "" };
    const t = r.time ?? r[timeColumn] ?? r.TimeGenerated;
    const label = refCol ? r[refCol] : (r.label ?? r.Label ?? r.ref_label ?? "");
    return { time: toMs(t, `ref_events[${i}].${r.time != null ? "time" : timeColumn}`), label: label == null ? "" : String(label) };
  });
}

/** The options as the wasm `Timeline` reads them (JSON text). */
export function timelineOptionsJSON(opts, fn) {
  const o = normalizeOptions(opts, TIMELINE_OPTIONS, fn);
  const out = {};
  for (const k of ["time_column", "end_time_column", "value_column", "title", "color", "ref_label"]) {
    if (o[k] != null) out[k] = String(o[k]);
  }
  out.group_by = columnList(o.group_by, "group_by");
  out.source_columns = columnList(o.source_columns, "source_columns");
  const w = positiveInt(o.width, "width");
  const h = positiveInt(o.height, "height");
  if (w) out.width = w;
  if (h) out.height = h;
  if (o.legend != null && o.legend !== true) {
    const l = o.legend === false ? "none" : String(o.legend).trim().toLowerCase();
    if (!["left", "right", "inline", "none"].includes(l)) throw new TypeError(`legend: '${o.legend}' is not a legend position (left, right, inline or none)`);
    out.legend = l;
  }
  for (const k of ["range_tool", "yaxis", "xgrid", "ygrid"]) if (o[k] != null) out[k] = !!o[k];
  if (o.ref_time != null) out.ref_time = toMs(o.ref_time, "ref_time");
  out.ref_events = refEvents(o.ref_events, o.time_column ?? "TimeGenerated", o.ref_col);
  if (o.kind != null) {
    const kinds = (Array.isArray(o.kind) ? o.kind : [o.kind]).map((k) => String(k).trim().toLowerCase());
    for (const k of kinds) if (!["vbar", "line", "circle"].includes(k)) throw new TypeError(`kind: '${k}' is not a value plot kind (vbar, line or circle)`);
    out.kind = kinds;
  }
  return JSON.stringify(out);
}

/** The same bytes as a Uint8ClampedArray (what ImageData takes), without a copy. */
function clamped(a) {
  return a instanceof Uint8ClampedArray ? a : new Uint8ClampedArray(a.buffer, a.byteOffset, a.length);
}

/**
 * A prepared timeline (no DOM). `kind`: "events", "values" or "duration".
 * Pixel arguments are device pixels; times are epoch milliseconds.
 */
export class TimelineModel {
  constructor(df, opts = {}, kind = "events", fn = "timeline") {
    const frame = frameOf(df, fn);
    this._t = new wasm.Timeline(frame, kind, timelineOptionsJSON(opts, fn));
    /** The layout: title, sizes, groups (label, color, count), hover columns, notes, domains (`*_ms`). */
    this.layout = JSON.parse(this._t.layoutJSON());
    this.hidden = new Set();
  }
  /** Marks, from now on, groups turned off in the legend. */
  setHidden(indices) {
    this.hidden = new Set(indices);
    this._t.setHidden(Uint32Array.from(this.hidden));
  }
  setPixelRatio(r) {
    this._t.setPixelRatio(r);
  }
  /**
   * Rasterises `[startMs, endMs]` on `width × height`: `{visibleEvents, pixels}` where `pixels` is a view of wasm
   * memory valid until the next call into huntbook (wrap it in ImageData and put it at once), or a copy with
   * `{copy: true}`.
   */
  render(startMs, endMs, width, height, { copy = false } = {}) {
    const visibleEvents = this._t.render(startMs, endMs, width >>> 0, height >>> 0);
    return { visibleEvents, width: width >>> 0, height: height >>> 0, pixels: copy ? new Uint8ClampedArray(this._t.pixelsCopy()) : clamped(this._t.pixels()) };
  }
  /** The range tool's overview strip (every event over the overview domain); pixels as in `render`. */
  renderOverview(width, height, { copy = false } = {}) {
    const visibleEvents = this._t.renderOverview(width >>> 0, height >>> 0);
    return { visibleEvents, width: width >>> 0, height: height >>> 0, pixels: copy ? new Uint8ClampedArray(this._t.pixelsCopy()) : clamped(this._t.pixels()) };
  }
  /** Time-axis ticks `{unit, ticks: [{time_ms, px, label}], context}` for a view `width` pixels wide. */
  ticks(startMs, endMs, width) {
    return JSON.parse(this._t.ticksJSON(startMs, endMs, width));
  }
  /** Y-axis ticks `[{value, px, label}]` for a plot `height` pixels high. */
  yTicks(height) {
    return JSON.parse(this._t.yTicksJSON(height >>> 0));
  }
  /** Events near `(x, y)`: `{hits: [{group, row, time, value, x, y, columns: [[name, text]]}], total, group}`. */
  hitTest(startMs, endMs, width, height, x, y, { radius = 3, maxHits = 10 } = {}) {
    return JSON.parse(this._t.hitTestJSON(startMs, endMs, width >>> 0, height >>> 0, x, y, radius, maxHits));
  }
  /** `{group, time, value}` of source row `row`, or null when it is not drawn. */
  eventOf(row) {
    const e = this._t.eventOf(row >>> 0);
    return e ? { group: e[0], time: e[1], value: Number.isNaN(e[2]) ? null : e[2] } : null;
  }
  rowCenter(group, height) {
    return this._t.rowCenter(group, height);
  }
  valueToPx(value, height) {
    return this._t.valueToPx(value, height);
  }
  zoom(startMs, endMs, width, factor, anchor) {
    return Array.from(this._t.zoom(startMs, endMs, width, factor, anchor));
  }
  pan(startMs, endMs, width, dx) {
    return Array.from(this._t.pan(startMs, endMs, width, dx));
  }
  clamp(startMs, endMs) {
    return Array.from(this._t.clamp(startMs, endMs));
  }
  timeToPx(startMs, endMs, width, t) {
    return this._t.timeToPx(startMs, endMs, width, t);
  }
  pxToTime(startMs, endMs, width, px) {
    return this._t.pxToTime(startMs, endMs, width, px);
  }
  overviewPx(width, t) {
    return this._t.overviewPx(width, t);
  }
  rangeHandleAt(width, startMs, endMs, x, tolerance = 5) {
    return this._t.rangeHandleAt(width, startMs, endMs, x, tolerance);
  }
  dragRange(width, handle, startMs, endMs, dx) {
    return Array.from(this._t.dragRange(width, handle, startMs, endMs, dx));
  }
  centerRangeAt(width, startMs, endMs, x) {
    return Array.from(this._t.centerRangeAt(width, startMs, endMs, x));
  }
  /** Frees the wasm memory now. */
  free() {
    if (this._t) this._t.free();
    this._t = null;
  }
}

/** Groups `df` for a timeline without drawing it (no DOM needed): see `TimelineModel`. */
export function timelineModel(df, opts = {}, kind = "events") {
  return new TimelineModel(df, opts, kind, "timelineModel");
}
