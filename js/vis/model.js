// The DOM-free half of a timeline: a DataFrame grouped once in wasm (one time-sorted index per group), then asked
// for rasterised views, ticks, hits and zoom/pan/range-tool arithmetic. `timeline()` builds its element on it; it
// also works in a Worker or Node.js (e.g. to render into an OffscreenCanvas, or in tests).

import * as wasm from "../huntbook_wasm.js";
import { frameOf } from "./options.js";

/**
 * The wasm `Timeline` of `df`: the options go to Rust as they are (src/vis/timeline.rs `TimelineOptions` reads
 * them), but for a DataFrame given as `ref_events`, which wasm reads as a frame.
 */
function wasmTimeline(df, opts, kind, fn) {
  const frame = frameOf(df, fn);
  const key = opts && typeof opts === "object" ? ["ref_events", "refEvents"].find((k) => opts[k]?._frame) : undefined;
  if (key === undefined) return new wasm.Timeline(frame, kind, opts, fn);
  const { [key]: refs, ...rest } = opts;
  return wasm.Timeline.withRefFrame(frame, kind, rest, fn, frameOf(refs, fn));
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
    this._t = wasmTimeline(df, opts, kind, fn);
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
