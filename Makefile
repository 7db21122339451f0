# KeyDesk's two commands: `make demo` and `make test`. Both install what they need on a
# fresh Debian 12 machine (scripts/setup.sh). `make build` builds everything in release.

SHELL := /bin/bash
export CARGO_TARGET_DIR ?= $(HOME)/.cache/keydesk/target
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo

.PHONY: demo test build package test-package lint-workflows setup ui structure licences check-rust test-rust test-ui bindings-fresh webdriver cli-demo test-hardware-vm man bench

## Run the app against a simulated tenant and simulated keys.
demo: setup ui
	$(CARGO) build -p keydesk --features demo
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "make demo needs a graphical display and none was found (DISPLAY and WAYLAND_DISPLAY are unset)."; \
	  echo "Run it from a desktop session, or: xvfb-run make demo (nothing to see), or try the headless demo: make cli-demo"; \
	  exit 2; fi
	$(CARGO_TARGET_DIR)/debug/keydesk --demo

## Every check CI runs.
test: setup structure ui test-ui check-rust licences test-rust bindings-fresh webdriver test-hardware-vm test-package lint-workflows
	@echo "make test: all checks passed"

## The real-key path (hidraw -> CTAPHID -> CTAP2) against virtual FIDO2 keys in a QEMU guest.
## The guest is cached in ~/.cache/keydesk/vm; see tests/vm/README.md.
test-hardware-vm:
	timeout 1800 tests/vm/run.sh

## Release binaries and the UI (the app without demo mode: see src-tauri/Cargo.toml).
build: setup ui
	$(CARGO) build --release -p keydesk -p keydesk-cli

## The Debian packages keydesk-cli and keydesk (release build, cargo-deb) with SHA256SUMS, in
## $(CARGO_TARGET_DIR)/debian/. See docs/RELEASING.md.
package: setup ui
	scripts/package.sh

## The install test: the packages of the debug build installed into a clean Debian 12 root
## (cached in ~/.cache/keydesk/pkgroot), used, purged. See tests/package/run.sh.
test-package: setup ui
	scripts/package.sh --debug
	timeout 900 tests/package/run.sh $(CARGO_TARGET_DIR)/debian-debug

## The Windows and macOS workflows (they cannot run here): actionlint, then their agreement
## with the Linux build (tests/workflows/check.py).
lint-workflows: setup
	tests/workflows/run.sh

setup:
	scripts/setup.sh

## keydesk-cli's man pages (one per command), generated from its options, into target/man.
man:
	$(CARGO) run -q -p keydesk-cli -- man --out $(CARGO_TARGET_DIR)/man
	@echo "man -l $(CARGO_TARGET_DIR)/man/keydesk-cli.1"

ui:
	cd ui && npm run build

# svelte-check and tsc, eslint (with the rule that only ui/src/platform/ imports
# @tauri-apps/*) and prettier, then vitest, the Chromium end-to-end run, and npm audit of
# the runtime dependencies where the registry's audit endpoint answers.
test-ui:
	cd ui && npm run check && npm run lint && npm test && npm run e2e
	scripts/npm-audit.py

# No module cycles inside a crate (the rule is at the top of the script), checked after
# the checker checks itself on a made-up crate. Fast: runs first.
structure:
	scripts/modcycles.py --self-test
	scripts/modcycles.py

# The app is linted with and without its `demo` feature (a release build has no demo);
# rustdoc fails on a doc link to nothing.
check-rust:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked --features keydesk/demo -- -D warnings
	$(CARGO) clippy -p keydesk --all-targets --locked -- -D warnings
	RUSTDOCFLAGS="-D rustdoc::broken_intra_doc_links" $(CARGO) doc --no-deps --workspace --features keydesk/demo --locked -q

# What ships must stay free of copyleft; the AGPL virtual key of the VM tests is outside it.
# No crate gains a second version unless scripts/dupversions-allowed.txt allows it.
licences:
	scripts/licences.py
	scripts/dupversions.py

test-rust:
	$(CARGO) test --workspace --locked

# keydesk-ipc generates ui/src/bindings (ts-rs types, commands.ts, errorKinds.ts) during
# `cargo test`. Generated afresh into an empty folder, they must equal the folder as a whole:
# a stale file, a missing one, and one left over from a deleted Rust type all fail. In a git
# checkout the folder must also be committed as generated.
bindings-fresh:
	@fresh="$$(mktemp -d)"; trap 'rm -rf "$$fresh"' EXIT; \
	if ! out="$$(TS_RS_EXPORT_DIR="$$fresh" $(CARGO) test -p keydesk-ipc --locked 2>&1)"; then \
	  echo "$$out"; exit 1; fi; \
	if ! diff -r "$$fresh" ui/src/bindings; then \
	  echo "ui/src/bindings is not what keydesk-ipc generates (< generated, > in ui/src/bindings):"; \
	  echo "run cargo test -p keydesk-ipc, delete the files it no longer writes, commit"; exit 1; fi
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  if [ -n "$$(git status --porcelain -- ui/src/bindings)" ]; then \
	    git status --porcelain -- ui/src/bindings; \
	    echo "ui/src/bindings is stale: commit the regenerated files"; exit 1; fi; fi

# tests/webdriver/provision.mjs (demo mode) and batch.mjs (not in demo mode, against
# `keydesk-cli sim`, browser sign-in, a batch over two simulated keys).
webdriver: ui
	$(CARGO) build -p keydesk --features demo -p keydesk-cli --locked
	timeout 900 scripts/webdriver.sh $(CARGO_TARGET_DIR)/debug/keydesk $(CARGO_TARGET_DIR)/debug/keydesk-cli

## The benchmarks (bench/run.py): release builds against `keydesk-cli sim`, criterion
## micro-benchmarks, figures written to docs/BENCHMARKS.md. Under 10 minutes.
bench:
	timeout 900 bench/run.py

## The headless demo: simulated tenant + keydesk-cli provisioning its group.
cli-demo:
	$(CARGO) build -p keydesk-cli
	scripts/cli-demo.sh $(CARGO_TARGET_DIR)/debug/keydesk-cli
