"""Shared helpers of the benchmark scripts: start `keydesk-cli sim`, read its counters,
run the CLI against it, measure CPU time and peak memory of a child process."""

import json
import os
import subprocess
import tempfile
import threading
import time
import urllib.request

SECRET = "keydesk-bench-secret"
TENANT = "contoso.onmicrosoft.com"
CLIENT_ID = "00000000-0000-4000-8000-00000000c11d"
GROUP = "FIDO Provisioning"


class Sim:
    """A `keydesk-cli sim` child process on a free loopback port."""

    def __init__(self, cli, *flags):
        self.out = tempfile.NamedTemporaryFile("w+", suffix=".sim.out")
        self.err = tempfile.NamedTemporaryFile("w+", suffix=".sim.err")
        self.proc = subprocess.Popen(
            [cli, "sim", "--port", "0", "--client-secret", SECRET, *map(str, flags)],
            stdout=self.out, stderr=self.err)
        deadline = time.time() + 120
        port = None
        while time.time() < deadline and port is None:
            self.out.seek(0)
            for line in self.out.read().splitlines():
                if line.startswith("LISTENING"):
                    port = int(line.split()[1])
            if self.proc.poll() is not None:
                self.err.seek(0)
                raise RuntimeError("sim exited: " + self.err.read())
            time.sleep(0.05)
        if port is None:
            raise RuntimeError("sim did not start")
        self.url = f"http://127.0.0.1:{port}"

    def state(self):
        with urllib.request.urlopen(self.url + "/_sim/state", timeout=120) as r:
            return json.load(r)

    def counters(self):
        return self.state()["counters"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def cli_args(sim, data_dir):
    """The global options that point the CLI at `sim` with `data_dir`."""
    return ["--data-dir", data_dir, "--tenant", TENANT, "--client-id", CLIENT_ID,
            "--login-url", sim.url, "--graph-url", sim.url]


def hwm_mib(pid):
    """The process's peak resident set (VmHWM) so far, MiB; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_measured(argv, env=None, stdout_lines=None):
    """Runs argv to the end; returns (wall s, user+sys CPU s, peak RSS MiB, rc, line times).

    CPU comes from wait4's rusage of this one child (getrusage semantics). The peak RSS is
    the child's own VmHWM, sampled every 20 ms and at each stdout line: wait4's ru_maxrss
    would also count this Python parent, whose pages a forked child starts with.
    `line times` are the monotonic times each stdout line arrived."""
    full_env = dict(os.environ, KEYDESK_CLIENT_SECRET=SECRET, NO_COLOR="1")
    full_env.update(env or {})
    start = time.monotonic()
    errors = tempfile.TemporaryFile("w+")
    proc = subprocess.Popen([str(a) for a in argv], stdout=subprocess.PIPE, stderr=errors,
                            env=full_env, text=True)
    times = []
    peak = [0.0]
    running = [True]

    def sample():
        while running[0]:
            peak[0] = max(peak[0], hwm_mib(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    for line in proc.stdout:
        times.append(time.monotonic())
        peak[0] = max(peak[0], hwm_mib(proc.pid))
        if stdout_lines is not None:
            stdout_lines.append(line.rstrip("\n"))
    running[0] = False
    sampler.join()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - start
    cpu = usage.ru_utime + usage.ru_stime
    rss_mib = peak[0]
    if proc.returncode != 0:
        errors.seek(0)
        print(errors.read()[-2000:])
    return wall, cpu, rss_mib, proc.returncode, times


def machine():
    """nproc, CPU model and the load average now."""
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    with open("/proc/meminfo") as f:
        mem = f.readline().split()[1]
    return {"nproc": os.cpu_count(), "cpu": model, "load": load,
            "mem_gib": round(int(mem) / 1024 / 1024, 1)}
