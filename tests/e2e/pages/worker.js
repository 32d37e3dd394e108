// Runs in a dedicated module Worker, as JupyterLite's JavaScript kernel runs cells: no document, no window.
import * as huntbook from "/huntbook/index.js";

self.onmessage = async () => {
  try {
    await huntbook.init();
    const demo = await huntbook.loadDemo();
    const signins = demo.table("SigninLogs");
    self.postMessage({
      ok: true,
      hasDocument: typeof document !== "undefined",
      tables: demo.tables,
      shape: signins.shape,
      top: signins.valueCounts("UserPrincipalName").row(0),
      html: signins.head(2).toHTML().slice(0, 200),
    });
  } catch (e) {
    self.postMessage({ ok: false, error: String(e && e.stack ? e.stack : e) });
  }
};
