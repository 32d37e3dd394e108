// Deterministic SigninLogs-shaped Log Analytics responses for bench/large.mjs (issue #16, "the service's largest
// answer"): `write(file, rows, shape)` streams `{"tables":[{"name","columns","rows"}]}` to a file without holding it
// as one string. Shapes: "20" (20 columns: strings, two dynamic, a guid, datetimes, a bool, a long, two reals; ~540
// bytes a row) and "all" (every SigninLogs column of demo_data/generate.py's schema, plus the standard columns).
import fs from "node:fs";

const APPS = ["Azure Portal", "Office 365 Exchange Online", "Microsoft Teams", "SharePoint Online", "Azure CLI",
  "Windows Sign In", "Microsoft Authentication Broker", "OfficeHome"];
const CLIENTS = ["Browser", "Mobile Apps and Desktop clients", "Exchange ActiveSync", "Other clients"];
const RESULTS = [["0", ""], ["0", ""], ["0", ""], ["0", ""], ["0", ""], ["50126", "Invalid username or password or Invalid on-premise username or password."],
  ["50074", "Strong Authentication is required."], ["50140", "This error occurred due to 'Keep me signed in' interrupt when the user was signing in."]];
const CITIES = [["Seattle", "Washington", "US", 47.6062, -122.3321], ["Berlin", "Berlin", "DE", 52.52, 13.405],
  ["London", "England", "GB", 51.5072, -0.1276], ["Sydney", "New South Wales", "AU", -33.8688, 151.2093],
  ["Tokyo", "Tokyo", "JP", 35.6762, 139.6503]];
const AGENTS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0.0.0", "Mozilla/5.0 (Macintosh) Safari/605.1.15",
  "Windows-AzureAD-Authentication-Provider/1.0", "Microsoft Office/16.0 (Windows NT 10.0)"];
const OS = ["Windows 10", "Windows 11", "MacOs", "Ios", "Android"];
const BROWSERS = ["Chrome 120.0.0", "Edge 120.0.2210", "Safari 17.2", "Firefox 121.0", "Mobile Safari"];

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
}
const pick = (rnd, xs) => xs[Math.floor(rnd() * xs.length)];
function guid(rnd) {
  const h = (n) => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(rnd() * 16)]).join("");
  return `${h(8)}-${h(4)}-4${h(3)}-a${h(3)}-${h(12)}`;
}

/** One sign-in's values, shared by both shapes (so "all" is "20" plus more columns). */
function event(rnd, i, end) {
  const t = end - Math.floor(rnd() * 14 * 86400000);
  const u = Math.floor(rnd() ** 2 * 5000);
  const [rt, rd] = pick(rnd, RESULTS);
  const [city, state, cc, lat, lon] = pick(rnd, CITIES);
  const ip = `${10 + Math.floor(rnd() * 200)}.${Math.floor(rnd() * 250)}.${Math.floor(rnd() * 250)}.${Math.floor(rnd() * 250)}`;
  const os = pick(rnd, OS);
  const device = { deviceId: rnd() < 0.8 ? "" : guid(rnd), operatingSystem: os, browser: pick(rnd, BROWSERS),
    isCompliant: rnd() < 0.7 };
  const round = (x) => Math.round(x * 1e4) / 1e4;
  const location = { city, state, countryOrRegion: cc, geoCoordinates: { latitude: round(lat + rnd() * 0.1), longitude: round(lon + rnd() * 0.1) } };
  return {
    TimeGenerated: new Date(t).toISOString(),
    CreatedDateTime: new Date(t - Math.floor(rnd() * 5000)).toISOString(),
    UserPrincipalName: `user${u}@contoso.com`, UserDisplayName: `User ${u}`,
    AppDisplayName: pick(rnd, APPS), IPAddress: ip, Location: cc, ResultType: rt, ResultDescription: rd,
    ClientAppUsed: pick(rnd, CLIENTS), UserAgent: pick(rnd, AGENTS), CorrelationId: guid(rnd),
    DeviceDetail: JSON.stringify(device), LocationDetails: JSON.stringify(location),
    IsInteractive: rnd() < 0.8, DurationMs: Math.floor(rnd() * 5000),
    Latitude: location.geoCoordinates.latitude, Longitude: location.geoCoordinates.longitude,
    ConditionalAccessStatus: pick(rnd, ["success", "notApplied", "failure"]),
    AuthenticationRequirement: rnd() < 0.6 ? "multiFactorAuthentication" : "singleFactorAuthentication",
    i, u,
  };
}

