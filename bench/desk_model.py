#!/usr/bin/env python3
"""Benchmark 4's human model: users per hour at a desk with 1, 2 and 4 keys, one operator.

A discrete-event simulation of the per-user path as the engine runs it, with the issue's
figures: Graph 150 ms a call, PIN set 0.3 s, makeCredential 0.8 s after the touch, one
operator who touches keys one after another (1.2 s a touch) and swaps a finished key for a
blank one (5 s). The operator serves requests in the order they come. `critical` lists
the Graph calls on a key's path: after the change only the POST (policy cached, options
and listing prefetched, read-back and group move after the key is released); before it
the policy read, the listing and the read-back as well (options were prefetched already).
Reported, not targeted: the operator's 6.2 s per user bounds any number of keys."""

import heapq

GRAPH = 0.150
PIN_SET = 0.3
MAKE_CREDENTIAL = 0.8
TOUCH = 1.2
SWAP = 5.0
BEFORE = {"before_key": 1, "before_post": 1, "after_post": 1}  # policy; listing; read-back
AFTER = {"before_key": 0, "before_post": 0, "after_post": 0}


def users_per_hour(keys, path, hours=1.0):
    """Simulates `hours` of work; returns users registered per hour."""
    end = hours * 3600
    events = []  # (time, seq, key, step)
    seq = 0
    operator_free = 0.0
    done = 0

    def push(t, key, step):
        nonlocal seq
        seq += 1
        heapq.heappush(events, (t, seq, key, step))

    for key in range(keys):
        push(0.0, key, "start")
    while events:
        t, _, key, step = heapq.heappop(events)
        if t > end:
            break
        if step == "start":
            t += path["before_key"] * GRAPH + PIN_SET
            push(t, key, "touch")
        elif step == "touch":
            start = max(t, operator_free)
            operator_free = start + TOUCH
            t = operator_free + MAKE_CREDENTIAL + (path["before_post"] + 1) * GRAPH
            push(t, key, "registered")
        elif step == "registered":
            t += path["after_post"] * GRAPH
            done += 1
            push(t, key, "swap")
        elif step == "swap":
            start = max(t, operator_free)
            operator_free = start + SWAP
            push(operator_free, key, "start")
    return done / hours


def table():
    """users/hour for 1, 2, 4 keys, before and after the critical-path change."""
    return {k: {"before": users_per_hour(k, BEFORE), "after": users_per_hour(k, AFTER)}
            for k in (1, 2, 4)}


if __name__ == "__main__":
    for keys, row in table().items():
        print(keys, row)
