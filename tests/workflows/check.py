#!/usr/bin/env python3
"""What actionlint does not know about KeyDesk: the Windows and macOS workflows agree with
the Linux build. Each exists, parses, and every job has a runner, a timeout and steps that
either run or use something; the `cargo test -p` lists name workspace packages (and never
the app, whose Windows test binaries would carry the requireAdministrator manifest); the
Tauri CLI they run is the version of the `tauri` crate in Cargo.lock; the UI is built with
`npm ci` from ui/package-lock.json before the app; actions are pinned to a major version.
"""
import pathlib
import re
import sys

import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
errors = []


def fail(msg):
    errors.append(msg)


def workspace_packages():
    names = set()
    for manifest in REPO.glob("**/Cargo.toml"):
        if "node_modules" in manifest.parts or "vm" in manifest.parts:
            continue
        m = re.search(r'^\[package\]\s*\nname = "([^"]+)"', manifest.read_text(), re.M)
        if m:
            names.add(m.group(1))
    return names


def tauri_version():
    lock = (REPO / "Cargo.lock").read_text()
    m = re.search(r'\[\[package\]\]\nname = "tauri"\nversion = "([^"]+)"', lock)
    return m.group(1) if m else None


packages = workspace_packages()
tauri = tauri_version()
for name, runner in (("windows", "windows-"), ("macos", "macos-")):
    path = REPO / ".github" / "workflows" / f"{name}.yml"
    if not path.exists():
        fail(f"{path} is missing")
        continue
    doc = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as True.
    if not isinstance(doc, dict) or not (doc.get("on") or doc.get(True)) or not doc.get("jobs"):
        fail(f"{path.name}: needs `on` and `jobs`")
        continue
    text = path.read_text()
    for job_name, job in doc["jobs"].items():
        where = f"{path.name}: job {job_name}"
        if not str(job.get("runs-on", "")).startswith(runner):
            fail(f"{where}: runs-on should be a {runner}* runner")
        if not isinstance(job.get("timeout-minutes"), int):
            fail(f"{where}: needs timeout-minutes")
        steps = job.get("steps") or []
        if not steps:
            fail(f"{where}: no steps")
        for i, step in enumerate(steps):
            if ("run" in step) == ("uses" in step):
                fail(f"{where}: step {i + 1} needs exactly one of run/uses")
            uses = step.get("uses", "")
            if uses and not re.search(r"@v\d+$|@[0-9a-f]{40}$", uses):
                fail(f"{where}: {uses} is not pinned to a major version or a commit")
    tested = set()
    for m in re.finditer(r"cargo test[^\n]*(?:\n\s+-p [^\n]*)*", text):
        tested |= set(re.findall(r"-p (\S+)", m.group(0)))
    if not tested:
        fail(f"{path.name}: no `cargo test -p ...`")
    for pkg in sorted(tested - packages):
        fail(f"{path.name}: cargo test -p {pkg}: no such workspace package")
    if "keydesk" in tested:
        fail(f"{path.name}: tests the app package (its test binaries carry the app manifest)")
    clis = re.findall(r"@tauri-apps/cli@(\S+)", text)
    if not clis or any(v != tauri for v in clis):
        fail(f"{path.name}: @tauri-apps/cli@{clis} should be the tauri crate's version {tauri}")
    ui = text.find("npm ci")
    if ui < 0 or "cache-dependency-path: ui/package-lock.json" not in text or ui > text.find("@tauri-apps/cli"):
        fail(f"{path.name}: the UI must be built (npm ci in ui/) before the app")
    if "--features" in text and "demo" in text.split("--features", 1)[1].split("\n", 1)[0]:
        fail(f"{path.name}: a release build must not have the demo feature")

for e in errors:
    print(f"workflows: {e}")
print(f"workflows: {'FAILED' if errors else 'consistent with the Linux build'} ({len(errors)} problems)")
sys.exit(1 if errors else 0)
