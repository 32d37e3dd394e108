#!/usr/bin/env bash
# Installs Observable Framework and the libraries the Tour page imports from node_modules (Plot, Inputs,
# apache-arrow 17, d3, htl) into hosts/framework/node_modules, pinned by this folder's package-lock.json. Idempotent
# and quiet: `npm ci` runs only when node_modules is missing or older than the lock. scripts/setup.sh runs it.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  printf 'setup: npm ci (hosts/framework)\n'
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
