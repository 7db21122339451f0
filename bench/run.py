#!/usr/bin/env python3
"""`make bench`: builds keydesk-cli and keydesk-bench in release, runs every benchmark
against `keydesk-cli sim` and writes docs/BENCHMARKS.md. Under 10 minutes on 2 cores.

Usage: bench/run.py [--skip-build] [--quick] [--report-only]   (env BENCH_BIN: a folder holding already
built keydesk-cli and keydesk-bench; BENCH_BEFORE: a keydesk-cli built before the
critical-path change, to measure target 0 before and after in the same run)."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import GROUP, SECRET, Sim, cli_args, machine, run_measured  # noqa: E402
import desk_model  # noqa: E402
import one_key  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def target_dir():
    """Where cargo puts this checkout's builds (as cargo itself says: a wrapper or a
    config may move it away from CARGO_TARGET_DIR)."""
    out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["target_directory"]


TARGET = target_dir()
QUICK = "--quick" in sys.argv


def build():
    """Release binaries, copied out so that later builds cannot change them mid-run."""
    if os.environ.get("BENCH_BIN"):
        return os.environ["BENCH_BIN"]
    if "--skip-build" not in sys.argv:
        cargo = ["cargo", "build", "--release", "--locked", "-p", "keydesk-cli",
                 "-p", "keydesk-bench"]
        if shutil.which("flock"):
            cargo = ["flock", "/tmp/keydesk-cargo.lock", *cargo]
        subprocess.run(cargo, cwd=ROOT, check=True)
    out = tempfile.mkdtemp(prefix="keydesk-bench-")
    for name in ("keydesk-cli", "keydesk-bench"):
        shutil.copy2(os.path.join(TARGET, "release", name), out)
    return out


def bench_json(tool, *args):
    env = dict(os.environ, KEYDESK_CLIENT_SECRET=SECRET)
    out = subprocess.run([tool, *args], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def prefetch(cli, tool):
    """1: creation options of 1,000 users at 50 ms, sequential vs KeyDesk."""
    users = 200 if QUICK else 1000
    with Sim(cli, "--users", users, "--latency-ms", 50) as sim:
        seq = json.loads(subprocess.run(
            [sys.executable, os.path.join(ROOT, "bench", "sequential.py"), sim.url, SECRET],
            check=True, capture_output=True, text=True).stdout)
        ours = bench_json(tool, "prefetch", sim.url)
    with Sim(cli, "--users", users, "--latency-ms", 50, "--throttle-every", 50) as sim:
        throttled = bench_json(tool, "prefetch", sim.url)
        throttled["throttled"] = sim.counters()["throttled"]
    return {"sequential": seq, "keydesk": ours, "throttled": throttled,
            "speedup": seq["secs"] / ours["secs"]}


def enumerate_group(cli, tool):
    """2: a 10,000-user group (8,000 direct, 2,000 through two nested groups)."""
    with Sim(cli, "--users", 8000, "--nested", 2000, "--latency-ms", 50) as sim:
        before = sim.counters()["graphRequests"]
        result = bench_json(tool, "enumerate", sim.url)
        requests = sim.counters()["graphRequests"] - before
    # The group lookup by name is one request; the rest are member pages.
    result["page_requests"] = requests - 1
    result["target"] = -(-result["users"] // 999)
    return result


def station(cli, users, keys, latency=0):
    """3 and 6: one provision run; CPU and peak RSS of the CLI process (getrusage)."""
    with Sim(cli, "--users", users, "--latency-ms", latency) as sim, \
            tempfile.TemporaryDirectory() as data:
        argv = [cli, *cli_args(sim, data), "provision", "--group", GROUP,
                "--soft-keys", keys]
        lines = []
        wall, cpu, rss, rc, times = run_measured(
            argv, env={"KEYDESK_SOFT_TOUCH_MS": "0"}, stdout_lines=lines)
        registered = sum(" registered " in line for line in lines)
        graph_requests = sim.counters()["graphRequests"]
        steady = (times[-1] - times[0]) / (len(times) - 1) if len(times) > 1 else wall
        return {"users": users, "keys": keys, "latency_ms": latency, "rc": rc,
                "registered": registered, "wall_s": wall, "cpu_s": cpu,
                "cpu_ms_per_user": cpu * 1000 / max(registered, 1), "max_rss_mib": rss,
                "steady_ms_per_user": steady * 1000, "graph_requests": graph_requests}


def app(binary):
    """5: only when the app is built with demo mode (make bench does not build it: the
    Tauri build alone takes longer than the whole benchmark run)."""
    if not (os.path.exists(binary) and shutil.which("Xvfb") and shutil.which("tauri-driver")):
        return None
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    if "demo mode built in" not in version:
        return None
    out = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "app_start.py"), binary],
                         capture_output=True, text=True, timeout=180)
    if out.returncode != 0:
        return {"error": out.stderr[-500:]}
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["binary"] = binary
    return result


def criterion():
    """The per-user core work: cargo bench -p keydesk-core, mean times."""
    cargo = ["cargo", "bench", "--locked", "-p", "keydesk-core", "--bench", "per_user", "--",
             "--warm-up-time", "1", "--measurement-time", "2"]
    if shutil.which("flock"):
        cargo = ["flock", "/tmp/keydesk-cargo.lock", *cargo]
    out = subprocess.run(cargo, cwd=ROOT, capture_output=True, text=True)
    figures = []
    name = None
    for line in out.stdout.splitlines():
        m = re.match(r"^(\S.*?)\s+time:\s+\[\S+ \S+ (\S+ \S+) \S+ \S+\]", line)
        if m:
            figures.append((m.group(1).strip(), m.group(2)))
            continue
        if line and not line.startswith(" ") and "time:" not in line:
            name = line.strip()
        m = re.match(r"^\s+time:\s+\[\S+ \S+ (\S+ \S+) \S+ \S+\]", line)
        if m and name:
            figures.append((name, m.group(1)))
    return figures


def main():
    if "--report-only" in sys.argv:
        import report  # noqa: E402
        with open(os.path.join(ROOT, "bench", "last-run.json")) as f:
            report.write(json.load(f), os.path.join(ROOT, "docs", "BENCHMARKS.md"))
        return
    bins = build()
    cli = os.path.join(bins, "keydesk-cli")
    tool = os.path.join(bins, "keydesk-bench")
    results = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    before = os.environ.get("BENCH_BEFORE")
    if before:
        results["one_key_before"] = one_key.measure(before)
    results["one_key"] = one_key.measure(cli)
    results["prefetch"] = prefetch(cli, tool)
    results["enumerate"] = enumerate_group(cli, tool)
    results["station"] = station(cli, 500 if QUICK else 1000, 1)
    results["keys1"] = station(cli, 100, 1, latency=150)
    results["keys4"] = station(cli, 100 if QUICK else 400, 4, latency=150)
    results["memory"] = station(cli, 2000 if QUICK else 10000, 4)
    results["progress"] = bench_json(tool, "progress")
    results["model"] = desk_model.table()
    results["app"] = app(os.environ.get("BENCH_APP", os.path.join(TARGET, "release", "keydesk")))
    results["criterion"] = criterion()
    results["machine_end"] = machine()
    with open(os.path.join(ROOT, "bench", "last-run.json"), "w") as f:
        json.dump(results, f, indent=1)
    import report  # noqa: E402
    report.write(results, os.path.join(ROOT, "docs", "BENCHMARKS.md"))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
