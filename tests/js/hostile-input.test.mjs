// The hostile-input suite in Node (issue #14, "Must show" 2): every case of tests/js/hostile-cases.mjs through the
// built package's public API in one module instance — the specific error or noted, limited result, returned within
// the hang guard, and `print 1` plus a small unpack still working afterwards. Prints one line a case.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadHuntbook } from "./helpers.mjs";
import { cases, makeEnv, runCase, trivialStillWorks } from "./hostile-cases.mjs";

const hb = await loadHuntbook();
const env = await makeEnv(hb);

test("the module works before the hostile cases", async () => {
  await trivialStillWorks(hb, env);
});

for (const c of cases) {
  test(`${c.weakness}: ${c.id}`, async () => {
    const r = await runCase(hb, env, c);
    console.log(`hostile | ${r.ok ? "ok  " : "FAIL"} | ${String(r.ms).padStart(6)} ms | ${c.id} → ${r.got.slice(0, 120)}${r.failure ? `\n  failure: ${r.failure}` : ""}`);
    assert.equal(r.failure, null);
    assert.ok(r.ok);
  });
}
