# Plugging and pulling virtual keys inside the guest: each `keydesk-vkey` process is one key.
# Sourced by scenarios.sh and replug.sh. State: /run/vkey/NAME.{pid,log,state}.
BIN=/opt/keydesk/bin
mkdir -p /run/vkey

# plug NAME [again]: start a virtual key (a new one, or with `again` the same key, its PIN
# state kept) and wait for its ready line and its hidraw node.
plug() {
    local name=$1 before
    [ "${2:-}" = again ] || rm -f "/run/vkey/$name.state"
    before=$(ls /sys/class/hidraw 2>/dev/null | wc -l)
    VKEY_STATE="/run/vkey/$name.state" "$BIN/keydesk-vkey" "KeyDesk vkey $name" \
        >> "/run/vkey/$name.log" 2>&1 &
    echo $! > "/run/vkey/$name.pid"
    for _ in $(seq 100); do
        grep -q '^KEYDESK-VKEY READY' "/run/vkey/$name.log" 2>/dev/null \
            && [ "$(ls /sys/class/hidraw | wc -l)" -gt "$before" ] && return 0
        sleep 0.1
    done
    echo "plug $name: no ready line or no hidraw node after 10 s"; cat "/run/vkey/$name.log"
    return 1
}

# pull NAME: kill the key's process, as if the key were yanked out.
pull() {
    local pid
    pid=$(cat "/run/vkey/$1.pid" 2>/dev/null) || return 0
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -f "/run/vkey/$1.pid"
    for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
}

pull_all() { for f in /run/vkey/*.pid; do [ -e "$f" ] && pull "$(basename "$f" .pid)"; done; }

# hidraw path of the n-th key (1-based) in node order.
key_path() { echo "/dev/$(ls /sys/class/hidraw | sort -V | sed -n "${1:-1}p")"; }
