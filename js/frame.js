// DataFrame: the JS handle of a table held in wasm memory, with the verbs of the Tour's pandas appendix.
//
// Every verb returns a new DataFrame; bad column names throw an Error that lists the columns there are.
// Out: toArrow() (an apache-arrow Table for Observable Plot, Inputs.table, arquero), toArrowIPC() (bytes),
// toRows() (plain objects), toHTML() (an escaped HTML string), toElement() (a DOM element; pages only).

import * as wasm from "./huntbook_wasm.js";
import { tableElement } from "./html.js";
import { moduleStopped } from "./guard.js";

let arrowModule = null;
/** Throws "<what>: huntbook is not initialised…" unless `init()` has loaded the wasm. */
export function ready(what) {
  try {
    wasm.version();
  } catch (e) {
    if (moduleStopped()) throw e; // "huntbook's module stopped (…)", not "not initialised"
    throw new Error(`${what}: huntbook is not initialised: call \`await huntbook.init()\` first`);
  }
}

export function setArrow(mod) {
  arrowModule = mod;
}
export function getArrow() {
  return arrowModule;
}

export function wrapFrame(inner) {
  return new DataFrame(inner);
}

/** A cell or JSON value as JSON can carry it: Dates as ISO text, BigInts as numbers (strings when not exact). */
export function toJSONValue(v) {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  return v;
}

/** The two-row group handle returned by `groupBy`. */
class GroupBy {
  constructor(df, by) {
    this._df = df;
    this._by = by;
  }
  /** One row per group with the number of rows in `count`, ordered by the keys. */
  count() {
    return this._df._derive(this._df._frame.groupCount(this._by));
  }
}

/** `[{name, type}]` from the wasm's `[[name, type], …]` JSON text (a frame's or a LocalData table's schema). */
export function schemaFromJSON(json) {
  return JSON.parse(json).map(([name, type]) => ({ name, type }));
}

export class DataFrame {
  constructor(frame) {
    if (!frame || typeof frame.rowsJSON !== "function") {
      throw new TypeError("DataFrame is made by huntbook (loadDemo, loadTable, readTables), not with new");
    }
    this._frame = frame;
    this._error = null;
  }

  /**
   * The service error reported beside this table (a Log Analytics PartialError, a cancelled or incomplete Data
   * Explorer answer), else null. Kept by every verb (`df.head(10).error` is the same error) and shown by
   * `toHTML()`/`toElement()` as a "Partial result" banner and in timeline footnotes. Setting it marks the table.
   */
  get error() {
    if (this._error) return this._error;
    const partial = this._frame.partial;
    return partial ? { code: "PartialError", message: partial } : null;
  }
  set error(e) {
    this._error = e ?? null;
    if (e == null) this._frame.setPartial(undefined);
    else if (!this._frame.partial) this._frame.setPartial(String(e.message ?? e));
  }
  /** A DataFrame of `frame` (a verb's result) keeping this one's error. */
  _derive(frame) {
    const df = new DataFrame(frame);
    df._error = this._error;
    return df;
  }

  /** The table's name. */
  get name() {
    return this._frame.name;
  }
  /** `[rows, columns]`. */
  get shape() {
    return [this._frame.height, this._frame.width];
  }
  get numRows() {
    return this._frame.height;
  }
  /** Column names in order. */
  get columns() {
    return this._frame.columns;
  }
  /** `{column: type}` with Log Analytics type names (datetime, long, string, dynamic, …). */
  get dtypes() {
    return Object.fromEntries(JSON.parse(this._frame.schemaJSON()));
  }
  /** `[{name, type}]`, the table's schema. */
  get schema() {
    return schemaFromJSON(this._frame.schemaJSON());
  }
  /** What the reader or service noted (values that became null, partial errors). */
  get notes() {
    return this._frame.notes;
  }

