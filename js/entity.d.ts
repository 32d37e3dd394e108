// Types of js/entity.js (re-exported by index.d.ts).
import type { DataFrame } from "./index.js";

/** The entity kinds huntbook models (msticpy's class names). */
export type EntityType =
  | "Account" | "Host" | "IpAddress" | "Dns" | "Url" | "File" | "FileHash" | "Process" | "Alert" | "GeoLocation"
  | "HostLogonSession" | "Mailbox" | "MailMessage" | "CloudApplication" | "AzureResource" | "RegistryKey"
  | "RegistryValue" | "Malware" | "NetworkConnection" | "SecurityGroup";

/** Text parsed for the kind, an object of attributes (names case-insensitive), or another entity. */
export type EntityInput = string | number | Record<string, unknown> | Entity;

/** An entity: `type`, its attributes as properties, and msticpy's displays. */
export declare class Entity {
  constructor(value?: EntityInput);
  /** The kind's name ("IpAddress"), or an unmodelled alert entity's `Type`. */
  readonly type: string;
  /** An attribute as text, derived ones included (`fqdn`, `QualifiedName`, `file_hash`, `ProcessFilePath`). */
  attr(name: string): string | undefined;
  /** msticpy's `str(entity)`. */
  toString(): string;
  /** msticpy's `_repr_html_` (escaped HTML). */
  toHTML(): string;
  /** `{Type, ...attributes}`, nested entities as plain objects. */
  toJSON(): Record<string, unknown>;
  /** Attributes (`Address`, `HostName`, `ImageFile`, …) and what pivots attach. */
  [attribute: string]: any;
  /** The kind's name; undefined on `Entity` itself. */
  static readonly kind: EntityType | undefined;
  /** The kind's attributes (derived ones included). */
  static readonly attributes: string[];
  /** An entity from a DataFrame row (attribute-named and Sentinel-named columns). */
  static fromRow<T extends typeof Entity>(this: T, df: DataFrame, row?: number): InstanceType<T>;
  /** Pivot functions and containers attached by `huntbook.Pivot` (`IpAddress.whois`, `IpAddress.MSSentinel`). */
  static [member: string]: any;
}

export declare class Account extends Entity {
  static [member: string]: any;
  Name?: string; NTDomain?: string; UPNSuffix?: string; Sid?: string; AadUserId?: string; Host?: Host;
  readonly QualifiedName: string | undefined;
}
export declare class Host extends Entity {
  static [member: string]: any;
  HostName?: string; DnsDomain?: string; NetBiosName?: string; OSFamily?: string;
  readonly fqdn: string | undefined;
}
export declare class IpAddress extends Entity {
  static [member: string]: any; Address?: string; Location?: GeoLocation; }
export declare class Dns extends Entity {
  static [member: string]: any; DomainName?: string; IpAddresses?: IpAddress[]; }
export declare class Url extends Entity {
  static [member: string]: any;
  Url?: string; Scheme?: string; Host?: string; Port?: string; Path?: string; Query?: string; Fragment?: string;
}
export declare class File extends Entity {
  static [member: string]: any;
  FullPath?: string; Directory?: string; Name?: string; Md5?: string; Sha1?: string; Sha256?: string;
  readonly file_hash: string | undefined;
}
export declare class FileHash extends Entity {
  static [member: string]: any; Algorithm?: string; Value?: string; }
export declare class Process extends Entity {
  static [member: string]: any;
  ProcessId?: string; CommandLine?: string; ImageFile?: File; Account?: Account; Host?: Host; ParentProcess?: Process;
  readonly ProcessName: string | undefined;
  readonly ProcessFilePath: string | undefined;
}
export declare class Alert extends Entity {
  static [member: string]: any;
  DisplayName?: string; Severity?: string; StartTimeUtc?: string; EndTimeUtc?: string; SystemAlertIds?: string[];
  CompromisedEntity?: string; Entities?: Entity[];
}
export declare class GeoLocation extends Entity {
  static [member: string]: any;
  CountryCode?: string; CountryOrRegionName?: string; State?: string; City?: string; Longitude?: number; Latitude?: number;
}

/** The entity classes by name (not exported one by one: `File` and `Url` would shadow browser globals). */
export declare const entities: {
  Account: typeof Account;
  Host: typeof Host;
  IpAddress: typeof IpAddress;
  Dns: typeof Dns;
  Url: typeof Url;
  File: typeof File;
  FileHash: typeof FileHash;
  Process: typeof Process;
  Alert: typeof Alert;
  GeoLocation: typeof GeoLocation;
  HostLogonSession: typeof Entity;
  Mailbox: typeof Entity;
  MailMessage: typeof Entity;
  CloudApplication: typeof Entity;
  AzureResource: typeof Entity;
  RegistryKey: typeof Entity;
  RegistryValue: typeof Entity;
  Malware: typeof Entity;
  NetworkConnection: typeof Entity;
  SecurityGroup: typeof Entity;
};

/** A column that holds an entity attribute (`by`: its name is a known Sentinel column, or its values are). */
export interface ColumnEntity {
  column: string;
  entity: EntityType;
  attribute: string;
  by: "name" | "value";
}

/**
 * The entities of an alert: an alert row object (Entities as text or parsed), a SecurityAlert DataFrame (+ row
 * index), an Alert entity, or the Entities JSON text. From a row the first entity is the Alert itself.
 */
export function entitiesFromAlert(alert: string | DataFrame | Entity | Record<string, unknown> | unknown[], row?: number): Entity[];
/** Which columns of `df` hold which entity. */
export function detectEntities(df: DataFrame): ColumnEntity[];
