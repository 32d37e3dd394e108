// Every DOM output of huntbook fed hostile strings, under hostile.html's strict CSP (tests/e2e/hostile.test.mjs).
// Each payload tries to push to window.__xss; the test asserts it stays empty, that no CSP violation is reported and
// that the text shows literally. Results go to window.hostile (a promise of {ok, info} or {ok: false, error}).
const P = {
  img: `<img src=x onerror="__xss.push(1)">`,
  script: `<script>__xss.push(2)</script>`,
  svg: `"><svg onload=__xss.push(3)>`,
  js: "javascript:__xss.push(4)",
  bidi: "abc\u202Egpj.exe",
  nul: "a\u0000b",
};
const BIG = "A".repeat(1 << 20);
const ALL = Object.values(P);

/** A Log Analytics response with the payloads in string, dynamic and column-name positions (as JSON text, with a
 * lone surrogate escape `\ud800` and a 1 MiB string). */
function laResponse() {
  const t0 = Date.parse("2024-01-13T00:00:00Z");
  const rows = ALL.map((p, i) => [new Date(t0 + i * 60000).toISOString(), p, `grp ${p}`, { k: p, [p]: [p] }, i + 1, p]);
  rows.push([new Date(t0 + 7 * 60000).toISOString(), "surrogate-here", "grp lone", { k: "x" }, 9, BIG]);
  const text = JSON.stringify({ tables: [{ name: "PrimaryResult", columns: [
    { name: "TimeGenerated", type: "datetime" }, { name: "Name", type: "string" }, { name: "Group", type: "string" },
    { name: "Dyn", type: "dynamic" }, { name: "Count", type: "long" }, { name: `Col${P.img}${P.svg}`, type: "string" },
  ], rows: rows.map((r) => r.map((v) => (typeof v === "object" ? JSON.stringify(v) : v))) }] });
  // JSON.stringify writes a lone surrogate as the escape \ud800; put one in a string cell as a service would.
  return text;
}

window.hostile = (async () => {
  const huntbook = await import("/huntbook/index.js");
  await huntbook.init();
  const info = { payloads: P };
  const section = (id, ...nodes) => {
    const s = document.createElement("section");
    s.id = id;
    s.append(...nodes);
    document.body.append(s);
    return s;
  };
  const { tables } = huntbook.readTables(laResponse());
  // A lone surrogate escape (\ud800) in a string cell, as a broken service could send: the reader keeps the response
  // and reads the escape as U+FFFD, with a note (serde_json alone would refuse the whole response).
  try {
    const lone = huntbook.readTables(laResponse().replace("surrogate-here", "lone\\ud800x")).tables[0];
    const row = lone.toRows().find((r) => Object.values(r).some((v) => typeof v === "string" && v.startsWith("lone")));
    info.surrogate = { value: Object.values(row).find((v) => typeof v === "string" && v.startsWith("lone")), notes: lone.notes };
    section("surrogate", lone.select([lone.columns[1]]).toElement());
  } catch (e) {
    info.surrogate = { error: e.message };
    section("surrogate", Object.assign(document.createElement("pre"), { textContent: e.message }));
  }
  const df = tables[0];
  info.columns = df.columns;
  info.notes = df.notes;
  section("element", df.toElement());
  const html = document.createElement("div");
  html.innerHTML = df.toHTML();
  section("html", html);
  section("timeline", huntbook.timeline(df, { group_by: "Group", source_columns: ["Name", "Dyn", df.columns[5]] }));
  section("values", huntbook.timelineValues(df, { value_column: "Count", group_by: "Group", source_columns: ["Name"] }));
  section("duration", huntbook.timelineDuration(df, { group_by: "Group" }));
  section("bar", huntbook.barChart(df, "Name"));
  section("pie", huntbook.pieChart(df, "Group"));
  section("line", huntbook.lineChart(df, { x: "TimeGenerated", y: ["Count"], title: P.svg, ylabel: P.img }));
  section("histogram", huntbook.histogram(df, { column: "Count", title: P.script }));
  // The query browser reads qp.listQueries / queryHelp / queryInfo: a catalog whose names and texts are hostile.
  const queries = ALL.map((p, i) => ({ qualifiedName: `Evil.q${i}${p}`, family: "Evil", name: `q${i}${p}`, description: p,
    parameters: [{ name: `p${p}`, type: "str", description: p, default: p, required: false }], template: p }));
  const qp = {
    listQueries: (f = "") => queries.map((q) => q.qualifiedName).filter((n) => n.toLowerCase().includes(String(f).toLowerCase())),
    queryInfo: (f = "") => queries.filter((q) => q.qualifiedName.toLowerCase().includes(String(f).toLowerCase())),
    queryHelp: (n) => `${n}\n${queries.find((q) => q.qualifiedName === n)?.description ?? ""}`,
  };
  const qb = huntbook.queryBrowser(qp);
  section("queries", qb);
  const select = qb.querySelector("select");
  if (select) {
    select.value = queries[0].qualifiedName;
    select.dispatchEvent(new Event("change"));
  }
  const ti = ALL.map((p, i) => ({ Ioc: `${p}.example`, IocType: "dns", Provider: `Prov${p}`, Result: true, Severity: "high",
    Details: JSON.stringify({ d: p }), RawResult: JSON.stringify({ raw: p }), Reference: i === 3 ? P.js : `https://x.example/${encodeURIComponent(p)}`, Status: p }));
  section("ti", huntbook.browseResults(ti));
  const qpl = new huntbook.QueryProvider("LocalData", { data: new huntbook.LocalData() });
  const pivot = new huntbook.Pivot({ queryProvider: qpl });
  pivot.register({ entity: "Host", container: "custom", name: "evil_fn", description: ALL.join(" "), func: async () => df, inputParam: "value" });
  section("pivot", huntbook.pivotBrowser(pivot, { search: "evil" }));
  section("source", huntbook.dataSource({ label: `Source ${P.img}${P.bidi}` }));
  section("qtime", huntbook.queryTime({ label: `Time ${P.svg}` }));
  const ent = new huntbook.entities.Host({ HostName: `pc${P.img}`, DnsDomain: P.svg, OSFamily: P.bidi });
  const ed = document.createElement("div");
  ed.innerHTML = ent.toHTML();
  section("entity", ed);
  info.sections = [...document.querySelectorAll("body > section")].map((s) => s.id);
  // Still responsive: a trivial query on local data after all of that.
  const printed = await qpl.exec_query("print 1");
  info.print = printed.rows ? printed.rows() : printed.toRows?.();
  return { ok: true, info };
})().catch((e) => ({ ok: false, error: String(e && e.stack ? e.stack : e) }));
