#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tlssim against independent TLS peers (the kernel's own tls.ko offloads).
# Device-encrypted records are decrypted by kTLS SW and by userspace OpenSSL
# reading the raw TCP stream (which also checks that no plaintext travels
# on the wire); records encrypted by OpenSSL and by kTLS SW are decrypted
# by the device.  Byte-exact both ways, $TLSSIM_SMALL_BYTES (4 MiB) each.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/tls_lib.sh

SMALL=${TLSSIM_SMALL_BYTES:-4194304}

tls_modules || { tap_fail "load tls, gf128mul, tlssim"; tap_done; }
tls_tool_path || { tap_fail "build tls_tool"; tap_done; }
tls_pair || { tap_fail "create tlssim pair in two namespaces"; tap_done; }
tap_ok "tlssim pair in two namespaces"

# --- 2. independent peers ---------------------------------------------------
for k in 128 256; do
	# device TX -> userspace OpenSSL over raw TCP (wire bytes checked for
	# plaintext), and OpenSSL -> device RX
	e0=$(tls_ctr $NS1 tsa tx_tls_encrypted_packets)
	d0=$(tls_ctr $NS1 tsa rx_tls_decrypted_packets)
	if tls_xfer 5010 "$SMALL" "-k $k -T raw -R raw" "-k $k"; then
		tap_ok "aes$k: device TX decrypted by OpenSSL, OpenSSL decrypted by device RX"
	else
		tap_fail "aes$k: device TX decrypted by OpenSSL, OpenSSL decrypted by device RX"
	fi
	tls_expect "aes$k: client device encrypted for the OpenSSL peer" "gt:$((e0 + 100))" \
		"$(tls_ctr $NS1 tsa tx_tls_encrypted_packets)"
	tls_expect "aes$k: client device decrypted OpenSSL's records" "gt:$((d0 + 100))" \
		"$(tls_ctr $NS1 tsa rx_tls_decrypted_packets)"
done

# device TX -> kTLS software RX, kTLS software TX -> device RX
both_ctx_tsb() {
	echo $(( $(tls_ctr $NS2 tsb rx_tls_ctx) + $(tls_ctr $NS2 tsb tx_tls_ctx) ))
}
ip netns exec $NS2 ethtool -K tsb tls-hw-rx-offload off tls-hw-tx-offload off
c0=$(both_ctx_tsb)
sw0=$(tls_pstat $NS2 TlsRxSw)
e0=$(tls_ctr $NS1 tsa tx_tls_encrypted_packets)
d0=$(tls_ctr $NS1 tsa rx_tls_decrypted_packets)
if tls_xfer 5011 "$SMALL" "" ""; then
	tap_ok "device TX decrypted by kTLS SW, kTLS SW decrypted by device RX"
else
	tap_fail "device TX decrypted by kTLS SW, kTLS SW decrypted by device RX"
fi
tls_expect "server used kTLS SW RX" "$((sw0 + 1))" "$(tls_pstat $NS2 TlsRxSw)"
tls_expect "client device encrypted for the SW peer" "gt:$((e0 + 100))" \
	"$(tls_ctr $NS1 tsa tx_tls_encrypted_packets)"
tls_expect "client device decrypted SW records" "gt:$((d0 + 100))" \
	"$(tls_ctr $NS1 tsa rx_tls_decrypted_packets)"
tls_expect "server device took no TLS context" "$c0" "$(both_ctx_tsb)"
ip netns exec $NS2 ethtool -K tsb tls-hw-rx-offload on tls-hw-tx-offload on


tls_unpair
tls_expect "no live contexts after namespaces are gone" 0 "$(tls_live_ctx)"
rmmod tlssim && tap_ok "rmmod tlssim" || tap_fail "rmmod tlssim"
tap_done