  head(n = 5) {
    return this._derive(this._frame.head(Math.max(0, n | 0)));
  }
  slice(offset = 0, length = this.numRows) {
    return this._derive(this._frame.slice(Math.max(0, offset | 0), Math.max(0, length | 0)));
  }
  /** Only these columns, in this order. */
  select(columns) {
    return this._derive(this._frame.select(columns));
  }
  /** Rows where `column` equals `value`; or `filter({col: value, …})` for several equalities. */
  filter(column, value) {
    if (column && typeof column === "object" && !Array.isArray(column)) {
      let df = this;
      for (const [c, v] of Object.entries(column)) df = df.filter(c, v);
      return df;
    }
    return this._derive(this._frame.filterEq(String(column), toJSONValue(value)));
  }
  /** Rows where `column` is one of `values` (pandas `isin`). */
  isin(column, values) {
    return this._derive(this._frame.filterIn(String(column), Array.from(values, toJSONValue)));
  }
  /** `groupBy(col).count()` / `groupBy([a, b]).count()`. */
  groupBy(by) {
    return new GroupBy(this, by);
  }
  /** Distinct values of `column` with a `count` column, most frequent first. */
  valueCounts(column) {
    return this._derive(this._frame.valueCounts(String(column)));
  }
  /** Renames columns: `{old: new}`. */
  rename(mapping) {
    return this._derive(this._frame.rename(mapping));
  }
  /** Adds a column: `withColumn(name, constant)`. */
  withColumn(name, value) {
    return this._derive(this._frame.withConstant(String(name), toJSONValue(value)));
  }
  /** Adds `name` = datetime column `base` + `offset` (a timespan column, "2h"/"-1d"/"1.02:00:00", or ms). */
  addTime(name, base, offset) {
    return this._derive(this._frame.addTime(String(name), String(base), offset));
  }
  /** Sorted by one or more columns; `{descending: true}` reverses. */
  sort(by, { descending = false } = {}) {
    return this._derive(this._frame.sort(by, !!descending));
  }
  /** Adds `name` holding `path` read out of dynamic column `column` (e.g. "geoCoordinates.latitude"). */
  dynamicPath(column, path, name = path.split(/[.[\]"']+/).filter(Boolean).pop()) {
    return this._derive(this._frame.dynamicPath(String(column), String(path), String(name)));
  }
  /** Every datetime moved so the newest TimeGenerated is `now` (Date or ms). */
  shiftToNow(now = Date.now()) {
    return this._derive(this._frame.shiftToNow(+now));
  }

  /** Row `i` as an object (negative counts from the end). */
  row(i) {
    const n = this.numRows;
    const k = i < 0 ? n + i : i;
    if (!(k >= 0 && k < n)) throw new RangeError(`row ${i} is outside the table (it has ${n} rows)`);
    return this.toRows(k, 1)[0];
  }
  /** Rows as plain objects: datetimes are `Date`s, longs beyond 2^53 `BigInt`s, timespans milliseconds. */
  toRows(offset = 0, length = this.numRows) {
    const rows = JSON.parse(this._frame.rowsJSON(Math.max(0, offset | 0), Math.max(0, length)));
    const types = this.dtypes;
    const dates = Object.keys(types).filter((c) => types[c] === "datetime");
    const longs = Object.keys(types).filter((c) => types[c] === "long" || types[c] === "int");
    const reals = Object.keys(types).filter((c) => types[c] === "real");
    if (dates.length || longs.length || reals.length) {
      for (const r of rows) {
        for (const c of dates) if (r[c] != null) r[c] = new Date(r[c]);
        for (const c of longs) if (typeof r[c] === "string") r[c] = BigInt(r[c]);
        for (const c of reals) if (typeof r[c] === "string") r[c] = Number(r[c]);
      }
    }
    return rows;
  }
  /**
   * Arrow IPC stream bytes: strings LargeUtf8, longs Int64, datetimes Timestamp(ms) and timespans Duration(ms)
   * (what Plot and Inputs.table read as dates); `{fullPrecision: true}` keeps nanoseconds.
   */
  toArrowIPC({ fullPrecision = false } = {}) {
    return this._frame.toIPC(!!fullPrecision);
  }
  /** An apache-arrow Table (pass the module, or set it once with `huntbook.useArrow(Arrow)`). */
  toArrow(arrow = arrowModule, options = {}) {
    if (!arrow || typeof arrow.tableFromIPC !== "function") {
      throw new Error(
        "toArrow() needs the apache-arrow module: pass it (df.toArrow(Arrow)) or call huntbook.useArrow(Arrow) once; " +
          "toArrowIPC() gives the bytes without it",
      );
    }
    return arrow.tableFromIPC(this.toArrowIPC(options));
  }
  /** An HTML string of the table (every cell escaped), long tables cut with "N more rows". */
  toHTML({ maxRows = 20, maxCellChars = 200 } = {}) {
    return this._frame.toHTML(maxRows, maxCellChars);
  }
  /** A DOM element showing the table (needs a document: pages and Observable, not a Worker). */
  toElement(options = {}) {
    return tableElement(this.toHTML(options), this);
  }
  /** Frees the table's wasm memory now (otherwise it is freed when the DataFrame is garbage-collected). */
  free() {
    this._frame.free();
  }
  toString() {
    return `DataFrame ${this.name} [${this.shape.join(" × ")}]`;
  }
}
