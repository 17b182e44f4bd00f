#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tlssim against independent TLS peers, for each provider of
# $TLSSIM_PROVIDERS (tls.ko, ktls.ko) in one boot.  The client (tsa)
# offloads; its device-encrypted records are decrypted by userspace OpenSSL
# reading the raw TCP stream (which also checks that no plaintext travels
# on the wire) and by kTLS software; records encrypted by OpenSSL and by
# kTLS software are decrypted by its device.  TLS 1.2 and TLS 1.3,
# AES-GCM-128/256, byte-exact both ways, $TLSSIM_PEER_BYTES (1 MiB) each.
# TLS 1.3 on tls.ko: the client stays in software (tls.ko refuses a TLS 1.3
# device offload), checked as such, and must still interoperate.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/tls_lib.sh

SMALL=${TLSSIM_PEER_BYTES:-1048576}

ctx_tsa() {
	echo $(( $(tls_ctr $NS1 tsa rx_tls_ctx) + $(tls_ctr $NS1 tsa tx_tls_ctx) ))
}

ctx_tsb() {
	echo $(( $(tls_ctr $NS2 tsb rx_tls_ctx) + $(tls_ctr $NS2 tsb tx_tls_ctx) ))
}

# peer_run TAG PORT "SERVER ARGS" "CLIENT ARGS" MODE: the client must run
# TX and RX in MODE (Device: its device en- and decrypted the flow; Sw:
# its device took no context)
peer_run() {
	local tag=$1 port=$2 sargs=$3 cargs=$4 mode=$5 e0 d0 c0 tx0 rx0

	e0=$(tls_ctr $NS1 tsa tx_tls_encrypted_packets)
	d0=$(tls_ctr $NS1 tsa rx_tls_decrypted_packets)
	c0=$(ctx_tsa)
	tx0=$(tls_pstat $NS1 "TlsTx$mode")
	rx0=$(tls_pstat $NS1 "TlsRx$mode")
	if tls_xfer "$port" "$SMALL" "$sargs" "$cargs"; then
		tap_ok "$tag: $SMALL bytes each way byte-exact"
	else
		tap_fail "$tag: $SMALL bytes each way byte-exact"
	fi
	tls_expect "$tag: client TX in $mode" $((tx0 + 1)) "$(tls_pstat $NS1 "TlsTx$mode")"
	tls_expect "$tag: client RX in $mode" $((rx0 + 1)) "$(tls_pstat $NS1 "TlsRx$mode")"
	if [ "$mode" = Sw ]; then
		tls_expect "$tag: client device took no TLS context" "$c0" "$(ctx_tsa)"
		return
	fi
	tls_expect "$tag: client device encrypted for the peer" "gt:$((e0 + 100))" \
		"$(tls_ctr $NS1 tsa tx_tls_encrypted_packets)"
	tls_expect "$tag: client device decrypted the peer's records" "gt:$((d0 + 100))" \
		"$(tls_ctr $NS1 tsa rx_tls_decrypted_packets)"
}

checks() {
	local v ver mode k sw0 c0 port=5010

	tls_pair || { tap_fail "create tlssim pair in two namespaces"; return; }
	tap_ok "tlssim pair in two namespaces"
	for v in 12 13; do
		ver="tls1.${v#1}"
		mode=Device
		[ "$v" = 13 ] && mode=$(tls_v13_dev)
		# client TX -> userspace OpenSSL over raw TCP (wire bytes checked
		# for plaintext), and OpenSSL -> client RX
		for k in 128 256; do
			peer_run "$ver aes$k: client ($mode) with OpenSSL" $port \
				"-k $k -V $v -T raw -R raw" "-k $k -V $v" "$mode"
			port=$((port + 1))
		done
		# client TX -> kTLS software RX, kTLS software TX -> client RX
		k=128
		[ "$v" = 13 ] && k=256
		tls_nsx $NS2 ethtool -K tsb tls-hw-rx-offload off tls-hw-tx-offload off
		c0=$(ctx_tsb)
		sw0=$(tls_pstat $NS2 TlsRxSw)
		peer_run "$ver aes$k: client ($mode) with kTLS SW" $port \
			"-k $k -V $v" "-k $k -V $v" "$mode"
		port=$((port + 1))
		tls_expect "$ver aes$k: server used kTLS SW RX" "$((sw0 + 1))" \
			"$(tls_pstat $NS2 TlsRxSw)"
		tls_expect "$ver aes$k: server device took no TLS context" "$c0" "$(ctx_tsb)"
		tls_nsx $NS2 ethtool -K tsb tls-hw-rx-offload on tls-hw-tx-offload on
	done

	tls_finish
}

tls_tool_path || { tap_fail "build tls_tool"; tap_done; exit 1; }
tls_each_provider checks
tap_done
