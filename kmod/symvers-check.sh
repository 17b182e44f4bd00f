#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fail the build unless ktls.ko exports every symbol of tls.ko's driver
# API (the five below) with the CRC the kernel's Module.symvers lists for
# tls.ko: drivers built against the kernel would otherwise refuse to load
# with ktls.ko ("disagrees about version of symbol" or "Unknown symbol").
#   symvers-check.sh KTLS_MODULE_SYMVERS KERNEL_MODULE_SYMVERS
set -e
awk -v want="tls_get_record tls_offload_tx_resync_request tls_device_sk_destruct tls_validate_xmit_skb tls_encrypt_skb" '
     BEGIN { n = split(want, w, " ") }
     NR == FNR { if ($3 == "net/tls/tls") crc[$2] = $1; next }
     { ours[$2] = $1 }
     END {
	for (i = 1; i <= n; i++) {
		s = w[i]
		if (!(s in ours)) {
			printf "ktls: %s is not exported\n", s; bad = 1
		} else if (!(s in crc)) {
			printf "ktls: the kernel lists no tls.ko CRC for %s\n", s; bad = 1
		} else if (crc[s] != ours[s]) {
			printf "ktls: %s has CRC %s, tls.ko has %s\n", s, ours[s], crc[s]; bad = 1
		}
	}
	exit bad }' "$2" "$1"
