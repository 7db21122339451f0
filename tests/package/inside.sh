#!/usr/bin/env bash
# Runs inside the clean Debian 12 root (chroot), as root: installs the two packages from
# /tmp/keydesk-debs with apt (dependencies from Debian's repositories), checks what they put
# in place and that the command line works, purges them and checks nothing is left.
# Prints `package-test: <step> (<seconds> s)` lines; exit status 0 only when all passed.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin
VERSION="$1"
t=$SECONDS
step() { echo "package-test: $* ($((SECONDS - t)) s)"; t=$SECONDS; }
fail() { echo "package-test: FAIL: $*" >&2; exit 1; }

# 1. Install, as a helpdesk would: apt resolves WebKitGTK and the rest from Debian.
apt-get update -qq > /tmp/apt-update.log 2>&1 || { cat /tmp/apt-update.log; fail "apt-get update"; }
step "apt lists refreshed"
# /run/udev as on a booted system, but no udevd behind it (the chroot case): keydesk-cli's
# maintainer scripts call udevadm, which fails, and the install must still succeed.
mkdir -p /run/udev
cd /tmp/keydesk-debs
apt-get install -y -q ./keydesk-cli_*.deb ./keydesk_*.deb > /tmp/apt-install.log 2>&1 \
    || { tail -n 40 /tmp/apt-install.log; fail "apt-get install of both packages"; }
grep -E '^[0-9]+ upgraded, [0-9]+ newly installed' /tmp/apt-install.log | sed 's/^/package-test: apt: /'
grep -q 'keydesk-cli: udev did not reload its rules' /tmp/apt-install.log \
    || { tail -n 40 /tmp/apt-install.log; fail "keydesk-cli's postinst did not try udevadm (or said nothing when it failed)"; }
step "both packages installed (postinst met udev not running and went on)"

# 2. What the packages declare and hold.
cli_depends=$(dpkg-query -W -f='${Depends}' keydesk-cli)
app_depends=$(dpkg-query -W -f='${Depends}' keydesk)
echo "package-test: keydesk-cli Depends: $cli_depends"
echo "package-test: keydesk Depends: $app_depends"
case "$cli_depends" in *webkit*|*gtk*) fail "keydesk-cli must not depend on WebKit or GTK";; esac
case "$app_depends" in *libwebkit2gtk-4.1-0*) ;; *) fail "keydesk does not declare WebKitGTK 4.1";; esac
case "$app_depends" in *libgtk-3-0*) ;; *) fail "keydesk does not declare GTK 3";; esac
case "$app_depends" in *"keydesk-cli (= "*) ;; *) fail "keydesk does not depend on keydesk-cli";; esac
for pkg in keydesk-cli keydesk; do
    v=$(dpkg-query -W -f='${Version}' "$pkg")
    [ "${v%%-*}" = "$VERSION" ] || fail "$pkg is version $v, the workspace says $VERSION"
done
for bin in /usr/bin/keydesk-cli /usr/bin/keydesk; do
    missing=$(ldd "$bin" | grep 'not found' || true)
    [ -z "$missing" ] || fail "$bin lacks libraries: $missing"
done
rule=/usr/lib/udev/rules.d/70-keydesk-fido.rules
[ -f "$rule" ] || fail "no udev rule at $rule"
grep -q '^ENV{ID_FIDO_TOKEN}=="1",.*TAG+="uaccess"' "$rule" || fail "the udev rule does not tag FIDO keys for uaccess"
grep -q 'IMPORT{program}="fido_id"' "$rule" || fail "the udev rule does not identify keys by usage page (fido_id)"
[ -x /lib/udev/fido_id ] || [ -x /usr/lib/udev/fido_id ] || fail "udev's fido_id helper, which the rule uses, is missing"
desktop=/usr/share/applications/keydesk.desktop
[ -f "$desktop" ] || fail "no desktop entry at $desktop"
grep -qx 'Exec=keydesk' "$desktop" && grep -qx 'Icon=keydesk' "$desktop" || fail "desktop entry: Exec/Icon"
for size in 32x32 128x128 256x256 512x512; do
    [ -f "/usr/share/icons/hicolor/$size/apps/keydesk.png" ] || fail "no $size icon"
