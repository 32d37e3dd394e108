# huntbook — `make demo` serves the Tour page, `make test` runs every test tier. Both install what is missing first.

SHELL := /bin/bash
# Reuse a cargo target dir outside the clone when there is one (polars builds are slow); else build in ./target.
HUNTBOOK_TARGET_DIR ?= $(HOME)/.cache/huntbook/target
export CARGO_TARGET_DIR ?= $(if $(wildcard $(HUNTBOOK_TARGET_DIR)),$(HUNTBOOK_TARGET_DIR),$(CURDIR)/target)
export CC_wasm32_unknown_unknown ?= clang
export AR_wasm32_unknown_unknown ?= llvm-ar
PORT ?= 8080

.PHONY: setup build demo test test-rust test-node test-e2e bench fuzz clean

setup:
	@scripts/setup.sh

build: setup
	@scripts/build.sh
	@scripts/build-hosts.sh

demo: build
	@node scripts/serve.mjs --port $(PORT)

test: build
	@$(MAKE) --no-print-directory test-rust test-node test-e2e

test-rust:
	cargo test --quiet

test-node:
	node --test tests/js/

test-e2e:
	node --test --test-concurrency=1 tests/e2e/

bench: build
	@bench/run.sh

# Fuzzing (not part of `make test` or CI): each target for FUZZ_SECONDS (default 60); FUZZ_TARGETS picks some.
fuzz:
	@scripts/fuzz.sh

clean:
	rm -rf dist target
