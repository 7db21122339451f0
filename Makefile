# KeyDesk's two commands: `make demo` and `make test`. Both install what they need on a
# fresh Debian 12 machine (scripts/setup.sh). `make build` builds everything in release.

SHELL := /bin/bash
export CARGO_TARGET_DIR ?= $(HOME)/.cache/keydesk/target
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo

.PHONY: demo test build setup ui licences check-rust test-rust test-ui bindings-fresh webdriver cli-demo test-hardware-vm

## Run the app against a simulated tenant and simulated keys.
demo: setup ui
	$(CARGO) build -p keydesk
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "make demo needs a graphical display and none was found (DISPLAY and WAYLAND_DISPLAY are unset)."; \
	  echo "Run it from a desktop session, or: xvfb-run make demo (nothing to see), or try the headless demo: make cli-demo"; \
	  exit 2; fi
	$(CARGO_TARGET_DIR)/debug/keydesk --demo

## Every check CI runs.
test: setup ui test-ui check-rust licences test-rust bindings-fresh webdriver test-hardware-vm
	@echo "make test: all checks passed"

## The real-key path (hidraw -> CTAPHID -> CTAP2) against virtual FIDO2 keys in a QEMU guest.
## The guest is cached in ~/.cache/keydesk/vm; see tests/vm/README.md.
test-hardware-vm:
	timeout 1800 tests/vm/run.sh

## Release binaries and the UI.
build: setup ui
	$(CARGO) build --release -p keydesk -p keydesk-cli

setup:
	scripts/setup.sh

ui:
	cd ui && npm run build

test-ui:
	cd ui && npm run check && npm test

check-rust:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

# What ships must stay free of copyleft; the AGPL virtual key of the VM tests is outside it.
licences:
	scripts/licences.py

test-rust:
	$(CARGO) test --workspace --locked

# ts-rs rewrites ui/src/bindings during `cargo test`; a diff means they were stale.
bindings-fresh:
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  if [ -n "$$(git status --porcelain -- ui/src/bindings)" ]; then \
	    git status --porcelain -- ui/src/bindings; \
	    echo "ui/src/bindings is stale: commit the regenerated files"; exit 1; fi; fi

webdriver:
	$(CARGO) build -p keydesk --locked
	timeout 600 scripts/webdriver.sh $(CARGO_TARGET_DIR)/debug/keydesk

## The headless demo: simulated tenant + keydesk-cli provisioning its group.
cli-demo:
	$(CARGO) build -p keydesk-cli
	scripts/cli-demo.sh $(CARGO_TARGET_DIR)/debug/keydesk-cli
