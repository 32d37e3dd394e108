// Issue #16 ("no failure from wasm32's 4 GB address space"): an input too large to read in wasm memory is refused
// before it is copied in (readTables) or once it is (a query's answer), with an error that says what to do, and
// huntbook goes on working; an ordinary large input is read without the check growing the memory. Its own file: the
// wasm memory stays as large as it grew here.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { loadHuntbook } from "./helpers.mjs";

const hb = await loadHuntbook();
const memory = async () => (await hb.__internals.wasm.default()).memory.buffer.byteLength;
const MB = 1 << 20;

test("1.5 GB of input is refused before it is copied into wasm memory, and huntbook goes on working", async () => {
  const before = await memory();
  const huge = new Uint8Array(1500 * MB); // zero pages: never touched
  assert.throws(
    () => hb.readTables(huge),
    (e) => {
      assert.equal(e.constructor, Error);
      assert.match(e.message, /^1572864000 bytes \(1500 MiB\) are too many to read here: reading them takes about 3 times their size of memory, and wasm's memory ends at 4 GiB \(\d+ MiB of them in use\)\. Ask for less \(project the columns you need/);
      return true;
    },
  );
  // nothing was copied: the memory did not grow by the input
  assert.ok((await memory()) < before + 200 * MB, `${before} → ${await memory()}`);
  // the module was not stopped
  const t = hb.readTables("a,b\n1,2", { format: "csv" }).tables[0];
  assert.deepEqual(t.toRows(), [{ a: 1, b: 2 }]);
  // the same through readTables' answer formats
  assert.throws(() => hb.readTables(huge, { format: "kusto" }), /are too many to read here/);
  assert.throws(() => hb.readTables(huge, { status: 200 }), /are too many to read here/);
});

test("a 100 MB input is read, and the check does not grow the memory beyond what the read takes", async () => {
  const tail = new TextEncoder().encode(
    '{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"long"}],"rows":[[1],[2]]}]}',
  );
  const bytes = new Uint8Array(100 * MB + tail.length);
  bytes.fill(0x20, 0, 100 * MB); // JSON whitespace before the answer
  bytes.set(tail, 100 * MB);
  const { tables, error } = hb.readTables(bytes);
  assert.equal(error, null);
  assert.deepEqual(tables[0].toRows(), [{ n: 1 }, { n: 2 }]);
  // the input's copy and the allocator's room ahead, not the 3× a check by allocation would have grown it to
  const after = await memory();
  assert.ok(after < 260 * MB, `wasm memory ${after >> 20} MiB`);
});

test("a 1.5 GB query answer is received, then refused before it is read, and huntbook goes on working", async () => {
  // a loopback "Log Analytics" answering with 1.5 GB: whitespace, then a table (valid JSON, so only its size stops it)
  const SIZE = 1500 * MB;
  const piece = Buffer.alloc(4 * MB, 0x20);
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      let sent = 0;
      const next = () => {
        while (sent < SIZE) {
          sent += piece.length;
          if (!res.write(piece)) return res.once("drain", next);
        }
        res.end('{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"long"}],"rows":[[1]]}]}');
      };
      next();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const qp = new hb.QueryProvider("MSSentinel").connect({
      workspaceId: "52b1ab41-869e-4138-9e40-2a4457f09bf0",
      baseUrl: `http://127.0.0.1:${server.address().port}`,
      getToken: () => "tok",
      maxResponseBytes: 2 ** 32,
    });
    await assert.rejects(qp.execQuery("SigninLogs"), (e) => {
      assert.match(e.message, /bytes \(1500 MiB\) are too many to read here: reading them takes about 3 times their size of memory, and wasm's memory ends at 4 GiB \(\d+ MiB of them in use\)/);
      return true;
    });
  } finally {
    server.close();
  }
  assert.deepEqual(hb.readTables("a,b\n1,2", { format: "csv" }).tables[0].toRows(), [{ a: 1, b: 2 }]);
});
