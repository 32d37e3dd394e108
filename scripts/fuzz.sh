#!/usr/bin/env bash
# make fuzz: runs each libFuzzer target of fuzz/ for FUZZ_SECONDS (default 60) from its committed seed corpus
# (fuzz/corpus/<target>/), one target at a time, and prints per target the runs executed, the corpus size and the
# crashes (0, or the artefact's path). Exits non-zero when a target crashed (a panic, a stack overflow, a timeout
# past FUZZ_TIMEOUT seconds for one input, or more than FUZZ_RSS_MB of memory).
#   FUZZ_TARGETS="kql decode"   the targets to run (default: all six)
#   FUZZ_SECONDS=600            seconds per target
# Not part of `make test` or CI. Installs cargo-fuzz when it is missing. New corpus entries go to
# ~/.cache/huntbook/fuzz-corpus/<target>/ (never into the committed seeds); crash inputs to fuzz/artifacts/<target>/
# (git-ignored). Builds with the stable toolchain and no sanitizer: on a nightly compiler polars-ops turns on its
# `nightly` cfg and no longer compiles; the core is safe Rust, and debug assertions and overflow checks are on.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_TARGETS=${FUZZ_TARGETS:-kql decode ioc responses queries enrich}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-10}
FUZZ_RSS_MB=${FUZZ_RSS_MB:-2048}
CACHE=${HUNTBOOK_CACHE:-$HOME/.cache/huntbook}
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-$CACHE/fuzz-target}
WORK=${FUZZ_WORK_DIR:-$CACHE/fuzz-corpus}
mkdir -p "$CACHE"

if ! command -v cargo-fuzz >/dev/null; then
  echo "fuzz: cargo install cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi

FLAGS=(+stable fuzz)
OPTS=(--sanitizer none --codegen-units 16)

# Longest input libFuzzer makes, per target (the seeds are shorter).
max_len() {
  case "$1" in
    kql) echo 4096 ;;
    ioc) echo 8192 ;;
    *) echo 32768 ;;
  esac
}

for t in $FUZZ_TARGETS; do
  [ -d "fuzz/corpus/$t" ] || { echo "fuzz: no target '$t' (targets: $(ls fuzz/corpus | tr '\n' ' '))" >&2; exit 2; }
done

echo "fuzz: building the targets (stable toolchain, target dir $CARGO_TARGET_DIR)"
cargo "${FLAGS[@]}" build "${OPTS[@]}" --fuzz-dir fuzz >/dev/null 2>"$CACHE/fuzz-build.log" || {
  tail -n 30 "$CACHE/fuzz-build.log" >&2; exit 1;
}

failed=0
printf '%-10s %8s %12s %8s  %s\n' target seconds runs corpus crashes
for t in $FUZZ_TARGETS; do
  mkdir -p "$WORK/$t" "fuzz/artifacts/$t"
  log="$WORK/$t.log"
  set +e
  nice -n 10 cargo "${FLAGS[@]}" run "${OPTS[@]}" --fuzz-dir fuzz "$t" "$WORK/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$FUZZ_SECONDS" -timeout="$FUZZ_TIMEOUT" -rss_limit_mb="$FUZZ_RSS_MB" \
    -max_len="$(max_len "$t")" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  corpus=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' "$log" | tail -n 1)
  crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
  if [ "$rc" -ne 0 ] || [ -n "$crash" ]; then
    failed=1
    printf '%-10s %8s %12s %8s  %s\n' "$t" "$FUZZ_SECONDS" "${runs:-?}" "$corpus" "${crash:-exit $rc, see $log}"
    grep -m 3 -E "panicked|ERROR: libFuzzer|out-of-memory|timeout after" "$log" | sed 's/^/    /' || true
  else
    printf '%-10s %8s %12s %8s  %s\n' "$t" "$FUZZ_SECONDS" "${runs:-?}" "$corpus" 0
  fi
done
exit "$failed"
