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
  /** Warm the timeline code up when idle after loading (default true), so the first large timeline is fast. */
  warmUp?: boolean;
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
  /**
   * The service error reported beside this table (a PartialError, a cancelled or incomplete Data Explorer answer),
   * else null: kept by every verb and shown by toHTML()/toElement() and timeline footnotes. Setting it marks the table.
   */
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
  /** Rows as objects: datetime → Date, long beyond 2^53 → BigInt, timespan → milliseconds. Throws for rows holding
   * more than 1 GiB of values (select fewer rows or columns first). */
  toRows(offset?: number, length?: number): Record<string, unknown>[];
  /** Arrow IPC stream (LargeUtf8 strings, Timestamp(ms), Int64); `fullPrecision` keeps nanoseconds. Throws for a
   * table holding more than 1 GiB of values. */
  toArrowIPC(options?: { fullPrecision?: boolean }): Uint8Array;
  /** An apache-arrow Table. */
  toArrow(arrow?: unknown, options?: { fullPrecision?: boolean }): any;
  toHTML(options?: HtmlOptions): string;
  /** A DOM element (pages and Observable; not in a Worker). */
  toElement(options?: HtmlOptions): HTMLElement;
  /** Frees the wasm memory now (else when garbage-collected). */
  free(): void;
}

/** Local tables by name. */
export class LocalData {
  constructor();
  readonly tables: string[];
  table(name: string): DataFrame;
  /** A table's columns (a demo table is not read for it). */
  schema(name: string): { name: string; type: LaType }[];
  /** Names of the tables read so far: the demo's tables are read when a query first needs them. */
  readonly tablesRead: string[];
  /** Runs KQL on these tables (synchronously). */
  query(kql: string, options?: { now?: Date | number }): DataFrame;
  addTable(name: string, df: DataFrame): this;
}

/**
 * The demo data set (the file `huntbook_demo.la.json.gz` beside the wasm, or `url`), shifted so its newest event is
 * `now`. Initialises huntbook if needed; afterwards `new QueryProvider("LocalData")` queries a copy of these tables.
 */
export function loadDemo(options?: { now?: Date | number; url?: string | URL }): Promise<LocalData>;

export type TableFormat = "la" | "json" | "csv";

/** readTables' formats: a table format, or `"kusto"` (an Azure Data Explorer v2 answer; alias `"adx"`). */
export type ReadFormat = TableFormat | "kusto" | "adx";

/**
 * Reads tables from text or bytes (Log Analytics JSON, JSON rows, CSV, a Data Explorer v2 answer). `status` (an
 * HTTP status) reads the bytes as a query service's answer with that status, exactly as `execQuery` does (`format`
 * "la", the default, or "kusto"; 204 is Log Analytics' empty answer).
 */
export function readTables(
  data: string | Uint8Array | ArrayBuffer,
  options?: { name?: string; format?: ReadFormat; status?: number },
): { tables: DataFrame[]; error: ServiceError | null };

/** Loads one table from a URL, File/Blob, Response, text or bytes. */
export function loadTable(
  source: string | URL | Blob | Response | Uint8Array | ArrayBuffer,
  options?: { name?: string; format?: TableFormat; shiftToNow?: boolean; now?: Date | number; signal?: AbortSignal },
): Promise<DataFrame>;

/**
 * The time range queries use when start/end are not given (default: the last day). Times are Dates, epoch ms,
 * ISO 8601 text (text without a zone is UTC) or offsets from now ("-1d", "-2w@d", "+3h", "-1mon@mon"), read as a
 * query parameter reads them.
 */
export class QueryTime {
  constructor(options?: { start?: Date | string | number; end?: Date | string | number; now?: number });
  start: Date;
  end: Date;
  readonly value: { start: Date; end: Date };
  set(options: { start?: Date | string | number; end?: Date | string | number; now?: number }): this;
  /** The last `span` ("1h", "1d", "7d"). */
  last(span: string, now?: number): this;
  /** [reference − before, reference + after]. */
  around(reference: Date | string | number, options?: { before?: string; after?: string }): this;
}
/** A timespan ("-1d", "2h", "1.5h", "100ms", "1.02:00:00") → milliseconds; null if it is not one. */
export function parseOffset(text: string): number | null;

export type QueryParams = Record<string, unknown> & {
  start?: Date | string | number;
  end?: Date | string | number;
  add_query_items?: string;
  /** Return the KQL instead of running it. */
  print?: boolean;
  signal?: AbortSignal;
  /** Client timeout in seconds. */
  timeout?: number;
};

