# SPDX-License-Identifier: GPL-2.0
"""Statistics and formatting shared by the benchmark's report modules
(report.py, report_device.py)."""
import math
import statistics


def gmean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def stats(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs),
            "n": len(xs)}


def fmt(v, digits=None):
    if v is None:
        return "n/a"
    if digits is None:
        digits = 0 if abs(v) >= 1000 else 1 if abs(v) >= 10 else 2
    return "%.*f" % (digits, v)


def fstat(s, digits=None):
    if not s:
        return "n/a"
    return "%s [%s-%s]" % (fmt(s["median"], digits), fmt(s["min"], digits),
                           fmt(s["max"], digits))


def cfg_name(k):
    test, mode, v, c, s, f = k
    c = "aes" if c == "aes128gcm" else "chacha"
    if test == "bulk":
        return "%-8s 1.%d %-6s %5s" % (mode, v - 10, c,
                                       "16K" if s == 16384 else "1K")
    if test == "rr":
        return "rr %-5s 1.%d %-6s" % ("64B" if s == 64 else "4K", v - 10, c)
    if test == "setup":
        return "setup    1.%d %-6s" % (v - 10, c)
    if test == "mem":
        return "mem N=%-6d 1.%d %s" % (f, v - 10, c)
    if test == "aead":
        return "AF_ALG %-6s %s" % (c, "16K" if s == 16384 else "1K")
    return str(k)


def na_reason(d, label, key):
    r = d.na.get(label, {}).get(key)
    return ("n/a: " + r) if r else "n/a"
