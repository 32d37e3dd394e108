#!/usr/bin/env bash
# Builds the Tour page (src/index.md) with Observable Framework's own CLI (`observable build`), offline, into
# dist/hosts/framework/ (index.html, _observablehq/ the runtime, _node/ the bundled node_modules imports, _file/).
#
# huntbook is imported with a bare specifier, so Framework bundles it from node_modules/huntbook: a COPY (not a
# symlink) of the built package dist/huntbook/, refreshed here on every build. Plot, Inputs, apache-arrow and htl come
# from this folder's node_modules the same way; nothing is imported with `npm:` (which Framework downloads from
# jsDelivr at build time) and the config drops Framework's default Google Fonts stylesheet, so the build and the page
# need no network. The threat report the page attaches (site/data/threat-report.xml) is copied into src/data/, since
# Framework only serves files under its source root.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/dist/hosts/framework"
[ -f "$root/dist/huntbook/index.js" ] || { echo "framework: dist/huntbook is missing: run scripts/build.sh first" >&2; exit 1; }
[ -d "$here/node_modules/@observablehq/framework" ] || bash "$here/setup.sh"

rm -rf "$here/node_modules/huntbook" "$here/src/.observablehq/cache"
# Framework's client bundle names a version of each library it would load with `npm:` (React, Arquero, Leaflet, …;
# this page loads none of them) and asks registry.npmjs.org for "latest" unless a version is in its cache: pinned here
# (the cache is an empty folder per name@version), so the build makes no request.
for pkg in @observablehq/plot@0.6.17 @observablehq/sample-datasets@1.0.1 apache-arrow@17.0.0 arquero@8.0.3 \
  d3-dsv@3.0.2 d3@7.9.2 echarts@6.1.0 htl@0.3.1 leaflet@1.9.4 lodash@4.18.1 mapbox-gl@3.32.0 parquet-wasm@0.8.0 \
  react-dom@19.3.1 react@19.3.1 topojson-client@3.1.0; do
  mkdir -p "$here/src/.observablehq/cache/_npm/$pkg"
done
cp -R "$root/dist/huntbook" "$here/node_modules/huntbook"
mkdir -p "$here/src/data"
cp "$root/site/data/threat-report.xml" "$here/src/data/threat-report.xml"

log=$(mktemp); trap 'rm -f "$log"' EXIT
rm -rf "$out"
cd "$here"
node node_modules/@observablehq/framework/dist/bin/observable.js build >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
# Offline means nothing fetched at build time and nothing named off-site for the browser to fetch.
if [ -e "$out/_npm" ] || grep -rlqE --include="*.html" --include="*.js" --include="*.css" 'cdn\.jsdelivr\.net|fonts\.googleapis\.com|fonts\.gstatic\.com' "$out"; then
  echo "framework: CDN imports or URLs in $out" >&2
  exit 1
fi
version=$(node -p 'require(process.argv[1]).version' "$root/dist/huntbook/package.json")
echo "build: dist/hosts/framework (Observable Framework $(node -p 'require("./node_modules/@observablehq/framework/package.json").version'), huntbook@${version} from node_modules)"
