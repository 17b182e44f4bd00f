#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kTLS benchmark driver, run inside a guest (make bench, or directly:
#   selftests/vm/vm-run --name bench --timeout 2400 --mem 4096 -- userspace/bench/run.sh
# with QUICK=1 in the environment for the short run).
#
# One boot, alternating providers: per round the kernel's tls.ko is loaded,
# measured and unloaded, then ktls.ko the same way (A B A B ...); plain
# TCP, userspace OpenSSL and the AF_ALG AEAD bound are measured in the same
# boot, and device mode over a tlssim pair (device.sh). Every measurement
# is one ktls_bench run appending one JSON line to
# $BENCH_OUT/raw-<stamp>.jsonl; a failed one is recorded as n/a with its
# reason and the run goes on. userspace/bench/report.py then prints the
# table and the summary line and writes $BENCH_OUT/bench-<stamp>.json
# (+ latest.json).
#
# Environment: QUICK=1, BENCH_OUT (default build/bench), BENCH_ROUNDS,
# BENCH_SECS, BENCH_FLOWS ("1000 10000"), BENCH_DEV_* (device.sh),
# BENCH_BIN, BENCH_REQUIRE_KTLS (passed on to report.py: 1 = a missing ktls
# figure is an error), KTLS_KO (the ktls.ko to measure; default: a copy of
# this kernel's build, $O/mod/$KVER/kmod/ktls.ko, taken at start).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
# shellcheck source=../selftests/lib/provider.sh
. selftests/lib/provider.sh

QUICK=${QUICK:-0}
OUT=${BENCH_OUT:-$top/build/bench}
BIN=${BENCH_BIN:-$top/build/userspace/bench/ktls_bench}
CACHE=${BENCH_CACHE:-/tmp/ktls-bench}
ALL_CFGS="12:aes128gcm 12:chacha20poly1305 13:aes128gcm 13:chacha20poly1305"
if [ "$QUICK" = 1 ]; then
	# One A B pair and a diagonal of the matrix: every mode, both TLS
	# versions, both ciphers and both sizes appear, not every combination.
	ROUNDS=${BENCH_ROUNDS:-1}
	SECS=${BENCH_SECS:-0.25}
	MAXB=${BENCH_MAX_BYTES:-16M}
	FLOWS=${BENCH_FLOWS:-1000}
	BULK=${BENCH_BULK:-"13:aes128gcm:16384 12:chacha20poly1305:1024"}
	RRCFG=${BENCH_RR:-"13:aes128gcm"}
	OSSL_ROUNDS=1
	MEM_ROUNDS=1
else
	ROUNDS=${BENCH_ROUNDS:-5}
	SECS=${BENCH_SECS:-0.5}
	MAXB=${BENCH_MAX_BYTES:-24M}
	FLOWS=${BENCH_FLOWS:-1000 10000}
	BULK=${BENCH_BULK:-$(for c in $ALL_CFGS; do for s in 16384 1024; do printf '%s ' "$c:$s"; done; done)}
	RRCFG=${BENCH_RR:-$ALL_CFGS}
	OSSL_ROUNDS=${BENCH_OSSL_ROUNDS:-1}	# userspace: no A/B needed
	# 10000 idle flows take minutes under emulation; memory is steady
	MEM_ROUNDS=${BENCH_MEM_ROUNDS:-2}
fi
# sizes and ciphers the bulk plan uses: the TCP and AF_ALG figures of the bound
SIZES=$(for t in $BULK; do echo "${t##*:}"; done | sort -nru | tr '\n' ' ')
AEAD=$(for t in $BULK; do echo "${t#*:}"; done | sort -u | tr '\n' ' ')
# Stop starting rounds when the next would end after this many seconds,
# so that the report is always written before vm-run's timeout.
BUDGET=${BENCH_BUDGET:-$([ "$QUICK" = 1 ] && echo 240 || echo 2000)}
# A hung figure (a provider bug) costs at most this much.
RUN_TIMEOUT=${BENCH_RUN_TIMEOUT:-$([ "$QUICK" = 1 ] && echo 30 || echo 60)}

t_start=$EPOCHSECONDS
mkdir -p "$OUT" "$CACHE" || exit 2
stamp=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$OUT/raw-$stamp.jsonl
: >"$RAW"

if [ ! -x "$BIN" ] || [ -n "$(find userspace/bench -newer "$BIN" -name '*.[ch]' 2>/dev/null)" ]; then
	echo "bench: building ktls_bench" >&2
	make -s -C userspace/bench O="$top/build" >&2 || { echo "bench: build failed" >&2; exit 2; }
