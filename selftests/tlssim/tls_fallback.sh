#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tlssim software fallback, for each provider of $TLSSIM_PROVIDERS (tls.ko,
# ktls.ko) in one boot: when the emulated device refuses an offload (context
# table full, injected tls_dev_add failure, capability mismatch), the
# kernel keeps the socket in software and the transfer is still byte-exact;
# the other direction/end keeps its offload.  The TLS 1.3 capability bits
# (caps 0x4, 0x8) off: TLS 1.3 falls back to software on ktls.ko too (on
# tls.ko TLS 1.3 is never offloaded, so there it is software either way).
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/tls_lib.sh

BYTES=${TLSSIM_SMALL_BYTES:-1048576}

# run DESC PORT "ARGS" TXMODE RXMODE [SERVERMODE]: client (NS1, device tsa)
# must end up with TX in TXMODE and RX in RXMODE ("Sw" or "Device"); the
# server (its device untouched by the knobs) in SERVERMODE, default Device.
run() {
	local desc=$1 port=$2 args=$3 txm=$4 rxm=$5 sm=${6:-Device} tx0 rx0 stx0 srx0

	tx0=$(tls_pstat $NS1 "TlsTx$txm")
	rx0=$(tls_pstat $NS1 "TlsRx$rxm")
	stx0=$(tls_pstat $NS2 "TlsTx$sm")
	srx0=$(tls_pstat $NS2 "TlsRx$sm")
	if tls_xfer "$port" "$BYTES" "$args" "$args"; then
		tap_ok "$desc: byte-exact both ways"
	else
		tap_fail "$desc: byte-exact both ways"
	fi
	tls_expect "$desc: client TX is $txm" "$((tx0 + 1))" "$(tls_pstat $NS1 "TlsTx$txm")"
	tls_expect "$desc: client RX is $rxm" "$((rx0 + 1))" "$(tls_pstat $NS1 "TlsRx$rxm")"
	tls_expect "$desc: server TX is $sm" "$((stx0 + 1))" \
		"$(tls_pstat $NS2 "TlsTx$sm")"
	tls_expect "$desc: server RX is $sm" "$((srx0 + 1))" \
		"$(tls_pstat $NS2 "TlsRx$sm")"
}

checks() {
	local v13 sw0 spid2 rc

	tls_pair || { tap_fail "create tlssim pair in two namespaces"; return; }
	D1=$(tls_dbg $NS1 tsa)
	v13=$(tls_v13_dev)

	run "baseline" 5000 "-k 128" Device Device

	echo 0 >"$D1/ctx_table_size"
	run "context table size 0" 5001 "-k 128" Sw Sw
	echo 1024 >"$D1/ctx_table_size"

	# the tool sets TLS_TX before TLS_RX: the first add (TX) fails
	echo 1 >"$D1/fail_next_add"
	run "fail_next_add 1" 5002 "-k 256" Sw Device
	tls_expect "fail_next_add consumed" 0 "$(cat "$D1/fail_next_add")"

	echo 0x3e >"$D1/caps"
	run "caps without TLS1.2 AES-GCM-128: aes128" 5003 "-k 128" Sw Sw
	run "caps without TLS1.2 AES-GCM-128: aes256" 5004 "-k 256" Device Device
	echo 0x2f >"$D1/caps"
	run "caps without TX" 5005 "-k 128" Sw Device
	echo 0x1f >"$D1/caps"
	run "caps without RX" 5006 "-k 128" Device Sw
	# TLS 1.3: the server is in $v13 throughout (Device on ktls.ko)
	echo 0x33 >"$D1/caps"
	run "caps without TLS1.3: tls1.3 aes128" 5009 "-k 128 -V 13" Sw Sw "$v13"
	echo 0x37 >"$D1/caps"
	run "caps without TLS1.3 AES-GCM-256: tls1.3 aes256" 5010 "-k 256 -V 13" Sw Sw "$v13"
	run "caps without TLS1.3 AES-GCM-256: tls1.3 aes128" 5011 "-k 128 -V 13" \
		"$v13" "$v13" "$v13"
	echo 0x3f >"$D1/caps"

	# table of one context per direction, taken by a long flow: the second
	# flow falls back and completes; the first is still offloaded and running
	# (paced, 20 ms per 64 KiB: it only has to hold its contexts)
	echo 1 >"$D1/ctx_table_size"
	tls_xfer_bg 5007 $((1 << 30)) "-w 20" "-w 20"
	tls_wait_live_ctx 4
	sw0=$(tls_pstat $NS1 TlsTxSw)
	nsenter --net=/run/netns/$NS2 "$TOOL" -l 10.77.0.2 -p 5008 -n "$BYTES" -t 200 >"$RUNDIR/x2.srv" 2>&1 &
	spid2=$!
	sleep 0.3
	rc=0
	nsenter --net=/run/netns/$NS1 "$TOOL" -C 10.77.0.2 -p 5008 -n "$BYTES" -t 200 >"$RUNDIR/x2.cli" 2>&1 || rc=1
	wait $spid2 || rc=1
	if [ $rc = 0 ]; then
		tap_ok "table full: second flow byte-exact"
	else
		tap_fail "table full: second flow byte-exact" "$(cat "$RUNDIR/x2.srv" "$RUNDIR/x2.cli")"
	fi
	tls_expect "table full: second flow TX in software" "$((sw0 + 1))" "$(tls_pstat $NS1 TlsTxSw)"
	tls_expect "table full: first flow still offloaded" 1 "$(tls_pstat $NS1 TlsCurrTxDevice)"
	kill "$XFER_CPID" "$XFER_SPID" 2>/dev/null
	wait "$XFER_CPID" "$XFER_SPID" 2>/dev/null
	echo 1024 >"$D1/ctx_table_size"

	tls_finish
}

tls_tool_path || { tap_fail "build tls_tool"; tap_done; exit 1; }
tls_each_provider checks
tap_done
