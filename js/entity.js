// Entities (msticpy's datamodel.entities): Account, Host, IpAddress, Dns, Url, File, Process, Alert, GeoLocation, …
//
// const { IpAddress, Account, Host } = huntbook.entities;
// new IpAddress("1.2.3.4")                        msticpy: IpAddress(Address="1.2.3.4")
// new Account("CONTOSO\\jdoe"), new Account({Name: "jdoe", NTDomain: "CONTOSO"})
// Account.fromRow(df, i)                          an entity from a table row (attribute and Sentinel column names)
// entity.type, entity.Address, host.fqdn          attributes as properties (derived ones as getters)
// entity.toString(), toHTML(), toJSON()           msticpy's str(entity), _repr_html_, to_json
// huntbook.entitiesFromAlert(alert)               a SecurityAlert row / DataFrame / Entities JSON → Entity[]
// huntbook.detectEntities(df)                     [{column, entity, attribute, by}]
//
// Parsing, validation, derived attributes, display and the alias table of Sentinel column names live in Rust
// (src/entity/); entities cross as JSON. The classes are plain and extensible: pivots attach functions and
// containers to them (`IpAddress.whois = fn`, `IpAddress.MSSentinel = {...}`).

import * as wasm from "./huntbook_wasm.js";
import { DataFrame, ready } from "./frame.js";

/** The entity kinds (msticpy's class names), in the order lists show them (Rust's `EntityKind::ALL`). */
const KINDS = [
  "Account", "Host", "IpAddress", "Dns", "Url", "File", "FileHash", "Process", "Alert", "GeoLocation",
  "HostLogonSession", "Mailbox", "MailMessage", "CloudApplication", "AzureResource", "RegistryKey", "RegistryValue",
  "Malware", "NetworkConnection", "SecurityGroup",
];
/** Attributes computed in Rust from others (Rust's `EntityKind::derived_attributes`; a node test compares them). */
const DERIVED = {
  Account: ["QualifiedName"],
  Host: ["fqdn"],
  File: ["file_hash"],
  Process: ["ProcessName", "ProcessFilePath"],
};

const TYPE = Symbol("huntbook.entityType");
/** Properties named like a method or getter (`toString`, `attr`, `type`): kept aside so the methods keep working. */
const SHADOWED = Symbol("huntbook.entityShadowed");

/**
 * JSON.stringify that writes BigInts (long columns of rows) as numbers (text beyond 2^53) and Dates as Rust writes
 * a datetime cell (`2024-01-13T00:09:31Z`, a fraction as 7 digits), so a row object and its DataFrame row give the
 * same entity.
 */
function stringify(value) {
  return JSON.stringify(value, function (k, v) {
    const orig = this[k];
    if (orig instanceof Date && !Number.isNaN(orig.getTime())) {
      return orig.toISOString().replace(/\.(\d{3})Z$/, (_m, ms) => (ms === "000" ? "Z" : `.${ms}0000Z`));
    }
    return typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v;
  });
}

function kindInfo() {
  if (!kindInfo.cache) kindInfo.cache = new Map(JSON.parse(wasm.entityKindsJSON()).map((k) => [k.name, k]));
  return kindInfo.cache;
}

/** An entity instance of the class named by `json.Type` (an unknown type gives a plain `Entity`). */
function fromJSON(json) {
  const cls = Object.hasOwn(entities, json.Type) ? entities[json.Type] : Entity;
  return fill(Object.create(cls.prototype), json);
}

function convert(v) {
  if (Array.isArray(v)) return v.map(convert);
  if (v && typeof v === "object" && typeof v.Type === "string") return fromJSON(v);
  return v;
}

function fill(target, json) {
  Object.defineProperty(target, TYPE, { value: json.Type, configurable: true });
  for (const [k, v] of Object.entries(json)) {
    if (k === "Type") continue;
    if (k in target) {
      // alert JSON is attacker-controlled: a property "toString" must not replace the method
      if (!target[SHADOWED]) Object.defineProperty(target, SHADOWED, { value: {}, configurable: true });
      target[SHADOWED][k] = convert(v);
      continue;
    }
    Object.defineProperty(target, k, { value: convert(v), writable: true, enumerable: true, configurable: true });
  }
  return target;
}

