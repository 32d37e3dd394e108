// Runs in a dedicated module Worker, as JupyterLite's JavaScript kernel runs cells (no document): shows a table,
// two timelines and a bar chart with huntbook.display (the default poster, self.postMessage), then reports what it
// drew and the errors of the DOM widgets in a final {type: "done"} message.
import * as huntbook from "/huntbook/index.js";

const pic = (p) => ({
  constructor: p.constructor.name, kind: p.kind, title: p.title, width: p.width, height: p.height, text: String(p),
  layout: p.layout && { width: p.layout.width, height: p.layout.height, groups: p.layout.groups },
  chart: p.chart && { bars: p.chart.bars },
});

function errorOf(call) {
  try {
    call();
    return null;
  } catch (e) {
    return String(e.message);
  }
}

self.onmessage = async () => {
  try {
    await huntbook.init();
    await huntbook.loadDemo();
    const qp = new huntbook.QueryProvider("LocalData", { queryTime: new huntbook.QueryTime({ start: "-5d" }) });
    const signins = await qp.execQuery('SigninLogs | extend Result = iif(ResultType == "0", "Success", "Failed") | sort by TimeGenerated asc');
    const c2 = await qp.execQuery('CommonSecurityLog | where DestinationIP == "203.0.113.66"');
    const head = signins.head(3);
    const info = { hasDocument: typeof document !== "undefined", rows: signins.shape[0], cols: signins.shape[1], headHTML: head.toHTML(), headText: String(head) };
    info.tableReturned = huntbook.display(head);
    const tl = huntbook.timeline(signins, { group_by: "Result", title: "Sign-ins by result", width: 640, height: 160 });
    info.timeline = pic(tl);
    info.timelineReturned = await huntbook.display(tl);
    const tv = huntbook.timelineValues(c2, { value_column: "SentBytes", kind: ["vbar", "circle"], title: "Bytes sent to 203.0.113.66", width: 600 });
    info.values = pic(tv);
    await huntbook.display(tv);
    const bar = huntbook.barChart(signins, "IPAddress", { top_n: 5, title: "Sign-ins per IP address" });
    info.bar = pic(bar);
    await huntbook.display(bar);
    info.errors = {
      dataSource: errorOf(() => huntbook.dataSource()),
      queryBrowser: errorOf(() => huntbook.queryBrowser(qp)),
      queryTime: errorOf(() => huntbook.queryTime()),
      pivotBrowser: errorOf(() => huntbook.pivotBrowser(new huntbook.Pivot({ queryProvider: qp }))),
      browseResults: errorOf(() => huntbook.browseResults([])),
      toElement: errorOf(() => head.toElement()),
    };
    self.postMessage({ type: "done", ok: true, info });
  } catch (e) {
    self.postMessage({ type: "done", ok: false, error: String(e && e.stack ? e.stack : e) });
  }
};
