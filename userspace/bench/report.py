#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the raw JSON lines of userspace/bench/run.sh into a table, a JSON summary and
the one-line ratio summary (always the last line printed).

  report.py --raw RAW.jsonl --out DIR --stamp STAMP   report + JSON files
  report.py --check SUMMARY.json [--require-ktls]     completeness check

Statistics: every figure has one value per round; we report the median and
the min-max. The ktls.ko/tls.ko ratio is taken per round (both measured in
the same round, minutes apart) and its median reported, so that drift of the
machine cancels out. A headline ratio is, per round, the geometric mean over
the configurations of the figure (TLS version x cipher x size), then the
median over rounds.
"""
import argparse
import json
import math
import os
import re
import statistics
import sys

from bench_stats import cfg_name, fmt, fstat, gmean, na_reason, stats
import report_bpf
import report_device

VERS = (12, 13)
CIPHERS = ("aes128gcm", "chacha20poly1305")
SIZES = (16384, 1024)
BULK = ("tx", "rx", "txrx", "sendfile")
RR = (64, 4096)
METRIC = {"bulk": "mbps", "rr": "tps", "setup": "conn_per_s",
          "mem": "bytes_per_flow", "aead": "mbps"}
UNIT = {"bulk": "MB/s", "rr": "txn/s", "setup": "conn/s",
        "mem": "B/flow", "aead": "MB/s"}
SUMMARY_RE = re.compile(
    r"^ktls/tls\.ko median ratios: tx=\S+ rx=\S+ sendfile=\S+ rr64=\S+ "
    r"rr4k=\S+ setup=\S+ mem=\S+ bound=\S+$")


def fkey(r):
    """Identity of a figure, without provider and round."""
    return (r["test"], r.get("mode", "-"), int(r.get("tls", 13)),
            r.get("cipher", "-"), int(r.get("size", 0)),
            int(r.get("flows", 0)))


def expected(plan):
    """Every figure each provider label must have, from run.sh's plan."""
    bulk = [tuple(x) for x in plan["bulk"]]
    tls = [("bulk", m, v, c, s, 0) for m in BULK for (v, c, s) in bulk]
    for v, c in plan["rr"]:
        tls += [("rr", "-", v, c, s, 0) for s in RR]
        tls.append(("setup", "-", v, c, 0, 0))
    tls += [("mem", "-", 13, "aes128gcm", 0, f) for f in plan["flows"]]
    sizes = sorted({s for (_, _, s) in bulk}, reverse=True)
    tcp = [("bulk", m, 13, "aes128gcm", s, 0)
           for m in ("tx", "sendfile") for s in sizes]
    tcp += [("rr", "-", 13, "aes128gcm", s, 0) for s in RR]
    tcp += [("setup", "-", 13, "aes128gcm", 0, 0)]
    tcp += [("mem", "-", 13, "aes128gcm", 0, f) for f in plan["flows"]]
    aead = [("aead", "-", 13, c, s, 0)
            for (c, s) in sorted({(c, s) for (_, c, s) in bulk})]
    return {"tcp": tcp, "tls": tls, "ktls": tls, "ossl": tls, "aead": aead}


def plan_problems(plan):
    """The plan itself must cover both versions, ciphers and sizes."""
    bulk = plan.get("bulk", [])
    probs = []
    for i, want, what in ((0, VERS, "TLS versions"), (1, CIPHERS, "ciphers"),
                          (2, SIZES, "sizes")):
        if {x[i] for x in bulk} != set(want):
            probs.append("plan does not cover all bulk %s" % what)
    if not plan.get("rr") or not plan.get("flows"):
        probs.append("plan has no rr/setup or mem figure")
    return probs


def load(raw):
    meta, recs = {}, []
    with open(raw) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                r = json.loads(line)
            except ValueError as e:
                sys.exit("report: %s:%d: bad JSON (%s)" % (raw, n, e))
            if r.get("test") == "meta":
                meta[r["key"]] = r["value"]
            else:
                recs.append(r)
    return meta, recs


