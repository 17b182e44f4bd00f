#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tlssim TX and RX offload, for each provider of $TLSSIM_PROVIDERS (tls.ko,
# ktls.ko) in one boot:
#  1. TLS 1.2 AES-GCM-128/256 (and AES-GCM-128 over IPv6) with TX and RX
#     offloaded on both ends of a tlssim pair in two namespaces, byte-exact
#     both ways; tls_stat shows device offload, ethtool shows the work;
#  2. TLS 1.3 AES-GCM-128/256, the same transfers: ktls.ko offloads them
#     to the device; tls.ko (6.1, 6.12) refuses a TLS 1.3 device offload,
#     so there the check is that both ends stay in software, byte-exact,
#     and the device took no context.
# The long device runs move $TLSSIM_BYTES (64 MiB) each way: TLS 1.3
# AES-GCM-128 and -256 where the provider offloads TLS 1.3 (ktls.ko), else
# TLS 1.2 AES-GCM-128; every other variant $TLSSIM_VARIANT_BYTES (4 MiB).
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/tls_lib.sh

BIG=${TLSSIM_BYTES:-67108864}
VAR=${TLSSIM_VARIANT_BYTES:-4194304}
# offloaded runs: the writers pause 50 ms after each 64 KiB until $GO
# exists, created once the TlsCurr*Device gauges were seen: a short flow
# cannot start and end between two samples, then it goes at full speed
GO=$RUNDIR/offload.go

# snapshot of a counter on both devices, summed
both() {
	echo $(( $(tls_ctr $NS1 tsa "$1") + $(tls_ctr $NS2 tsb "$1") ))
}

# offloaded_run TAG PORT BYTES "ARGS" MODE: a transfer with ARGS on both
# ends; MODE is how both ends must run it: Device (offloaded, the device
# did the work) or Sw (software, the device untouched)
offloaded_run() {
	local tag=$1 port=$2 n=$3 args=$4 mode=$5 enc0 dec0 decb0 ctx0 tx0 rx0
	local curtx=0 currx=0 v

	enc0=$(both tx_tls_encrypted_packets)
	dec0=$(both rx_tls_decrypted_packets)
	decb0=$(both rx_tls_decrypted_bytes)
	ctx0=$(( $(both tx_tls_ctx) + $(both rx_tls_ctx) ))
	tx0=$(tls_pstat $NS1 "TlsTx$mode")
	rx0=$(tls_pstat $NS2 "TlsRx$mode")
	rm -f "$GO"
	if [ "$mode" = Device ]; then
		tls_xfer_bg "$port" "$n" "$args -w 50 -g $GO" "$args -w 50 -g $GO"
	else
		tls_xfer_bg "$port" "$n" "$args" "$args"
	fi
	# the Curr* gauges are only non-zero while the sockets live
	if [ "$mode" = Device ]; then
		for _ in $(seq 1 300); do
			v=$(tls_pstat $NS1 TlsCurrTxDevice)
			[ "$v" -gt "$curtx" ] 2>/dev/null && curtx=$v
			v=$(tls_pstat $NS2 TlsCurrRxDevice)
			[ "$v" -gt "$currx" ] 2>/dev/null && currx=$v
			[ "$curtx" -ge 1 ] && [ "$currx" -ge 1 ] && break
			kill -0 "$XFER_CPID" 2>/dev/null || break
			sleep 0.2
		done
		touch "$GO"
	fi
	if tls_xfer_wait; then
		tap_ok "$tag: $n bytes each way byte-exact, TX+RX $mode"
	else
		tap_fail "$tag: $n bytes each way byte-exact, TX+RX $mode"
	fi
	tls_expect "$tag: client TX in $mode (TlsTx$mode)" $((tx0 + 1)) \
		"$(tls_pstat $NS1 "TlsTx$mode")"
	tls_expect "$tag: server RX in $mode (TlsRx$mode)" $((rx0 + 1)) \
		"$(tls_pstat $NS2 "TlsRx$mode")"
	if [ "$mode" = Sw ]; then
		tls_expect "$tag: the devices took no context" "$ctx0" \
			"$(( $(both tx_tls_ctx) + $(both rx_tls_ctx) ))"
		tls_expect "$tag: the devices encrypted nothing" "$enc0" \
			"$(both tx_tls_encrypted_packets)"
		tls_expect "$tag: the devices decrypted nothing" "$dec0" \
			"$(both rx_tls_decrypted_packets)"
		return
	fi
	tls_expect "$tag: TlsCurrTxDevice while running" 1 "$curtx"
	tls_expect "$tag: TlsCurrRxDevice while running" 1 "$currx"
	tls_expect "$tag: device encrypted packets" "gt:$((enc0 + 1000))" \
		"$(both tx_tls_encrypted_packets)"
	tls_expect "$tag: device decrypted packets" "gt:$((dec0 + 1000))" \
		"$(both rx_tls_decrypted_packets)"
	# no faults: all but the first records (sent before the receiver
	# enabled RX offload, decrypted in software) are done by the device
	tls_expect "$tag: device decrypted > 90% of bytes" \
		"gt:$(( decb0 + 2 * n * 9 / 10 ))" "$(both rx_tls_decrypted_bytes)"
	tls_expect "$tag: TlsCurrTxDevice back to 0" 0 "$(tls_pstat $NS1 TlsCurrTxDevice)"
}

checks() {
	local v13 ndev b12=$BIG b13=$VAR

	tls_pair || { tap_fail "create tlssim pair in two namespaces"; return; }
	tap_ok "tlssim pair in two namespaces"
	v13=$(tls_v13_dev)
	[ "$v13" = Device ] && b12=$VAR b13=$BIG
	offloaded_run "tls1.3 aes128" 5001 "$b13" "-k 128 -V 13" "$v13"
	offloaded_run "tls1.3 aes256" 5002 "$b13" "-k 256 -V 13" "$v13"
	offloaded_run "tls1.2 aes128" 5003 "$b12" "-k 128" Device
	offloaded_run "tls1.2 aes256" 5004 "$VAR" "-k 256" Device
	offloaded_run "tls1.2 aes128 ipv6" 5005 "$VAR" "-k 128 -6" Device

	ndev=3
	[ "$v13" = Device ] && ndev=5
	tls_expect "TlsTxDevice (client ns)" $ndev "$(tls_pstat $NS1 TlsTxDevice)"
	tls_expect "TlsRxDevice (server ns)" $ndev "$(tls_pstat $NS2 TlsRxDevice)"
	# contexts are deleted when the sockets are destroyed (deferred work)
	tls_wait_live_ctx 0
	tls_expect "tx_tls_ctx == tx_tls_del" "$(tls_ctr $NS1 tsa tx_tls_ctx)" \
		"$(tls_ctr $NS1 tsa tx_tls_del)"
	tls_expect "rx_tls_ctx == rx_tls_del" "$(tls_ctr $NS2 tsb rx_tls_ctx)" \
		"$(tls_ctr $NS2 tsb rx_tls_del)"
	tls_expect "no rx_tls_err" 0 "$(both rx_tls_err)"

	tls_unpair
	tls_expect "no live contexts after namespaces are gone" 0 "$(tls_live_ctx)"
	rmmod tlssim && tap_ok "rmmod tlssim" || tap_fail "rmmod tlssim"
}

tls_tool_path || { tap_fail "build tls_tool"; tap_done; exit 1; }
tls_each_provider checks
tap_done
