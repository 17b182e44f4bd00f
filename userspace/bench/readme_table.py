#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Markdown tables of a bench run for the README (tls.ko / ktls.ko and the
median over rounds of their per-round ratio), from build/bench/latest.json:
    python3 userspace/bench/readme_table.py [build/bench/latest.json]"""
import json
import statistics as st
import sys

CIPHERS = (("aes128gcm", "AES-GCM-128"), ("chacha20poly1305", "ChaCha20-Poly1305"))


def fmt(v):
    return "%.3g" % v if v < 100 else "%.0f" % v


def index(doc):
    figs = {}
    for f in doc["figures"]:
        key = (f["label"], f["test"], f["mode"], f["tls"], f["cipher"],
               f["size"], f["flows"])
        figs[key] = f
    return figs


def cell(figs, test, mode, ver, cipher, size, flows=0):
    a = figs.get(("tls", test, mode, ver, cipher, size, flows))
    b = figs.get(("ktls", test, mode, ver, cipher, size, flows))
    if not a or not b:
        return "n/a"
    rs = [b["rounds"][r] / a["rounds"][r] for r in a["rounds"]
          if r in b["rounds"] and a["rounds"][r]]
    ratio = "%.2f" % st.median(rs) if rs else "n/a"
    return "%s / %s, **%s**" % (fmt(a["median"]), fmt(b["median"]), ratio)


def main(path):
    doc = json.load(open(path))
    figs = index(doc)
    m = doc["meta"]
    print("Run %s, commit %s, %s rounds, guest kernel %s, %s, %s." % (
        m["date"], m["repo_commit"], m["rounds_done"], m["kernel"], m["cpu"],
        m["mem"]))
    print("Each cell: tls.ko / ktls.ko (medians over rounds), and in bold the")
    print("median over rounds of the per-round ratio ktls.ko / tls.ko.\n")
    print("| bulk, MB/s | 16 KiB writes | 1 KiB writes |")
    print("|---|---|---|")
    for mode in ("tx", "rx", "txrx", "sendfile"):
        for ver in (12, 13):
            for c, name in CIPHERS:
                print("| %s TLS 1.%d %s | %s | %s |" % (
                    mode, ver % 10, name,
                    cell(figs, "bulk", mode, ver, c, 16384),
                    cell(figs, "bulk", mode, ver, c, 1024)))
    print()
    cols = [(v, c, n) for v in (12, 13) for c, n in CIPHERS]
    print("| | " + " | ".join("TLS 1.%d %s" % (v % 10, n) for v, c, n in cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for label, test, size in (("64 B request/response, trans/s", "rr", 64),
                              ("4 KiB request/response, trans/s", "rr", 4096),
                              ("setup, conn/s", "setup", 0)):
        print("| %s | " % label + " | ".join(
            cell(figs, test, "-", v, c, size) for v, c, n in cols) + " |")
    print()
    print("| memory per idle flow, bytes (lower is better) | TLS 1.3 AES-GCM-128 |")
    print("|---|---|")
    for n in (1000, 10000):
        print("| N = %d | %s |" % (n, cell(figs, "mem", "-", 13, "aes128gcm", 0, n)))
    print()
    print("    " + doc["summary"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/bench/latest.json"))
