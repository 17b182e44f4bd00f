#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Device TX beyond tls.ko (ktls.ko only): TLS 1.3 AES-GCM-128/256 TX
# offloaded to tlssim when the device accepts it, software when its caps
# refuse it, and TLS 1.3 rekeys of a device flow (TX moves to software at
# the first one; every record, before and after, byte-exact). The receiver
# is userspace OpenSSL on the raw TCP stream (tls_dev13), independent of
# the kernel's RX.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/tls_lib.sh

BYTES=${TLSSIM_SMALL_BYTES:-4194304}
[ "${KTLS_PROVIDER:-tls}" = ktls ] || { tap_skip "TLS 1.3 device TX" "tls.ko has none"; tap_done; }
tls_modules || { tap_fail "load ktls, gf128mul, tlssim"; tap_done; }
o=$(cd "${O:-build}" && pwd)
DEV13=$o/selftests/tlssim/tls_dev13
make -s -C selftests O="$o" "$DEV13" || { tap_fail "build tls_dev13"; tap_done; }
tls_pair || { tap_fail "create tlssim pair in two namespaces"; tap_done; }
D1=$(tls_dbg $NS1 tsa)

# run DESC PORT MODE(Device|Sw) ARGS...: a transfer client (NS1) -> server
run() {
	local desc=$1 port=$2 mode=$3 n0 rc=0
	shift 3

	n0=$(tls_pstat $NS1 "TlsTx$mode")
	nsenter --net=/run/netns/$NS2 "$DEV13" -l 10.77.0.2 -p "$port" -n "$BYTES" -t 240 "$@" \
		>"$RUNDIR/d13.srv" 2>&1 &
	local spid=$!
	sleep 0.3
	nsenter --net=/run/netns/$NS1 "$DEV13" -C 10.77.0.2 -p "$port" -n "$BYTES" -t 240 "$@" \
		>"$RUNDIR/d13.cli" 2>&1 || rc=1
	wait $spid || rc=1
	if [ $rc = 0 ]; then
		tap_ok "$desc: byte-exact ($(cat "$RUNDIR/d13.srv"))"
	else
		tap_fail "$desc: byte-exact" "$(cat "$RUNDIR/d13.srv" "$RUNDIR/d13.cli")"
	fi
	tls_expect "$desc: TX is $mode" "$((n0 + 1))" "$(tls_pstat $NS1 "TlsTx$mode")"
}

enc0=$(tls_ctr $NS1 tsa tx_tls_encrypted_packets)
run "TLS 1.3 aes128" 5100 Device -V 13 -k 128
tls_expect "TLS 1.3 aes128: device encrypted packets" "gt:$((enc0 + 100))" \
	"$(tls_ctr $NS1 tsa tx_tls_encrypted_packets)"
run "TLS 1.3 aes256" 5101 Device -V 13 -k 256
run "TLS 1.2 aes128 (same tool)" 5102 Device -V 12 -k 128

echo 0x33 >"$D1/caps"
run "caps without TLS 1.3: software" 5103 Sw -V 13 -k 128
echo 0x3f >"$D1/caps"

ok0=$(tls_pstat $NS1 TlsTxRekeyOk)
del0=$(tls_ctr $NS1 tsa tx_tls_del)
run "TLS 1.3 rekey every 256 KiB" 5104 Device -V 13 -k 128 -r 262144
tls_expect "rekey: TlsTxRekeyOk" "$((ok0 + BYTES / 262144 - 1))" "$(tls_pstat $NS1 TlsTxRekeyOk)"
tls_wait_live_ctx 0
tls_expect "rekey: device TX context deleted" "$((del0 + 1))" "$(tls_ctr $NS1 tsa tx_tls_del)"
tls_expect "TlsCurrTxDevice back to 0" 0 "$(tls_pstat $NS1 TlsCurrTxDevice)"

tls_tool_path || { tap_fail "build tls_tool"; tap_done; }
del0=$(tls_ctr $NS1 tsa tx_tls_del)
tls_xfer_bg 5106 16777216 "-w 20" "-w 50"
tls_wait_live_ctx 2
tls_expect "down/up: both TX directions offloaded" 2 "$(tls_live_ctx)"
ip -n $NS1 link set tsa down
tls_expect "down: tsa's TX context deleted" 1 "$(tls_live_ctx)"
tls_expect "down: tx_tls_del on tsa" $((del0 + 1)) "$(tls_ctr $NS1 tsa tx_tls_del)"
sleep 1
ip -n $NS1 link set tsa up
if tls_xfer_wait; then
	tap_ok "down/up: live flow finished byte-exact (TX in software)"
else
	tap_fail "down/up: live flow finished byte-exact (TX in software)"
fi
tls_wait_live_ctx 0
tls_expect "down/up: TlsCurrTxDevice back to 0" 0 "$(tls_pstat $NS1 TlsCurrTxDevice)"

tls_unpair
tls_wait_live_ctx 0
tls_expect "no live contexts after namespaces are gone" 0 "$(tls_live_ctx)"
rmmod tlssim && tap_ok "rmmod tlssim" || tap_fail "rmmod tlssim"
tap_done
