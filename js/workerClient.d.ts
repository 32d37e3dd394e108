// Types of `huntbook.worker()`: the long-running calls in a module Web Worker, tables held there.
import type { LaType, ServiceError, HtmlOptions, TableFormat, ReadFormat, InitOptions } from "./index.js";
import type { UnpackOptions, IocOptions, IocSets, UnpackResult } from "./analysis.js";
import type { TimelineOptions, TimelineLayout } from "./vis/index.js";

/** `{signal}`: aborting terminates the worker and starts a new one; every table it held is then gone. */
export interface Abortable {
  signal?: AbortSignal;
}

/** A table held in the worker. Verbs return a Promise of a new WorkerTable; data crosses only when asked for. */
export class WorkerTable {
  private constructor();
  readonly name: string;
  readonly shape: [number, number];
  readonly numRows: number;
  readonly columns: string[];
  readonly dtypes: Record<string, LaType>;
  readonly schema: { name: string; type: LaType }[];
  readonly notes: string[];
  readonly error: ServiceError | { code: string; message: string } | null;
  head(n?: number, opts?: Abortable): Promise<WorkerTable>;
  slice(offset?: number, length?: number, opts?: Abortable): Promise<WorkerTable>;
  select(columns: string[], opts?: Abortable): Promise<WorkerTable>;
  filter(column: string, value: unknown, opts?: Abortable): Promise<WorkerTable>;
  filter(equalities: Record<string, unknown>, opts?: Abortable): Promise<WorkerTable>;
  isin(column: string, values: Iterable<unknown>, opts?: Abortable): Promise<WorkerTable>;
  valueCounts(column: string, opts?: Abortable): Promise<WorkerTable>;
  rename(mapping: Record<string, string>, opts?: Abortable): Promise<WorkerTable>;
  withColumn(name: string, value: unknown, opts?: Abortable): Promise<WorkerTable>;
  addTime(name: string, base: string, offset: string | number, opts?: Abortable): Promise<WorkerTable>;
  sort(by: string | string[], options?: { descending?: boolean } & Abortable): Promise<WorkerTable>;
  dynamicPath(column: string, path: string, name?: string, opts?: Abortable): Promise<WorkerTable>;
  shiftToNow(now?: Date | number, opts?: Abortable): Promise<WorkerTable>;
  groupBy(by: string | string[]): { count(opts?: Abortable): Promise<WorkerTable> };
  row(i: number, opts?: Abortable): Promise<Record<string, unknown>>;
  /** Rows copied from the worker (datetime → Date, long beyond 2^53 → BigInt, as `DataFrame.toRows`). */
  toRows(offset?: number, length?: number, opts?: Abortable): Promise<Record<string, unknown>[]>;
  /** Arrow IPC stream bytes, transferred from the worker. */
  toArrowIPC(options?: { fullPrecision?: boolean } & Abortable): Promise<Uint8Array>;
  /** An apache-arrow Table made on this thread from the worker's Arrow IPC. */
  toArrow(arrow?: unknown, options?: { fullPrecision?: boolean } & Abortable): Promise<any>;
  /** The table's HTML (escaped in Rust; only `maxRows` rows cross). */
  toHTML(options?: HtmlOptions & Abortable): Promise<string>;
  /** A DOM element, as `DataFrame.toElement` makes it (`value`: this handle). */
  toElement(options?: HtmlOptions & Abortable): Promise<HTMLElement>;
  /** Frees the table in the worker now. */
  free(): Promise<void>;
}

/** `LocalData` in the worker. */
export class WorkerLocalData {
  private constructor();
  readonly tables: string[];
  table(name: string, opts?: Abortable): Promise<WorkerTable>;
  schema(name: string, opts?: Abortable): Promise<{ name: string; type: LaType }[]>;
  /** Runs KQL in the worker. */
  query(kql: string, options?: { now?: Date | number } & Abortable): Promise<WorkerTable>;
  /** `query`, under a LocalData provider's name. */
  execQuery(kql: string, options?: { now?: Date | number } & Abortable): Promise<WorkerTable>;
  addTable(name: string, table: WorkerTable, opts?: Abortable): Promise<this>;
  free(): Promise<void>;
}

