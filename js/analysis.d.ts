// Types of js/analysis.js (re-exported by index.d.ts).
import type { DataFrame } from "./index.js";

/** Options of `unpack` and `unpackTable` (msticpy's snake_case names or camelCase). */
export interface UnpackOptions {
  /** Levels of base64-in-base64 and archive nesting followed (default 20, at most 64). */
  max_depth?: number;
  maxDepth?: number;
  /** Fragments decoded per depth of one text (default 50). */
  max_fragments_per_level?: number;
  maxFragmentsPerLevel?: number;
  /** Bytes decoded and decompressed per call (default 64 MiB); a member passing it is cut and noted. */
  max_total_bytes?: number;
  maxTotalBytes?: number;
  /** Archive members read per call (default 1000). */
  max_members?: number;
  maxMembers?: number;
  /** Detect UTF-16LE text (PowerShell -EncodedCommand); default true. */
  utf16?: boolean;
  /** Also decode the URL-safe alphabet (-, _); default true. */
  url_safe?: boolean;
  urlSafe?: boolean;
  /** Shortest base64 run tried (default 30). */
  min_length?: number;
  minLength?: number;
  /** Bytes shown as hex in tags and printable_bytes (default 64 KiB). */
  max_display_bytes?: number;
  maxDisplayBytes?: number;
}

/** What `unpack` returns. */
export interface UnpackResult {
  /** The input with each decoded run replaced by a `<decoded …>…</decoded>` tag. */
  text: string;
  /** One row per fragment: reference, original_string, file_name, file_type, input_bytes, decoded_string,
   * encoding_type, file_hashes, md5, sha1, sha256, printable_bytes. */
  table: DataFrame;
  /** What limits stopped, damaged archives. */
  notes: string[];
  /** A limit stopped or cut something. */
  truncated: boolean;
}

/** Decodes the base64 in `text`, recursively, unpacking zip/gzip/tar/bzip2 (msticpy's `unpack`). */
export function unpack(text: string, options?: UnpackOptions): UnpackResult;
/** `unpack` over a text column: one table of all fragments, with src_index, the source cell and full_decoded_string. */
export function unpackTable(df: DataFrame, column: string, options?: UnpackOptions): DataFrame;

/** The built-in IoC types (msticpy's names). */
export type IocType =
  | "ipv4" | "ipv6" | "dns" | "url" | "email" | "md5_hash" | "sha1_hash" | "sha256_hash" | "windows_path" | "linux_path";

/** A type you add (msticpy's `add_ioc_type`). */
export interface CustomIocType {
  name: string;
  /** Rust regex syntax (no look-around), compiled case-insensitive and verbose as msticpy's. */
  regex: string | RegExp;
  /** Lower wins when one string matches several types (built-ins: 0–4). Default 0. */
  priority?: number;
  /** The named capture group to report (default: the whole match). */
  group?: string;
}

/** Options of the IoC functions (msticpy's snake_case names or camelCase). */
export interface IocOptions {
  /** Only these types (built-in or custom names; md5/sha1/sha256 accepted). */
  ioc_types?: Iterable<IocType | string>;
  iocTypes?: Iterable<IocType | string>;
  /** Search windows_path and linux_path too (tables leave them out by default; one text includes them). */
  include_paths?: boolean;
  includePaths?: boolean;
  /** Do not check domains against the public-suffix list. */
  ignore_tlds?: boolean;
  ignoreTlds?: boolean;
  /** Find defanged indicators (hxxp://, [.], [at] …); default true. */
  defanged?: boolean;
  custom?: CustomIocType | CustomIocType[];
}

/** One indicator of `extractIocList`. */
export interface Ioc {
  type: IocType | string;
  /** As written in the text, e.g. `hxxp://evil[.]com`. */
  observable: string;
  /** Usable, e.g. `http://evil.com`. */
  refanged: string;
}

/** Refanged values by type, each once, in order of first appearance; only types found are keys. */
export type IocSets = Partial<Record<IocType, string[]>> & Record<string, string[]>;

/** The indicators in `text` by type (msticpy's `extract(src=…)`). */
export function extractIocs(text: string | null | undefined, options?: IocOptions): IocSets;
/** The indicators in `text`, each with the text as written and the refanged value. */
export function extractIocList(text: string | null | undefined, options?: IocOptions): Ioc[];
/** One row per indicator per cell: IoCType, Observable, SourceIndex, Input, Refanged (msticpy's `extract_df`). */
export function extractIocsTable(df: DataFrame, columns: string | string[], options?: IocOptions): DataFrame;
export function extractIocsTable(df: DataFrame, options: IocOptions & { columns: string | string[] }): DataFrame;
/** The indicators of one text as a table, a line taken as a row (SourceIndex: the line, Input: that line). */
export function extractIocsTable(text: string, options?: IocOptions): DataFrame;
