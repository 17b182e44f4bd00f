#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktls core: socket options and TX entry points (exact errnos, the same as
# the kernel's tls.ko for every case 6.1 has), /proc/net/tls_stat, sock_diag
# (ss -tie identical to tls.ko), module load/unload rules, no leaks.
# Runs inside a guest (selftests/vm/vm-run).
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/tap.sh
. selftests/lib/provider.sh	# KTLS_KO, TLSSIM_KO: this kernel's builds

RUNDIR=${RUNDIR:-$(mktemp -d)}
KO=$KTLS_KO

# built on the host by selftests/Makefile; make rebuilds it here if stale
BIN=${O:-$PWD/build}/ktls/core_sockopt
make -s -C selftests O="${O:-$PWD/build}" "$BIN" || {
	tap_fail "build core_sockopt"; tap_done; }

# TAP lines of a C test program -> our TAP stream (prefixed)
run_prog() {
	local prefix=$1 line
	shift
	"$@" >"$RUNDIR/prog.out" 2>&1
	while IFS= read -r line; do
		case $line in
		"ok "*) tap_ok "$prefix: ${line#ok * - }" ;;
		"not ok "*) tap_fail "$prefix: ${line#not ok * - }" ;;
		"1.."*) ;;
		*) printf '# %s\n' "$line" ;;
		esac
	done <"$RUNDIR/prog.out"
}

# read with builtins: an awk or cat costs a fork and an exec, each a
# noticeable fraction of a second in a guest without KVM
stat_get() {
	local k v
	while read -r k v; do
		[ "$k" = "$1" ] && { echo "$v"; return; }
	done </proc/net/tls_stat
}

refcnt() {
	local r
	{ read -r r </sys/module/ktls/refcnt; } 2>/dev/null || r=none
	echo "$r"
}

# ss -tie's TLS part for the held pair, normalised (ports differ per run)
ss_tls() {
	ss -tieH state established '( sport != :22 )' 2>/dev/null |
		grep -o 'tcp-ulp-tls.*' | sed 's/ *$//' | sort
}

hold_start() {
	coproc HOLD { "$BIN" -h; }
	read -r -t 30 ready <&"${HOLD[0]}"
	[ "$ready" = ready ]
}

hold_stop() {
	exec {HOLD[1]}>&-
	wait "$HOLD_PID" 2>/dev/null
}

slab_objs() {
	awk '/^kmalloc-(256|512|1k|2k|4k) / { s += $2 } END { print s }' /proc/slabinfo
}

# ---- with the kernel's tls.ko: reference behaviour ----
rmmod ktls 2>/dev/null
if modprobe tls 2>/dev/null; then
	run_prog "tls.ko" timeout 60 "$BIN" -k
	if hold_start; then
		ss_tls >"$RUNDIR/ss.tlsko"
		hold_stop
	else
		tap_fail "tls.ko: hold pair"
	fi
	dmesg -C
	if insmod $KO 2>"$RUNDIR/insmod.err"; then
		tap_fail "insmod ktls.ko refused while tls.ko is loaded"
		rmmod ktls
	else
		tap_ok "insmod ktls.ko refused while tls.ko is loaded"
	fi
	# the loader refuses first (tls_get_record is exported by both);
	# ktls's own pr_err covers a tls ULP without that export
	if dmesg | grep -Eq "ktls:.*tls\.ko|ktls: exports duplicate symbol tls_get_record \(owned by tls\)"; then
		tap_ok "refusal message names tls.ko"
	else
		tap_fail "refusal message names tls.ko" "$(dmesg | tail -5)"
	fi
	rmmod tls || tap_fail "rmmod tls"
else
	tap_skip "tls.ko reference run" "modprobe tls failed"
fi

# ---- ktls.ko ----
tap_check "insmod ktls.ko" insmod $KO
dmesg -C
if modprobe tls 2>/dev/null; then
	tap_fail "kernel refuses tls.ko while ktls.ko is loaded"
else
	tap_ok "kernel refuses tls.ko while ktls.ko is loaded"
fi
dmesg | grep -qE "duplicate symbol (tls_get_record|tls_validate_xmit_skb|tls_offload_tx_resync_request) \(owned by ktls\)" &&
	tap_ok "refusal: duplicate symbol owned by ktls" ||
	tap_fail "refusal: duplicate symbol owned by ktls" "$(dmesg | tail -3)"
# tlssim.ko is built against the kernel's Module.symvers: it records tls.ko's
# CRCs of tls_get_record, tls_validate_xmit_skb, tls_offload_tx_resync_request
modprobe gf128mul 2>/dev/null
if insmod "$TLSSIM_KO" 2>/dev/null; then
	tap_ok "a driver built for tls.ko (tlssim.ko) loads with ktls.ko"
	rmmod tlssim
else
	tap_fail "a driver built for tls.ko (tlssim.ko) loads with ktls.ko" "$(dmesg | tail -3)"
fi

