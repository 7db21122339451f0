#!/bin/bash
# Runs the VM test scenarios (functions in cases.sh), each with fresh keys under a timeout;
# prints `KEYDESK-VM-TEST name ok|FAIL` per scenario and exits non-zero if any failed.
# Adding a scenario is one line in the list at the bottom. `keydesk.only=NAME` on the kernel
# command line (run.sh --only NAME) runs just one.
. /opt/keydesk/keys.sh

failed=0
scenario() {
    local name=$1 start=$SECONDS rc=0
    if [ -n "$ONLY" ] && [ "$ONLY" != "$name" ]; then return; fi
    echo "=== KEYDESK-VM-TEST $name"
    timeout 180 bash -c ". /opt/keydesk/cases.sh; $name" 2>&1 || rc=$?
    pull_all
    if [ $rc -eq 0 ]; then
        echo "KEYDESK-VM-TEST $name ok ($((SECONDS - start)) s)"
    else
        echo "KEYDESK-VM-TEST $name FAIL (exit $rc, $((SECONDS - start)) s)"
        for f in /run/vkey/*.log; do [ -e "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }; done
        failed=1
    fi
    rm -f /run/vkey/*.log /run/vkey/*.state
}

ONLY=$(sed -n 's/.*keydesk.only=\([^ ]*\).*/\1/p' /proc/cmdline)
scenario enumeration_and_identity
scenario pin_and_credential
scenario pin_blocked_until_replug
scenario reset_window
scenario three_keys_in_parallel
scenario key_pulled_mid_operation
if [ -x "$BIN/hardware" ]; then scenario driver_hardware_suite; fi
scenario cli_sim_sanity
scenario cli_provision_real_keys
exit $failed
