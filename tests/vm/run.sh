#!/usr/bin/env bash
# KeyDesk's real-key path under test: boots a small Debian 12 guest under QEMU in which
# virtual FIDO2 keys (tests/vm/vkey, soft-fido2 over /dev/uhid) appear as hidraw devices,
# and runs the scenarios of tests/vm/guest/ there. Exit status: the scenarios'.
#
#   tests/vm/run.sh [--only SCENARIO]
#
# Cached outside the clone, in $KEYDESK_VM_CACHE (default ~/.cache/keydesk/vm): the guest
# (keyed by a hash of build-guest.sh, rebuilt when missing) and the test-only crates' target
# dir. Needs root (debootstrap, chroot) and installs its Debian packages when missing.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE="${KEYDESK_VM_CACHE:-$HOME/.cache/keydesk/vm}"
MAIN_TARGET="${CARGO_TARGET_DIR:-$HOME/.cache/keydesk/target}"
VM_TARGET="$CACHE/target"
VM_TIMEOUT="${KEYDESK_VM_TIMEOUT:-900}"
ONLY=""
[ "${1:-}" = "--only" ] && ONLY="${2:?--only needs a scenario name}"
export PATH="$HOME/.cargo/bin:$PATH"
log() { echo "vm: $*"; }
t0=$SECONDS

# 1. Host tools.
missing=()
for tool in debootstrap:debootstrap qemu-system-x86_64:qemu-system-x86 mkfs.ext4:e2fsprogs cpio:cpio; do
    command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    timeout 600 apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 2. The guest: root tree, kernel, initrd.
mkdir -p "$CACHE"
GUEST="$CACHE/guest-$(sha256sum "$HERE/build-guest.sh" | cut -c1-12)"
if [ ! -f "$GUEST/initrd.img" ]; then
    log "building the guest into $GUEST"
    "$HERE/build-guest.sh" "$GUEST"
    find "$CACHE" -maxdepth 1 -name 'guest-*' ! -path "$GUEST" -exec rm -rf {} +
fi

# 3. Test binaries: the virtual key and the probe (own workspaces, own target dir), the
#    command line, and the driver's hardware suite when it exists.
for crate in vkey probe; do
    (cd "$HERE/$crate" && CARGO_TARGET_DIR="$VM_TARGET" timeout 1800 cargo build --locked -q)
done
# KEYDESK_VM_NO_MAIN_BUILD=1 stages the main workspace's binaries as they are (for working on
# the harness while the workspace is mid-change); the hardware suite is then left out.
if [ "${KEYDESK_VM_NO_MAIN_BUILD:-0}" != 1 ]; then
    (cd "$REPO" && CARGO_TARGET_DIR="$MAIN_TARGET" timeout 1800 cargo build -p keydesk-cli --locked -q)
fi
# The driver's hardware suite: built when it exists (KEYDESK_VM_HW_TEST=PATH stages a given
# test binary instead).
HW_TEST="${KEYDESK_VM_HW_TEST:-}"
if [ -z "$HW_TEST" ] && [ -f "$REPO/crates/keydesk-fido/tests/hardware.rs" ] \
    && [ "${KEYDESK_VM_NO_MAIN_BUILD:-0}" != 1 ]; then
    HW_JSON="$(mktemp)"
    if ! (cd "$REPO" && CARGO_TARGET_DIR="$MAIN_TARGET" timeout 1800 cargo test -p keydesk-fido \
        --test hardware --no-run --locked --message-format=json > "$HW_JSON" 2> "$HW_JSON.err"); then
        tail -n 30 "$HW_JSON.err"; rm -f "$HW_JSON" "$HW_JSON.err"
        log "crates/keydesk-fido/tests/hardware.rs does not build"; exit 1
    fi
    HW_TEST=$(grep '"name":"hardware"' "$HW_JSON" | grep -o '"executable":"[^"]*"' | cut -d'"' -f4 | tail -1)
    rm -f "$HW_JSON" "$HW_JSON.err"