class Data:
    def __init__(self, recs):
        # vals[label][key][round] = value; na[label][key] = reason
        self.vals, self.na, self.recs, self.crypto = {}, {}, {}, {}
        for r in recs:
            label = r.get("label")
            if r.get("test") == "crypto":
                self.crypto = {k: v for k, v in r.items()
                               if "(" in k or k in ("aes", "ghash",
                                                    "chacha20", "poly1305")}
                continue
            k = fkey(r)
            if "na" in r:
                self.na.setdefault(label, {})[k] = r["na"]
                continue
            v = r.get(METRIC.get(r["test"], ""))
            self.vals.setdefault(label, {}).setdefault(k, {})[
                int(r["round"])] = v
            self.recs.setdefault(label, {}).setdefault(k, []).append(r)

    def rounds(self):
        rs = set()
        for lab in self.vals.values():
            for d in lab.values():
                rs.update(d)
        return sorted(rs)

    def get(self, label, key, rnd=None):
        d = self.vals.get(label, {}).get(key, {})
        return d.get(rnd) if rnd is not None else list(d.values())

    def stat(self, label, key):
        return stats(self.get(label, key))

    def cpu_per_gib(self, label, key):
        rs = self.recs.get(label, {}).get(key, [])
        return stats([r.get("cpu_s_per_gib") for r in rs])

    def bound(self, key, rnd):
        """TCP+AEAD bound for a bulk configuration in one round."""
        tcp = self.get("tcp", ("bulk", "tx", 13, "aes128gcm", key[4], 0),
                       rnd)
        aead = self.get("aead", ("aead", "-", 13, key[3], key[4], 0), rnd)
        if not tcp or not aead:
            return None
        return 1.0 / (1.0 / tcp + 1.0 / aead)

    def ratio_rounds(self, keys, num="ktls", den="tls", inverse=False):
        out = []
        for rnd in self.rounds():
            rs = []
            for k in keys:
                a, b = self.get(num, k, rnd), self.get(den, k, rnd)
                if a and b:
                    rs.append(a / b)
            g = gmean(rs)
            if g is not None:
                out.append(g)
        return out

    def bound_rounds(self, label, keys):
        out = []
        for rnd in self.rounds():
            rs = []
            for k in keys:
                v, b = self.get(label, k, rnd), self.bound(k, rnd)
                if v and b:
                    rs.append(v / b)
            g = gmean(rs)
            if g is not None:
                out.append(g)
        return out


def table(d, plan):
    exp = expected(plan)
    lines = []
    w = 22
    hdr = "%-24s %-*s %-*s %-20s %-*s %s" % (
        "figure", w, "tls.ko", w, "ktls.ko", "ktls/tls (rounds)", w,
        "openssl(user)", "tcp / bound")
    sections = [("Bulk throughput, MB/s: median [min-max] over rounds",
                 "bulk"),
                ("Request/response, transactions/s", "rr"),
                ("Connection setup (accept to TLS_TX+TLS_RX), conn/s",
                 "setup"),
                ("Memory per idle flow (2 sockets), bytes; lower is better",
                 "mem")]
    for title, test in sections:
        lines += ["", title, hdr]
        for k in [k for k in exp["tls"] if k[0] == test]:
            row = [cfg_name(k)]
            for lab in ("tls", "ktls"):
                s = d.stat(lab, k)
                row.append(fstat(s) if s else na_reason(d, lab, k)[:w])
            rr = stats(d.ratio_rounds([k]))
            row.append(fstat(rr, 2) if rr else "n/a")
            s = d.stat("ossl", k)
            row.append(fstat(s) if s else "n/a")
            extra = ""
            if test == "bulk" and k[1] in ("tx", "sendfile"):
                tk = ("bulk", k[1], 13, "aes128gcm", k[4], 0)
                t = d.stat("tcp", tk)
                if k[1] == "tx":
                    b = stats([d.bound(k, r) for r in d.rounds()])
                    extra = "%s / %s" % (fmt(t and t["median"]),
                                         fmt(b and b["median"]))
                else:
                    extra = fmt(t and t["median"])
            elif test in ("rr", "setup", "mem"):
                tk = (test, "-", 13, "aes128gcm", k[4], k[5])
                t = d.stat("tcp", tk)
                extra = fmt(t and t["median"])
            lines.append("%-24s %-*s %-*s %-20s %-*s %s" % (
                row[0], w, row[1], w, row[2], row[3], w, row[4], extra))
    lines += ["", "CPU time (user+sys, both ends) per GiB moved, s: median",
              "%-24s %-10s %-10s %-10s %s" % ("figure", "tls.ko", "ktls.ko",
                                              "openssl", "tcp")]
    for k in [k for k in exp["tls"] if k[0] == "bulk"]:
        cs = [d.cpu_per_gib(lab, k) for lab in ("tls", "ktls", "ossl")]
        tk = ("bulk", k[1], 13, "aes128gcm", k[4], 0)
        t = d.cpu_per_gib("tcp", tk) if k[1] in ("tx", "sendfile") else None
        lines.append("%-24s %-10s %-10s %-10s %s" % (
            cfg_name(k), *[fmt(c and c["median"], 2) for c in cs],
            fmt(t and t["median"], 2)))
    lines += ["", "Bound: raw kernel AEAD (AF_ALG, 13-byte AAD), MB/s"]
    for k in exp["aead"]:
        s = d.stat("aead", k)
        drv = ""
        rs = d.recs.get("aead", {}).get(k)
        if rs:
            drv = rs[0].get("driver", "")
        lines.append("%-24s %-22s %s" % (cfg_name(k),
                                         fstat(s) if s else
                                         na_reason(d, "aead", k), drv))
    return lines


