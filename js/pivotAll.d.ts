// Types of pivotAll (js/pivotAll.js) and pivotBrowser (js/widgets/pivotBrowser.js). Structural types only, so they
// fit the Pivot and entity classes of js/pivot.js and js/entity.js without naming them.
import type { DataFrame } from "./index.js";

/** One pivot function as `pivot.functions()` lists it. */
export interface PivotBrowserFunction {
  entity: string;
  container?: string | null;
  name?: string;
  names?: string[];
  fullName: string;
  kind?: "query" | "enrichment" | "utility" | "user" | string;
  description?: string;
  params?: { name: string; type?: string; required?: boolean; default?: unknown; description?: string }[];
  inputParam?: string | null;
  attribute?: string | null;
  list?: boolean;
  query?: string | null;
  template?: string | null;
  example?: string | null;
}

/** What pivotAll and pivotBrowser need of a Pivot. */
export interface PivotAllPivot {
  functions(entity?: string): PivotBrowserFunction[];
}

/** An entity (huntbook.entities.*): its type and its attributes as properties. */
export interface PivotAllEntity {
  type: string;
  toString(): string;
  toJSON(): Record<string, unknown>;
  [attribute: string]: unknown;
}

export interface PivotAllOptions {
  pivot: PivotAllPivot;
  start?: Date | number | string;
  end?: Date | number | string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Only these functions: fullName, the name after the entity ("whois", "MSSentinel.aad_signins") or any alias. */
  functions?: string | string[];
  /** Calls in flight (1–64, default 4). */
  concurrency?: number;
}

export interface PivotAllResult {
  entity: PivotAllEntity;
  /** The value naming the entity (Host fqdn, IpAddress Address, Account QualifiedName, …). */
  label: string;
  /** The function's fullName. */
  function: string;
  kind: string;
  frame: DataFrame | null;
  /** Why it failed (or "partial result: …" beside a partial frame); null when it worked. */
  error: string | null;
}

export interface PivotAllInvestigation {
  entities: PivotAllEntity[];
  /** `labels[i]` names `entities[i]` (the timeline's Entity column). */
  labels: string[];
  results: PivotAllResult[];
  /** Functions that were not run on an entity, and why (a required parameter, a missing attribute). */
  skipped: { entity: PivotAllEntity; label: string; function: string; reason: string }[];
  /** TimeGenerated, Entity, EntityType, Function, Summary, Source, ResultIndex, SourceRow — oldest first. */
  timeline: DataFrame;
  /** False when any function failed (the timeline's notes say which). */
  complete: boolean;
}

/** Every pivot of every entity of one alert (a SecurityAlert row, a one-row DataFrame, its Entities JSON, or entities). */
export function pivotAll(alert: Record<string, unknown> | DataFrame | string | PivotAllEntity[], options: PivotAllOptions): Promise<PivotAllInvestigation>;

/** msticpy's pivot browser: entities, their functions, help, search and a copyable example call. */
export function pivotBrowser(pivot: PivotAllPivot | PivotBrowserFunction[], options?: { entity?: string; search?: string; rows?: number }): HTMLDivElement & { value: string | null };