const COLS20 = [["TimeGenerated", "datetime"], ["CreatedDateTime", "datetime"], ["UserPrincipalName", "string"],
  ["UserDisplayName", "string"], ["AppDisplayName", "string"], ["IPAddress", "string"], ["Location", "string"],
  ["ResultType", "string"], ["ResultDescription", "string"], ["ClientAppUsed", "string"], ["UserAgent", "string"],
  ["CorrelationId", "guid"], ["DeviceDetail", "dynamic"], ["LocationDetails", "dynamic"], ["IsInteractive", "bool"],
  ["DurationMs", "long"], ["Latitude", "real"], ["Longitude", "real"], ["ConditionalAccessStatus", "string"],
  ["AuthenticationRequirement", "string"]];

/** SigninLogs' columns as demo_data/generate.py declares them, plus the standard columns it adds. */
function allColumns() {
  const src = fs.readFileSync(new URL("../demo_data/generate.py", import.meta.url), "utf8");
  const block = src.split('"SigninLogs": """')[1].split('"""')[0];
  const cols = block.split(/\s+/).filter(Boolean).map((c) => c.split(":"));
  return [...cols, ["_ResourceId", "string"], ["_SubscriptionId", "string"], ["_IsBillable", "string"]];
}

/** A value for column `name` of type `type` in the "all" shape: the 20-column value when there is one, else a
 * short plausible one (GUIDs for ids, a small JSON text for dynamic and *Details columns). */
function allValue(e, rnd, name, type) {
  if (name in e) return e[name];
  switch (type) {
    case "datetime": return e.TimeGenerated;
    case "bool": return rnd() < 0.1;
    case "long": return Math.floor(rnd() * 1000);
    case "dynamic": return rnd() < 0.5 ? "[]" : JSON.stringify({ result: pick(rnd, ["success", "failure"]), detail: `${name.slice(0, 8)} ${e.u % 7}` });
  }
  // per-sign-in ids are GUIDs; tenant, app and user ids repeat, as in a workspace; many columns are mostly empty
  if (["Id", "OriginalRequestId", "UniqueTokenIdentifier"].includes(name)) return guid(rnd);
  if (/TenantId$|SubscriptionId$/.test(name)) return "72f988bf-86f1-41af-91ab-2d7cd011db47";
  if (name === "UserId") return `00000000-0000-4000-a000-${String(e.u).padStart(12, "0")}`;
  if (name === "Type") return "SigninLogs";
  if (name === "Category") return "SignInLogs";
  if (name === "Identity") return e.UserDisplayName;
  if (name === "_ResourceId") return "/tenants/72f988bf-86f1-41af-91ab-2d7cd011db47/providers/microsoft.aadiam";
  if (/Details|Policies|Methods|Types/.test(name)) return rnd() < 0.6 ? "[]" : JSON.stringify([{ name: name.slice(0, 10), value: e.u % 3 }]);
  return rnd() < 0.4 ? "" : `${name.slice(0, 6)}${e.i % 13}`;
}

/**
 * Writes a response of `rows` rows in shape `shape` ("20" or "all") to `file`; returns its size in bytes.
 * Deterministic: the same rows, shape and `end` give the same bytes.
 */
export function write(file, rows, shape = "20", end = Date.UTC(2026, 0, 15)) {
  const cols = shape === "all" ? allColumns() : COLS20;
  const fd = fs.openSync(file, "w");
  let size = 0;
  const out = (s) => { size += fs.writeSync(fd, s); };
  out(JSON.stringify({ tables: [{ name: "PrimaryResult", columns: cols.map(([name, type]) => ({ name, type })), rows: [] }] }).slice(0, -4));
  const rnd = rng(20260115);
  const extra = rng(977);
  let buf = [];
  for (let i = 0; i < rows; i++) {
    const e = event(rnd, i, end);
    const row = cols.map(([n, t]) => (shape === "all" ? allValue(e, extra, n, t) : e[n]));
    buf.push(JSON.stringify(row));
    if (buf.length === 2000 || i === rows - 1) {
      out((i + 1 > buf.length ? "," : "") + buf.join(","));
      buf = [];
    }
  }
  out("]}]}");
  fs.closeSync(fd);
  return size;
}

// `node bench/large_data.mjs <file> <rows> [20|all]` writes one file.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) {
  const [file, rows, shape] = process.argv.slice(2);
  console.log(write(file, Number(rows), shape ?? "20"));
}