/** A timeline grouped in the worker (`TimelineModel` there). */
export class WorkerTimelineModel {
  private constructor();
  readonly layout: TimelineLayout;
  /** RGBA pixels of a view (a Uint8ClampedArray this thread owns). */
  render(startMs: number, endMs: number, width: number, height: number, opts?: Abortable):
    Promise<{ visibleEvents: number; width: number; height: number; pixels: Uint8ClampedArray }>;
  renderOverview(width: number, height: number, opts?: Abortable):
    Promise<{ visibleEvents: number; width: number; height: number; pixels: Uint8ClampedArray }>;
  free(): Promise<void>;
}

/** huntbook in a module Web Worker: the long-running calls, async, with the main-thread names and options. */
export class HuntbookWorker {
  private constructor();
  /** The huntbook version in the worker. */
  version(): Promise<string>;
  localData(opts?: Abortable): Promise<WorkerLocalData>;
  loadDemo(options?: { now?: Date | number; url?: string | URL } & Abortable): Promise<WorkerLocalData>;
  /**
   * `transfer: true` moves an ArrayBuffer (or a Uint8Array over a whole one) to the worker instead of copying it;
   * `status` reads the bytes as a query service's answer as `execQuery` does (see `readTables`).
   */
  readTables(
    data: string | Uint8Array | ArrayBuffer | Blob,
    options?: { name?: string; format?: ReadFormat; status?: number; transfer?: boolean } & Abortable,
  ): Promise<{ tables: WorkerTable[]; error: ServiceError | null }>;
  /** A URL is fetched by the worker; a Response is read on this thread first. */
  loadTable(
    source: string | URL | Blob | Response | Uint8Array | ArrayBuffer,
    options?: { name?: string; format?: TableFormat; shiftToNow?: boolean; now?: Date | number; transfer?: boolean } & Abortable,
  ): Promise<WorkerTable>;
  extractIocsTable(table: WorkerTable, columns: string | string[], options?: IocOptions & Abortable): Promise<WorkerTable>;
  extractIocsTable(table: WorkerTable, options: IocOptions & { columns: string | string[] } & Abortable): Promise<WorkerTable>;
  extractIocsTable(text: string, options?: IocOptions & Abortable): Promise<WorkerTable>;
  unpackTable(table: WorkerTable, column: string, options?: UnpackOptions & Abortable): Promise<WorkerTable>;
  extractIocs(text: string, options?: IocOptions & Abortable): Promise<IocSets>;
  unpack(text: string, options?: UnpackOptions & Abortable): Promise<Omit<UnpackResult, "table"> & { table: WorkerTable }>;
  /** The grouping step of a timeline (`TimelineModel`) in the worker. */
  timelineModel(
    table: WorkerTable,
    options?: Omit<TimelineOptions, "ref_events" | "refEvents"> & { ref_events?: WorkerTable | unknown; refEvents?: WorkerTable | unknown } & Abortable,
    kind?: "events" | "values" | "duration",
  ): Promise<WorkerTimelineModel>;
  /** Stops the worker; every handle of it is gone. */
  terminate(): void;
}

export interface WorkerOptions extends Omit<InitOptions, "module_or_path"> {
  /** Where the .wasm is, as the worker loads it: a URL (resolved against this page), bytes or a WebAssembly.Module. */
  module_or_path?: string | URL | Response | BufferSource | WebAssembly.Module;
  /** Where js/worker.js is (default: beside index.js). */
  workerUrl?: string | URL;
  /** Aborts starting the worker. */
  signal?: AbortSignal;
}

/** Starts huntbook in a module Web Worker; resolves once its wasm is loaded. */
export function worker(options?: WorkerOptions): Promise<HuntbookWorker>;
