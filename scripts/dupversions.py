#!/usr/bin/env python3
"""Duplicate crate versions in Cargo.lock, as a ratchet (what `cargo deny check bans` does
for duplicates, offline).

Two versions of one crate double its build time and binary size, and a security fix then
has to reach both. Most of ours come from dependencies moving at different speeds (the
RustCrypto 0.10/0.11 split, windows-sys generations) and cannot be fixed here; they are
listed in scripts/dupversions-allowed.txt. A crate that gains a second version, or an
allowed one that gains a third, fails until it is either avoided or added to that list on
purpose (`--write` rewrites the list from Cargo.lock). An allowed entry that is no longer
duplicated is reported so the list shrinks.
"""
import collections
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = ROOT / "scripts" / "dupversions-allowed.txt"


def duplicated():
    text = (ROOT / "Cargo.lock").read_text()
    versions = collections.defaultdict(set)
    for name, version in re.findall(r'\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"', text):
        versions[name].add(version)
    return {n: v for n, v in versions.items() if len(v) > 1}


def allowed():
    entries = {}
    for line in ALLOWED.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, *versions = line.split()
            entries[name] = set(versions)
    return entries


def main():
    found = duplicated()
    if "--write" in sys.argv:
        lines = ["# Crates allowed at more than one version (scripts/dupversions.py).\n"]
        lines += [f"{n} {' '.join(sorted(v))}\n" for n, v in sorted(found.items())]
        ALLOWED.write_text("".join(lines))
        print(f"dupversions: {len(found)} entries written to {ALLOWED.relative_to(ROOT)}")
        return 0
    allow = allowed()
    failures = [
        f"{n}: {' '.join(sorted(v))}" + (f" (allowed: {' '.join(sorted(allow[n]))})" if n in allow else "")
        for n, v in sorted(found.items())
        if not v <= allow.get(n, set())
    ]
    gone = sorted(n for n in allow if n not in found)
    for n in gone:
        print(f"dupversions: {n} is no longer duplicated; remove it from {ALLOWED.name}")
    if failures:
        print("dupversions: new duplicate crate versions in Cargo.lock:\n  " + "\n  ".join(failures))
        print("avoid them (align the dependency's version), or allow them on purpose: scripts/dupversions.py --write")
        return 1
    print(f"dupversions: {len(found)} crates at more than one version, all allowed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
