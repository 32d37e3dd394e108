// index.d.ts is valid TypeScript, and a program using the documented API type-checks against it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { typecheck } from "./helpers.mjs";

test("a program using the API type-checks against dist/huntbook/index.d.ts", () => {
  const out = typecheck(`
import * as huntbook from "huntbook";
async function tour(): Promise<number> {
  await huntbook.init();
  const demo = await huntbook.loadDemo();
  const signins: huntbook.DataFrame = demo.table("SigninLogs");
  const counts = signins.valueCounts("IPAddress").head(10);
  const rows: Record<string, unknown>[] = counts.toRows();
  const ipc: Uint8Array = counts.toArrowIPC({ fullPrecision: false });
  const qp = new huntbook.QueryProvider("LocalData");
  qp.queryTime.last("7d");
  const help: string = qp.queryHelp("SecurityAlert.list_alerts");
  const df = await qp.execQuery("SigninLogs | take 1");
  const { tables, error } = huntbook.readTables("[]", { format: "json" });
  const unpacked = huntbook.unpack("powershell -enc SQBFAFgA", { max_depth: 5, maxTotalBytes: 1 << 20, utf16: true });
  const decodedText: string = unpacked.text;
  const notes: string[] = unpacked.notes;
  const fragments: huntbook.DataFrame = huntbook.unpackTable(df, "CommandLine", { maxMembers: 10 });
  const iocs: huntbook.IocSets = huntbook.extractIocs(decodedText, { ioc_types: ["url", "dns"], include_paths: false });
  const urls: string[] = iocs.url ?? [];
  const list: huntbook.Ioc[] = huntbook.extractIocList("hxxp://a[.]com", { custom: [{ name: "ticket", regex: /INC-\d+/, priority: 1 }] });
  const table: huntbook.DataFrame = huntbook.extractIocsTable(df, ["CommandLine"], { includePaths: true });
  const one: huntbook.DataFrame = huntbook.extractIocsTable(decodedText, { defanged: true });
  const cols: huntbook.DataFrame = huntbook.extractIocsTable(df, { columns: "CommandLine", ignore_tlds: true });
  const tl: huntbook.TimelineElement = huntbook.timeline(df, { group_by: "Result", source_columns: ["UserPrincipalName"], legend: "right", ref_time: new Date() });
  const visible: { start: Date; end: Date } = tl.value;
  tl.setRange(visible.start, Date.now());
  const png: Promise<Blob> = tl.toPNG();
  const tv = huntbook.timelineValues(df, { valueColumn: "SentBytes", kind: ["vbar", "line"] });
  const td = huntbook.timelineDuration(df, { groupBy: ["UserPrincipalName"], ref_events: [{ time: "2024-01-01T00:00:00Z", label: "x" }] });
  const bar: huntbook.ChartElement = huntbook.barChart(df, "IPAddress", { top_n: 5, other_label: "rest" });
  const pie: HTMLElement = huntbook.pieChart(df, { column: "IPAddress", size: 300 });
  const model = new huntbook.TimelineModel(df, { time_column: "TimeGenerated" }, "events");
  const hits: huntbook.TimelineHits = model.hitTest(0, 1, 10, 10, 5, 5);
  void png;
  return rows.length + ipc.length + help.length + df.shape[0] + tables.length + (error ? 1 : 0) + notes.length +
    fragments.numRows + hits.hits.length + tl.lastDrawMs + tv.layout.events + td.layout.groups.length + (bar.chart ? 1 : 0) + pie.childElementCount + urls.length + list.length + table.numRows + one.numRows + cols.numRows + (unpacked.truncated ? 1 : 0);
}
tour();
`);
  assert.equal(out.trim(), "");
  // A wrong use is caught, so the check above is meaningful.
  const bad = typecheck(`import * as huntbook from "huntbook"; export async function f() { const n: string = (await huntbook.loadDemo()).table("x").shape; return n; }`, "bad.ts");
  assert.match(bad, /error TS/, "a type error is reported");
});
