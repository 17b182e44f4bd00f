#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The two fuzzers (fuzz_records.c, fuzz_syscalls.c) against a provider of
# the "tls" ULP, then the module's baseline: no kTLS context, TCP socket or
# module reference left, and rmmod ktls succeeds.
#
#   FUZZ_RECORDS   records the record fuzzer tries (default 100000)
#   FUZZ_SECONDS   time-box both fuzzers instead (make fuzz SECONDS=)
#   FUZZ_SYSCALLS  seconds of the syscall fuzzer (default 120)
#   FUZZ_SEED      seed of both (default: the date, printed)
#   FUZZ_PROVIDER  ktls (default) or tls (tls.ko's known differences allowed)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/tap.sh
. "$top/selftests/lib/tap.sh"
# shellcheck source=../lib/provider.sh
. "$top/selftests/lib/provider.sh"
O=${O:-$top/build}
prov=${FUZZ_PROVIDER:-ktls}
seed=${FUZZ_SEED:-$(date +%Y%m%d)}
bin=$O/ktls

# built on the host by selftests/Makefile; make rebuilds them if stale
build() {
	make -s -C "$here/.." O="$O" "$bin/$1"
}

# TCP sockets allocated, orphans included (not TIME_WAIT, which is no socket)
tcp_objs() {
	awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "alloc") print $(i + 1) }' \
		/proc/net/sockstat
}

for p in fuzz_records fuzz_syscalls; do
	build $p || { tap_fail "build $p"; tap_done; exit 1; }
done
provider_load "$prov" || { tap_fail "load $prov"; tap_done; exit 1; }
sleep 1
base_tcp=$(tcp_objs)
# A socket the fuzzers closed may outlive them as a TCP orphan: in
# FIN_WAIT2 for tcp_fin_timeout (60 s), or probing a zero window for
# tcp_orphan_retries (about 100 s on loopback). Both are TCP's timers, not
# kTLS's: shortened for this guest, an orphan is gone within seconds,
# while a socket leaked by a lost reference still never goes, so the
# baseline check below waits less and catches the same leaks.
sysctl -qw net.ipv4.tcp_fin_timeout=3 net.ipv4.tcp_orphan_retries=2

if [ -n "${FUZZ_SECONDS:-}" ]; then
	rargs=(-t "$FUZZ_SECONDS")
	sys_secs=$FUZZ_SECONDS
else
	rargs=(-r "${FUZZ_RECORDS:-100000}")
	sys_secs=${FUZZ_SYSCALLS:-120}
fi
[ "$prov" = tls ] && rargs+=(-p tls)

# both at once: the guest has two CPUs, and the mix is a test of its own
"$bin/fuzz_syscalls" -s "$seed" -t "$sys_secs" -T 3 -P 3 >"$O/ktls/fuzz_syscalls.out" 2>&1 &
sys_pid=$!
rout=$O/ktls/fuzz_records.out
if "$bin/fuzz_records" -s "$seed" "${rargs[@]}" >"$rout" 2>&1; then
	tap_ok "$(tail -n 1 "$rout")"
else
	# every divergence line, then the last stream in full (all in $rout)
	tap_fail "record fuzzer, seed $seed (output: $rout)" \
		"$(grep -A 3 '^DIVERGENCE' "$rout" | grep -v '^    record' | head -n 40; tail -n 1 "$rout")"
fi
wait "$sys_pid"
rc=$?
out=$(cat "$O/ktls/fuzz_syscalls.out")
if [ $rc -eq 0 ]; then
	tap_ok "$(tail -n 1 <<<"$out")"
else
	tap_fail "syscall fuzzer, seed $seed (exit $rc)" "$(tail -n 20 <<<"$out")"
fi

# back to baseline: closed sockets go through FIN/TIME_WAIT; an orphan
# probing a zero window or waiting in FIN_WAIT2 lives a few seconds with
# the timers above (up to about a minute with the defaults), a leaked one
# for ever
for _ in $(seq 120); do
	[ "$(tcp_objs)" -le "$base_tcp" ] && break
	sleep 1
done
if [ "$(tcp_objs)" -le "$base_tcp" ]; then
	tap_ok "TCP sockets back to baseline ($base_tcp)"
else
	tap_fail "TCP sockets back to baseline ($base_tcp)" \
		"$(tcp_objs) left after 120 s: $(ss -tanoi 2>&1 | head -n 20)"
fi
if [ "$prov" = ktls ]; then
	tap_check "no kTLS context left (TlsCurrTxSw, TlsCurrRxSw)" \
		awk '$1 ~ /^TlsCurr(Tx|Rx)Sw$/ && $2 != 0 {bad=1} END {exit bad}' \
		/proc/net/tls_stat
	tap_check "rmmod ktls (no reference left)" rmmod ktls
fi
tap_done
