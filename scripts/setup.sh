#!/usr/bin/env bash
# Installs what building and testing huntbook needs, only what is missing. Idempotent and quiet.
#   apt: clang + llvm (polars' zstd/lz4 C code for wasm32), chromium + chromium-driver (browser tests), python3-venv
#   rustup: the wasm32-unknown-unknown target
#   cargo: wasm-bindgen-cli at exactly the crate's wasm-bindgen version, wasm-pack (used offline: --mode no-install)
#   npm: the test and build dependencies (npm ci): playwright-core, apache-arrow 17 + 21, esbuild, binaryen (wasm-opt)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

need_apt=()
command -v clang >/dev/null || need_apt+=(clang)
command -v llvm-ar >/dev/null || need_apt+=(llvm)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
python3 -c "import ensurepip, venv" 2>/dev/null || need_apt+=(python3-venv)   # the JupyterLite host's build venv
if [ ${#need_apt[@]} -gt 0 ]; then
  say "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown >/dev/null 2>&1
fi

wbg_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg_version" ]; then
  say "cargo install wasm-bindgen-cli $wbg_version"
  cargo install -q wasm-bindgen-cli --version "$wbg_version" --force
fi

WASM_PACK_VERSION=0.15.1
if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
  say "cargo install wasm-pack $WASM_PACK_VERSION"
  cargo install -q wasm-pack --version "$WASM_PACK_VERSION" --force
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

# Each notebook host (hosts/<host>/) installs its own tooling (npm packages in its own folder, PyPI packages in a
# venv under ~/.cache/huntbook) with its own idempotent setup.sh.
for s in hosts/*/setup.sh; do
  if [ -f "$s" ]; then bash "$s"; fi
done
