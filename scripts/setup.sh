#!/usr/bin/env bash
# Installs what KeyDesk's build and tests need on Debian 12, only what is missing:
# apt packages (after apt-get update; root or sudo needed only then), the UI's npm
# packages (npm ci) and tauri-driver for the WebDriver test.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential pkg-config curl ca-certificates
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev
  libudev-dev libssl-dev
  xvfb xauth webkit2gtk-driver dbus
  nodejs npm python3 python3-yaml
  poppler-utils chromium
  debootstrap
  postgresql  # issue 18: the shared-store tests start a throwaway cluster (tests/src/pg.rs)
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node may come from elsewhere than apt (nvm, NodeSource): then it is not missing.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if ((${#missing[@]})); then
  echo "setup: installing apt packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}"; exit 2; }
    SUDO=sudo
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  echo "setup: cargo (Rust) is required: https://rustup.rs"; exit 2
fi
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt || true

# The UI's packages, reinstalled only when the lockfile changed.
if [ ! -f ui/node_modules/.keydesk-lock ] || ! cmp -s ui/package-lock.json ui/node_modules/.keydesk-lock; then
  (cd ui && npm ci --no-audit --no-fund)
  cp ui/package-lock.json ui/node_modules/.keydesk-lock
fi

if ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked
fi
