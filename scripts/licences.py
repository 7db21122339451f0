#!/usr/bin/env python3
"""Licence check for what KeyDesk ships: every crate in the main workspace's dependency graph.

The shipped set is the main workspace (`cargo metadata` at the root). The virtual FIDO2 key
used by the VM tests, tests/vm/vkey, is built on soft-fido2 (AGPL-3.0): it is its own
workspace with its own Cargo.lock, is never a dependency of anything shipped, and is
therefore outside this set on purpose; this check fails if soft-fido2 or any copyleft
licence ever enters the shipped graph. Prints the licence set with counts.
"""
import collections
import json
import subprocess
import sys

REFUSED = ("AGPL", "GPL-2", "GPL-3", "SSPL", "EUPL")  # LGPL is not matched: see below
TEST_ONLY = {"soft-fido2", "soft-fido2-transport", "soft-fido2-ctap", "keydesk-vkey"}

meta = json.loads(subprocess.run(
    ["cargo", "metadata", "--format-version", "1", "--locked"],
    check=True, capture_output=True, text=True).stdout)
workspace = set(meta["workspace_members"])
failures, counts = [], collections.Counter()
for pkg in meta["packages"]:
    if pkg["id"] in workspace:
        continue
    licence = pkg.get("license") or "(none: see its licence file)"
    counts[licence] += 1
    words = licence.replace("(", " ").replace(")", " ").split()
    copyleft = [w for w in words if w.startswith(REFUSED) or w.startswith("LGPL")]
    permissive_alternative = " OR " in licence and any(
        w in ("MIT", "Apache-2.0", "BSD-3-Clause", "BSD-2-Clause", "ISC", "Zlib", "MPL-2.0") for w in words)
    if pkg["name"] in TEST_ONLY:
        failures.append(f"{pkg['name']} {pkg['version']}: test-only crate in the shipped graph")
    elif copyleft and not permissive_alternative:
        failures.append(f"{pkg['name']} {pkg['version']}: {licence}")

for licence, n in sorted(counts.items(), key=lambda kv: -kv[1]):
    print(f"{n:4}  {licence}")
if failures:
    print("licences: refused in what KeyDesk ships:\n  " + "\n  ".join(failures))
    sys.exit(1)
print(f"licences: {sum(counts.values())} third-party crates, none copyleft "
      "(tests/vm/vkey, AGPL-3.0, is test-only and outside the shipped workspace)")
