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
# The cold start first: its goals are absolute times of a page opening huntbook, and the benches before it would
# leave the machine slower for it. Run last, after the others (the large answers' 2.2 GB wasm memories and pandas' 4.6 GB,
# minutes of Chromium), the same build measured 312 / 476 ms (init / first table), then 302 / 443 alone straight
# after; alone after `make bench`'s build 200 / 344, and on an idle machine 194 / 293 (2026-12-06, README). The
# others compare with a peer in the same run, so their order does not decide their goals.
node startup.mjs
node parse.mjs
node large.mjs
node kql.mjs
node analysis.mjs
node timeline.mjs
node geoloc.mjs
node whois.mjs
node worker.mjs