fi

# options every ktls_bench run gets (device.sh: the namespaces of a pair)
BENCH_EXTRA=()
# shellcheck source=device.sh
. userspace/bench/device.sh
# shellcheck source=bpf.sh
. userspace/bench/bpf.sh

json_str() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	printf '"%s"' "${s//$'\n'/ }"
}

# meta KEY VALUE: run-wide facts for the report
meta() {
	printf '{"test":"meta","key":"%s","value":%s}\n' "$1" "$(json_str "$2")" >>"$RAW"
}

# na LABEL ROUND TEST MODE VER CIPHER SIZE FLOWS REASON
na() {
	printf '{"label":"%s","round":%s,"test":"%s","mode":"%s","tls":%s,"cipher":"%s","size":%s,"flows":%s,"na":%s}\n' \
		"$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$(json_str "$9")" >>"$RAW"
}

# one LABEL ROUND PROVIDER TEST MODE VER CIPHER SIZE FLOWS
one() {
	local label=$1 round=$2 prov=$3 test=$4 mode=$5 ver=$6 ciph=$7 size=$8 flows=$9
	echo "bench: [$((EPOCHSECONDS - t_start))s] $label r$round $test $mode tls$ver $ciph $size $flows" >&2
	local out err rc args
	args=("$test" --provider "$prov" --tls "$ver" --cipher "$ciph" --size "$size"
	      --secs "$SECS" --max-bytes "$MAXB" --dir "$CACHE" --flows "$flows")
	[ "$mode" != - ] && args+=(--mode "$mode")
	args+=("${BENCH_EXTRA[@]}")
	if [ -n "${SKIP_REASON:-}" ]; then
		na "$label" "$round" "$test" "$mode" "$ver" "$ciph" "$size" "$flows" "$SKIP_REASON"
		return
	fi
	out=$(timeout "$RUN_TIMEOUT" "$BIN" "${args[@]}" 2>"$CACHE/err")
	rc=$?
	err=
	[ -s "$CACHE/err" ] && IFS= read -r -d '' err <"$CACHE/err"
	err=${err%$'\n'}
	err=${err##*$'\n'}	# the last line carries the reason
	if [ $rc -eq 0 ] && [ "${out:0:1}" = "{" ]; then
		printf '{"label":"%s","round":%s,"flows":%s,"t":%s,%s\n' "$label" "$round" "$flows" \
			"$((EPOCHSECONDS - t_start))" "${out:1}" >>"$RAW"
		return
	fi
	[ $rc -eq 124 ] && err="timed out after ${RUN_TIMEOUT}s; $err"
	[ -z "$err" ] && err="exit status $rc"
	echo "bench: $label $test $mode tls$ver $ciph $size: n/a: $err" >&2
	na "$label" "$round" "$test" "$mode" "$ver" "$ciph" "$size" "$flows" "$err"
}

# The figure set of a TLS provider (kernel or OpenSSL).
tls_figures() {
	local label=$1 round=$2 prov=$3 m t v c s f
	for m in tx rx txrx sendfile; do
		for t in $BULK; do
			IFS=: read -r v c s <<<"$t"
			one "$label" "$round" "$prov" bulk "$m" "$v" "$c" "$s" 0
		done
	done
	for t in $RRCFG; do
		IFS=: read -r v c <<<"$t"
		for s in 64 4096; do
			one "$label" "$round" "$prov" rr - "$v" "$c" "$s" 0
		done
		one "$label" "$round" "$prov" setup - "$v" "$c" 0 0
	done
	[ "$round" -le "$MEM_ROUNDS" ] && for f in $FLOWS; do
		one "$label" "$round" "$prov" mem - 13 aes128gcm 0 "$f"
	done
}

tcp_figures() {
	local round=$1 m s f
	for m in tx sendfile; do
		for s in $SIZES; do
			one tcp "$round" tcp bulk "$m" 13 aes128gcm "$s" 0
		done
	done
	for s in 64 4096; do
		one tcp "$round" tcp rr - 13 aes128gcm "$s" 0
	done
	one tcp "$round" tcp setup - 13 aes128gcm 0 0
	[ "$round" = 1 ] && for f in $FLOWS; do
		one tcp "$round" tcp mem - 13 aes128gcm 0 "$f"
	done
}

aead_figures() {
	local round=$1 t c s
	for t in $AEAD; do
		IFS=: read -r c s <<<"$t"
		one aead "$round" kernel aead - 13 "$c" "$s" 0
	done
}

# Load a kernel provider; on failure every figure of it becomes n/a.
use_provider() {
	local want=$1 i msg
	SKIP_REASON=
	for i in 1 2 3 4 5 6 7 8 9 10; do
		msg=$(provider_load "$want" 2>&1) && break
		sleep 1
	done
	if [ "$(provider_loaded)" != "$want" ]; then
		case $want in
		ktls) [ -e "$KTLS_KO" ] || msg="$KTLS_KO not built; $msg" ;;
		esac
		SKIP_REASON="provider $want failed to load: ${msg:-unknown}"
		echo "bench: $SKIP_REASON" >&2
	fi
}

