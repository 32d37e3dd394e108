#!/usr/bin/env bash
# huntbook benchmarks: each compares huntbook with the tool analysts use today, side by side in one run,
# and prints the times and their ratio. Python tools are installed from PyPI into bench/.venv.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! .venv/bin/python -c "import pandas" 2>/dev/null; then
  .venv/bin/pip install -q --disable-pip-version-check "pandas==2.2.3"
fi
node parse.mjs
node kql.mjs
