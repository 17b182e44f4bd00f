#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise userspace/bench/ab.sh lines: per figure, each provider's median MB/s
[CPU s per GiB] and each ktls build's median per-round ratio to tls.ko."""
import collections
import statistics as st
import sys


def main(path):
    mbps = collections.defaultdict(list)
    cpu = collections.defaultdict(list)
    rounds = collections.defaultdict(dict)
    labels = []
    for line in open(path):
        f = line.split()
        if len(f) != 6 or f[0] != 'R':
            continue
        rnd, label, fig, mb, c = f[1], f[2], f[3], float(f[4]), float(f[5])
        mbps[(fig, label)].append(mb)
        cpu[(fig, label)].append(c)
        rounds[(fig, rnd)][label] = mb
        if label not in labels:
            labels.append(label)
    if not mbps:
        print('ab: no measurements')
        return 1
    for fig in sorted({k[0] for k in mbps}):
        print(fig)
        for label in labels:
            key = (fig, label)
            if key not in mbps:
                continue
            line = '  %-28s %8.2f MB/s [%.0f s/GiB]' % (
                label, st.median(mbps[key]), st.median(cpu[key]))
            rs = [v[label] / v['tls'] for (f2, _), v in rounds.items()
                  if f2 == fig and label in v and v.get('tls')]
            if label != 'tls' and rs:
                line += '  ratio to tls.ko %.3f [%.2f-%.2f]' % (
                    st.median(rs), min(rs), max(rs))
            print(line)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
