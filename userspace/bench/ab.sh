#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A/B of ktls.ko builds against tls.ko in one guest boot, for deciding a
# design change on a few figures (make bench is the full matrix):
#   make bench-ab AB="build/ktls-old.ko build/mod/$KVER/kmod/ktls.ko" [AB_FIGS=...]
# or inside a guest: userspace/bench/ab.sh build/ktls-old.ko build/mod/$KVER/kmod/ktls.ko
# Keep copies of the builds to compare (cp build/mod/$KVER/kmod/ktls.ko build/ktls-x.ko):
# each argument is loaded in turn, after tls.ko, AB_ROUNDS times.
#
# Environment: AB_FIGS ("mode ver cipher size;..." as ktls_bench bulk
# takes them), AB_ROUNDS (5), AB_SECS (0.5 per figure). Prints one line per
# measurement ("R round label figure MB/s cpu_s_per_GiB"), then per figure
# the median MB/s of each provider and each build's median ratio to tls.ko
# over the rounds [min-max] (userspace/bench/ab_report.py).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
. selftests/lib/provider.sh

BIN=${BENCH_BIN:-$top/build/userspace/bench/ktls_bench}
ROUNDS=${AB_ROUNDS:-5}
SECS=${AB_SECS:-0.5}
FIGS=${AB_FIGS:-"tx 13 aes128gcm 16384;tx 12 chacha20poly1305 1024;rx 12 aes128gcm 1024;sendfile 12 aes128gcm 1024"}
CACHE=/tmp/ktls-ab
[ $# -gt 0 ] || { echo "usage: userspace/bench/ab.sh ktls.ko [ktls.ko ...]" >&2; exit 2; }
for ko in "$@"; do
	[ -r "$ko" ] || { echo "ab: $ko: not readable" >&2; exit 2; }
done
[ -x "$BIN" ] || { echo "ab: $BIN missing (make)" >&2; exit 2; }
mkdir -p "$CACHE" || exit 2
raw=$CACHE/ab.txt
: >"$raw"

IFS=';' read -ra figs <<<"$FIGS"
for r in $(seq "$ROUNDS"); do
	for p in tls "$@"; do
		provider_unload 2>/dev/null
		if [ "$p" = tls ]; then
			provider_load tls
		else
			KTLS_KO=$p provider_load ktls
		fi || { echo "ab: cannot load $p" >&2; exit 1; }
		for fig in "${figs[@]}"; do
			read -r mode ver cipher size <<<"$fig"
			out=$("$BIN" bulk --provider kernel --mode "$mode" --tls "$ver" \
				--cipher "$cipher" --size "$size" --secs "$SECS" \
				--max-bytes 24M --dir "$CACHE" 2>&1)
			mb=$(grep -o '"mbps":[0-9.]*' <<<"$out" | cut -d: -f2)
			cpu=$(grep -o '"cpu_s_per_gib":[0-9.]*' <<<"$out" | cut -d: -f2)
			if [ -z "$mb" ]; then
				echo "ab: $p $fig failed: $(tail -n 1 <<<"$out")" >&2
				exit 1
			fi
			echo "R $r $p $mode-$ver-$cipher-$size $mb ${cpu:-0}" | tee -a "$raw"
		done
	done
done
provider_unload
python3 userspace/bench/ab_report.py "$raw"
