#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Where the CPU goes in one bulk figure, per provider, inside a guest:
#   make bench-profile [PROFILE="rx 12 aes128gcm 16384"]
# or directly:
#   selftests/vm/vm-run --name profile --mem 4096 -- userspace/bench/profile.sh rx 12 aes128gcm 16384
# For each of tls.ko and ktls.ko: run the figure for PROFILE_SECS under
# `perf record -e cpu-clock -a -g` (cpu-clock: the emulated CPU has no
# PMU), then print the top kernel and user symbols by self time. Output
# also goes to build/bench/profile-<mode>-<ver>-<cipher>-<size>.txt.
# PROFILE_G= (empty) records without call graphs: less perf overhead in the
# guest, so the split between symbols is closer to an unprofiled run.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
. selftests/lib/provider.sh

mode=${1:-rx} ver=${2:-12} cipher=${3:-aes128gcm} size=${4:-16384}
SECS=${PROFILE_SECS:-8}
TOPN=${PROFILE_TOP:-25}
BIN=${BENCH_BIN:-$top/build/userspace/bench/ktls_bench}
OUT=${BENCH_OUT:-$top/build/bench}
CACHE=/tmp/ktls-profile
mkdir -p "$OUT" "$CACHE" || exit 2
command -v perf >/dev/null || { echo "profile: perf missing (make deps: linux-perf)" >&2; exit 2; }
[ -x "$BIN" ] || { echo "profile: $BIN missing (make)" >&2; exit 2; }
report=$OUT/profile-$mode-$ver-$cipher-$size.txt
: >"$report"
# module symbols are in /proc/kallsyms only for a reader who may see them
sysctl -qw kernel.kptr_restrict=0 kernel.perf_event_paranoid=-1

for p in tls ktls; do
	provider_unload 2>/dev/null
	provider_load "$p" || { echo "profile: cannot load $p" >&2; exit 1; }
	perf record -q -e cpu-clock -a ${PROFILE_G--g} -o "$CACHE/perf-$p.data" -- \
		"$BIN" bulk --provider kernel --mode "$mode" --tls "$ver" \
		--cipher "$cipher" --size "$size" --secs "$SECS" \
		--max-bytes 1024M --dir "$CACHE" >"$CACHE/fig-$p.json" 2>"$CACHE/err-$p" ||
		{ echo "profile: $p run failed: $(tail -n 1 "$CACHE/err-$p")" >&2; exit 1; }
	{
		echo "=== $p: bulk $mode TLS $ver $cipher $size: $(cat "$CACHE/fig-$p.json")"
		perf report -i "$CACHE/perf-$p.data" --stdio --no-children \
			--sort sym,dso -g none --percent-limit 0.7 2>/dev/null |
			grep -v '^#' | sed '/^$/d' | head -n "$TOPN"
		echo
	} | tee -a "$report"
	provider_unload
done
echo "profile: written to $report"
