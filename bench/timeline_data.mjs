// The event timeline benchmark's data: deterministic synthetic Entra ID sign-ins, written once as CSV into
// bench/.out/ (signins_v1_N.csv: bump the tag when the generator changes) and read by both sides (huntbook in the
// browser, pandas + msticpy in Python).
//
//   TimeGenerated      ISO 8601 UTC with milliseconds, uniform over 30 days from 2026-10-01 (rows unsorted, as a
//                      query result can be)
//   UserPrincipalName  one of 400 users (skewed: a few busy accounts)
//   IPAddress          one of 1,500 addresses
//   Result             12 outcomes (the timeline's group_by; skewed: most sign-ins succeed)
import fs from "node:fs";

export const START = Date.UTC(2026, 9, 1);
export const SPAN_MS = 30 * 24 * 3600 * 1000;
export const GROUP_BY = "Result";
export const SOURCE_COLUMNS = ["UserPrincipalName", "IPAddress"];

const RESULTS = [
  ["Success", 60],
  ["MFA completed", 12],
  ["50126 Invalid username or password", 8],
  ["50074 Strong authentication required", 6],
  ["50140 Keep me signed in interrupt", 4],
  ["50053 Account locked", 2],
  ["50057 Account disabled", 2],
  ["53003 Blocked by Conditional Access", 2],
  ["50076 MFA required (location)", 1.5],
  ["70044 Session expired", 1.2],
  ["50158 External security challenge", 0.8],
  ["90095 Admin consent required", 0.5],
];

// mulberry32: a tiny seeded PRNG, so every run (and every machine) writes byte-identical files.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes `n` sign-in rows to `file` (CSV, header first) unless it already exists; returns the file's path. */
export function ensureSignins(n, file) {
  if (fs.existsSync(file)) return file;
  const rand = rng(0x5eed + n);
  const total = RESULTS.reduce((s, [, w]) => s + w, 0);
  const cumulative = [];
  let acc = 0;
  for (const [name, w] of RESULTS) cumulative.push([(acc += w) / total, name]);
  const users = Array.from({ length: 400 }, (_, i) => `user${String(i).padStart(3, "0")}@contoso.com`);
  const ips = Array.from({ length: 1500 }, (_, i) =>
    i % 3 === 0 ? `10.${(i >> 8) & 255}.${i & 255}.${(i * 7) & 255}` : `${20 + (i % 180)}.${(i * 13) & 255}.${(i * 29) & 255}.${(i * 31) & 255}`,
  );
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, "w");
  let buf = "TimeGenerated,UserPrincipalName,IPAddress,Result\n";
  for (let i = 0; i < n; i++) {
    const t = new Date(START + Math.floor(rand() * SPAN_MS)).toISOString();
    const user = users[Math.floor(users.length * rand() ** 2)];
    const ip = ips[Math.floor(ips.length * rand())];
    const r = rand();
    let result = cumulative[cumulative.length - 1][1];
    for (const [c, name] of cumulative) {
      if (r < c) {
        result = name;
        break;
      }
    }
    buf += `${t},${user},${ip},${result}\n`;
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = "";
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  return file;
}
