#!/usr/bin/env bash
# The install test: the two .debs of `scripts/package.sh` installed with apt into a clean
# Debian 12 root, used, purged. Exit status 0 only when every check of inside.sh passed.
#
#   tests/package/run.sh DEB_DIR     (DEB_DIR holds keydesk-cli_*.deb and keydesk_*.deb)
#
# Cached outside the clone, in $KEYDESK_PKG_CACHE (default ~/.cache/keydesk/pkgroot):
#   bookworm-<hash of build-root.sh>/pristine   the clean root, never used itself: each run
#                                               works on a fresh copy, deleted afterwards
#   apt-archives/                               the .debs apt downloads (WebKitGTK & co.),
#                                               bind-mounted on the copy's /var/cache/apt/archives
# Needs root (debootstrap, chroot, mounts) and Debian's mirror (apt resolves dependencies).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DEBS="$(cd "${1:?usage: tests/package/run.sh DEB_DIR}" && pwd)"
CACHE="${KEYDESK_PKG_CACHE:-$HOME/.cache/keydesk/pkgroot}"
log() { echo "package-test: $*"; }
t0=$SECONDS
t=$SECONDS
step() { log "$* ($((SECONDS - t)) s)"; t=$SECONDS; }

[ "$(id -u)" -eq 0 ] || { log "needs root (debootstrap, chroot, mount)"; exit 2; }
ls "$DEBS"/keydesk-cli_*.deb "$DEBS"/keydesk_*.deb >/dev/null \
    || { log "no keydesk-cli_*.deb and keydesk_*.deb in $DEBS (scripts/package.sh --debug)"; exit 2; }
command -v debootstrap >/dev/null || "$REPO/scripts/setup.sh"
VERSION=$(awk -F'"' '/^\[workspace.package\]/{p=1} p && /^version *=/{print $2; exit}' "$REPO/Cargo.toml")

# 1. The clean root, built once per recipe; older recipes' roots are removed. One run at a
#    time per cache (clones on one machine share it, and its apt cache).
mkdir -p "$CACHE/apt-archives/partial"
exec 9> "$CACHE/lock"
flock 9
ROOTDIR="$CACHE/bookworm-$(sha256sum "$HERE/build-root.sh" | cut -c1-12)"
if [ ! -d "$ROOTDIR/pristine" ]; then
    log "building the clean root into $ROOTDIR"
    "$HERE/build-root.sh" "$ROOTDIR"
    find "$CACHE" -maxdepth 1 -name 'bookworm-*' ! -path "$ROOTDIR" -exec rm -rf {} +
    step "clean root built"
fi

# 2. A fresh copy for this run, with /proc, /dev and the apt cache mounted; all of it undone
#    on exit, whatever happens.
# Leftovers of runs killed before their cleanup, never one with something still mounted in it
# (rm -rf through a bind-mounted /dev would delete the host's device nodes).
# Two hours old at least: a run of another clone sharing the cache may be copying its root.
find "$CACHE" -maxdepth 1 -name 'run.*' -mmin +120 -print | while IFS= read -r old; do
    grep -q " $old/" /proc/mounts || rm -rf "$old"
done
WORK="$(mktemp -d "$CACHE/run.XXXXXX")"
ROOT="$WORK/root"
cleanup() {
    for m in var/cache/apt/archives dev proc; do
        mountpoint -q "$ROOT/$m" 2>/dev/null && umount -l "$ROOT/$m"
    done
    if grep -q " $ROOT/" /proc/mounts; then
        log "mounts under $ROOT remain; leaving it in place"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp -a --reflink=auto "$ROOTDIR/pristine" "$ROOT"
mount -t proc proc "$ROOT/proc"
# Private binds: nothing mounted or unmounted under them reaches the host's /dev.
mount --bind /dev "$ROOT/dev"
mount --make-private "$ROOT/dev"
mount --bind "$CACHE/apt-archives" "$ROOT/var/cache/apt/archives"
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
# A throwaway root: dpkg need not fsync each of the ~220 packages it unpacks.
echo force-unsafe-io > "$ROOT/etc/dpkg/dpkg.cfg.d/keydesk-test-unsafe-io"
install -d -m 755 "$ROOT/tmp/keydesk-debs"
install -m 644 "$DEBS"/keydesk-cli_*.deb "$DEBS"/keydesk_*.deb "$ROOT/tmp/keydesk-debs/"
install -m 755 "$HERE/inside.sh" "$ROOT/tmp/inside.sh"
step "fresh copy of the clean root ready"

# 3. The test itself, in the root.
rc=0
timeout 900 chroot "$ROOT" /tmp/inside.sh "$VERSION" || rc=$?
log "apt cache: $(du -sh "$CACHE/apt-archives" | cut -f1) in $CACHE/apt-archives"
if [ "$rc" -eq 0 ]; then
    log "passed in $((SECONDS - t0)) s"
else
    log "FAILED (exit $rc) after $((SECONDS - t0)) s"
fi
exit "$rc"
