#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tlssim TX and RX offload, against the kernel's own tls.ko:
#  1. TLS 1.2 AES-GCM-128/256 with TX and RX offloaded on both ends of a
#     tlssim pair in two namespaces, $TLSSIM_BYTES (64 MiB) each way,
#     byte-exact; tls_stat shows device offload, ethtool shows the work.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/tls_lib.sh

BYTES=${TLSSIM_BYTES:-67108864}
SMALL=${TLSSIM_SMALL_BYTES:-4194304}

tls_modules || { tap_fail "load tls, gf128mul, tlssim"; tap_done; }
tls_tool_path || { tap_fail "build tls_tool"; tap_done; }
tls_pair || { tap_fail "create tlssim pair in two namespaces"; tap_done; }
tap_ok "tlssim pair in two namespaces"

# snapshot of a counter on both devices, summed
both() {
	echo $(( $(tls_ctr $NS1 tsa "$1") + $(tls_ctr $NS2 tsb "$1") ))
}

# offloaded_run KEYBITS PORT [-6]: the full-size offloaded run of check 1
offloaded_run() {
	local k=$1 port=$2 v6=$3 enc0 dec0 decb0 curtx=0 currx=0 i v

	enc0=$(both tx_tls_encrypted_packets)
	dec0=$(both rx_tls_decrypted_packets)
	decb0=$(both rx_tls_decrypted_bytes)
	tls_xfer_bg "$port" "$BYTES" "-k $k $v6" "-k $k $v6"
	# the Curr* gauges are only non-zero while the sockets live
	for i in $(seq 1 100); do
		v=$(tls_pstat $NS1 TlsCurrTxDevice)
		[ "$v" -gt "$curtx" ] 2>/dev/null && curtx=$v
		v=$(tls_pstat $NS2 TlsCurrRxDevice)
		[ "$v" -gt "$currx" ] 2>/dev/null && currx=$v
		[ "$curtx" -ge 1 ] && [ "$currx" -ge 1 ] && break
		sleep 0.2
	done
	if tls_xfer_wait; then
		tap_ok "aes$k$v6: $BYTES bytes each way byte-exact, TX+RX offloaded"
	else
		tap_fail "aes$k$v6: $BYTES bytes each way byte-exact, TX+RX offloaded"
	fi
	# sampled: only meaningful when the transfer lasts long enough
	if [ -z "$v6" ]; then
		tls_expect "aes$k: TlsCurrTxDevice while running" 1 "$curtx"
		tls_expect "aes$k: TlsCurrRxDevice while running" 1 "$currx"
	fi
	tls_expect "aes$k$v6: device encrypted packets" "gt:$((enc0 + 1000))" \
		"$(both tx_tls_encrypted_packets)"
	tls_expect "aes$k$v6: device decrypted packets" "gt:$((dec0 + 1000))" \
		"$(both rx_tls_decrypted_packets)"
	# no faults: all but the first records (sent before the receiver
	# enabled RX offload, decrypted in software) are done by the device
	tls_expect "aes$k$v6: device decrypted > 90% of bytes" \
		"gt:$(( decb0 + 2 * BYTES * 9 / 10 ))" "$(both rx_tls_decrypted_bytes)"
	tls_expect "aes$k$v6: TlsCurrTxDevice back to 0" 0 "$(tls_pstat $NS1 TlsCurrTxDevice)"
}

offloaded_run 128 5001
offloaded_run 256 5002
BYTES=$SMALL offloaded_run 128 5003 -6

tls_expect "TlsTxDevice (client ns)" 3 "$(tls_pstat $NS1 TlsTxDevice)"
tls_expect "TlsRxDevice (server ns)" 3 "$(tls_pstat $NS2 TlsRxDevice)"
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
tap_done
