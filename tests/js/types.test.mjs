// index.d.ts is valid TypeScript, and a program using the documented API type-checks against it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { root, dist } from "./helpers.mjs";

test("a program using the API type-checks against dist/huntbook/index.d.ts", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntbook-types-"));
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(dist, path.join(dir, "node_modules", "huntbook"));
  fs.writeFileSync(path.join(dir, "use.ts"), `
import * as huntbook from "huntbook";
async function tour(): Promise<number> {
  await huntbook.init();
  const demo = huntbook.loadDemo();
  const signins: huntbook.DataFrame = demo.table("SigninLogs");
  const counts = signins.valueCounts("IPAddress").head(10);
  const rows: Record<string, unknown>[] = counts.toRows();
  const ipc: Uint8Array = counts.toArrowIPC({ fullPrecision: false });
  const qp = new huntbook.QueryProvider("LocalData");
  qp.queryTime.last("7d");
  const help: string = qp.queryHelp("SecurityAlert.list_alerts");
  const df = await qp.execQuery("SigninLogs | take 1");
  const { tables, error } = huntbook.readTables("[]", { format: "json" });
  return rows.length + ipc.length + help.length + df.shape[0] + tables.length + (error ? 1 : 0);
}
tour();
`);
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  const out = (() => {
    try {
      return execFileSync(process.execPath, [tsc, "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--lib", "es2022,dom", path.join(dir, "use.ts")], { cwd: dir, encoding: "utf8" });
    } catch (e) {
      return e.stdout + e.stderr;
    }
  })();
  assert.equal(out.trim(), "");
  // A wrong use is caught, so the check above is meaningful.
  fs.writeFileSync(path.join(dir, "bad.ts"), `import * as huntbook from "huntbook"; const n: string = huntbook.loadDemo().table("x").shape;`);
  let failed = false;
  try {
    execFileSync(process.execPath, [tsc, "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--lib", "es2022,dom", path.join(dir, "bad.ts")], { cwd: dir, encoding: "utf8" });
  } catch {
    failed = true;
  }
  assert.ok(failed, "a type error is reported");
});
