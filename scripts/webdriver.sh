#!/usr/bin/env bash
# Runs the WebDriver tests under Xvfb, driven through tauri-driver + WebKitWebDriver:
# tests/webdriver/provision.mjs (the app in demo mode, one user) and, given the command
# line too, tests/webdriver/batch.mjs (the app NOT in demo mode against `keydesk-cli sim`,
# signed in from its options, a batch over --soft-keys 2). Every process it starts is
# stopped on exit. Usage: scripts/webdriver.sh PATH_TO_KEYDESK [PATH_TO_KEYDESK_CLI]
set -euo pipefail
cd "$(dirname "$0")/.."
APP="$(realpath "$1")"
CLI="${2:+$(realpath "$2")}"
mkdir -p target
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

if [ -z "${DISPLAY:-}" ]; then
  for n in $(seq 90 110); do [ -e "/tmp/.X11-unix/X$n" ] || { DISPLAY_NUM=$n; break; }; done
  Xvfb ":$DISPLAY_NUM" -screen 0 1400x900x24 -nolisten tcp >target/xvfb.log 2>&1 &
  PIDS+=($!)
  export DISPLAY=":$DISPLAY_NUM"
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$DISPLAY_NUM" ] && break; sleep 0.1; done
fi

# Software rendering under Xvfb: without these WebKitGTK may snapshot a stale frame.
export WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1
PORT=${WEBDRIVER_PORT:-4444}
# The simulator's client secret, for batch.mjs's `--auth secret`: the app inherits
# tauri-driver's environment. (Demo mode ignores it.)
export KEYDESK_CLIENT_SECRET=keydesk-demo-secret
# A private data folder: the demo journal lives there, and nothing of the user's is touched.
export XDG_DATA_HOME="$(mktemp -d)"
tauri-driver --port "$PORT" --native-driver "$(command -v WebKitWebDriver)" >target/tauri-driver.log 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$PORT/status" >/dev/null 2>&1 && break; sleep 0.1
done

KEYDESK_APP="$APP" WEBDRIVER_URL="http://127.0.0.1:$PORT" SCREENSHOT_DIR=target \
  timeout 240 node tests/webdriver/provision.mjs
echo "webdriver: demo passed (screenshots: target/webdriver-provision.png, target/webdriver-connection.png)"
if [ -n "$CLI" ]; then
  KEYDESK_APP="$APP" KEYDESK_CLI="$CLI" WEBDRIVER_URL="http://127.0.0.1:$PORT" SCREENSHOT_DIR=target \
    timeout 300 node tests/webdriver/batch.mjs
  echo "webdriver: batch passed (screenshots: target/webdriver-batch-*.png)"
fi
