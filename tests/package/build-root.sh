#!/usr/bin/env bash
# The recipe of the clean Debian 12 root the install test installs into: debootstrap minbase
# with udev (so the packages' maintainer scripts meet a udevadm whose daemon is not running,
# as in any chroot) and apt's lists. Output: the tree $1; the caller keys $1 by this file's
# hash, so editing the recipe rebuilds the root. Needs root (debootstrap).
set -euo pipefail
OUT="$1"
TMP="$OUT.tmp"
rm -rf "$TMP"
mkdir -p "$TMP"

# The host's own Debian mirror (its apt sources); debootstrap's default when none is found.
MIRROR=$(awk '$1 == "URIs:" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$MIRROR" ] || MIRROR=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
echo "package-root: debootstrap bookworm from $MIRROR (about 1-3 minutes)"
timeout 900 debootstrap --variant=minbase --include=udev,ca-certificates bookworm "$TMP/root" "$MIRROR" \
    > "$TMP/debootstrap.log" 2>&1 || { tail -20 "$TMP/debootstrap.log"; exit 1; }
echo "deb $MIRROR bookworm main" > "$TMP/root/etc/apt/sources.list"
# Downloaded .debs stay (the test bind-mounts a cache on /var/cache/apt/archives); no
# translations or recommends: the install test wants what a package needs, quickly.
cat > "$TMP/root/etc/apt/apt.conf.d/90keydesk-test" <<'CONF'
APT::Keep-Downloaded-Packages "true";
APT::Install-Recommends "false";
Acquire::Languages "none";
CONF
rm -f "$TMP/root/var/cache/apt/archives"/*.deb
du -sh "$TMP/root" | sed 's/^/package-root: /'
mv "$TMP/root" "$TMP/pristine"
rm -rf "$OUT"
mv "$TMP" "$OUT"
