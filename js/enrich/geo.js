// Enrichment (geo): geolocation from a MaxMind GeoLite2 `.mmdb` (msticpy's GeoLiteLookup), read in wasm.
//
// const geo = await huntbook.openGeoLite(file)     → GeoLite (City, Country or ASN edition, from the file itself)
// geo.lookup("24.16.133.227")                      → DataFrame IpAddress, CountryCode, CountryOrRegionName, State,
//                                                     City, Longitude, Latitude, Note   msticpy: lookup_ip(…)
// geo.lookup(df, {column: "IPAddress"})            → df with those columns joined on   msticpy: df_lookup_ip(df, column)
// await huntbook.geoloc(ip | ips | df, {column, join, db})   the same with the default database
//
// Nothing is downloaded from MaxMind: bring the file (a URL, File/Blob, Response or bytes). With no source,
// `openGeoLite()` opens the demo database beside the wasm (`huntbook_demo.mmdb`: made-up locations for the demo
// workspace's addresses, not MaxMind data); in demo mode (`useDemoEnrichment()`) `geoloc` uses it by default.

import * as wasm from "../huntbook_wasm.js";
import { DataFrame, wrapFrame, ready } from "../frame.js";
import { bytesAt, packageFile } from "../demo.js";
import { demoEnrichment, markDemo } from "./demo.js";

/** The demo mmdb's name in the package (beside the wasm; listed in package.json's `exports` and `files`). */
export const DEMO_MMDB = "huntbook_demo.mmdb";

/** The largest file read (the wasm side checks it too). */
const MAX_BYTES = 512 * 1024 * 1024;

let lastOpened = null; // the GeoLite of the last openGeoLite(source) with a source
let demoDb = null; // Promise<GeoLite> of the demo mmdb

function tooLarge(size) {
  if (size > MAX_BYTES) {
    throw new Error(
      `openGeoLite: the file is ${Math.round(size / 2 ** 20)} MiB; at most 512 MiB is read: give a GeoLite2 City, ` +
        "Country or ASN .mmdb",
    );
  }
}

/** A URL for text `source`: relative to the page (browser) or the working directory (Node.js). */
function urlOf(source) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(source)) return new URL(source);
  const base = globalThis.location?.href;
  if (base) return new URL(source, base);
  const cwd = globalThis.process?.cwd?.();
  if (cwd) return new URL(source, `file://${cwd.endsWith("/") ? cwd : `${cwd}/`}`);
  return new URL(source, import.meta.url);
}

async function bytesOf(source) {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (typeof Blob !== "undefined" && source instanceof Blob) {
    tooLarge(source.size);
    return new Uint8Array(await source.arrayBuffer());
  }
  if (typeof Response !== "undefined" && source instanceof Response) {
    if (!source.ok) throw new Error(`openGeoLite: the response is HTTP ${source.status} ${source.statusText}`);
    tooLarge(Number(source.headers.get("content-length") ?? 0));
    return new Uint8Array(await source.arrayBuffer());
  }
  if (typeof source === "string" || source instanceof URL) {
    const url = source instanceof URL ? source : urlOf(source);
    return bytesAt(url, "the GeoLite2 database");
  }
  const kind = source === null ? "null" : typeof source === "object" ? source.constructor?.name ?? "object" : typeof source;
  throw new TypeError(
    `openGeoLite(source): source must be a URL, a File/Blob, a Response or bytes (ArrayBuffer/Uint8Array), got ${kind}`,
  );
}

/** An open GeoLite2 `.mmdb`. Make one with `await huntbook.openGeoLite(source)`. */
export class GeoLite {
  constructor(db, demo = false) {
    this._db = db;
    /** Whether this is the demo database (its frames are marked `demo`). */
    this.demo = demo;
  }

  /** `"City"` (City and Country editions) or `"ASN"`. */
  get edition() {
    return this._db.edition;
  }

  /** The file's `database_type`, e.g. `"GeoLite2-City"`. */
  get databaseType() {
    return this._db.databaseType;
  }

  /** The file's description. */
  get description() {
    return this._db.description ?? null;
  }

  /** When the file was built. */
  get buildDate() {
    return new Date(this._db.buildTimeMs);
  }

