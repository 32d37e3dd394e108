#!/usr/bin/env bash
# Builds a JupyterLite site (JupyterLab in the browser) with the JavaScript kernel, offline, into
# dist/hosts/jupyterlite/ with `jupyter lite build` (jupyterlite-core from PyPI, installed by setup.sh). The site's
# files (what the notebook's file browser shows, served at <site>/files/…) are:
#   tour.ipynb          the Tour in the JavaScript kernel (hosts/jupyterlite/tour.ipynb)
#   await-cells.js      makes the kernel wait for a cell whose value is a Promise (hosts/jupyterlite/await-cells.js)
#   huntbook/           the built package (dist/huntbook/: index.js, the wasm, the demo files)
#   threat-report.xml   the Tour's threat report (site/data/threat-report.xml)
# jupyter-lite.json (beside this script) makes the JavaScript kernel the default and exposes the app as
# window.jupyterapp (JupyterLab's option for UI tests; tests/e2e/host-jupyterlite.test.mjs drives it). overrides.json
# sets notebook windowing off: with it on, JupyterLab 4.1's table of contents throws "Cannot read properties of
# undefined (reading 'type')" while "Run All" scrolls cells into view. Nothing the site loads comes from a CDN
# (JupyterLite 0.3 with only these two extensions calls nothing outside the site; the e2e test checks the requests).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/dist/hosts/jupyterlite"
venv="${HUNTBOOK_JUPYTERLITE_VENV:-$HOME/.cache/huntbook/jupyterlite-venv}"
[ -f "$root/dist/huntbook/index.js" ] || { echo "jupyterlite: dist/huntbook is missing: run scripts/build.sh first" >&2; exit 1; }
[ -x "$venv/bin/jupyter-lite" ] || bash "$here/setup.sh"

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lite" "$work/contents"
cp "$here/jupyter-lite.json" "$here/overrides.json" "$work/lite/"
cp "$here/tour.ipynb" "$here/await-cells.js" "$root/site/data/threat-report.xml" "$work/contents/"
cp -r "$root/dist/huntbook" "$work/contents/huntbook"

rm -rf "$out"
# The lite dir is a scratch folder, so nothing of the caller's (a jupyter_lite_config.json, a .jupyterlite.doit.db)
# is read. The federated extensions come from the venv: the JavaScript kernel and jupyterlab_pygments (a dependency).
(cd "$work/lite" && JUPYTER_PLATFORM_DIRS=1 "$venv/bin/jupyter" lite build --lite-dir . --contents ../contents \
  --output-dir "$out" --apps lab --no-sourcemaps --no-unused-shared-packages) >"$work/log" 2>&1 ||
  { cat "$work/log" >&2; exit 1; }
[ -f "$out/index.html" ] && [ -f "$out/files/tour.ipynb" ] && [ -f "$out/files/huntbook/huntbook_wasm_bg.wasm" ] ||
  { cat "$work/log" >&2; echo "jupyterlite: the site is incomplete" >&2; exit 1; }
# JupyterLab's page has no <link rel="icon">, so the browser would ask the server root for /favicon.ico; point it at
# the lab's own icon.
sed -i 's#<meta charset="utf-8" />#&\n    <link rel="icon" type="image/x-icon" href="./favicon.ico" />#' "$out/lab/index.html"
grep -q 'rel="icon"' "$out/lab/index.html" || { echo "jupyterlite: could not add the icon link to lab/index.html" >&2; exit 1; }
echo "build: dist/hosts/jupyterlite (jupyterlite-core $("$venv/bin/jupyter" lite --version), JavaScript kernel, $(du -sh "$out" | cut -f1))"