def headline(d, plan):
    exp = expected(plan)["tls"]

    def med(xs):
        return ("%.2f" % statistics.median(xs)) if xs else "n/a"

    def keys(test, mode=None, size=None):
        return [k for k in exp if k[0] == test and
                (mode is None or k[1] == mode) and
                (size is None or k[4] == size)]
    res = {
        "tx": d.ratio_rounds(keys("bulk", "tx")),
        "rx": d.ratio_rounds(keys("bulk", "rx")),
        "sendfile": d.ratio_rounds(keys("bulk", "sendfile")),
        "rr64": d.ratio_rounds(keys("rr", size=64)),
        "rr4k": d.ratio_rounds(keys("rr", size=4096)),
        "setup": d.ratio_rounds(keys("setup")),
        "mem": d.ratio_rounds(keys("mem")),
        "bound": d.bound_rounds("ktls", keys("bulk", "tx")),
    }
    extra = {
        "txrx": d.ratio_rounds(keys("bulk", "txrx")),
        "tls_bound": d.bound_rounds("tls", keys("bulk", "tx")),
        "ossl_bound": d.bound_rounds("ossl", keys("bulk", "tx")),
    }
    line = "ktls/tls.ko median ratios: " + " ".join(
        "%s=%s" % (k, med(v)) for k, v in res.items())
    return res, extra, line


def figures_json(d):
    out = []
    for label in sorted(set(d.vals) | set(d.na)):
        keys = set(d.vals.get(label, {})) | set(d.na.get(label, {}))
        for k in sorted(keys):
            e = dict(zip(("test", "mode", "tls", "cipher", "size", "flows"),
                         k))
            e["label"] = label
            e["metric"] = METRIC.get(k[0])
            e["unit"] = UNIT.get(k[0])
            e["rounds"] = {str(r): v for r, v in
                           sorted(d.vals.get(label, {}).get(k, {}).items())}
            s = d.stat(label, k)
            if s:
                e.update(s)
            c = d.cpu_per_gib(label, k)
            if c:
                e["cpu_s_per_gib_median"] = c["median"]
            if k in d.na.get(label, {}):
                e["na"] = d.na[label][k]
            e["samples"] = d.recs.get(label, {}).get(k, [])
            out.append(e)
    return out