  /**
   * Looks up one address, a list of them (one row each, in order) or a DataFrame column (`{column}`; each distinct
   * address once, the location columns joined onto the table, or one row per distinct address with `join: false`).
   * Columns: IpAddress, CountryCode, CountryOrRegionName, State, City, Longitude, Latitude (City/Country editions)
   * or IpAddress, Asn, AsnDescription (ASN edition), and Note: why a row has no location (`"Private address (not
   * in GeoLite2)"`, `"not found in the database"`, `"not an IP address"`). Non-public addresses are not looked up;
   * as in msticpy their CountryOrRegionName is e.g. `"Private address"` and City `"location unknown"`.
   */
  lookup(input, options = {}) {
    ready("GeoLite.lookup");
    let frame;
    if (input instanceof DataFrame) {
      frame = this._db.lookupFrame(input._frame, options ?? {});
    } else {
      wasm.checkOptions("GeoLite.lookup", options, []);
      let list;
      if (typeof input === "string") list = [input];
      else if (input != null && typeof input !== "string" && typeof input[Symbol.iterator] === "function")
        list = Array.from(input, (x) => (x == null ? "" : String(x)));
      else
        throw new TypeError(
          "GeoLite.lookup(input): input must be an IP address, a list of them or a DataFrame with {column}",
        );
      frame = this._db.lookupIps(list);
    }
    return markDemo(wrapFrame(frame), this.demo);
  }

  /** Frees the database's wasm memory (the object is unusable afterwards). */
  free() {
    if (lastOpened === this) lastOpened = null;
    this._db.free();
  }
}

/**
 * Opens a GeoLite2 / GeoIP2 `.mmdb` (City, Country or ASN edition): `source` is a URL (or URL text, relative to the
 * page; a path in Node.js), a `File`/`Blob`, a `Response` or bytes. No source: the demo database beside the wasm.
 * The database opened with a source becomes `geoloc`'s default (outside demo mode).
 */
export async function openGeoLite(source) {
  ready("openGeoLite");
  if (source === undefined) return demoGeoLite();
  const bytes = await bytesOf(source);
  tooLarge(bytes.byteLength);
  const geo = new GeoLite(new wasm.GeoLiteDb(bytes), false);
  lastOpened = geo;
  return geo;
}

function demoGeoLite() {
  if (!demoDb) {
    demoDb = bytesAt(packageFile(DEMO_MMDB), "the demo GeoLite2 database").then(
      (bytes) => new GeoLite(new wasm.GeoLiteDb(bytes), true),
    );
    demoDb.catch(() => {
      demoDb = null; // a failed load is tried again by the next call
    });
  }
  return demoDb;
}

/**
 * Geolocates an address, a list of addresses or a DataFrame column (msticpy's `GeoLiteLookup().lookup_ip` /
 * `df_lookup_ip`); see `GeoLite#lookup` for the columns. Options: `column` (tables), `join` (tables, default true),
 * `db` (a GeoLite, or a source for `openGeoLite`). Without `db`: the demo database in demo mode
 * (`useDemoEnrichment()`; its frames are marked `demo`), else the last database opened with `openGeoLite(source)`.
 */
export async function geoloc(input, options = {}) {
  ready("geoloc");
  const { column, join, db } = wasm.checkOptions("geoloc", options, ["column", "join", "db"]);
  let geo;
  if (db instanceof GeoLite) geo = db;
  else if (db !== undefined) geo = await openGeoLite(db);
  else if (demoEnrichment()) geo = await demoGeoLite();
  else if (lastOpened) geo = lastOpened;
  else
    throw new Error(
      "geoloc: no GeoLite2 database is open: call `await huntbook.openGeoLite(url | File | bytes)` first, pass " +
        "{db}, or turn on demo enrichment (`huntbook.useDemoEnrichment()`) for the demo database",
    );
  if (input instanceof DataFrame) return geo.lookup(input, { column, join });
  if (column !== undefined || join !== undefined) {
    throw new TypeError("geoloc: options 'column' and 'join' are for a DataFrame; give a DataFrame or leave them out");
  }
  return geo.lookup(input);
}