fi
if [ -n "$HW_TEST" ] && [ ! -x "$HW_TEST" ]; then log "no hardware test binary at '$HW_TEST'"; exit 1; fi

# 4. The root image: the cached tree plus the binaries and the guest scripts.
{ ls -dt "$CACHE"/run.* 2>/dev/null || true; } | tail -n +6 | xargs -r rm -rf  # keep the last failed runs' logs
WORK="$(mktemp -d "$CACHE/run.XXXXXX")"
QEMU_PID=""
cleanup() {
    [ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null
    rm -rf "$WORK/stage" "$WORK/root.img"
    true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
STAGE="$WORK/stage"
cp -a "$GUEST/root" "$STAGE"
install -d "$STAGE/opt/keydesk/bin"
install -m755 "$VM_TARGET/debug/keydesk-vkey" "$VM_TARGET/debug/keydesk-vm-probe" \
    "$MAIN_TARGET/debug/keydesk-cli" "$STAGE/opt/keydesk/bin/"
[ -n "$HW_TEST" ] && install -m755 "$HW_TEST" "$STAGE/opt/keydesk/bin/hardware"
install -m755 "$HERE"/guest/*.sh "$STAGE/opt/keydesk/"
missing_libs=$(chroot "$STAGE" sh -c 'for b in /opt/keydesk/bin/*; do ldd "$b"; done' | grep 'not found' | sort -u || true)
if [ -n "$missing_libs" ]; then
    log "the guest lacks libraries the test binaries need (add their packages to build-guest.sh):"
    echo "$missing_libs"; exit 1
fi
SIZE_MB=$(( $(du -sm "$STAGE" | cut -f1) + 128 ))
mkfs.ext4 -q -F -L keydesk -d "$STAGE" "$WORK/root.img" "${SIZE_MB}M" >/dev/null
rm -rf "$STAGE"
log "guest image ready ($SIZE_MB MB, $((SECONDS - t0)) s); driver hardware suite: ${HW_TEST:-absent (no crates/keydesk-fido/tests/hardware.rs)}"

# 5. Boot. KVM only where the CPU has it and /dev/kvm opens; TCG otherwise.
ACCEL=(-accel tcg,thread=multi -cpu max)
if grep -Eqw 'vmx|svm' /proc/cpuinfo && [ -r /dev/kvm ] && [ -w /dev/kvm ] \
    && [ "${KEYDESK_VM_KVM:-1}" = 1 ]; then
    ACCEL=(-accel kvm -cpu host)
fi
SERIAL="$WORK/serial.log"
log "booting (${ACCEL[1]}), serial log $SERIAL"
timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 -M q35 -m 768 -smp 2 -nodefaults -display none \
    "${ACCEL[@]}" -kernel "$GUEST/vmlinuz" -initrd "$GUEST/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 init=/opt/keydesk/init.sh panic=-1 quiet keydesk.only=$ONLY" \
    -drive "file=$WORK/root.img,format=raw,if=virtio,snapshot=on" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot \
    -serial "file:$SERIAL" &
QEMU_PID=$!
qemu_rc=0
wait "$QEMU_PID" || qemu_rc=$?
QEMU_PID=""

# 6. The verdict is the guest's own line; QEMU's status only says how it stopped.
grep -a 'KEYDESK-VM-TEST .* \(ok\|FAIL\)\|KNOWN FAILURE\|^SKIPPED' "$SERIAL" | sed 's/^/vm: /' || true
result=$(grep -a -o 'KEYDESK-VM-RESULT [0-9]*' "$SERIAL" | awk '{print $2}' | tail -1)
if [ "$result" = 0 ]; then
    log "all scenarios passed in the guest ($((SECONDS - t0)) s in all)"
    rm -rf "$WORK"
    exit 0
fi
[ "$qemu_rc" = 124 ] && log "QEMU timed out after $VM_TIMEOUT s"
log "FAILED (guest result: ${result:-none}, qemu exit $qemu_rc); serial log kept: $SERIAL"
tail -n 80 "$SERIAL" | sed 's/^/  | /'
exit 1
