#!/usr/bin/env bash
# Builds the two Debian packages with cargo-deb (installed with `cargo install --locked` when
# missing): keydesk-cli (the command line and the FIDO udev rule) and keydesk (the app,
# without the `demo` feature). The UI must be built first (`make ui`; `make package` does).
#
#   scripts/package.sh            release build -> $CARGO_TARGET_DIR/debian/
#   scripts/package.sh --debug    debug build   -> $CARGO_TARGET_DIR/debian-debug/ (tests)
#
# Writes SHA256SUMS beside the .debs and prints their paths. KEYDESK_COMMIT overrides the
# commit the binaries report (default: git rev-parse --short HEAD).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
TARGET="${CARGO_TARGET_DIR:-$HOME/.cache/keydesk/target}"
export CARGO_TARGET_DIR="$TARGET"
CARGO_DEB_VERSION=3.8.0
PROFILE=release OUT="$TARGET/debian"
if [ "${1:-}" = --debug ]; then PROFILE=dev OUT="$TARGET/debian-debug"; fi

if [ ! -f ui/dist/index.html ]; then
    echo "package: ui/dist is missing: build the UI first (make ui)"; exit 2
fi
if ! cargo deb --version 2>/dev/null | grep -q "$CARGO_DEB_VERSION"; then
    echo "package: installing cargo-deb $CARGO_DEB_VERSION"
    cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked --quiet
fi

# One build of both binaries; the app without `demo` (see src-tauri/Cargo.toml).
cargo build --profile "$PROFILE" --locked -p keydesk -p keydesk-cli
rm -rf "$OUT"
mkdir -p "$OUT"
for pkg in keydesk-cli keydesk; do
    cargo deb --no-build --profile "$PROFILE" -p "$pkg" --output "$OUT" --quiet >/dev/null
done

# keydesk depends on exactly the keydesk-cli built with it; cargo-deb cannot say so by itself.
cli_version=$(dpkg-deb -f "$OUT"/keydesk-cli_*.deb Version)
if ! dpkg-deb -f "$OUT"/keydesk_*.deb Depends | grep -q "keydesk-cli (= $cli_version)"; then
    echo "package: keydesk must depend on keydesk-cli (= $cli_version): update depends in"
    echo "         [package.metadata.deb] of src-tauri/Cargo.toml"; exit 1
fi
(cd "$OUT" && sha256sum ./*.deb | sed 's| \./| |' > SHA256SUMS)
echo "package: built in $OUT (profile $PROFILE):"
(cd "$OUT" && ls -l ./*.deb | awk '{printf "  %s  %s bytes\n", $NF, $5}' && sed 's/^/  sha256 /' SHA256SUMS)
