#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sum a per-CPU array map's BTF-typed values over CPUs.

Reads `bpftool -j map dump` (of ktls_stats or ktls_deny_stats) on stdin
and prints "PREFIX_FIELD VALUE" per key and field, PREFIX tx for key 0
and rx for key 1, for the tests to read with bash's own read.
"""
import json
import sys


def fields(v):
    # bpftool prints BTF values as objects; older forms wrap them
    if isinstance(v, dict) and "formatted" in v:
        v = v["formatted"]
    return v


def main():
    data = json.load(sys.stdin)
    for ent in data:
        ent = fields(ent)
        key = ent["key"]
        if isinstance(key, list):
            key = int(key[0], 16)
        pfx = "tx" if int(key) == 0 else "rx"
        tot = {}
        for cpu in ent["values"]:
            for name, val in fields(cpu)["value"].items():
                tot[name] = tot.get(name, 0) + int(val)
        for name, val in tot.items():
            print(f"{pfx}_{name} {val}")


if __name__ == "__main__":
    main()
