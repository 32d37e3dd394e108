// GeoLite2 geolocation (openGeoLite, GeoLite#lookup, geoloc) against the built package and its demo mmdb.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { loadHuntbook, dist } from "./helpers.mjs";

const hb = await loadHuntbook();
const demoBytes = fs.readFileSync(path.join(dist, "huntbook_demo.mmdb"));

const COLUMNS = ["IpAddress", "CountryCode", "CountryOrRegionName", "State", "City", "Longitude", "Latitude", "Note"];

test("the demo mmdb beside the wasm: the Tour's 24.16.133.227 is Seattle, WA, US", async () => {
  const geo = await hb.openGeoLite();
  assert.equal(geo.demo, true);
  assert.equal(geo.edition, "City");
  assert.equal(geo.databaseType, "GeoLite2-City");
  assert.match(geo.description, /huntbook demo data.*not MaxMind/);
  assert.equal(geo.buildDate.toISOString(), "2024-01-15T00:00:00.000Z");
  const df = geo.lookup("24.16.133.227");
  assert.equal(df.demo, true);
  assert.deepEqual(df.columns, COLUMNS);
  assert.deepEqual(df.toRows(), [
    {
      IpAddress: "24.16.133.227",
      CountryCode: "US",
      CountryOrRegionName: "United States",
      State: "Washington",
      City: "Seattle",
      Longitude: -122.3321,
      Latitude: 47.6062,
      Note: null,
    },
  ]);
  // the same object for every call without a source
  assert.equal(await hb.openGeoLite(), geo);
});

test("lists: one row per address in order; private, not-an-address rows say why", async () => {
  const geo = await hb.openGeoLite();
  const rows = geo.lookup(["185.220.101.45", "10.0.2.17", "not an ip", "185.220.101.45", "::1"]).toRows();
  assert.deepEqual(
    rows.map((r) => [r.IpAddress, r.CountryCode, r.City, r.Note]),
    [
      ["185.220.101.45", "DE", "Berlin", null],
      ["10.0.2.17", null, "location unknown", "Private address (not in GeoLite2)"],
      ["not an ip", null, null, "not an IP address"],
      ["185.220.101.45", "DE", "Berlin", null],
      ["::1", null, "location unknown", "Loopback address (not in GeoLite2)"],
    ],
  );
  assert.equal(rows[1].CountryOrRegionName, "Private address");
});

test("geoloc in demo mode answers from the demo mmdb and marks the frame", async () => {
  hb.useDemoEnrichment(true);
  try {
    const df = await hb.geoloc("45.153.160.2");
    assert.equal(df.demo, true);
    assert.deepEqual(
      [df.row(0).CountryCode, df.row(0).State, df.row(0).City],
      ["NL", "Noord-Holland", "Amsterdam"],
    );
  } finally {
    hb.useDemoEnrichment(false);
  }
});

test("geoloc of a DataFrame column: distinct addresses joined back onto every row", async () => {
  const { tables } = hb.readTables(
    "User,IPAddress\nmike,185.220.101.45\nanna,81.2.69.142\nmike,185.220.101.45\nsvc,10.0.4.50\n",
    { format: "csv" },
  );
  const geo = await hb.openGeoLite();
  const joined = await hb.geoloc(tables[0], { column: "IPAddress", db: geo });
  assert.equal(joined.demo, true);
  assert.deepEqual(joined.columns, ["User", "IPAddress", ...COLUMNS]);
  assert.deepEqual(
    joined.toRows().map((r) => [r.User, r.IPAddress, r.IpAddress, r.CountryCode, r.City]),
    [
      ["mike", "185.220.101.45", "185.220.101.45", "DE", "Berlin"],
      ["anna", "81.2.69.142", "81.2.69.142", "GB", "London"],
      ["mike", "185.220.101.45", "185.220.101.45", "DE", "Berlin"],
      ["svc", "10.0.4.50", "10.0.4.50", null, "location unknown"],
    ],
  );
  const distinct = geo.lookup(tables[0], { column: "IPAddress", join: false });
  assert.deepEqual(distinct.toRows().map((r) => r.IpAddress), ["185.220.101.45", "81.2.69.142", "10.0.4.50"]);
});

test("sources: bytes, Blob, Response, a loopback URL; the opened one becomes geoloc's default", async () => {
  const fromBytes = await hb.openGeoLite(new Uint8Array(demoBytes));
  assert.equal(fromBytes.demo, false);
  const df = await hb.geoloc("142.114.83.20");
  assert.equal(df.demo, undefined);
  assert.equal(df.row(0).City, "Toronto");
  assert.equal((await hb.openGeoLite(new Blob([demoBytes]))).lookup("81.2.69.142").row(0).City, "London");
  assert.equal((await hb.openGeoLite(new Response(demoBytes))).lookup("64.124.38.10").row(0).City, "Seattle");
  await assert.rejects(hb.openGeoLite(new Response("gone", { status: 404 })), /HTTP 404/);

  const server = http.createServer((req, res) => {
    if (req.url === "/GeoLite2-City.mmdb") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(demoBytes);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const base = `http://127.0.0.1:${server.address().port}`;
    const geo = await hb.openGeoLite(`${base}/GeoLite2-City.mmdb`);
    assert.equal(geo.lookup("193.142.146.213").row(0).City, "Moscow");
    await assert.rejects(
      hb.openGeoLite(`${base}/missing.mmdb`),
      /could not load the GeoLite2 database from http:\/\/127\.0\.0\.1:\d+\/missing\.mmdb: HTTP 404/,
    );
  } finally {
    server.close();
  }
});

test("bad files are errors that say so", async () => {
  await assert.rejects(hb.openGeoLite(new Uint8Array(0)), /the \.mmdb file is empty/);
  await assert.rejects(
    hb.openGeoLite(new TextEncoder().encode("<html>not a database</html>".repeat(50))),
    /damaged or not a MaxMind DB/,
  );
  await assert.rejects(hb.openGeoLite(demoBytes.subarray(0, demoBytes.length - 200)), /damaged or not a MaxMind DB/);
  await assert.rejects(hb.openGeoLite(42), /source must be a URL, a File\/Blob, a Response or bytes.*got number/);
});

test("options are checked", async () => {
  const geo = await hb.openGeoLite();
  const { tables } = hb.readTables("User,IPAddress\nmike,185.220.101.45\n", { format: "csv" });
  await assert.rejects(hb.geoloc(tables[0], { colum: "IPAddress", db: geo }), /geoloc: unknown option 'colum' \(did you mean 'column'\?\)/);
  await assert.rejects(hb.geoloc(tables[0], { column: "IPAddress", join: "yes", db: geo }), /geoloc: option 'join'/);
  await assert.rejects(hb.geoloc(tables[0], { db: geo }), /give the column of IP addresses.*User, IPAddress/);
  await assert.rejects(hb.geoloc(tables[0], { column: "Nope", db: geo }), /Nope/);
  await assert.rejects(hb.geoloc("1.2.3.4", { column: "IPAddress", db: geo }), /'column' and 'join' are for a DataFrame/);
  assert.throws(() => geo.lookup({ ip: "1.2.3.4" }), /input must be an IP address, a list of them or a DataFrame/);
});
