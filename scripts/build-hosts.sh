#!/usr/bin/env bash
# Builds the Tour in each notebook host with the host's own tooling: hosts/<host>/build.sh writes dist/hosts/<host>/
# from the built package in dist/huntbook/ (run scripts/build.sh first). `make build` runs both.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/huntbook/index.js ] || { echo "build-hosts: dist/huntbook is missing: run scripts/build.sh first" >&2; exit 1; }
mkdir -p dist/hosts
for b in hosts/*/build.sh; do
  [ -f "$b" ] || continue
  host=$(basename "$(dirname "$b")")
  bash "$b"
  [ -f "dist/hosts/$host/index.html" ] || { echo "build-hosts: $b wrote no dist/hosts/$host/index.html" >&2; exit 1; }
done