done
step "dependencies, udev rule, desktop entry and icons in place"

# 3. The binaries: versions (the app says it has no demo), then a provisioning run.
cli_version=$(keydesk-cli --version)
app_version=$(keydesk --version)
echo "package-test: $cli_version"
echo "package-test: $app_version"
[[ "$cli_version" =~ ^keydesk-cli\ $VERSION\ \(commit\ [0-9a-z]+,\ demo:\ sim\ built\ in\)$ ]] \
    || fail "keydesk-cli --version: $cli_version"
[[ "$app_version" =~ ^keydesk\ $VERSION\ \(commit\ [0-9a-z]+,\ demo:\ no\)$ ]] \
    || fail "keydesk --version: $app_version (the package must not have demo mode)"

d=$(mktemp -d)
keydesk-cli sim --port 0 > "$d/sim.out" 2> "$d/sim.err" &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q LISTENING "$d/sim.out" && break; sleep 0.1; done
port=$(awk '/LISTENING/{print $2}' "$d/sim.out")
[ -n "$port" ] || { cat "$d/sim.err"; fail "keydesk-cli sim did not print LISTENING"; }
url="http://127.0.0.1:$port"
rc=0
KEYDESK_CLIENT_SECRET=keydesk-demo-secret keydesk-cli --data-dir "$d/desk" \
    --tenant contoso.onmicrosoft.com --client-id 00000000-0000-4000-8000-00000000c11d \
    --login-url "$url" --graph-url "$url" provision --group "FIDO Provisioning" --soft-keys 2 \
    > "$d/provision.out" 2> "$d/provision.err" || rc=$?
kill $sim; wait $sim 2>/dev/null || true
trap - EXIT
registered=$(grep -c ' registered' "$d/provision.out" || true)
tail -n 1 "$d/provision.err" | sed 's/^/package-test: provision: /'
if [ "$rc" -ne 0 ] || [ "$registered" -lt 1 ] || ! grep -q ' 0 failed' "$d/provision.err"; then
    cat "$d/provision.out"; tail -n 30 "$d/provision.err"; fail "provision --soft-keys 2 exited $rc"
fi
rm -rf "$d"
step "keydesk-cli sim + provision --soft-keys 2: $registered users registered"

# 4. Purge, and nothing of either package may be left.
dpkg -L keydesk-cli keydesk | sort -u > /tmp/keydesk-files
apt-get purge -y -q keydesk keydesk-cli > /tmp/apt-purge.log 2>&1 \
    || { tail -n 30 /tmp/apt-purge.log; fail "apt-get purge"; }
left=()
while IFS= read -r path; do
    [ -n "$path" ] && [ "$path" != /. ] || continue
    if [ -d "$path" ] && [ ! -L "$path" ]; then
        # A folder of its own (its path names KeyDesk) must go; shared ones (/usr/bin) stay.
        case "$path" in *keydesk*) left+=("$path");; esac
    elif [ -e "$path" ] || [ -L "$path" ]; then
        left+=("$path")
    fi
done < /tmp/keydesk-files
left+=($(ls -d /var/lib/dpkg/info/keydesk* 2>/dev/null || true))
if dpkg-query -W -f='${db:Status-Abbrev}\n' keydesk keydesk-cli 2>/dev/null | grep -q .; then
    left+=("dpkg still lists a package: $(dpkg-query -W -f='${Package} ${db:Status-Abbrev}; ' keydesk keydesk-cli 2>/dev/null)")
fi
[ ${#left[@]} -eq 0 ] || fail "left after purge: ${left[*]}"
step "purged: none of the $(wc -l < /tmp/keydesk-files) paths the packages listed is left"
echo "package-test: ok"