drop_provider() {
	local i
	for i in $(seq 1 20); do
		provider_unload 2>/dev/null && [ -z "$(provider_loaded)" ] && return 0
		sleep 0.5
	done
	echo "bench: could not unload $(provider_loaded) (still in use?)" >&2
	return 1
}

echo "bench: $( [ "$QUICK" = 1 ] && echo quick || echo full ) run, $ROUNDS rounds, ${SECS}s per figure, raw data $RAW" >&2
meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta kernel "$(uname -r)"
meta cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1) x $(nproc)"
meta mem "$(sed -n 's/^MemTotal:[[:space:]]*//p' /proc/meminfo)"
meta quick "$QUICK"
meta rounds "$ROUNDS"
meta secs "$SECS"
meta host "$(cat /proc/sys/kernel/hostname)"
# HEAD only: a path-limited git log walks history over 9p for a minute
meta repo_commit "$(git -C "$top" rev-parse --short HEAD 2>/dev/null)"
# Measure one fixed module: a rebuild during the run must not change what
# later rounds load.
ko=$KTLS_KO
if [ -f "$ko" ]; then
	cp "$ko" "$CACHE/ktls.ko" && export KTLS_KO=$CACHE/ktls.ko
fi
meta ktls_ko "$ko $(sha256sum "$ko" 2>/dev/null | cut -c1-12 || echo missing)"
meta crypto_modules "$(grep -oE '^(aesni_intel|ghash_clmulni_intel|chacha_x86_64|poly1305_x86_64) ' /proc/modules | tr -d ' ' | tr '\n' ' ')"
plan() {
	local t v c s first=1
	printf '{"bulk":['
	for t in $BULK; do
		IFS=: read -r v c s <<<"$t"
		[ $first = 1 ] || printf ','; first=0
		printf '[%s,"%s",%s]' "$v" "$c" "$s"
	done
	printf '],"rr":['
	first=1
	for t in $RRCFG; do
		IFS=: read -r v c <<<"$t"
		[ $first = 1 ] || printf ','; first=0
		printf '[%s,"%s"]' "$v" "$c"
	done
	printf '],"flows":[%s]}' "$(echo $FLOWS | tr ' ' ',')"
}
meta plan "$(plan)"
meta device_plan "$(dev_plan)"
meta bpf_plan "$(bpf_plan)"
meta device "tlssim pair across two namespaces ($TLSSIM_KO), loss figures at $DEV_LOSS_PPM ppm"

drop_provider
done_rounds=0
for r in $(seq 1 "$ROUNDS"); do
	el=$((EPOCHSECONDS - t_start))
	# rounds after the first cost about as much as the second one did
	if [ "$r" -gt 2 ] && [ $((el + el2)) -gt "$BUDGET" ]; then
		echo "bench: stopping after $done_rounds rounds: time budget ${BUDGET}s" >&2
		meta stopped_early "after $done_rounds of $ROUNDS rounds (budget ${BUDGET}s)"
		break
	fi
	r_start=$EPOCHSECONDS
	echo "bench: round $r/$ROUNDS (${el}s)" >&2
	SKIP_REASON=
	tcp_figures "$r"
	aead_figures "$r"
	for p in tls ktls; do
		use_provider "$p"
		tls_figures "$p" "$r" kernel
		[ "$r" = 1 ] && [ "$p" = tls ] && [ -z "$SKIP_REASON" ] &&
			one crypto "$r" kernel crypto - 13 aes128gcm 0 0
		SKIP_REASON=
		drop_provider
	done
	if [ "$r" -le "$OSSL_ROUNDS" ]; then
		tls_figures ossl "$r" ossl
	fi
	device_figures "$r"
	bpf_figures "$r"
	done_rounds=$r
	[ "$r" = 2 ] && el2=$((EPOCHSECONDS - r_start))
done
meta rounds_done "$done_rounds"
meta elapsed_s "$((EPOCHSECONDS - t_start))"

python3 userspace/bench/report.py --raw "$RAW" --out "$OUT" --stamp "$stamp"
