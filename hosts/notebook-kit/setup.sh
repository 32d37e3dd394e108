#!/usr/bin/env bash
# Installs Observable Notebook Kit and the libraries its runtime loads (Plot, Inputs, apache-arrow 17, d3, htl) into
# hosts/notebook-kit/node_modules, pinned by this folder's package-lock.json. Idempotent and quiet: `npm ci` runs only
# when node_modules is missing or older than the lock. scripts/setup.sh runs it.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  printf 'setup: npm ci (hosts/notebook-kit)\n'
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
