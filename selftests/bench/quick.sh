#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench-quick: run the benchmark in quick mode (userspace/bench/run.sh, QUICK=1) and
# check that its output is complete and sane: every planned figure of plain
# TCP, tls.ko, userspace OpenSSL and the AF_ALG bound measured with sane
# values (every transfer is checked end to end by ktls_bench itself), every
# ktls.ko figure measured or n/a with a reason (BENCH_REQUIRE_KTLS=1: all
# measured), every device-mode figure measured and every ktls.ko device
# flow offloaded, the report JSON written and the summary line last; and that
# the memory meter reads a known allocation (ktls_bench memcheck).
# Timings are not judged.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. selftests/lib/tap.sh

out=${RUNDIR:-/tmp}/bench
rm -rf "$out"
mkdir -p "$out"
log=$out/run.log

# The memory meter itself: an 8 MiB allocation right after a 32 MiB free
# (which fills the per-CPU page lists) must read as 8 MiB (+-10 %).
make -s -C userspace/bench >/dev/null 2>&1
tap_check "memory meter reads an 8 MiB allocation made after a 32 MiB free" \
	"${BENCH_BIN:-build/userspace/bench/ktls_bench}" memcheck

QUICK=1 BENCH_OUT=$out userspace/bench/run.sh >"$log" 2>&1
rc=$?
tail -n 25 "$log"
if [ $rc -eq 0 ]; then
	tap_ok "userspace/bench/run.sh QUICK=1 exits 0"
else
	tap_fail "userspace/bench/run.sh QUICK=1 exits 0" "exit $rc"
	tail -n 40 "$log" | tap_diag
fi

last=$(tail -n 1 "$log")
re='^ktls/tls\.ko median ratios: tx=[^ ]+ rx=[^ ]+ sendfile=[^ ]+ rr64=[^ ]+ rr4k=[^ ]+ setup=[^ ]+ mem=[^ ]+ bound=[^ ]+$'
if [[ $last =~ $re ]]; then
	tap_ok "summary line is the last line"
else
	tap_fail "summary line is the last line" "last line: $last"
fi

json=$out/latest.json
if [ -s "$json" ] && ls "$out"/raw-*.jsonl "$out"/bench-*.txt >/dev/null 2>&1; then
	tap_ok "raw data, table and JSON written to $out"
else
	tap_fail "raw data, table and JSON written to $out"
fi

args=()
[ "${BENCH_REQUIRE_KTLS:-0}" = 1 ] && args+=(--require-ktls)
tap_check "every figure present and sane${args:+ (ktls.ko required)}" \
	python3 userspace/bench/report.py --check "$json" "${args[@]}"

# device mode (userspace/bench/device.sh): its line comes just before the
# summary line; every figure of it is judged by the check above
if grep -Eq '^device ktls/tls\.ko median ratios \(both offloaded\): tx=[^ ]+ rx=[^ ]+ txrx=[^ ;]+; kept under loss \(lowest\): tls\.ko=[0-9.]+ ktls\.ko=[0-9.]+ tcp=[0-9.]+$' "$log"; then
	tap_ok "device-mode line with ratios and the fraction kept under loss"
else
	tap_fail "device-mode line with ratios and the fraction kept under loss" \
		"$(grep '^device ktls' "$log")"
fi

# BPF steering (userspace/bench/bpf.sh): setup with the policy attached
if grep -Eq '^bpf policy attached/none setup ratio \(ktls\.ko, median\): [0-9.]+ \(goal >= 0\.95\)$' "$log"; then
	tap_ok "BPF policy line: setup rate attached/none"
else
	tap_fail "BPF policy line: setup rate attached/none" \
		"$(grep '^bpf policy' "$log")"
fi

tap_check "README tables from the JSON (userspace/bench/readme_table.py)" \
	python3 userspace/bench/readme_table.py "$json"

# userspace/bench/ab.sh (A/B of builds): one short round of one figure
ab=$(AB_ROUNDS=1 AB_SECS=0.2 AB_FIGS="tx 13 aes128gcm 16384" \
	userspace/bench/ab.sh "$KTLS_KO" 2>&1)
echo "$ab" | tail -n 4
if grep -Eq '^  .*ktls\.ko +[0-9.]+ MB/s .*ratio to tls\.ko [0-9.]+ ' <<<"$ab"; then
	tap_ok "userspace/bench/ab.sh reports a ratio to tls.ko"
else
	tap_fail "userspace/bench/ab.sh reports a ratio to tls.ko"
	echo "$ab" | tail -n 10 | tap_diag
fi

# Not a failure while ktls.ko is incomplete: say how much of it is n/a.
nas=$(grep -c '"label":"ktls".*"na":' "$out"/raw-*.jsonl 2>/dev/null)
echo "# ktls.ko figures reported n/a: ${nas:-0}" | tee -a "$TAP_FILE"
tap_done
