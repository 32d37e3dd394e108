// Enrichment (issue #11): threat-intel lookups, GeoLite2 geolocation, whois/ASN, DNS over HTTPS, IP/DNS/URL parts.
import type { DataFrame } from "../index.js";

/** A DataFrame an enrichment call returned; `demo` is true when demo sources answered. */
export type EnrichFrame = DataFrame & { demo?: boolean };

export type TiProviderName = "VirusTotal" | "OTX" | "AbuseIPDB" | "GreyNoise" | "XForce" | "Tor" | "URLhaus" | "Sentinel" | "MSSentinel" | "AzSTI" | "AzureSentinel";
export interface TiProviderConfig {
  /** The API key (XForce: "ApiID:AuthKey"). Kept in wasm memory; never logged, shown or put in an error. */
  key?: string;
  /** A proxy base URL used instead of the provider's (for APIs that refuse browser origins: CORS). */
  proxy?: string;
  /** Requests a minute (VirusTotal's public API: 4). */
  rateLimit?: number;
  /** Seconds each request may take before its row says the provider did not answer (default 30). */
  timeout?: number;
  /** MSSentinel: the query provider whose ThreatIntelligenceIndicator table is searched. */
  queryProvider?: unknown;
}
export interface TiConfig { providers: Partial<Record<TiProviderName, TiProviderConfig>> }
export interface TiLookupOptions { type?: string; providers?: string[]; signal?: AbortSignal }

export class TILookup {
  constructor(config?: TiConfig | string);
  /** A TILookup answering from the demo ThreatIntelligenceIndicator table (no key, offline). */
  static demo(data?: unknown): TILookup;
  readonly providers: string[];
  lookupIoc(value: string, options?: TiLookupOptions): Promise<EnrichFrame>;
  lookupIocs(data: DataFrame | string[], options?: TiLookupOptions & { column?: string; onProgress?: (done: number, total: number) => void }): Promise<EnrichFrame>;
}

export class GeoLite {
  readonly edition: string;
  readonly demo: boolean;
  lookup(ips: string | string[] | DataFrame, options?: { column?: string }): EnrichFrame;
}
export function openGeoLite(source?: string | URL | Blob | Response | ArrayBuffer | Uint8Array): Promise<GeoLite>;
export function geoloc(ips: string | string[] | DataFrame, options?: { column?: string; db?: GeoLite }): Promise<EnrichFrame>;

export function whois(ips: string | string[] | DataFrame, options?: { column?: string; join?: boolean; resolver?: string; rdapUrl?: string; signal?: AbortSignal }): Promise<EnrichFrame>;
export function dnsResolve(name: string, options?: { types?: string[]; resolver?: string; signal?: AbortSignal }): Promise<EnrichFrame>;
export function dnsComponents(name: string): { subdomain: string; domain: string; suffix: string; [k: string]: unknown };
export function urlComponents(url: string): Record<string, unknown>;
export function ipType(ip: string): string;

export function useDemoEnrichment(on?: boolean): boolean;
export function demoEnrichment(): boolean;