/** A built-in query: call it to run it (or `("print")` / `({print: true})` for the KQL). */
export interface QueryFunction {
  (params?: QueryParams | "print"): Promise<DataFrame> | string;
  help(): string;
  kql(params?: QueryParams): string;
  readonly queryName: string;
  /** An imported Sentinel query's metadata; null for other queries. */
  readonly metadata: SentinelQueryMetadata | null;
}

/** One Sentinel entity mapping, as in the YAML: which result columns make which entity. */
export interface SentinelEntityMapping {
  entityType: string;
  fieldMappings: { identifier: string; columnName: string }[];
}

/** What an imported Sentinel query keeps from its YAML (msticpy's SentinelQuery names, camelCase). */
export interface SentinelQueryMetadata {
  queryId: string;
  name: string;
  queryType: "hunting" | "analytics";
  severity: string;
  tactics: string[];
  relevantTechniques: string[];
  entityMappings: SentinelEntityMapping[];
  requiredDataConnectors: { connectorId: string; dataTypes: string[] }[];
  queryFrequency: string;
  queryPeriod: string;
  triggerOperator: string;
  triggerThreshold: string;
  version: string;
  kind: string;
  tags: unknown[];
  /** The source the query came from: its URL, the file name given, or "text N". */
  sourceFileName: string;
  /** The query text as written, placeholders included. */
  query: string;
}

export interface SentinelImportResult {
  /** Qualified names ("SentinelHunting.name") of the queries added, in input order. */
  imported: string[];
  /** Each input that could not be fetched or read, with the reason; the others are imported. */
  failed: { source: string; error: string }[];
}

export interface QueryInfo {
  qualifiedName: string;
  family: string;
  name: string;
  description: string;
  dataEnvironments: string[];
  template: string;
  params: { name: string; type: string; required: boolean; default: unknown; description: string; aliases: string[] }[];
  /** Imported Sentinel queries only; null for the others. */
  sentinel: SentinelQueryMetadata | null;
}

/** A bearer token, or `@azure/identity`'s `AccessToken` (`{token, expiresOnTimestamp}`); asked for once per query. */
export type TokenGetter = () => string | { token: string } | Promise<string | { token: string }>;

export interface LogAnalyticsConnection {
  workspaceId: string;
  getToken: TokenGetter;
  baseUrl?: string;
  additionalWorkspaces?: string[];
  serverTimeout?: number;
  /** Client timeout in seconds (default 300), getToken() included. */
  timeout?: number;
  /** Response size cap in bytes (default 512 MiB = 536870912). */
  maxResponseBytes?: number;
  arm?: { subscriptionId: string; resourceGroup: string; workspaceName: string; getToken?: TokenGetter; baseUrl?: string };
}
export interface KustoConnection {
  cluster: string;
  database: string;
  getToken: TokenGetter;
  timeout?: number;
  maxResponseBytes?: number;
}

/** msticpy's QueryProvider: built-in queries as `qp.Family.query_name(...)`, your own KQL, schemas. */
export class QueryProvider {
  /** "LocalData" without `data` queries a copy of the tables `await loadDemo()` loaded (it throws before that). */
  constructor(environment?: "LocalData" | "LogAnalytics" | "MSSentinel" | "Kusto" | string, options?: { data?: LocalData; queryTime?: QueryTime });
  readonly environment: "LocalData" | "LogAnalytics" | "Kusto";
  queryTime: QueryTime;
  readonly connected: boolean;
  /** Local tables (LocalData only). */
  readonly tables: string[];
  connect(options: LogAnalyticsConnection | KustoConnection): this;
  /** Imports Sentinel hunting queries / analytics rules: YAML text, a URL, or an array of them. */
  importSentinelQueries(
    input: string | URL | (string | URL)[],
    options?: { family?: string; signal?: AbortSignal },
  ): Promise<SentinelImportResult>;
  listQueries(filter?: string): string[];
  queryInfo(filter?: string): QueryInfo[];
  queryHelp(name: string): string;
  renderQuery(name: string, params?: QueryParams): string;
  execQuery(kql: string, options?: { signal?: AbortSignal; timeout?: number; start?: Date | number; end?: Date | number; maxResponseBytes?: number; worker?: undefined }): Promise<DataFrame>;
  /**
   * The query's table in huntbook's Worker: a service's answer is fetched on this page (the token never goes to the
   * Worker) and its bytes moved there and read; on the demo data the Worker runs the KQL on its copy of the same demo
   * load. A provider of your own `data` (or with `addTable` tables) rejects: a page table cannot move to the Worker.
   */
  execQuery(kql: string, options: { signal?: AbortSignal; timeout?: number; start?: Date | number; end?: Date | number; maxResponseBytes?: number; worker: import("./workerClient.js").HuntbookWorker }): Promise<import("./workerClient.js").WorkerTable>;
  exec_query(kql: string, options?: { signal?: AbortSignal; timeout?: number; start?: Date | number; end?: Date | number; maxResponseBytes?: number; worker?: undefined }): Promise<DataFrame>;
  exec_query(kql: string, options: { signal?: AbortSignal; timeout?: number; start?: Date | number; end?: Date | number; maxResponseBytes?: number; worker: import("./workerClient.js").HuntbookWorker }): Promise<import("./workerClient.js").WorkerTable>;
  schemaTables(options?: { signal?: AbortSignal }): Promise<string[]>;
  schema(table: string, options?: { signal?: AbortSignal }): Promise<{ name: string; type: LaType }[]>;
  addTable(name: string, df: DataFrame): this;
  /** Query families: `qp.Azure.list_all_signins_geo(...)`. */
  [family: string]: any;
}

