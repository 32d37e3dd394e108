// Types of huntbook's public API.

/** A Log Analytics column type. */
export type LaType =
  | "bool" | "datetime" | "dynamic" | "int" | "long" | "real" | "string" | "guid" | "decimal" | "timespan";

/** The error a service reported (a Log Analytics PartialError returns it beside the tables). */
export interface ServiceError {
  code: string;
  message: string;
  /** The most specific (innermost) message. */
  innermost: string;
  /** Nested messages, outermost first. */
  details: string[];
}

export interface InitOptions {
  /** Where the .wasm is: a URL, a Response, bytes or a compiled WebAssembly.Module. Default: next to index.js. */
  module_or_path?: string | URL | Response | BufferSource | WebAssembly.Module;
  /** The apache-arrow module used by `toArrow()`. */
  arrow?: unknown;
}

/** Loads the WebAssembly module; call once before anything else. */
export function init(options?: InitOptions): Promise<unknown>;
/** The huntbook version. */
export function version(): string;
/** Sets the apache-arrow module that `toArrow()` uses. */
export function useArrow(arrowModule: unknown): void;

export type Scalar = string | number | boolean | null | Date | bigint;

export interface HtmlOptions {
  /** Rows shown (default 20); the rest are counted in "N more rows". */
  maxRows?: number;
  /** Characters shown per cell (default 200). */
  maxCellChars?: number;
}

/** Handle returned by `groupBy`. */
export interface GroupBy {
  /** One row per group with a `count` column, ordered by the keys. */
  count(): DataFrame;
}

/** A table held in wasm memory. Every verb returns a new DataFrame. */
export class DataFrame {
  private constructor();
  readonly name: string;
  /** [rows, columns] */
  readonly shape: [number, number];
  readonly numRows: number;
  readonly columns: string[];
  /** {column: Log Analytics type} */
  readonly dtypes: Record<string, LaType>;
  readonly schema: { name: string; type: LaType }[];
  /** Reader/service notes: values that became null, partial errors. */
  readonly notes: string[];
  /** The service error reported beside this table, else null. */
  error: ServiceError | null;
  head(n?: number): DataFrame;
  slice(offset?: number, length?: number): DataFrame;
  select(columns: string | string[]): DataFrame;
  filter(column: string, value: Scalar): DataFrame;
  filter(equalities: Record<string, Scalar>): DataFrame;
  isin(column: string, values: Iterable<Scalar>): DataFrame;
  groupBy(by: string | string[]): GroupBy;
  valueCounts(column: string): DataFrame;
  rename(mapping: Record<string, string>): DataFrame;
  withColumn(name: string, value: Scalar | object): DataFrame;
  /** name = datetime column `base` + offset (a timespan column, "2h", "-1d", "1.02:00:00", or milliseconds). */
  addTime(name: string, base: string, offset: string | number): DataFrame;
  sort(by: string | string[], options?: { descending?: boolean }): DataFrame;
  dynamicPath(column: string, path: string, name?: string): DataFrame;
  shiftToNow(now?: Date | number): DataFrame;
  row(i: number): Record<string, unknown>;
  /** Rows as objects: datetime → Date, long beyond 2^53 → BigInt, timespan → milliseconds. */
  toRows(offset?: number, length?: number): Record<string, unknown>[];
  /** Arrow IPC stream (LargeUtf8 strings, Timestamp(ms), Int64); `fullPrecision` keeps nanoseconds. */
  toArrowIPC(options?: { fullPrecision?: boolean }): Uint8Array;
  /** An apache-arrow Table. */
  toArrow(arrow?: unknown, options?: { fullPrecision?: boolean }): any;
  toHTML(options?: HtmlOptions): string;
  /** A DOM element (pages and Observable; not in a Worker). */
  toElement(options?: HtmlOptions): HTMLElement;
}

/** Local tables by name. */
export class LocalData {
  constructor();
  readonly tables: string[];
  table(name: string): DataFrame;
  schema(name: string): { name: string; type: LaType }[];
  addTable(name: string, df: DataFrame): this;
}

/** The embedded demo data set, shifted so its newest event is `now`. */
export function loadDemo(options?: { now?: Date | number }): LocalData;

export type TableFormat = "la" | "json" | "csv";

/** Reads tables from text or bytes (Log Analytics JSON, JSON rows, CSV). */
export function readTables(
  data: string | Uint8Array | ArrayBuffer,
  options?: { name?: string; format?: TableFormat },
): { tables: DataFrame[]; error: ServiceError | null };

/** Loads one table from a URL, File/Blob, Response, text or bytes. */
export function loadTable(
  source: string | URL | Blob | Response | Uint8Array | ArrayBuffer,
  options?: { name?: string; format?: TableFormat; shiftToNow?: boolean; now?: Date | number; signal?: AbortSignal },
): Promise<DataFrame>;

declare const huntbook: {
  init: typeof init;
  version: typeof version;
  loadDemo: typeof loadDemo;
  loadTable: typeof loadTable;
  readTables: typeof readTables;
  useArrow: typeof useArrow;
  LocalData: typeof LocalData;
  DataFrame: typeof DataFrame;
};
export default huntbook;
