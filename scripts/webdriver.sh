#!/usr/bin/env bash
# Runs the WebDriver tests under Xvfb, driven through tauri-driver + WebKitWebDriver:
# tests/webdriver/provision.mjs (the app in demo mode: a user's existing passkey deleted, one
# user provisioned, the letter PDF, then the lost-key flow and a phone handed out) and, given the command
# line too, tests/webdriver/batch.mjs (the app NOT in demo mode against `keydesk-cli sim`,
# signed in from its options, a batch over --soft-keys 2), tests/webdriver/lost-key-sim.mjs
# (the same set-up with one key: a user provisioned, the key reported lost, the passkey gone
# from the simulator, the audit log verified by keydesk-cli), tests/webdriver/devicecode.mjs
# (a device-code sign-in from the options shown in the window, then a users file as the
# queue) and tests/webdriver/desks.mjs (the app on a throwaway PostgreSQL store, "at desk-2"
# on a user another desk claims). Every process it starts is stopped on exit.
# WEBDRIVER_ONLY=NAME (demo, batch, lost-sim, devicecode, desks) runs one of them.
# Usage: scripts/webdriver.sh PATH_TO_KEYDESK [PATH_TO_KEYDESK_CLI]
set -euo pipefail
cd "$(dirname "$0")/.."
APP="$(realpath "$1")"
CLI="${2:+$(realpath "$2")}"
mkdir -p target
PIDS=()
# A process and everything it started (tauri-driver starts WebKitWebDriver, which starts
# the app; batch.mjs starts `keydesk-cli sim`), children first, by process id.
kill_tree() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}
TMPDIRS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill_tree "$p"; done
  wait 2>/dev/null || true
  for d in "${TMPDIRS[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT

if [ -z "${DISPLAY:-}" ]; then
  for n in $(seq 90 110); do [ -e "/tmp/.X11-unix/X$n" ] || { DISPLAY_NUM=$n; break; }; done
  # -fbdir: the screen as a file, for batch.mjs's screenshots (tests/webdriver/xvfb-shot.mjs).
  FBDIR="$(mktemp -d)"
  TMPDIRS+=("$FBDIR")
  Xvfb ":$DISPLAY_NUM" -screen 0 1400x900x24 -fbdir "$FBDIR" -nolisten tcp >target/xvfb.log 2>&1 &
  PIDS+=($!)
  export XVFB_SCREEN="$FBDIR/Xvfb_screen0"
  export DISPLAY=":$DISPLAY_NUM"
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$DISPLAY_NUM" ] && break; sleep 0.1; done
fi

# Software rendering under Xvfb: without these WebKitGTK may snapshot a stale frame.
export WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1
# batch.mjs's browser sign-in: the app inherits tauri-driver's environment and hands the
# sign-in page to $BROWSER, a script that completes the simulator's page over HTTP.
export BROWSER="$PWD/tests/webdriver/sim-browser.mjs"
# desks.mjs: the app joins a throwaway PostgreSQL store; its password and the desk pool's
# secret reach the app through tauri-driver's environment (test values, nothing real).
export PGPASSWORD=keydesk-webdriver-password
export KEYDESK_POOL_SECRET=4b657944657368207765626472697665722074657374206f6e6c79203132333435

# Free ports: another desk's WebDriver test may hold 4444/4445 on this machine.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wanted NAME: every test, or only the one WEBDRIVER_ONLY names.
wanted() { [ -z "${WEBDRIVER_ONLY:-}" ] || [ "$WEBDRIVER_ONLY" = "$1" ]; }

# run_test NAME TIMEOUT SCRIPT: the script against a tauri-driver of its own (its log is the
# app's: target/tauri-driver-NAME.log), stopped afterwards with everything it started.
# Private data and config folders per test: the demo journal and the app's keydesk.json
# (which remembers a picked group, by an id only that test's simulator knows) live there,
# and nothing of the user's is touched.
run_test() {
  local name=$1 limit=$2 script=$3 port native driver test data config
  port=$(free_port)
  native=$(free_port)
  data="$(mktemp -d)"
  config="$(mktemp -d)"
  TMPDIRS+=("$data" "$config")
  XDG_DATA_HOME="$data" XDG_CONFIG_HOME="$config" tauri-driver --port "$port" --native-port "$native" --native-driver "$(command -v WebKitWebDriver)" \
    >"target/tauri-driver-$name.log" 2>&1 &
  driver=$!
  PIDS+=("$driver")
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/status" >/dev/null 2>&1 && break; sleep 0.1
  done
  KEYDESK_APP="$APP" KEYDESK_CLI="$CLI" KEYDESK_APP_LOG="target/tauri-driver-$name.log" WEBDRIVER_URL="http://127.0.0.1:$port" SCREENSHOT_DIR=target \
    timeout "$limit" node "$script" &
  test=$!
  PIDS+=("$test")
  local rc=0
  wait "$test" || rc=$?
  kill_tree "$driver"
  if [ "$rc" -ne 0 ]; then echo "webdriver: $name FAILED (exit $rc; app log: target/tauri-driver-$name.log)"; exit "$rc"; fi
}

if wanted demo; then
  run_test demo 240 tests/webdriver/provision.mjs
  echo "webdriver: demo passed (screenshots: target/webdriver-passkeys.png, target/webdriver-provision.png, target/webdriver-letter-pdf.png, target/webdriver-connection.png, target/webdriver-lost.png, target/webdriver-phone.png, target/webdriver-phone-done.png)"
fi
if [ -n "$CLI" ] && wanted batch; then
  run_test batch 300 tests/webdriver/batch.mjs
  echo "webdriver: batch passed (screenshots: target/webdriver-batch-*.png)"
fi
if [ -n "$CLI" ] && wanted lost-sim; then
  run_test lost-sim 240 tests/webdriver/lost-key-sim.mjs
  echo "webdriver: lost key against keydesk-cli sim passed (screenshot: target/webdriver-sim-lost.png)"
fi
if [ -n "$CLI" ] && wanted devicecode; then
  run_test devicecode 180 tests/webdriver/devicecode.mjs
  echo "webdriver: devicecode passed (screenshots: target/webdriver-devicecode*.png, target/webdriver-users-file.png)"
fi
if [ -n "$CLI" ] && wanted desks; then
  run_test desks 180 tests/webdriver/desks.mjs
  echo "webdriver: desks passed (screenshot: target/webdriver-desks.png)"
fi
