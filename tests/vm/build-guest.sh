#!/usr/bin/env bash
# Builds the cached Debian 12 guest for the VM tests: a trimmed root tree, its kernel and a
# small initrd. Output: $1/{root/,vmlinuz,initrd.img}; the caller keys $1 by this file's hash,
# so editing this recipe rebuilds the guest. Needs root (debootstrap, chroot). The libraries
# the staged binaries link (libudev for hidapi, libdbus for the keyring) come from here:
# run.sh stops with a clear message when one is missing.
set -euo pipefail
OUT="$1"
TMP="$OUT.tmp"
rm -rf "$TMP"; mkdir -p "$TMP"
ROOT="$TMP/root"

cleanup() { umount "$ROOT/proc" 2>/dev/null || true; umount "$ROOT/sys" 2>/dev/null || true; }
trap cleanup EXIT

# The host's own Debian mirror (its apt sources); debootstrap's default when none is found.
MIRROR=$(awk '$1 == "URIs:" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$MIRROR" ] || MIRROR=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
echo "build-guest: debootstrap bookworm (about 1-3 minutes)"
timeout 900 debootstrap --variant=minbase --include=linux-image-amd64,kmod,libudev1,libdbus-1-3,iproute2 \
    bookworm "$ROOT" ${MIRROR:+"$MIRROR"} > "$TMP/debootstrap.log" 2>&1 \
    || { tail -20 "$TMP/debootstrap.log"; exit 1; }

KVER=$(basename "$(ls -d "$ROOT"/lib/modules/*)")
echo "build-guest: kernel $KVER, small initrd"
mount -t proc proc "$ROOT/proc"; mount -t sysfs sys "$ROOT/sys"
sed -i 's/^MODULES=.*/MODULES=list/' "$ROOT/etc/initramfs-tools/initramfs.conf"
printf '%s\n' virtio_pci virtio_blk ext4 > "$ROOT/etc/initramfs-tools/modules"
timeout 300 chroot "$ROOT" mkinitramfs -o /boot/initrd.small "$KVER"
cp "$ROOT/boot/vmlinuz-$KVER" "$TMP/vmlinuz"
cp "$ROOT/boot/initrd.small" "$TMP/initrd.img"
cleanup

echo "build-guest: trimming"
MODS="$ROOT/lib/modules/$KVER"
KEEP="$TMP/keep"; mkdir -p "$KEEP"
for m in hid uhid hid-generic; do
    f=$(find "$MODS/kernel" -name "$m.ko*" | head -1)
    if [ -n "$f" ]; then mkdir -p "$KEEP/$(dirname "${f#"$MODS"/}")"; cp "$f" "$KEEP/${f#"$MODS"/}"; fi
done
rm -rf "$MODS/kernel" && mv "$KEEP/kernel" "$MODS/kernel" && rm -rf "$KEEP"
rm -rf "$ROOT"/boot/* "$ROOT"/usr/share/{doc,man,locale,info} "$ROOT"/var/cache/apt/* \
       "$ROOT"/var/lib/apt/lists/* "$ROOT"/usr/lib/firmware "$ROOT"/lib/firmware
timeout 120 chroot "$ROOT" depmod "$KVER"
mkdir -p "$ROOT/opt/keydesk"
du -sh "$ROOT" | sed 's/^/build-guest: root tree /'
rm -rf "$OUT"; mv "$TMP" "$OUT"
