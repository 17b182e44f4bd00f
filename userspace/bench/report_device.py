# SPDX-License-Identifier: GPL-2.0
"""Device-mode part of the benchmark report: the figures userspace/bench/
device.sh measures across a tlssim pair (labels dev-tcp, dev-tls, dev-ktls,
dev-tls-loss, dev-ktls-loss), their table, their summary line and their
completeness check.

ktls.ko/tls.ko ratios are taken per round and their median reported, as
for the loopback figures. "kept" is, per round, the rate under loss divided
by the loss-free rate of the same figure and provider.
"""
import statistics

from bench_stats import cfg_name, fmt, fstat, na_reason, stats

PROVS = (("tls", "tls.ko"), ("ktls", "ktls.ko"))
PATH_SHORT = {"device": "dev", "software": "sw", "mixed": "mix"}
# the goal of issue 11: device mode keeps this much of its loss-free rate
KEPT_GOAL = 0.9


def keys(dp):
    """Loss-free, lossy and plain-TCP figure keys of the device plan."""
    clean = [("bulk", m, v, c, s, 0) for m in dp["modes"]
             for (v, c, s) in dp["bulk"]]
    loss = [("bulk", m, v, c, s, 0) for m in ("tx", "rx")
            for (v, c, s) in dp["loss"]]
    sizes = sorted({s for (_, _, s) in dp["bulk"]}, reverse=True)
    tcp = [("bulk", "tx", 13, "aes128gcm", s, 0) for s in sizes]
    return clean, loss, tcp


def tcp_loss_keys(dp):
    """plain TCP under loss, one per size (its figures carry a version and
    a cipher, 1.3 AES, that they do not use)"""
    return [("bulk", "tx", 13, "aes128gcm", s, 0)
            for s in sorted({s for (_, _, s) in dp["loss"]}, reverse=True)]


def expected(dp):
    clean, loss, tcp = keys(dp)
    return {"dev-tcp": tcp, "dev-tls": clean, "dev-ktls": clean,
            "dev-tls-loss": loss, "dev-ktls-loss": loss,
            "dev-tcp-loss": tcp_loss_keys(dp)}


def path(d, label, k):
    """Where the samples' flows ran: dev, sw, mix (several: joined by /)."""
    ps = sorted({r.get("path", "?") for r in d.recs.get(label, {}).get(k, [])})
    return "/".join(PATH_SHORT.get(p, p) for p in ps) or "-"


def kept(d, prov, k):
    out = []
    for rnd in d.rounds():
        a = d.get("dev-%s-loss" % prov, k, rnd)
        b = d.get("dev-" + prov, k, rnd)
        if a and b:
            out.append(a / b)
    return out


def cell(d, label, k, w):
    s = d.stat(label, k)
    if not s:
        return na_reason(d, label, k)[:w]
    return "%s %s" % (fstat(s), path(d, label, k))


