#!/usr/bin/env bash
# huntbook benchmarks: each compares huntbook with the tool analysts use today, side by side in one run,
# and prints the times and their ratio. Python tools are installed from PyPI into bench/.venv
# (pandas for parsing, msticpy 3.0.2 for analysis, its Bokeh timeline and GeoLiteLookup).
# One part alone: `bench/run.sh geoloc` (the name of a .mjs here).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! .venv/bin/python -c "import pandas, msticpy, bokeh; assert msticpy.__version__ == '3.0.2'" 2>/dev/null; then
  .venv/bin/pip install -q --disable-pip-version-check "pandas==2.2.3" "msticpy==3.0.2"
fi
if [ $# -gt 0 ]; then
  for part in "$@"; do node "$part.mjs"; done
  exit 0
fi
node parse.mjs
node large.mjs
node kql.mjs
node analysis.mjs
node timeline.mjs
node geoloc.mjs
node whois.mjs
node worker.mjs
node startup.mjs