function plain(v) {
  if (v instanceof Entity) return v.toJSON();
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

/**
 * The base class of every entity. `new Entity({Type: "IpAddress", Address: "1.2.3.4"})` gives an `IpAddress`;
 * the subclasses in `huntbook.entities` take text (parsed for their kind) or an object of attributes.
 */
export class Entity {
  /**
   * `value`: text parsed for the kind (`new IpAddress("1.2.3.4")`, `new Account("CONTOSO\\jdoe")`,
   * `new Host("wks-fin-07.contoso.com")`, `new File("C:\\x\\a.exe")` or a hash, `new Process(commandLine)`), or an
   * object of attributes (names case-insensitive; Sentinel column names such as `UserPrincipalName` are read too;
   * other names are kept), or another entity. Nothing: an empty entity.
   */
  constructor(value) {
    ready("new Entity");
    const kind = new.target.kind;
    if (!kind) {
      if (!value || typeof value !== "object" || typeof value.Type !== "string") {
        throw new TypeError(
          "new Entity(value): value must be an object with a Type ({Type: \"IpAddress\", Address: \"1.2.3.4\"}); " +
            "or use a class of huntbook.entities (new huntbook.entities.IpAddress(\"1.2.3.4\"))");
      }
      const cls = Object.hasOwn(entities, value.Type) ? entities[value.Type] : null;
      if (cls) return new cls(value);
      return fromJSON(JSON.parse(wasm.alertEntities(stringify(value)))[0] ?? { Type: value.Type });
    }
    let json;
    if (value === undefined || value === null) json = { Type: kind };
    else if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") {
      json = JSON.parse(wasm.entityParse(kind, String(value)));
    } else if (typeof value === "object") {
      // an object crosses as JSON text, which Entity::parse reads as an object of attributes
      json = JSON.parse(wasm.entityParse(kind, stringify(value)));
    } else {
      throw new TypeError(`new ${kind}(value): value must be text or an object of attributes, got ${typeof value}`);
    }
    fill(this, json);
  }

  /** The kind's name ("IpAddress"); for an alert entity of a type huntbook does not model, its `Type`. */
  get type() {
    return this[TYPE] ?? this.constructor.kind;
  }

  /** An attribute as text, derived ones included (`fqdn`, `QualifiedName`, `file_hash`, `ProcessFilePath`). */
  attr(name) {
    return wasm.entityAttr(stringify(this), String(name)) ?? undefined;
  }

  /** msticpy's `str(entity)`: the type, then the non-empty properties, nested entities indented. */
  toString() {
    return wasm.entityDisplay(stringify(this), false);
  }

  /** msticpy's `_repr_html_`: the same as an HTML fragment, every value escaped. */
  toHTML() {
    return wasm.entityDisplay(stringify(this), true);
  }

  /** `{Type, ...attributes}`, nested entities as plain objects. */
  toJSON() {
    const out = { Type: this.type };
    for (const [k, v] of Object.entries(this)) if (v !== undefined && typeof v !== "function") out[k] = plain(v);
    for (const [k, v] of Object.entries(this[SHADOWED] ?? {})) out[k] = plain(v);
    return out;
  }

  /** The kind's name (`IpAddress.kind === "IpAddress"`); undefined on the base class. */
  static kind = undefined;

  /** The kind's attributes as msticpy names them (derived ones included). */
  static get attributes() {
    ready(`${this.kind}.attributes`);
    return [...(kindInfo().get(this.kind)?.attributes ?? [])];
  }

  /**
   * An entity from row `row` of a DataFrame: the columns named like one of the kind's attributes, and the Sentinel
   * columns of the alias table (`IPAddress`, `SrcIpAddr`, `ClientIP` → `Address`; `Computer` → Host; …).
   */
  static fromRow(df, row = 0) {
    ready(`${this.kind ?? "Entity"}.fromRow`);
    if (!this.kind) throw new TypeError("Entity.fromRow: call it on a kind, e.g. huntbook.entities.Host.fromRow(df, 0)");
    if (!(df instanceof DataFrame)) throw new TypeError(`${this.kind}.fromRow(df, row): df must be a huntbook DataFrame`);
    const n = df.numRows;
    const k = row < 0 ? n + row : row;
    if (!Number.isInteger(k) || k < 0 || k >= n) throw new RangeError(`${this.kind}.fromRow: row ${row} is outside the table (it has ${n} rows)`);
    return fromJSON(JSON.parse(wasm.entityFromRow(this.kind, df._frame, k)));
  }
}

