// Types of pivotAll (js/pivotAll.js) and pivotBrowser (js/widgets/pivotBrowser.js).
import type { DataFrame } from "./index.js";
import type { Entity } from "./entity.js";
import type { Pivot, PivotFunctionInfo } from "./pivot.js";

export interface PivotAllOptions {
  pivot: Pivot;
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
  entity: Entity;
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
  entities: Entity[];
  /** `labels[i]` names `entities[i]` (the timeline's Entity column). */
  labels: string[];
  results: PivotAllResult[];
  /** Functions that were not run on an entity, and why (a required parameter, a missing attribute). */
  skipped: { entity: Entity; label: string; function: string; reason: string }[];
  /** TimeGenerated, Entity, EntityType, Function, Summary, Source, ResultIndex, SourceRow — oldest first. */
  timeline: DataFrame;
  /** False when any function failed (the timeline's notes say which). */
  complete: boolean;
}

/** Every pivot of every entity of one alert (a SecurityAlert row, a one-row DataFrame, its Entities JSON, or entities). */
export function pivotAll(alert: Record<string, unknown> | DataFrame | string | Entity[], options: PivotAllOptions): Promise<PivotAllInvestigation>;

/** msticpy's pivot browser: entities, their functions, help, search and a copyable example call. */
export function pivotBrowser(pivot: Pivot | PivotFunctionInfo[], options?: { entity?: string; search?: string; rows?: number }): HTMLDivElement & { value: string | null };
