// Types of js/vis/index.js (re-exported by index.d.ts).
import type { DataFrame } from "../index.js";

/** A time: a Date, ISO text (UTC when it names no zone) or epoch milliseconds. */
export type TimeLike = Date | string | number;

/** Timeline options, as msticpy names them (the camelCase spellings are accepted too). */
export interface TimelineOptions {
  /** The datetime column (default "TimeGenerated"); any Log Analytics precision; nulls skipped and counted. */
  time_column?: string;
  timeColumn?: string;
  /** timelineDuration: the column giving each group's end (default time_column). */
  end_time_column?: string;
  endTimeColumn?: string;
  /** Columns whose values make the rows (one colour each). */
  group_by?: string | string[];
  groupBy?: string | string[];
  /** Extra columns shown on hover (after the time, group and value columns). */
  source_columns?: string | string[];
  sourceColumns?: string | string[];
  title?: string;
  /** Plot height in CSS px (default: from the number of groups) and width (default 900). */
  height?: number;
  width?: number;
  /** Colour of ungrouped events and duration bars (CSS #rrggbb, #rgb or a name; default navy). */
  color?: string;
  /** Legend position (default left for grouped events, inline for grouped values). */
  legend?: "left" | "right" | "inline" | "none" | boolean;
  /** Show the range tool strip under the plot (default true). */
  range_tool?: boolean;
  rangeTool?: boolean;
  /** A reference line and its label (default "Ref time"). */
  ref_time?: TimeLike;
  refTime?: TimeLike;
  ref_label?: string;
  refLabel?: string;
  /** More reference lines: a DataFrame (time_column + ref_col labels), rows, or [{time, label}]. */
  ref_events?: DataFrame | Array<{ time: TimeLike; label?: string } | Record<string, unknown> | TimeLike>;
  refEvents?: TimelineOptions["ref_events"];
  ref_col?: string;
  refCol?: string;
  /** Show the y axis labels (default true); vertical (default true) and horizontal (default false) grid lines. */
  yaxis?: boolean;
  xgrid?: boolean;
  ygrid?: boolean;
  /** timelineValues: the numeric column (required) and how it is drawn (default "vbar"). */
  value_column?: string;
  valueColumn?: string;
  kind?: ValueKind | ValueKind[];
}

export type ValueKind = "vbar" | "line" | "circle";

export interface TimelineGroup {
  index: number;
  label: string;
  color: string;
  count: number;
  first_ms: number;
  last_ms: number;
}

export interface TimelineLayout {
  kind: "events" | "values" | "duration";
  title: string;
  width: number;
  height: number;
  overview_height: number;
  range_tool: boolean;
  legend: "left" | "right" | "inline" | "none";
  yaxis: boolean;
  xgrid: boolean;
  ygrid: boolean;
  x_label: string;
  y_label: string;
  time_column: string;
  group_by: string[];
  value_column: string | null;
  hover_columns: string[];
  groups: TimelineGroup[];
  events: number;
  skipped_no_time: number;
  skipped_no_value: number;
  data_start_ms: number | null;
  data_end_ms: number | null;
  view_start_ms: number;
  view_end_ms: number;
  extent_start_ms: number;
  extent_end_ms: number;
  overview_start_ms: number;
  overview_end_ms: number;
  value_min: number | null;
  value_max: number | null;
  ref_lines: Array<{ time_ms: number; label: string }>;
  notes: string[];
}

export interface TimeTicks {
  unit: string;
  count: number;
  step_ms: number;
  ticks: Array<{ time_ms: number; px: number; label: string }>;
  context: string | null;
}

export interface TimelineHit {
  group: number;
  /** The source row index in the DataFrame. */
  row: number;
  time: number;
  value: number | null;
  x: number;
  y: number;
  /** [column, display text or null] of the hover columns. */
  columns: Array<[string, string | null]>;
}

export interface TimelineHits {
  hits: TimelineHit[];
  total: number;
  group: number | null;
}

export interface RenderedView {
  visibleEvents: number;
  width: number;
  height: number;
  /** Straight RGBA; a view of wasm memory (use at once) unless rendered with {copy: true}. */
  pixels: Uint8ClampedArray;
}

