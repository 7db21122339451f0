#!/usr/bin/env bash
# The headless demo: starts `keydesk-cli sim`, provisions its group with two simulated
# keys, then runs again to show that nobody is registered twice.
set -euo pipefail
CLI="$1"
DATA="$(mktemp -d)"
"$CLI" sim --port 0 > "$DATA/sim.out" 2>"$DATA/sim.err" &
SIM=$!
trap 'kill $SIM 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do grep -q LISTENING "$DATA/sim.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(awk '/LISTENING/{print $2}' "$DATA/sim.out")
URL="http://127.0.0.1:$PORT"
export KEYDESK_CLIENT_SECRET=keydesk-demo-secret
ARGS=(--data-dir "$DATA" --tenant contoso.onmicrosoft.com --client-id 00000000-0000-4000-8000-00000000c11d
      --login-url "$URL" --graph-url "$URL")
"$CLI" "${ARGS[@]}" provision --group "FIDO Provisioning" --soft-keys 2
echo "--- again, with the same data folder:"
"$CLI" "${ARGS[@]}" provision --group "FIDO Provisioning" --soft-keys 2
