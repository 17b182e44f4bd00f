# SPDX-License-Identifier: GPL-2.0
"""The BPF steering figures of the benchmark (userspace/bench/bpf.sh):
connection setup with bpf/ktls_policy attached against none, ktls.ko in
both, one boot."""
import statistics

from bench_stats import cfg_name, fstat

GOAL = 0.95


def keys(bp):
    return [("setup", "-", v, c, 0, 0) for v, c in bp["setup"]]


def table(d, bp):
    lines = ["", "BPF policy attached (ktls.ko): connections/s",
             "%-20s %-22s %-22s %s" % ("", "no program", "ktls_policy",
                                       "ratio")]
    for k in keys(bp):
        rs = d.ratio_rounds([k], "ktls-bpf", "ktls-nobpf")
        lines.append("%-20s %-22s %-22s %s" % (
            cfg_name(k), fstat(d.stat("ktls-nobpf", k)),
            fstat(d.stat("ktls-bpf", k)),
            "%.2f" % statistics.median(rs) if rs else "n/a"))
    return lines


def summary(d, bp):
    rs = d.ratio_rounds(keys(bp), "ktls-bpf", "ktls-nobpf")
    return statistics.median(rs) if rs else None


def line(ratio):
    return ("bpf policy attached/none setup ratio (ktls.ko, median): %s "
            "(goal >= %.2f)" % ("n/a" if ratio is None else "%.2f" % ratio,
                                GOAL))


def check(fig, bp):
    probs = []
    for label in ("ktls-nobpf", "ktls-bpf"):
        for k in keys(bp):
            e = fig.get((label, k))
            what = "%s %s" % (label, cfg_name(k))
            if e is None:
                probs.append("%s: missing" % what)
            elif "median" not in e or e.get("na"):
                probs.append("%s: n/a: %s" % (what, e.get("na", "?")))
    return probs