names=$(awk '{ printf "%s ", $1 }' /proc/net/tls_stat)
want="TlsCurrTxSw TlsCurrRxSw TlsCurrTxDevice TlsCurrRxDevice TlsTxSw TlsRxSw TlsTxDevice TlsRxDevice TlsDecryptError TlsRxDeviceResync TlsDecryptRetry TlsRxNoPadViolation TlsRxRekeyOk TlsRxRekeyError TlsTxRekeyOk TlsTxRekeyError TlsRxRekeyReceived "
# upstream's 17 first, in upstream's order, then only ktls.ko's own (Ktls*)
extra=${names:${#want}}
if [ "${names:0:${#want}}" = "$want" ] && [ -n "$extra" ] &&
   [ "$(grep -c '^Ktls' /proc/net/tls_stat)" = "$(echo $extra | wc -w)" ]; then
	tap_ok "/proc/net/tls_stat: 17 counters in upstream order, then ktls.ko's own (Ktls*)"
else
	tap_fail "/proc/net/tls_stat: 17 counters in upstream order, then ktls.ko's own (Ktls*)" "$names"
fi
if ip netns add ktlsns 2>/dev/null; then
	if ip netns exec ktlsns sh -c 'test $(grep -c "^Tls" /proc/net/tls_stat) = 17 &&
	   awk "\$2 != 0 { exit 1 }" /proc/net/tls_stat'; then
		tap_ok "/proc/net/tls_stat exists per network namespace"
	else
		tap_fail "/proc/net/tls_stat exists per network namespace"
	fi
	ip netns del ktlsns
fi

for k in TlsTxSw TlsRxSw TlsTxRekeyOk TlsTxRekeyError TlsCurrTxSw TlsCurrRxSw; do
	eval "before_$k=$(stat_get $k)"
done
run_prog "ktls" timeout 60 "$BIN"
sleep 1
chk_delta() {
	local k=$1 want=$2 b now
	eval "b=\$before_$k"
	now=$(stat_get "$k")
	if [ $((now - b)) -eq "$want" ]; then
		tap_ok "counter $k +$want"
	else
		tap_fail "counter $k +$want" "before $b after $now"
	fi
}
chk_delta TlsTxSw 5
chk_delta TlsRxSw 2
chk_delta TlsTxRekeyOk 1
chk_delta TlsTxRekeyError 4
chk_delta TlsCurrTxSw 0
chk_delta TlsCurrRxSw 0

# ss -tie output identical to tls.ko's; module pinned while sockets live
if hold_start; then
	ss_tls >"$RUNDIR/ss.ktls"
	if [ "$(refcnt)" = 2 ]; then
		tap_ok "module refcount 2 with two TLS sockets"
	else
		tap_fail "module refcount 2 with two TLS sockets" "refcnt $(refcnt)"
	fi
	if rmmod ktls 2>/dev/null; then
		tap_fail "rmmod refused while sockets use ktls"
	else
		tap_ok "rmmod refused while sockets use ktls"
	fi
	[ "$(stat_get TlsCurrTxSw)" = 1 ] && [ "$(stat_get TlsCurrRxSw)" = 1 ] &&
		tap_ok "TlsCurrTxSw/TlsCurrRxSw count live sockets" ||
		tap_fail "TlsCurrTxSw/TlsCurrRxSw count live sockets"
	hold_stop
	sleep 1
	if [ -s "$RUNDIR/ss.tlsko" ]; then
		if diff -u "$RUNDIR/ss.tlsko" "$RUNDIR/ss.ktls" >"$RUNDIR/ss.diff"; then
			tap_ok "ss -tie TLS info identical to tls.ko"
		else
			tap_fail "ss -tie TLS info identical to tls.ko" "$(cat "$RUNDIR/ss.diff")"
		fi
	fi
	grep -q "version: 1.3 cipher: aes-gcm-128 rxconf: none txconf: sw" "$RUNDIR/ss.ktls" &&
		grep -q "version: 1.3 cipher: aes-gcm-128 rxconf: sw txconf: none" "$RUNDIR/ss.ktls" &&
		tap_ok "ss -tie shows version, cipher, tx/rx conf" ||
		tap_fail "ss -tie shows version, cipher, tx/rx conf" "$(cat "$RUNDIR/ss.ktls")"
else
	tap_fail "ktls: hold pair"
fi

# no leak: repeat the whole option matrix and compare slab usage
timeout 20 "$BIN" >/dev/null 2>&1
sleep 1
s0=$(slab_objs)
for i in $(seq 1 8); do timeout 20 "$BIN" >/dev/null 2>&1; done
sleep 2
s1=$(slab_objs)
if [ $((s1 - s0)) -lt 100 ]; then
	tap_ok "no slab growth over 8 runs ($s0 -> $s1 objects)"
else
	tap_fail "no slab growth over 8 runs" "$s0 -> $s1 objects"
fi
[ "$(stat_get TlsCurrTxSw)" = 0 ] && [ "$(stat_get TlsCurrRxSw)" = 0 ] &&
	tap_ok "no live contexts after the runs" || tap_fail "no live contexts after the runs"
if [ "$(refcnt)" = 0 ]; then
	tap_ok "module refcount back to 0"
else
	tap_fail "module refcount back to 0" "refcnt $(refcnt)"
fi
tap_check "rmmod ktls" rmmod ktls
tap_done
