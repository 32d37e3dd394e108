#!/usr/bin/env bash
# Builds the Tour notebook (tour.html, Observable Notebooks 2.0 format) to static HTML with Observable Notebook Kit's
# own CLI (`notebooks build`, Vite underneath), offline, into dist/hosts/notebook-kit/ (index.html + assets/).
#
# Notebook Kit resolves `npm:` imports, and loads its recommended libraries (Plot, Inputs, apache-arrow, d3, htl, …),
# from https://cdn.jsdelivr.net/npm/<name>/+esm; that base is hard-coded in the kit (there is no option for it). The
# built files are rewritten here to NPM_BASE instead (default `/npm/`: the loopback server's jsDelivr-shaped route,
# scripts/serve.mjs, which serves huntbook and the packages of this folder's node_modules). `npm:huntbook` is pinned to
# the version in dist/huntbook/package.json. NPM_BASE=https://cdn.jsdelivr.net/npm/ keeps jsDelivr (what users get).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/dist/hosts/notebook-kit"
npm_base="${NPM_BASE:-/npm/}"
version=$(node -p 'require(process.argv[1]).version' "$root/dist/huntbook/package.json")
[ -d "$here/node_modules/@observablehq/notebook-kit" ] || bash "$here/setup.sh"

log=$(mktemp); trap 'rm -f "$log"' EXIT
rm -rf "$out"
cd "$here"
node node_modules/@observablehq/notebook-kit/dist/bin/notebooks.js build \
  --root . --template template.html --out "$out" --empty -- tour.html >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
mv "$out/tour.html" "$out/index.html"

# jsDelivr → NPM_BASE in every built text file; huntbook at the built package's version.
find "$out" -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' \) -print0 |
  xargs -0 sed -i \
    -e "s#https://cdn\.jsdelivr\.net/npm/huntbook/+esm#https://cdn.jsdelivr.net/npm/huntbook@${version}/+esm#g" \
    -e "s#https://cdn\.jsdelivr\.net/npm/#${npm_base}#g"
if [ "$npm_base" != "https://cdn.jsdelivr.net/npm/" ] && grep -rlq 'cdn\.jsdelivr\.net' "$out"; then
  echo "notebook-kit: jsDelivr URLs left in $out" >&2
  exit 1
fi
echo "build: dist/hosts/notebook-kit (Observable Notebook Kit $(node -p 'require("./node_modules/@observablehq/notebook-kit/package.json").version'), huntbook@${version} from ${npm_base})"
