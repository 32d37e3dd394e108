// Issue #14: after a trap the module is never silently dead. A hidden test-only export panics on purpose (the
// crate aborts on panic, so this traps the instance); the call throws an Error naming the function and the panic,
// and every later call throws huntbook's "module stopped … reload" Error. Its own file: the module stays stopped
// for the rest of this process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadHuntbook } from "./helpers.mjs";

const hb = await loadHuntbook();
const raw = hb.__internals.wasm; // the raw bindings of the same instance (index.js is one bundled module)

test("a panic stops the module with a clear Error, and every later call says so", () => {
  // works before
  assert.equal(hb.readTables("a,b\n1,2", { format: "csv" }).tables[0].numRows, 1);
  const df = hb.readTables("a,b\n1,2\n3,4", { format: "csv" }).tables[0];
  assert.throws(
    () => raw.__testTrap("from the node test"),
    (e) => {
      assert.match(e.message, /^huntbook's module stopped \(in __testTrap: panicked: test trap: from the node test at src\/wasm\/mod\.rs:\d+\); reload the page/);
      return true;
    },
  );
  // every later call: the same clear Error, not a wrong answer or a bare "unreachable"
  for (const call of [
    () => hb.readTables("a,b\n1,2", { format: "csv" }),
    () => df.head(1),
    () => df.toHTML(),
    () => hb.unpack("SGVsbG8gd29ybGQsIHRoaXMgaXMgYSB0ZXN0IHN0cmluZw=="),
  ]) {
    assert.throws(call, /^Error: huntbook's module stopped \(in __testTrap: panicked: test trap: from the node test/);
  }
});
