# The VM test scenarios, one function each; scenarios.sh runs them. Sourced, not run.
. /opt/keydesk/keys.sh
PROBE=$BIN/keydesk-vm-probe
export RUST_BACKTRACE=0

enumeration_and_identity() {
    plug a && $PROBE count 1 && $PROBE identity
}

pin_and_credential() {
    plug a && $PROBE pin-and-credential "$(key_path 1)"
}

# CTAP: three wrong PINs in a row block PIN use until a power cycle (enforced by the vkey).
pin_blocked_until_replug() {
    plug a && $PROBE pin-blocked "$(key_path 1)" && pull a && plug a again \
        && $PROBE pin-works "$(key_path 1)"
}

# CTAP: authenticatorReset only within 10 s of power-up. The virtual key enforces it.
reset_window() {
    plug a || return 1
    local plugged=$SECONDS
    # A key with a PIN and a credential, wiped within the window.
    $PROBE pin-and-credential "$(key_path 1)" >/dev/null && $PROBE reset "$(key_path 1)" ok || return 1
    $PROBE identity || return 1
    sleep $((11 - (SECONDS - plugged)))
    $PROBE reset "$(key_path 1)" refused || return 1
    pull a && plug a again && $PROBE reset "$(key_path 1)" ok
}

three_keys_in_parallel() {
    plug a && plug b && plug c && $PROBE count 3 && $PROBE parallel
}

# The key's process is killed while makeCredential calls run: the probe must get an error
# promptly (not hang), the key must leave enumeration, and a re-plug must be seen.
key_pulled_mid_operation() {
    plug a || return 1
    $PROBE pulled "$(key_path 1)" > /tmp/pulled.out 2>&1 &
    local probe=$!
    for _ in $(seq 100); do grep -q KEY-BUSY /tmp/pulled.out && break; sleep 0.1; done
    sleep 0.3
    pull a
    local rc=0
    wait $probe || rc=$?
    cat /tmp/pulled.out
    [ $rc -eq 0 ] && $PROBE count 0 && plug a && $PROBE count 1
}

# Driver tests left out, each with its reason, printed on every run: failures the VM found
# that belong to the driver (issue 5), not to this harness. Remove a line once fixed.
known_driver_failures() {
    local skip
    while read -r skip why; do
        [ -n "$skip" ] || continue
        echo "driver_hardware_suite: KNOWN FAILURE skipped: $skip: $why" >&2
        printf -- '--skip %s ' "$skip"
    done <<'KNOWN'
KNOWN
}

# KeyDesk's own driver: its #[ignore]d hardware suite, the one a bench with a real key runs.
driver_hardware_suite() {
    plug hw || return 1
    # The virtual key starts without a PIN, so KEYDESK_HW_PIN stays unset; wiping it is fine.
    KEYDESK_HW_REPLUG_CMD=/opt/keydesk/replug.sh KEYDESK_HW_ALLOW_RESET=1 \
        "$BIN/hardware" --ignored --test-threads=1 $(known_driver_failures)
}

# The staged command line against the simulated tenant on the guest's loopback.
cli_sim_sanity() {
    local d=/tmp/cli
    mkdir -p $d
    "$BIN/keydesk-cli" sim --port 0 > $d/sim.out 2> $d/sim.err &
    local sim=$!
    for _ in $(seq 100); do grep -q LISTENING $d/sim.out && break; sleep 0.1; done
    local url="http://127.0.0.1:$(awk '/LISTENING/{print $2}' $d/sim.out)"
    KEYDESK_CLIENT_SECRET=keydesk-demo-secret "$BIN/keydesk-cli" --data-dir $d \
        --tenant contoso.onmicrosoft.com --client-id 00000000-0000-4000-8000-00000000c11d \
        --login-url "$url" --graph-url "$url" provision --group "FIDO Provisioning" --soft-keys 1 \
        > $d/provision.out 2>&1
    local rc=$?
    kill $sim; wait $sim 2>/dev/null
    [ $rc -eq 0 ] || { tail -n 30 $d/provision.out; cat $d/sim.err; }
    grep -E '^[0-9]+ users: ' $d/provision.out && grep -q ' 0 failed' $d/provision.out && [ $rc -eq 0 ]
}


# The command line with real HID keys (no --soft-keys): three virtual keys plugged, three
# users in the simulated tenant, every attestation judged by the simulator's verifier.
cli_provision_real_keys() {
    local d=/tmp/cli-real
    mkdir -p $d
    plug a && plug b && plug c || return 1
    "$BIN/keydesk-cli" sim --port 0 --users 3 > $d/sim.out 2> $d/sim.err &
    local sim=$!
    for _ in $(seq 100); do grep -q LISTENING $d/sim.out && break; sleep 0.1; done
    local url="http://127.0.0.1:$(awk '/LISTENING/{print $2}' $d/sim.out)"
    KEYDESK_CLIENT_SECRET=keydesk-demo-secret "$BIN/keydesk-cli" --data-dir $d \
        --tenant contoso.onmicrosoft.com --client-id 00000000-0000-4000-8000-00000000c11d \
        --login-url "$url" --graph-url "$url" provision --group "FIDO Provisioning" \
        > $d/provision.out 2> $d/provision.err
    local rc=$?
    kill $sim; wait $sim 2>/dev/null
    cat $d/provision.out
    [ $rc -eq 0 ] || { tail -n 30 $d/provision.err; tail -n 20 $d/sim.err; }
    [ $rc -eq 0 ] && [ "$(grep -c ' registered ' $d/provision.out)" -eq 3 ] \
        && grep -q '3 registered' $d/provision.err && grep -q ' 0 failed' $d/provision.err
}
