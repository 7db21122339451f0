#!/usr/bin/env python3
"""Benchmark 5: the app's cold start to an interactive queue, and its memory, under Xvfb.

Starts Xvfb and tauri-driver, opens a WebDriver session on `keydesk --demo` (the app
built with `--features demo`) and times from the session request until the queue shows
its first user row; then sums the PSS (/proc/PID/smaps_rollup) of every process under
tauri-driver: keydesk, WebKitWebProcess, WebKitNetworkProcess (and WebKitWebDriver, listed
apart). The time includes WebKitWebDriver launching the app, so it is an upper bound.

Usage: app_start.py PATH_TO_KEYDESK  ->  one JSON line"""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


def wd(url, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.load(r)["value"]


def children(root):
    """Every process below `root`, as {pid: name}."""
    parent = {}
    names = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        parent[int(pid)] = ppid
        names[int(pid)] = name
    out = {}
    for pid in parent:
        p = pid
        while p in parent and p != root and p > 1:
            p = parent[p]
        if p == root and pid != root:
            out[pid] = names[pid]
    return out


def pss_mib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main(app):
    procs = []
    display = next(n for n in range(90, 120) if not os.path.exists(f"/tmp/.X11-unix/X{n}"))
    procs.append(subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", "1400x900x24",
                                   "-nolisten", "tcp"], stderr=subprocess.DEVNULL))
    env = dict(os.environ, DISPLAY=f":{display}", WEBKIT_DISABLE_COMPOSITING_MODE="1",
               WEBKIT_DISABLE_DMABUF_RENDERER="1", XDG_DATA_HOME=tempfile.mkdtemp())
    port = 4544
    try:
        for _ in range(50):
            if os.path.exists(f"/tmp/.X11-unix/X{display}"):
                break
            time.sleep(0.1)
        driver = subprocess.Popen(
            ["tauri-driver", "--port", str(port), "--native-driver",
             subprocess.check_output(["sh", "-c", "command -v WebKitWebDriver"], text=True).strip()],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(driver)
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/status", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        started = time.monotonic()
        session = wd(url, "POST", "/session", {"capabilities": {"alwaysMatch": {
            "tauri:options": {"application": app, "args": ["--demo"]}}}})["sessionId"]
        launched = time.monotonic() - started
        while True:
            rows = wd(url, "POST", f"/session/{session}/elements",
                      {"using": "css selector", "value": '[data-testid="user-row"]'})
            if rows:
                break
            if time.monotonic() - started > 60:
                raise RuntimeError("no queue row within 60 s")
            time.sleep(0.02)
        interactive = time.monotonic() - started
        time.sleep(2)  # let the page settle before sampling memory
        below = children(driver.pid)
        app_pss = {f"{name}[{pid}]": round(pss_mib(pid), 1) for pid, name in below.items()
                   if "WebDriver" not in name}
        driver_pss = sum(pss_mib(pid) for pid, name in below.items() if "WebDriver" in name)
        wd(url, "DELETE", f"/session/{session}")
        print(json.dumps({"session_s": launched, "interactive_s": interactive,
                          "rows": len(rows), "pss_mib": app_pss,
                          "total_pss_mib": round(sum(app_pss.values()), 1),
                          "webdriver_pss_mib": round(driver_pss, 1)}))
    finally:
        for p in reversed(procs):
            p.terminate()
            p.wait()


if __name__ == "__main__":
    main(os.path.abspath(sys.argv[1]))
