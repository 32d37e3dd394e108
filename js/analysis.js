// Analysis: base64 unpacking of obfuscated command lines and IoC extraction (wraps the wasm `decode`/`ioc` bindings).
//
// unpack(text)                    → {text, table, notes, truncated}    msticpy: base64unpack.unpack(input_string=…)
// unpackTable(df, column)         → DataFrame of fragments             msticpy: base64unpack.unpack_df(data, column)
// extractIocs(text)               → {ipv4: […], url: […], …}           msticpy: IoCExtract().extract(src=…)
// extractIocsTable(df, columns)   → DataFrame IoCType, Observable, SourceIndex, Input, Refanged
//                                                                      msticpy: IoCExtract().extract_df(data, columns)
// Options take msticpy's snake_case names or camelCase (`ioc_types`/`iocTypes`, `include_paths`/`includePaths`);
// they are read and checked in Rust (src/options.rs, the core's option structs): an unknown name is an error with
// the closest known one.

import * as wasm from "./huntbook_wasm.js";
import { DataFrame, wrapFrame, ready } from "./frame.js";

/**
 * `options` as the wasm side reads them (names and values are checked there): host objects made plain, at any
 * depth: undefined values dropped, Sets → arrays, RegExps → their source text.
 */
function plain(options) {
  if (options instanceof RegExp) return options.source;
  if (options instanceof Set) return [...options].map(plain);
  if (Array.isArray(options)) return options.map(plain);
  if (options === null || typeof options !== "object" || options instanceof Date) return options;
  const out = {};
  for (const [k, v] of Object.entries(options)) if (v !== undefined) out[k] = plain(v);
  return out;
}

function checkText(text, what) {
  if (typeof text === "string") return text;
  if (typeof text === "number" || typeof text === "bigint" || typeof text === "boolean") return String(text);
  throw new TypeError(`${what}(text): text must be a string, got ${text === null ? "null" : typeof text}`);
}

const encoder = new TextEncoder();
/** Text as UTF-8 bytes: a long text crosses into wasm much faster as bytes (native encoding) than as a string. */
function utf8(text) {
  return encoder.encode(text);
}

function checkFrame(df, what) {
  if (!(df instanceof DataFrame)) {
    throw new TypeError(`${what}(df, …): df must be a huntbook DataFrame (from loadTable, readTables or a query)`);
  }
}

/**
 * Decodes the base64 in `text`, recursively, unpacking zip/gzip/tar/bzip2 (msticpy's `unpack`).
 * Returns `{text, table, notes, truncated}`: the text with each decoded run replaced by a
 * `<decoded …>…</decoded>` tag, a DataFrame with one row per fragment (msticpy's columns), what limits stopped
 * (`notes`) and whether one did (`truncated`).
 * Options: `max_depth` (20), `max_fragments_per_level` (50), `max_total_bytes` (64 MiB), `max_members` (1000),
 * `utf16` (detect UTF-16LE, true), `url_safe` (true), `min_length` (30), `max_display_bytes` (64 KiB).
 */
export function unpack(text, options = {}) {
  ready("unpack");
  const u = wasm.unpackText(checkText(text, "unpack"), plain(options));
  try {
    return { text: u.text, table: wrapFrame(u.table()), notes: u.notes, truncated: u.truncated };
  } finally {
    u.free();
  }
}

/**
 * `unpack` for every cell of text column `column` (msticpy's `unpack_df`): one DataFrame of all fragments with
 * `src_index` (the row), the source cell and `full_decoded_string`. Null cells are skipped; limits are for the
 * whole table and what they stopped is in the table's `notes`.
 */
export function unpackTable(df, column, options = {}) {
  ready("unpackTable");
  checkFrame(df, "unpackTable");
  if (typeof column !== "string") throw new TypeError("unpackTable(df, column): column must be a column name");
  return wrapFrame(wasm.unpackFrame(df._frame, column, plain(options)));
}

/** The indicators of `text` as `[{type, observable, refanged}]` in order of first appearance. */
export function extractIocList(text, options = {}) {
  ready("extractIocs");
  if (text == null) return [];
  return JSON.parse(wasm.extractIocsJSON(utf8(checkText(text, "extractIocs")), plain(options)));
}

/**
 * The indicators in `text` by type, like msticpy's `extract(src=…)`: `{url: [...], dns: [...], ipv4: [...]}`. Each
 * list holds the usable (refanged) values, once each, in order of first appearance; only types found are keys.
 * `extractIocList` gives the text as written beside each value; `extractIocsTable(text)` the same as a table.
 * Options: `ioc_types` (only these), `include_paths`, `ignore_tlds`, `defanged` (true),
 * `custom: [{name, regex, priority, group}]` (msticpy's `add_ioc_type`).
 */
export function extractIocs(text, options = {}) {
  const out = {};
  const seen = new Set();
  for (const { type, refanged } of extractIocList(text, options)) {
    const key = `${type}\u0000${refanged}`;
    if (seen.has(key)) continue;
    seen.add(key);
    (out[type] ??= []).push(refanged);
  }
  return out;
}

/**
 * One row per indicator in each cell of `columns` (msticpy's `extract_df`): IoCType, Observable (as written),
 * SourceIndex (the row), Input (the cell), Refanged. Null cells are skipped; paths only with `include_paths`.
 * `extractIocsTable(text, options)` gives the table of one text, a line taken as a row (SourceIndex: the 0-based
 * line of the first appearance; Input: that line).
 */
export function extractIocsTable(df, columns, options = {}) {
  ready("extractIocsTable");
  if (typeof df === "string") {
    const opts = columns && typeof columns === "object" && !Array.isArray(columns) ? columns : options;
    return wrapFrame(wasm.extractIocsTextTable(utf8(df), plain(opts)));
  }
  checkFrame(df, "extractIocsTable");
  if (columns && typeof columns === "object" && !Array.isArray(columns)) {
    options = columns;
    columns = options.columns;
    const { columns: _, ...rest } = options;
    options = rest;
  }
  if (typeof columns === "string") columns = [columns];
  if (!Array.isArray(columns) || !columns.length || columns.some((c) => typeof c !== "string")) {
    throw new TypeError('extractIocsTable(df, columns): name the text columns to search, e.g. ["CommandLine"]');
  }
  return wrapFrame(wasm.extractIocsFrame(df._frame, columns, plain(options)));
}
