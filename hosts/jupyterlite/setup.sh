#!/usr/bin/env bash
# Installs JupyterLite's build tools from PyPI into a venv at ~/.cache/huntbook/jupyterlite-venv, pinned:
#   jupyterlite-core (the `jupyter lite build` CLI and the prebuilt JupyterLab app), jupyterlite-javascript-kernel
#   (the JavaScript kernel: a Web Worker that evals each cell), jupyter_server (lets `jupyter lite build` index the
#   contents folder). Idempotent and quiet: pip runs only when a pinned version is missing. scripts/setup.sh runs it.
set -euo pipefail
venv="${HUNTBOOK_JUPYTERLITE_VENV:-$HOME/.cache/huntbook/jupyterlite-venv}"
pins=(jupyterlite-core==0.3.0 jupyterlite-javascript-kernel==0.3.0 jupyter_server==2.21.1)

have() { # every pin installed at exactly its version
  local p
  for p in "${pins[@]}"; do
    [ "$("$venv/bin/python" -c 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))' "${p%%==*}" 2>/dev/null)" = "${p##*==}" ] || return 1
  done
}

if [ ! -x "$venv/bin/python" ]; then
  printf 'setup: python venv %s\n' "$venv"
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
fi
if ! have; then
  printf 'setup: pip install %s\n' "${pins[*]}"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "${pins[@]}"
fi
