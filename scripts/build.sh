#!/usr/bin/env bash
# Builds the wasm with wasm-pack (offline: --mode no-install), optimises it with wasm-opt, and assembles the npm
# package in dist/huntbook/ from pkg-template/, the wasm-pack output and js/.
# wasm-opt is npm's `binaryen` (pinned in package.json): Debian's binaryen 108 breaks wasm-bindgen's externref
# table ("WebAssembly.Table.set(): Argument 1 is invalid for table") on today's Rust output.
#   PROFILE=dev scripts/build.sh   → unoptimised debug build (faster to compile)
#   WASM_FROM=<dir> scripts/build.sh → no cargo build: take huntbook_wasm{.js,.d.ts,_bg.wasm} from <dir> (a built
#                                      dist/huntbook of the same Rust sources) and re-assemble the package around them
set -euo pipefail
cd "$(dirname "$0")/.."
export CC_wasm32_unknown_unknown=${CC_wasm32_unknown_unknown:-clang}
export AR_wasm32_unknown_unknown=${AR_wasm32_unknown_unknown:-llvm-ar}
PROFILE=${PROFILE:-release}
# One build at a time (parallel runs would interleave in dist/).
mkdir -p dist
exec 9>dist/.build.lock
flock 9

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ -n "${WASM_FROM:-}" ]; then
  cp "$WASM_FROM/huntbook_wasm.js" "$WASM_FROM/huntbook_wasm.d.ts" "$WASM_FROM/huntbook_wasm_bg.wasm" "$out/"
  WASM_OPT=0
else
wasm-pack --quiet build --mode no-install --target web --"$PROFILE" --no-pack \
  --out-dir "$out" --out-name huntbook_wasm >/dev/null
fi

wasm="$out/huntbook_wasm_bg.wasm"
if [ "$PROFILE" = release ] && [ "${WASM_OPT:-1}" != 0 ]; then
  before=$(stat -c %s "$wasm")
  node_modules/.bin/wasm-opt -O2 --strip-debug --strip-producers --enable-bulk-memory --enable-reference-types --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-multivalue "$wasm" -o "$wasm.opt"
  mv "$wasm.opt" "$wasm"
  echo "build: wasm-opt $((before / 1024)) KiB → $(($(stat -c %s "$wasm") / 1024)) KiB"
fi

dist=dist/huntbook
rm -rf "$dist"
mkdir -p "$dist"
cp pkg-template/package.json pkg-template/README.md pkg-template/huntbook.py "$dist/"
# The entry, index.js, is ONE ES module (issue #16's cold start: a page fetched the ~32 modules of js/ one import
# level after another): js/ and the wasm-bindgen glue bundled by esbuild (a devDependency), minified (279 → 146 KB;
# a fresh page fetched and evaluated it ~30 ms sooner) with names kept (classes and functions keep their `.name`:
# notebooks' inspectors show `DataFrame`), and a source map with the sources (index.js.map, fetched only by
# developer tools). worker.js stays its own file (the Worker's entry; it imports ./index.js). The typings stay as
# they are in js/.
cp -r js "$out/src"
cp "$out/huntbook_wasm.js" "$out/src/"
node_modules/.bin/esbuild "$out/src/index.js" --bundle --format=esm --platform=neutral --external:apache-arrow \
  --external:'node:*' --minify --keep-names --sourcemap --sources-content=true --log-level=warning \
  --outfile="$dist/index.js"
# The map names its sources as they are in the repository (js/…; the glue as js/huntbook_wasm.js), not by the
# temporary build folder.
node -e 'const fs = require("fs"), f = process.argv[1], m = JSON.parse(fs.readFileSync(f, "utf8"));
  m.sources = m.sources.map((s) => "huntbook/js/" + s.replace(/^.*?\/src\//, ""));
  fs.writeFileSync(f, JSON.stringify(m));' "$dist/index.js.map"
cp js/worker.js "$dist/"
(cd js && find . -name '*.d.ts' -exec cp --parents {} "../$dist/" \;)
cp "$wasm" "$dist/"
# The glue stays beside it for `WASM_FROM=dist/huntbook` builds; package.json's "files" leaves it out of the package.
cp "$out/huntbook_wasm.js" "$out/huntbook_wasm.d.ts" "$dist/"
# The demo data set, beside the wasm: loadDemo() fetches it (demo_data/demo.la.json.gz).
cp demo_data/demo.la.json.gz "$dist/huntbook_demo.la.json.gz"
# The demo GeoLite2-City-format mmdb (made-up locations for the demo data's IPs), beside the wasm: openGeoLite()
# without a source and geoloc() in demo mode load it (demo_data/demo.mmdb, from examples/demo_mmdb.rs).
cp demo_data/demo.mmdb "$dist/huntbook_demo.mmdb"
# IANA's RDAP bootstrap (whois picks the registry with it) and the recorded whois/DNS answers of demo mode.
cp src/enrich/whois/rdap_bootstrap.json "$dist/huntbook_rdap_bootstrap.json"
cp demo_data/demo_answers.json "$dist/huntbook_demo_answers.json"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
sed -i "s/\"version\": \"[^\"]*\"/\"version\": \"$version\"/" "$dist/package.json"
sed -i "s/__HUNTBOOK_VERSION__/$version/" "$dist/huntbook.py"
echo "build: $dist (huntbook $version, wasm $(($(stat -c %s "$dist/huntbook_wasm_bg.wasm") / 1024)) KiB, gzip $(($(gzip -9c "$dist/huntbook_wasm_bg.wasm" | wc -c) / 1024)) KiB, demo data $(($(stat -c %s "$dist/huntbook_demo.la.json.gz") / 1024)) KiB)"
