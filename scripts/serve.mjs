// A small static server for the Tour page and the tests (loopback only).
//
//   /                       → site/home.html (links the Tour page and the notebook hosts)
//   /tour/                  → site/index.html (the Tour page)
//   /site/…                 → site/
//   /hosts/<host>/…         → dist/hosts/<host>/ (the Tour built by each notebook host's own tooling, see hosts/;
//                             a folder serves its index.html)
//   /huntbook/…             → dist/huntbook/ (the built npm package)
//   /npm/huntbook@<v>/+esm  → the package bundled into one ES module, as jsDelivr serves `npm:` imports to
//                             Observable; /npm/huntbook@<v>/<file> → that file of the package
//   /npm/<name>[@<v>]/+esm  → another npm package the notebook hosts' runtimes load from jsDelivr (Plot, Inputs,
//                             apache-arrow, d3, …), bundled the same way (its dependencies inlined) from the first of
//                             hosts/*/node_modules, node_modules that has it at a version matching <v> (exact, or a
//                             prefix such as 7 or 7.9); /npm/<name>[@<v>]/<path>/+esm bundles that file of it,
//                             /npm/<name>[@<v>]/<file> serves the file
//   /fixtures/…             → ../shared/fixtures/ (the Tour's real tables, for "load from URL")
//   /e2e/…                  → tests/e2e/pages/ (test pages: Web Worker, jsDelivr-shaped import)
//   /sentinel/…             → tests/fixtures/sentinel_yaml/ (Azure-Sentinel query files, for importSentinelQueries)
//
// Usage: node scripts/serve.mjs [--port 8080]   (prints the URL). Also importable: startServer({port, pages}), where
// `pages` maps extra paths to HTML served as files are (benchmark pages, without a test driver's interception).

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".css": "text/css",
  ".csv": "text/csv",
  ".ts": "text/plain",
  ".md": "text/markdown",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".ipynb": "application/json",
  ".map": "application/json",
  ".txt": "text/plain",
  ".py": "text/x-python",
  ".zip": "application/zip",
};

function safeJoin(base, rel) {
  const p = path.resolve(base, "." + path.posix.normalize("/" + rel));
  return p.startsWith(base) ? p : null;
}

async function esmBundle(pkgDir, { entry = path.join(pkgDir, "index.js"), platform = "neutral", external = ["apache-arrow", "node:*"], cwd } = {}) {
  // jsDelivr's /+esm is one ES module whose import.meta.url is the /+esm URL itself, so the wasm must sit at the
  // package root. Bundling with esbuild reproduces that shape exactly.
  const esbuild = await import("esbuild");
  const out = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: cwd,
    bundle: true,
    format: "esm",
    write: false,
    platform,
    external,
    logLevel: "silent",
  });
  return out.outputFiles[0].text;
}

/** The folder of npm package `name` at a version matching `version` (exact or a dotted prefix), or null. */
function npmPackage(name, version) {
  if (!/^(@[\w.-]+\/)?\w[\w.-]*$/.test(name)) return null;
  const hosts = path.join(root, "hosts");
  const dirs = fs.existsSync(hosts) ? fs.readdirSync(hosts).sort().map((h) => path.join(hosts, h, "node_modules")) : [];
  for (const dir of [...dirs, path.join(root, "node_modules")]) {
    const pkg = path.join(dir, name);
    let v;
    try {
      v = JSON.parse(fs.readFileSync(path.join(pkg, "package.json"), "utf8")).version;
    } catch {
      continue;
    }
    if (!version || v === version || v.startsWith(`${version}.`)) return pkg;
  }
  return null;
}

export function startServer({ port = 8080, host = "127.0.0.1", pages = {} } = {}) {
  const dist = path.join(root, "dist", "huntbook");
  const fixtures = path.resolve(root, "..", "shared", "fixtures");
  let bundle = null;
  const bundles = new Map(); // other packages' /+esm, by package folder and path
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, "http://x");
      let file = null;
      let p = decodeURIComponent(url.pathname);
      if (Object.hasOwn(pages, p)) {
        res.writeHead(200, { "content-type": TYPES[".html"], "cache-control": "no-store" });
        res.end(pages[p]);
        return;
      }
      const npm = p.match(/^\/npm\/huntbook@[^/]+\/(.*)$/);
      const other = !npm && p.match(/^\/npm\/((?:@[^/@]+\/)?[^/@]+)(?:@([^/]+))?\/(.*)$/);
      if (p === "/" || p === "/index.html") file = path.join(root, "site", "home.html");
      else if (p === "/tour" || p === "/tour/") file = path.join(root, "site", "index.html");
      else if (npm && npm[1] === "+esm") {
        bundle ??= await esmBundle(dist);
        res.writeHead(200, { "content-type": TYPES[".js"], "access-control-allow-origin": "*" });
        res.end(bundle);
        return;
      } else if (npm) file = safeJoin(dist, npm[1]);
      else if (other) {
        const pkg = npmPackage(other[1], other[2]);
        const esm = other[3] === "+esm" || other[3].endsWith("/+esm");
        if (pkg && esm) {
          const sub = other[3].slice(0, -"+esm".length).replace(/\/$/, "");
          const entry = sub ? safeJoin(pkg, sub) : other[1]; // a bare name: the package's own entry ("exports")
          const cwd = path.resolve(pkg, ...other[1].split("/").map(() => ".."), ".."); // where its node_modules is
          const key = `${pkg}|${sub}`;
          if (entry && !bundles.has(key)) {
            bundles.set(key, esmBundle(pkg, { entry, platform: "browser", external: [], cwd }));
            bundles.get(key).catch(() => bundles.delete(key));
          }
          if (entry) {
            const text = await bundles.get(key);
            res.writeHead(200, { "content-type": TYPES[".js"], "access-control-allow-origin": "*" });
            res.end(text);
            return;
          }
        } else if (pkg) file = safeJoin(pkg, other[3]);
      } else if (p.startsWith("/huntbook/")) file = safeJoin(dist, p.slice("/huntbook/".length));
      else if (p.startsWith("/hosts/")) {
        file = safeJoin(path.join(root, "dist", "hosts"), p.slice("/hosts/".length));
        if (file && fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
      } else if (p.startsWith("/site/")) file = safeJoin(path.join(root, "site"), p.slice("/site/".length));
      else if (p.startsWith("/e2e/")) file = safeJoin(path.join(root, "tests", "e2e", "pages"), p.slice("/e2e/".length));
      else if (p.startsWith("/sentinel/")) file = safeJoin(path.join(root, "tests", "fixtures", "sentinel_yaml"), p.slice("/sentinel/".length));
      else if (p.startsWith("/fixtures/")) file = safeJoin(fixtures, p.slice("/fixtures/".length));
      if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found");
        return;
      }
      // One read and one write, as a static server's sendfile does: piping a read stream sends 64 KiB pieces, which
      // made the 9.6 MB wasm's download in Chromium ~75 ms longer (medians of 7 fresh contexts: 233 vs 158 ms;
      // compiled while streaming 420 vs 301 ms; issue #16's cold start)
      const body = await fs.promises.readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "content-length": body.length,
        "access-control-allow-origin": "*",
        "cache-control": "no-store",
      });
      res.end(body);
    } catch (e) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(e));
    }
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--port");
  const port = i > 0 ? Number(process.argv[i + 1]) : 8080;
  const server = await startServer({ port });
  console.log(`huntbook: http://127.0.0.1:${server.address().port}/ (the Tour page and the notebook hosts)`);
}