/** A timeline grouped once in wasm, without a DOM: rasterised views, ticks, hits. Pixels are device pixels. */
export class TimelineModel {
  constructor(df: DataFrame, opts?: TimelineOptions, kind?: "events" | "values" | "duration");
  readonly layout: TimelineLayout;
  hidden: Set<number>;
  setHidden(indices: Iterable<number>): void;
  setPixelRatio(ratio: number): void;
  render(startMs: number, endMs: number, width: number, height: number, opts?: { copy?: boolean }): RenderedView;
  renderOverview(width: number, height: number, opts?: { copy?: boolean }): RenderedView;
  ticks(startMs: number, endMs: number, width: number): TimeTicks;
  yTicks(height: number): Array<{ value: number; px: number; label: string }>;
  hitTest(startMs: number, endMs: number, width: number, height: number, x: number, y: number,
    opts?: { radius?: number; maxHits?: number }): TimelineHits;
  eventOf(row: number): { group: number; time: number; value: number | null } | null;
  rowCenter(group: number, height: number): number;
  valueToPx(value: number, height: number): number;
  zoom(startMs: number, endMs: number, width: number, factor: number, anchor: number): [number, number];
  pan(startMs: number, endMs: number, width: number, dx: number): [number, number];
  clamp(startMs: number, endMs: number): [number, number];
  timeToPx(startMs: number, endMs: number, width: number, t: number): number;
  pxToTime(startMs: number, endMs: number, width: number, px: number): number;
  overviewPx(width: number, t: number): number;
  rangeHandleAt(width: number, startMs: number, endMs: number, x: number, tolerance?: number): "outside" | "left" | "right" | "inside";
  dragRange(width: number, handle: string, startMs: number, endMs: number, dx: number): [number, number];
  centerRangeAt(width: number, startMs: number, endMs: number, x: number): [number, number];
  free(): void;
}

export function timelineModel(df: DataFrame, opts?: TimelineOptions, kind?: "events" | "values" | "duration"): TimelineModel;

/** The timeline element (class huntbook-timeline); an Observable `viewof` input of the visible range. */
export interface TimelineElement extends HTMLDivElement {
  /** The visible time range; setting it redraws without an input event. */
  value: { start: Date; end: Date };
  /** Shows [start, end] and redraws synchronously (emits "input" when it changed). */
  setRange(start: TimeLike, end: TimeLike): void;
  /** Back to the initial view (the data with 10% padding). */
  reset(): void;
  redraw(): void;
  /** Hides or shows a group, as a legend click does. */
  toggleGroup(index: number): void;
  /** Milliseconds the last draw took (wasm raster + blit + text). */
  lastDrawMs: number;
  /** The current view (title, plot, range tool, legend) as a PNG. */
  toPNG(): Promise<Blob>;
  downloadPNG(filename?: string): Promise<Blob>;
  /** Where source row `row` is drawn, in CSS px from the plot canvas's corner, or null. */
  pixelOf(row: number): { x: number; y: number } | null;
  /** Frees the wasm memory. */
  dispose(): void;
  readonly model: TimelineModel;
  readonly layout: TimelineLayout;
  /** CSS px: the plot area's offset in the plot canvas and its size; the range strip's height (same x offset). */
  readonly geometry: { left: number; top: number; plotWidth: number; plotHeight: number; stripHeight: number };
}

/**
 * The timelines and the charts below return their element where there is a DOM; in a Web Worker (no document, an
 * OffscreenCanvas) they return a `huntbook.Picture` of the first view instead (show it with `huntbook.display`), and
 * in Node.js they throw (use `TimelineModel.render`).
 */
export function timeline(df: DataFrame, opts?: TimelineOptions): TimelineElement;
export function timelineValues(df: DataFrame, opts?: TimelineOptions): TimelineElement;
export function timelineDuration(df: DataFrame, opts?: TimelineOptions): TimelineElement;

export interface ChartElement extends HTMLDivElement {
  toPNG(): Promise<Blob>;
  downloadPNG(filename?: string): Promise<Blob>;
  /** The geometry the chart was drawn from. */
  readonly chart: unknown;
}

export interface BarChartOptions {
  column?: string;
  /** Categories kept (default 10); the rest are summed into `other_label` (default "other") unless include_other is false. */
  top_n?: number;
  topN?: number;
  other_label?: string;
  otherLabel?: string;
  include_other?: boolean;
  includeOther?: boolean;
  /** Leave nulls out (default true). */
  dropna?: boolean;
  width?: number;
  height?: number;
  color?: string;
  title?: string;
  xlabel?: string;
}

export interface PieChartOptions {
  column?: string;
  top_n?: number;
  topN?: number;
  other_label?: string;
  otherLabel?: string;
  dropna?: boolean;
  /** Diameter area in CSS px (default 400). */
  size?: number;
  title?: string;
  legend?: boolean;
}

export interface LineChartOptions {
  /** The datetime column (default "TimeGenerated"). */
  x?: string;
  time_column?: string;
  timeColumn?: string;
  /** The numeric column(s), one line each. */
  y?: string | string[];
  columns?: string | string[];
  width?: number;
  height?: number;
  title?: string;
  ylabel?: string;
}

export interface HistogramOptions {
  column?: string;
  bins?: number;
  width?: number;
  height?: number;
  color?: string;
  title?: string;
}

export function barChart(df: DataFrame, column: string | BarChartOptions, opts?: BarChartOptions): ChartElement;
export function pieChart(df: DataFrame, column: string | PieChartOptions, opts?: PieChartOptions): ChartElement;
export function lineChart(df: DataFrame, y: string | LineChartOptions, opts?: LineChartOptions): ChartElement;
export function histogram(df: DataFrame, column: string | HistogramOptions, opts?: HistogramOptions): ChartElement;