/** Widgets (DOM elements with `.value` and `input` events, Observable `viewof` style). */
export function dataSource(options?: { timeout?: number; label?: string }): HTMLFormElement & { value: "sentinel" | "demo" | null; chosen: Promise<"sentinel" | "demo"> };
export function queryTime(options?: { queryTime?: QueryTime; label?: string }): HTMLFormElement & { value: { start: Date; end: Date }; queryTime: QueryTime };
export function queryBrowser(qp: QueryProvider, options?: { filter?: string; rows?: number }): HTMLDivElement & { value: string | null };
export function progress<T>(task: (signal: AbortSignal, report: (done: number, total: number) => void) => Promise<T>, options?: { label?: string }): HTMLDivElement & { value: Promise<T> };
/** msticpy's TI results browser: IoCs filtered by severity (default ["warning", "high"]), per-provider details and raw JSON. */
export function browseResults(results: DataFrame | Record<string, unknown>[], options?: { severities?: ("unknown" | "information" | "warning" | "high")[] }): HTMLDivElement & { value: Record<string, unknown>[] };

export * from "./analysis.js";
export * from "./vis/index.js";
export * from "./enrich/index.js";
export * from "./pivotAll.js";
export { display, displayBundle, displayMessage, Picture } from "./display.js";
export type { DisplayOptions, MimeBundle, DisplayMessage } from "./display.js";
import type * as displayTypes from "./display.js";
export { entities, Entity, entitiesFromAlert, detectEntities } from "./entity.js";
export type { EntityType, EntityInput, ColumnEntity } from "./entity.js";
import type * as entity from "./entity.js";
export { Pivot } from "./pivot.js";
export { worker, HuntbookWorker, WorkerTable, WorkerLocalData, WorkerTimelineModel } from "./workerClient.js";
export type { WorkerOptions, Abortable } from "./workerClient.js";
export type { PivotFunctionInfo, PivotFunction, PivotCallOptions, PivotInput, PivotOptions, PivotUserSpec, PivotsForColumn } from "./pivot.js";
import type * as pivot from "./pivot.js";
import type * as analysis from "./analysis.js";
import type * as vis from "./vis/index.js";
import type * as enrich from "./enrich/index.js";

declare const huntbook: typeof analysis & typeof vis & typeof enrich & {
  entities: typeof entity.entities;
  Entity: typeof entity.Entity;
  entitiesFromAlert: typeof entity.entitiesFromAlert;
  detectEntities: typeof entity.detectEntities;
  Pivot: typeof pivot.Pivot;
  display: typeof displayTypes.display;
  displayBundle: typeof displayTypes.displayBundle;
  displayMessage: typeof displayTypes.displayMessage;
  Picture: typeof displayTypes.Picture;
  init: typeof init;
  version: typeof version;
  loadDemo: typeof loadDemo;
  loadTable: typeof loadTable;
  readTables: typeof readTables;
  useArrow: typeof useArrow;
  LocalData: typeof LocalData;
  DataFrame: typeof DataFrame;
  QueryProvider: typeof QueryProvider;
  QueryTime: typeof QueryTime;
  parseOffset: typeof parseOffset;
  dataSource: typeof dataSource;
  queryTime: typeof queryTime;
  queryBrowser: typeof queryBrowser;
  progress: typeof progress;
  browseResults: typeof browseResults;
  pivotBrowser: typeof import("./pivotAll.js").pivotBrowser;
  pivotAll: typeof import("./pivotAll.js").pivotAll;
  worker: typeof import("./workerClient.js").worker;
};
export default huntbook;
