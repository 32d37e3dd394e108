// Canvas and DOM helpers of the charts: the scoped stylesheet (injected once), HiDPI canvases, text, PNG export.
// Text from data is only ever drawn with fillText or set with textContent.

import { doc, visible } from "../widgets/dom.js";
import { ensureStyle } from "../html.js";

export const FONT = "11px system-ui, -apple-system, 'Segoe UI', sans-serif";
export const TITLE_FONT = "bold 13px system-ui, -apple-system, 'Segoe UI', sans-serif";
export const AXIS = "#444";
export const TEXT = "#222";

const CSS = `
.huntbook-timeline, .huntbook-chart { font: 12px system-ui, -apple-system, 'Segoe UI', sans-serif; color: #222; display: inline-block; }
.huntbook-timeline .huntbook-title, .huntbook-chart .huntbook-title { font-weight: bold; font-size: 13px; margin: 2px 0 4px; }
.huntbook-toolbar { display: flex; gap: 4px; align-items: center; margin-bottom: 4px; }
.huntbook-toolbar button { font: inherit; font-size: 11px; padding: 1px 8px; border: 1px solid #bbb; border-radius: 3px; background: #f7f7f7; cursor: pointer; }
.huntbook-toolbar button[aria-pressed=true] { background: #dde8f7; border-color: #7a9cc6; }
.huntbook-toolbar .huntbook-hint { color: #777; font-size: 11px; margin-left: 6px; }
.huntbook-tl-body { display: flex; align-items: flex-start; gap: 8px; }
.huntbook-tl-main { position: relative; }
.huntbook-tl-main canvas { display: block; touch-action: none; }
.huntbook-plot { cursor: crosshair; }
.huntbook-range { cursor: pointer; margin-top: 2px; }
.huntbook-legend { list-style: none; margin: 0; padding: 0; max-height: 600px; overflow-y: auto; font-size: 11px; flex: none; }
.huntbook-legend li { display: flex; align-items: center; gap: 4px; cursor: pointer; padding: 1px 4px; white-space: nowrap; user-select: none; }
.huntbook-legend li.huntbook-off { opacity: 0.35; text-decoration: line-through; }
.huntbook-legend .huntbook-swatch { width: 10px; height: 10px; flex: none; display: inline-block; }
.huntbook-legend-inline { display: flex; flex-wrap: wrap; max-height: none; }
.huntbook-tooltip { position: absolute; pointer-events: none; background: rgba(255,255,255,0.97); border: 1px solid #999; border-radius: 3px; padding: 4px 6px; font-size: 11px; white-space: pre; max-width: 520px; overflow: hidden; box-shadow: 0 1px 4px rgba(0,0,0,0.2); z-index: 2; display: none; }
.huntbook-tooltip .huntbook-tip-event + .huntbook-tip-event { border-top: 1px solid #ddd; margin-top: 3px; padding-top: 3px; }
.huntbook-tooltip .huntbook-tip-key { color: #666; }
.huntbook-box { position: absolute; border: 1px dashed #333; background: rgba(70,110,200,0.15); pointer-events: none; display: none; }
.huntbook-notes { color: #666; font-size: 11px; margin-top: 2px; }
`;

/** Adds the charts' stylesheet to the document once. */
export function injectStyle() {
  ensureStyle(doc(), "huntbook-vis-style", CSS);
}

/** Device pixels per CSS pixel (1 where there is no window). */
export function pixelRatio() {
  const r = globalThis.devicePixelRatio;
  return Number.isFinite(r) && r > 0 ? Math.min(r, 4) : 1;
}

/** A canvas of `w × h` CSS pixels backed by `ratio` device pixels each; returns [canvas, context scaled to CSS px]. */
export function hidpiCanvas(canvas, w, h, ratio) {
  canvas.width = Math.max(1, Math.round(w * ratio));
  canvas.height = Math.max(1, Math.round(h * ratio));
  if (canvas.style) {
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

/** `text` (invisible characters shown visibly) shortened with an ellipsis to fit `max` pixels in the context's font. */
export function fitText(ctx, text, max) {
  text = visible(text);
  if (ctx.measureText(text).width <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

/** Whether charts are drawn as elements (a DOM) rather than as pictures (a Worker's OffscreenCanvas). */
export function hasDom() {
  return Boolean(globalThis.document);
}

/**
 * A canvas to draw on: a `<canvas>` element with a DOM, an `OffscreenCanvas` in a Worker; `fn` names the caller in
 * the error where there is neither (Node.js).
 */
export function newCanvas(fn) {
  if (hasDom()) return globalThis.document.createElement("canvas");
  if (typeof globalThis.OffscreenCanvas === "function") return new OffscreenCanvas(1, 1);
  throw new Error(`${fn}: drawing needs a DOM (a page or Observable) or an OffscreenCanvas (a Web Worker); neither is here ` +
    "(Node.js?): use huntbook.TimelineModel's render() for a timeline's RGBA bytes, or the table itself");
}

/**
 * What a timeline or chart is where there is no DOM (a Worker): its first view drawn once into an OffscreenCanvas.
 * `width`/`height` are the PNG's pixels; `toPNG()` encodes it; `huntbook.display(picture)` shows it.
 */
export class Picture {
  constructor(canvas, { kind, title, layout = null, chart = null }) {
    this._canvas = canvas;
    this.kind = kind;
    this.title = title;
    this.width = canvas.width;
    this.height = canvas.height;
    /** A timeline's layout (groups with their colours, sizes, domains), as the element's `layout`. */
    this.layout = layout;
    /** A chart's geometry (bars, wedges, series, bins), as the element's `chart`. */
    this.chart = chart;
  }
  /** The PNG file's bytes. */
  async toPNG() {
    return new Uint8Array(await (await canvasToPNG(this._canvas)).arrayBuffer());
  }
  toString() {
    return `${this.kind} picture "${this.title}" ${this.width}×${this.height} (huntbook.display(it) shows it)`;
  }
}

/** A canvas as a PNG Blob. */
export function canvasToPNG(canvas) {
  if (typeof canvas.convertToBlob === "function") return canvas.convertToBlob({ type: "image/png" });
  return new Promise((resolve, reject) => {
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("the canvas could not be encoded as PNG"))), "image/png");
  });
}

/** Saves a Blob as a file through a temporary download link. */
export function downloadBlob(blob, filename) {
  const d = doc();
  const url = URL.createObjectURL(blob);
  const a = d.createElement("a");
  a.href = url;
  a.download = filename;
  a.style.display = "none";
  (d.body || d.documentElement).append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** A file name from a title: letters, digits, dashes. */
export function fileName(title, ext = "png") {
  const base = String(title || "chart").replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "chart";
  return `${base}.${ext}`;
}
