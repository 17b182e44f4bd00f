#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tlssim software fallback, against tls.ko: when the emulated device refuses an
# offload (context table full, injected tls_dev_add failure, capability
# mismatch), the kernel keeps the socket in software and the transfer is
# still byte-exact; the other direction/end keeps its offload.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/tls_lib.sh

BYTES=${TLSSIM_SMALL_BYTES:-1048576}

tls_modules || { tap_fail "load tls, gf128mul, tlssim"; tap_done; }
tls_tool_path || { tap_fail "build tls_tool"; tap_done; }
tls_pair || { tap_fail "create tlssim pair in two namespaces"; tap_done; }
D1=$(tls_dbg $NS1 tsa)

# run DESC PORT KEYBITS TXMODE RXMODE: client (NS1, device tsa) must end
# up with TX in TXMODE and RX in RXMODE ("Sw" or "Device"); the server
# always offloads.
run() {
	local desc=$1 port=$2 k=$3 txm=$4 rxm=$5 tx0 rx0 stx0 srx0

	tx0=$(tls_pstat $NS1 "TlsTx$txm")
	rx0=$(tls_pstat $NS1 "TlsRx$rxm")
	stx0=$(tls_pstat $NS2 TlsTxDevice)
	srx0=$(tls_pstat $NS2 TlsRxDevice)
	if tls_xfer "$port" "$BYTES" "-k $k" "-k $k"; then
		tap_ok "$desc: byte-exact both ways"
	else
		tap_fail "$desc: byte-exact both ways"
	fi
	tls_expect "$desc: client TX is $txm" "$((tx0 + 1))" "$(tls_pstat $NS1 "TlsTx$txm")"
	tls_expect "$desc: client RX is $rxm" "$((rx0 + 1))" "$(tls_pstat $NS1 "TlsRx$rxm")"
	tls_expect "$desc: server TX still offloaded" "$((stx0 + 1))" \
		"$(tls_pstat $NS2 TlsTxDevice)"
	tls_expect "$desc: server RX still offloaded" "$((srx0 + 1))" \
		"$(tls_pstat $NS2 TlsRxDevice)"
}

run "baseline" 5000 128 Device Device

echo 0 >"$D1/ctx_table_size"
run "context table size 0" 5001 128 Sw Sw
echo 1024 >"$D1/ctx_table_size"

# the tool sets TLS_TX before TLS_RX: the first add (TX) fails
echo 1 >"$D1/fail_next_add"
run "fail_next_add 1" 5002 256 Sw Device
tls_expect "fail_next_add consumed" 0 "$(cat "$D1/fail_next_add")"

echo 0x3e >"$D1/caps"
run "caps without TLS1.2 AES-GCM-128: aes128" 5003 128 Sw Sw
run "caps without TLS1.2 AES-GCM-128: aes256" 5004 256 Device Device
echo 0x2f >"$D1/caps"
run "caps without TX" 5005 128 Sw Device
echo 0x1f >"$D1/caps"
run "caps without RX" 5006 128 Device Sw
echo 0x3f >"$D1/caps"

# table of one context per direction, taken by a long flow: the second
# flow falls back and completes; the first is still offloaded and running
echo 1 >"$D1/ctx_table_size"
tls_xfer_bg 5007 $((1 << 30)) "" ""
tls_wait_live_ctx 4
sw0=$(tls_pstat $NS1 TlsTxSw)
ip netns exec $NS2 "$TOOL" -l 10.77.0.2 -p 5008 -n "$BYTES" -t 200 >"$RUNDIR/x2.srv" 2>&1 &
spid2=$!
sleep 0.3
rc=0
ip netns exec $NS1 "$TOOL" -C 10.77.0.2 -p 5008 -n "$BYTES" -t 200 >"$RUNDIR/x2.cli" 2>&1 || rc=1
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

tls_unpair
tls_wait_live_ctx 0
tls_expect "no live contexts after namespaces are gone" 0 "$(tls_live_ctx)"
rmmod tlssim && tap_ok "rmmod tlssim" || tap_fail "rmmod tlssim"
tap_done