def table(d, dp, loss_pct):
    clean, loss, tcp = keys(dp)
    w = 26
    lines = ["", "Device mode: one flow across a tlssim pair (two namespaces), "
             "MB/s median [min-max] and where the kernel put it (dev: "
             "offloaded, sw: software)",
             "%-24s %-*s %-*s %-20s %s" % ("figure", w, "tls.ko", w, "ktls.ko",
                                          "ktls/tls (rounds)",
                                          "CPU s/GiB tls.ko ktls.ko")]
    for k in clean:
        r = stats(d.ratio_rounds([k], "dev-ktls", "dev-tls"))
        cpu = [d.cpu_per_gib("dev-" + p, k) for p, _ in PROVS]
        rs = fstat(r, 2) if r else "n/a"
        if r and not both_device(d, k):
            rs = "(%s, paths differ)" % fmt(r["median"], 2)
        lines.append("%-24s %-*s %-*s %-20s %s %s" % (
            cfg_name(k), w, cell(d, "dev-tls", k, w), w,
            cell(d, "dev-ktls", k, w), rs,
            *[fmt(c and c["median"], 2) for c in cpu]))
    lines += ["", "Plain TCP over the same pair (the wire's share of the "
              "figures above): MB/s, CPU s/GiB"]
    for k in tcp:
        s, c = d.stat("dev-tcp", k), d.cpu_per_gib("dev-tcp", k)
        lines.append("%-24s %-22s %s" % (cfg_name(k), fstat(s) if s else
                                         na_reason(d, "dev-tcp", k),
                                         fmt(c and c["median"], 2)))
    lines += ["", "Under %s %% loss of the data frames: MB/s, and the "
              "fraction of the loss-free rate kept (median over rounds; "
              "goal >= %.1f)" % (loss_pct, KEPT_GOAL),
              "%-24s %-*s %-8s %-*s %s" % ("figure", w, "tls.ko", "kept", w,
                                          "ktls.ko", "kept")]
    for k in loss:
        row = []
        for p, _ in PROVS:
            kp = kept(d, p, k)
            row += [cell(d, "dev-%s-loss" % p, k, w),
                    ("%.2f" % statistics.median(kp)) if kp else "n/a"]
        lines.append("%-24s %-*s %-8s %-*s %s" % (cfg_name(k), w, row[0],
                                                  row[1], w, row[2], row[3]))
    for k in tcp_loss_keys(dp):
        s, kp = d.stat("dev-tcp-loss", k), kept(d, "tcp", k)
        lines.append("%-24s %-*s %s" % (
            "plain TCP, %s" % ("16K" if k[4] == 16384 else "1K"), w,
            fstat(s) if s else na_reason(d, "dev-tcp-loss", k),
            ("%.2f" % statistics.median(kp)) if kp else "n/a"))
    return lines


def both_device(d, k):
    return path(d, "dev-tls", k) == "dev" and path(d, "dev-ktls", k) == "dev"


def summary(d, dp):
    """Per-mode ktls/tls ratios over the figures both providers offloaded
    (a device flow against a software one says nothing of the kTLS layer),
    and the lowest kept fraction per provider."""
    clean, loss, _ = keys(dp)
    res = {}
    for m in dp["modes"]:
        rs = d.ratio_rounds([k for k in clean if k[1] == m and
                             both_device(d, k)], "dev-ktls", "dev-tls")
        res[m] = statistics.median(rs) if rs else None
    for p, _ in PROVS:
        ks = [statistics.median(kp) for kp in (kept(d, p, k) for k in loss)
              if kp]
        res["kept_" + p] = min(ks) if ks else None
    ks = [statistics.median(kp) for kp in (kept(d, "tcp", k)
                                           for k in tcp_loss_keys(dp)) if kp]
    res["kept_tcp"] = min(ks) if ks else None
    return res


def line(res, dp):
    def f(v):
        return "n/a" if v is None else "%.2f" % v
    return ("device ktls/tls.ko median ratios (both offloaded): %s; "
            "kept under loss (lowest): "
            "tls.ko=%s ktls.ko=%s tcp=%s" % (
                " ".join("%s=%s" % (m, f(res.get(m))) for m in dp["modes"]),
                f(res.get("kept_tls")), f(res.get("kept_ktls")),
                f(res.get("kept_tcp"))))


def check(fig, dp):
    """Problems of the device figures of a summary (fig: (label, key) ->
    figure entry): each measured, and every ktls.ko flow offloaded."""
    probs = ["loss figure %s has no loss-free twin" % cfg_name(k)
             for k in keys(dp)[1] if k not in keys(dp)[0]]
    for label, ks in expected(dp).items():
        for k in ks:
            e = fig.get((label, k))
            what = "%s %s" % (label, cfg_name(k))
            if e is None:
                probs.append("%s: missing" % what)
                continue
            if "median" not in e or e.get("na"):
                probs.append("%s: n/a: %s" % (what, e.get("na", "?")))
                continue
            for smp in e["samples"]:
                if not smp.get("bytes") or not smp.get("mbps"):
                    probs.append("%s: no transfer" % what)
                # ktls.ko offloads every version; tls.ko at least TLS 1.2
                must = label.startswith("dev-ktls") or (
                    label.startswith("dev-tls") and k[2] == 12)
                if must and smp.get("path") != "device":
                    probs.append("%s: flow not offloaded (path %s)" % (
                        what, smp.get("path")))
    return probs