def report(args):
    meta, recs = load(args.raw)
    d = Data(recs)
    plan = json.loads(meta["plan"])
    res, extra, line = headline(d, plan)
    lines = ["kTLS benchmark, %s, kernel %s, %s, %s" % (
        meta.get("date", "?"), meta.get("kernel", "?"), meta.get("cpu", "?"),
        "QUICK" if meta.get("quick") == "1" else "full"),
        "rounds: %s of %s, %ss per figure; loopback TCP (device mode: a "
        "tlssim pair) in one guest "
        "boot; tls.ko and ktls.ko alternate A B A B" % (
            meta.get("rounds_done", "?"), meta.get("rounds"),
            meta.get("secs"))]
    if meta.get("stopped_early"):
        lines.append("stopped early: " + meta["stopped_early"])
    crypto = d.crypto
    if crypto:
        lines.append("served by (/proc/crypto, highest priority): " +
                     "; ".join("%s: %s" % kv for kv in crypto.items()
                               if kv[0] in ("gcm(aes)",
                                            "rfc7539(chacha20,poly1305)")))
    lines.append("CPU crypto modules loaded: %s" %
                 (meta.get("crypto_modules") or "none"))
    lines += table(d, plan)
    lines += ["", "Fractions of the TCP+AEAD bound (bulk TX, median over "
              "rounds): ktls.ko %s, tls.ko %s, openssl %s" % tuple(
                  ("%.2f" % statistics.median(x)) if x else "n/a"
                  for x in (res["bound"], extra["tls_bound"],
                            extra["ossl_bound"])),
              "ktls/tls.ko txrx ratio: %s" % (
                  ("%.2f" % statistics.median(extra["txrx"]))
                  if extra["txrx"] else "n/a")]
    nas = sorted({r for lab in ("ktls", "dev-ktls", "dev-ktls-loss")
                  for r in d.na.get(lab, {}).values()})
    if nas:
        lines.append("ktls.ko n/a reasons: " + " | ".join(nas[:5]))
    dev = None
    if meta.get("device_plan"):
        dp = json.loads(meta["device_plan"])
        lines += report_device.table(d, dp, dp["loss_ppm"] / 1e4)
        dev = report_device.summary(d, dp)
        lines += ["", "device mode: %s" % meta.get("device", "?"),
                  report_device.line(dev, dp)]
    bpf = None
    if meta.get("bpf_plan"):
        bp = json.loads(meta["bpf_plan"])
        lines += report_bpf.table(d, bp)
        bpf = report_bpf.summary(d, bp)
        lines += [report_bpf.line(bpf)]
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "bench-%s.json" % args.stamp)
    summary = {"meta": meta, "crypto": crypto,
               "ratios": {k: (statistics.median(v) if v else None)
                          for k, v in res.items()},
               "ratio_rounds": res,
               "extra": {k: (statistics.median(v) if v else None)
                         for k, v in extra.items()},
               "plan": plan, "device": dev, "bpf_setup_ratio": bpf,
               "figures": figures_json(d), "summary": line,
               "raw": os.path.abspath(args.raw)}
    with open(path, "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
    latest = os.path.join(args.out, "latest.json")
    with open(latest + ".tmp", "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
    os.replace(latest + ".tmp", latest)
    txt = os.path.join(args.out, "bench-%s.txt" % args.stamp)
    lines += ["", "JSON: %s" % path,
              "reproduce: make bench%s   (or: selftests/vm/vm-run --name "
              "bench --timeout 2400 --mem 4096 -- %suserspace/bench/run.sh)" % (
                  " QUICK=1" if meta.get("quick") == "1" else "",
                  "env QUICK=1 " if meta.get("quick") == "1" else ""),
              line]
    with open(txt, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


def check(args):
    """Completeness and sanity of a summary; exit 1 listing each problem."""
    with open(args.check) as f:
        s = json.load(f)
    probs = []
    fig = {}
    for e in s["figures"]:
        k = (e["test"], e["mode"], e["tls"], e["cipher"], e["size"],
             e["flows"])
        fig[(e["label"], k)] = e
    plan = s["plan"]
    probs += plan_problems(plan)
    if s["meta"].get("quick") != "1" and not {1000, 10000} <= set(
            plan["flows"]):
        probs.append("full run without mem figures for N=1000 and 10000")
    for label, keys in expected(plan).items():
        for k in keys:
            e = fig.get((label, k))
            what = "%s %s" % (label, cfg_name(k))
            need = label != "ktls" or args.require_ktls
            if e is None:
                probs.append("%s: missing" % what)
                continue
            if "median" not in e:
                if need:
                    probs.append("%s: n/a: %s" % (what, e.get("na", "?")))
                elif not e.get("na"):
                    probs.append("%s: n/a without a reason" % what)
                continue
            if need and e.get("na"):
                probs.append("%s: n/a in some round: %s" % (what, e["na"]))
            for smp in e["samples"]:
                probs += ["%s: %s" % (what, p) for p in sane(label, k, smp)]
    if s["meta"].get("device_plan"):
        probs += report_device.check(fig, json.loads(s["meta"]["device_plan"]))
    if s["meta"].get("bpf_plan"):
        probs += report_bpf.check(fig, json.loads(s["meta"]["bpf_plan"]))
    if not s.get("crypto", {}).get("gcm(aes)", "?").strip("?"):
        probs.append("crypto: no implementation of gcm(aes) reported")
    if not SUMMARY_RE.match(s.get("summary", "")):
        probs.append("summary line malformed: %r" % s.get("summary"))
    for p in probs:
        print("bench check: " + p)
    print("bench check: %d figures, %d problems" % (len(fig), len(probs)))
    return 1 if probs else 0


def sane(label, k, r):
    t = k[0]
    bad = []

    def pos(name, lo=0.0, hi=float("inf")):
        v = r.get(name)
        if not isinstance(v, (int, float)) or not (lo < v < hi) or \
                math.isnan(v):
            bad.append("%s=%r out of range" % (name, v))
    if t == "bulk":
        pos("bytes")
        pos("secs")
        pos("mbps")
        pos("cpu_s")
        if label != "tcp" and k[1] in ("tx", "sendfile") or label == "ossl":
            pos("records")
    elif t == "rr":
        pos("transactions")
        pos("tps")
    elif t == "setup":
        pos("connections")
        pos("conn_per_s")
    elif t == "mem":
        if label in ("tls", "ktls", "tcp", "ossl"):
            pos("bytes_per_flow", 0, 4 << 20)
    elif t == "aead":
        pos("mbps")
        if not r.get("driver", "?").strip("?"):
            bad.append("no driver reported")
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw")
    ap.add_argument("--out")
    ap.add_argument("--stamp", default="run")
    ap.add_argument("--check")
    ap.add_argument("--require-ktls", action="store_true",
                    default=os.environ.get("BENCH_REQUIRE_KTLS") == "1")
    args = ap.parse_args()
    if args.check:
        return check(args)
    if not args.raw or not args.out:
        ap.error("--raw and --out are required")
    return report(args)


if __name__ == "__main__":
    sys.exit(main())
