#!/usr/bin/env python3
"""Target (0): one instantly touched simulated key at 50 ms Graph latency; wall time per
user in the steady state (between the first and the last user's stdout line).

Usage: one_key.py CLI [USERS] [LATENCY_MS]"""

import json
import sys
import tempfile

from common import GROUP, Sim, cli_args, run_measured


def measure(cli, users=60, latency=50):
    with Sim(cli, "--users", users, "--latency-ms", latency) as sim, \
            tempfile.TemporaryDirectory() as data:
        argv = [cli, *cli_args(sim, data), "provision", "--group", GROUP, "--soft-keys", "1"]
        lines = []
        wall, cpu, rss, rc, times = run_measured(
            argv, env={"KEYDESK_SOFT_TOUCH_MS": "0"}, stdout_lines=lines)
        registered = sum(" registered " in l for l in lines)
        per_user = (times[-1] - times[0]) / (len(times) - 1) if len(times) > 1 else None
        return {"users": users, "latency_ms": latency, "rc": rc, "registered": registered,
                "wall_s": round(wall, 2), "per_user_ms": round(per_user * 1000, 1),
                "graph_requests": sim.counters()["graphRequests"]}


if __name__ == "__main__":
    args = sys.argv[1:]
    print(json.dumps(measure(args[0], *map(int, args[1:]))))
