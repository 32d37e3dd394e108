// Types of js/pivot.js (re-exported by index.d.ts).
import type { DataFrame, QueryProvider } from "./index.js";
import type { TILookup, GeoLite } from "./enrich/index.js";
import type { Entity, EntityType } from "./entity.js";

/** One parameter of a pivot function besides its input. */
export interface PivotParamInfo {
  name: string;
  type: string;
  required: boolean;
  default: unknown;
  description: string;
}

/** A pivot function as `pivot.functions()` lists it. */
export interface PivotFunctionInfo {
  entity: EntityType;
  /** `util`, `ti`, the query container (`MSSentinel`) or a user container (`custom`). */
  container: string;
  /** The first of `names`. */
  name: string;
  /** Every name in the container (query pivots: query name, msticpy's v2 name, `<Family>_<name>`). */
  names: string[];
  /** `Entity.container.name`. */
  fullName: string;
  /** The name directly on the entity class (`IpAddress.whois`), or null. */
  direct: string | null;
  kind: "query" | "enrichment" | "utility" | "user";
  /** What runs: `query`, `whois`, `geoloc`, `ti_lookup`, `dns_resolve`, `ip_type`, … or `user`. */
  runs: string;
  description: string;
  params: PivotParamInfo[];
  /** The parameter the value is given as (`ip_address_list`). */
  inputParam: string;
  /** The entity attribute the value is read from (`Address`). */
  attribute: string;
  /** Other parameters read from the input entity (one entity only). */
  entityParams: { param: string; attribute: string }[];
  /** The result column holding the input value. */
  keyColumn: string | null;
  keyColumns: string[];
  keyRule: "equal" | "contains";
  /** True: one call takes all values; false: one call per distinct value. */
  list: boolean;
  /** The catalog query of a query pivot (`Azure.list_aad_signins_for_ip`). */
  query: string | null;
  /** The query's KQL template. */
  template: string | null;
  /** A call to copy: `await IpAddress.aad_signins(["185.220.101.45"])`. */
  example: string;
}

/** What a pivot function takes: a value, values, an entity, entities, or a DataFrame with `{column}`. */
export type PivotInput = string | number | null | Iterable<string | number | null> | Entity | Entity[] | DataFrame;

/** Options of every pivot function, plus the function's own parameters (`start`, `end`, `providers`, …). */
export interface PivotCallOptions {
  /** The input column of a DataFrame (a wrong name lists the columns). */
  column?: string;
  /** Merge the results onto the input (`true` = `"left"`). */
  join?: "inner" | "left" | "right" | "outer" | boolean;
  /** The input column to join on (default: `column`). */
  leftOn?: string;
  /** The result column to join on (default: the value each result row was found for). */
  rightOn?: string;
  /** Text keys compare without case. */
  ignoreCase?: boolean;
  /** Suffixes of clashing column names (default `["_src", "_res"]`). */
  suffixes?: [string, string];
  /** Query pivots: the time range (default: the provider's `queryTime`). */
  start?: Date | string | number;
  end?: Date | string | number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Calls in flight at once (default: the Pivot's, 4). */
  concurrency?: number;
  /** The most calls one pivot makes (default 1000). */
  maxCalls?: number;
  [param: string]: unknown;
}

/** A function attached to an entity class. Results carry `src_row_index` (the input row). */
export interface PivotFunction {
  (input: PivotInput, options?: PivotCallOptions): Promise<DataFrame & { demo?: boolean }>;
  readonly fullName: string;
  readonly info: PivotFunctionInfo;
  help(): string;
}

export interface PivotOptions {
  queryProvider?: QueryProvider;
  ti?: TILookup;
  geo?: GeoLite | string | URL | Blob | Response | ArrayBuffer | Uint8Array;
  concurrency?: number;
}

export interface PivotUserSpec {
  entity: EntityType | string;
  name: string;
  /** `(value, options)` or with `list: true` `(values, options)` → a DataFrame, row objects or one row object. */
  func: (input: any, options: Record<string, unknown>) => unknown;
  container?: string;
  description?: string;
  attribute?: string;
  inputParam?: string;
  keyColumn?: string;
  list?: boolean;
  direct?: boolean;
}

export interface PivotsForColumn {
  column: string;
  entity: EntityType;
  attribute: string;
  by: "name" | "value";
  functions: string[];
}

export declare class Pivot {
  constructor(options?: PivotOptions);
  readonly queryProvider: QueryProvider | null;
  ti: TILookup | null;
  concurrency: number;
  functions(entity?: EntityType | string | typeof Entity): PivotFunctionInfo[];
  search(text: string): PivotFunctionInfo[];
  counts(): Partial<Record<EntityType, number>>;
  get(fullName: string): PivotFunction;
  register(spec: PivotUserSpec): PivotFunction;
  pivotsFor(df: DataFrame): PivotsForColumn[];
}
