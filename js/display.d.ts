// Types of js/display.js (re-exported by index.d.ts).
import type { DataFrame, HtmlOptions } from "./index.js";
import type { TimelineLayout } from "./vis/index.js";

/**
 * What `timeline` / `timelineValues` / `timelineDuration` / `barChart` / `pieChart` / `lineChart` / `histogram`
 * return where there is no DOM but an `OffscreenCanvas` (a Web Worker, e.g. JupyterLite's JavaScript kernel): the
 * view the element would draw first (title, plot, axes, range tool, legend; a chart's title, canvas and note),
 * drawn once by the same code. Where there is neither (Node.js) they throw; use `TimelineModel.render` for RGBA bytes.
 */
export class Picture {
  private constructor();
  /** "timeline" or the chart's kind ("bar", "pie", "line", "histogram"). */
  readonly kind: string;
  readonly title: string;
  /** The PNG's size in pixels (CSS px × the device pixel ratio, which is 1 in a Worker). */
  readonly width: number;
  readonly height: number;
  /** A timeline's layout (groups with label, colour and count; sizes; domains), else null. */
  readonly layout: TimelineLayout | null;
  /** A chart's geometry (bars, wedges, series, bins), else null. */
  readonly chart: unknown;
  /** The PNG file's bytes. */
  toPNG(): Promise<Uint8Array>;
  /** `<kind> picture "<title>" <w>×<h> (…)`: the text/plain of its bundle. */
  toString(): string;
}

/** The `data` of a Jupyter MIME bundle. */
export interface MimeBundle {
  "text/html"?: string;
  "text/plain"?: string;
  "image/png"?: string;
  "application/json"?: unknown;
}

/** The message a Worker posts for JupyterLite's JavaScript kernel to show. */
export interface DisplayMessage {
  type: "display_data";
  bundle: { data: MimeBundle; metadata: Record<string, never> };
}

export interface DisplayOptions extends HtmlOptions {
  /** With a DOM: an element to append the Node to (it is returned as well). */
  into?: Element;
  /** Where to post the message instead of the Worker's `postMessage` (also used on a page when given). */
  post?: (message: DisplayMessage) => void;
}

/**
 * Shows `x` in every host. With a DOM: a Node (a Node as is; a DataFrame → its table element; a Picture → an
 * `<img>`; a string or other value → text in a `<pre>`). Without a DOM: posts `{type: "display_data", bundle}` and
 * returns undefined, or for a Picture a Promise of undefined once posted (await it).
 */
/** A table held in `huntbook.worker()`: a Promise of its element (with a DOM) or of undefined once its bundle is posted. */
export function display(x: import("./workerClient.js").WorkerTable, opts?: DisplayOptions): Promise<Node | undefined>;
export function display(x: DataFrame | Picture | Node | string | unknown, opts?: DisplayOptions): Node | undefined | Promise<undefined>;
/** The bundle data of `x`; for a Picture a Promise of `{"image/png", "text/plain"}`. */
export function displayBundle(x: Picture, opts?: HtmlOptions): Promise<MimeBundle>;
export function displayBundle(x: DataFrame | string | unknown, opts?: HtmlOptions): MimeBundle;
/** `{type: "display_data", bundle: {data, metadata: {}}}`. */
export function displayMessage(data: MimeBundle): DisplayMessage;