function makeClass(name) {
  // a computed name so that `cls.name === name`
  const cls = { [name]: class extends Entity {} }[name];
  Object.defineProperty(cls, "kind", { value: name, enumerable: true });
  for (const d of DERIVED[name] ?? []) {
    Object.defineProperty(cls.prototype, d, {
      get() {
        return this.attr(d);
      },
      configurable: true,
    });
  }
  return cls;
}

/** The entity classes by name: `const { IpAddress, Account, Host } = huntbook.entities`. */
export const entities = Object.fromEntries(KINDS.map((name) => [name, makeClass(name)]));

function listOf(json) {
  return JSON.parse(json).map(fromJSON);
}

/**
 * The entities of an alert: `alert` is an alert row object (from `df.row(i)` or `toRows()`, with an `Entities`
 * property as text or parsed), a SecurityAlert DataFrame (its row `row`, default the only one), an Alert entity, or
 * the `Entities` JSON text (or parsed list). From a row the first entity is the `Alert` itself (DisplayName,
 * Severity, StartTimeUtc, SystemAlertIds, CompromisedEntity, …, Entities), then its entities with `$ref`s resolved.
 */
export function entitiesFromAlert(alert, row) {
  ready("entitiesFromAlert");
  if (typeof alert === "string") return listOf(wasm.alertEntities(alert));
  if (alert instanceof DataFrame) {
    const n = alert.numRows;
    if (row === undefined && n !== 1) {
      throw new RangeError(`entitiesFromAlert(df, row): the table has ${n} rows: give the row index of the alert`);
    }
    const k = row === undefined ? 0 : row < 0 ? n + row : row;
    if (!Number.isInteger(k) || k < 0 || k >= n) throw new RangeError(`entitiesFromAlert: row ${row} is outside the table (it has ${n} rows)`);
    return listOf(wasm.alertEntitiesFromRow(alert._frame, k));
  }
  if (alert instanceof Entity) {
    if (alert.type === "Alert") return [alert, ...(alert.Entities ?? [])];
    return [alert];
  }
  if (Array.isArray(alert)) return listOf(wasm.alertEntities(stringify(alert)));
  if (alert && typeof alert === "object") {
    if (typeof alert.Type === "string" && !("Entities" in alert) && alert.Type !== "SecurityAlert") {
      return listOf(wasm.alertEntities(stringify(alert)));
    }
    return listOf(wasm.alertEntitiesFromObject(stringify(alert)));
  }
  throw new TypeError(
    "entitiesFromAlert(alert): alert must be an alert row object, a SecurityAlert DataFrame (and row index) or the Entities JSON text");
}

/**
 * Which columns of `df` hold which entity: `[{column, entity, attribute, by}]`, `by` is "name" (a Sentinel column
 * name of the alias table) or "value" (most of a sample of its values are IPs, URLs, domains, hashes or UPNs).
 */
export function detectEntities(df) {
  ready("detectEntities");
  if (!(df instanceof DataFrame)) throw new TypeError("detectEntities(df): df must be a huntbook DataFrame");
  return JSON.parse(wasm.detectEntitiesJSON(df._frame));
}
