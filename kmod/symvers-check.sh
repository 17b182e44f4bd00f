#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fail the build when a symbol ktls.ko exports under tls.ko's name has a
# CRC other than the one the kernel's Module.symvers lists for tls.ko:
# drivers built against the kernel would then refuse to load with ktls.ko
# ("disagrees about version of symbol").
#   symvers-check.sh KTLS_MODULE_SYMVERS KERNEL_MODULE_SYMVERS
set -e
awk 'NR == FNR { if ($3 == "net/tls/tls") crc[$2] = $1; next }
     $2 in crc { n++; if (crc[$2] != $1) {
		printf "ktls: %s has CRC %s, tls.ko has %s\n", $2, $1, crc[$2]; bad = 1 } }
     END { if (!n) { print "ktls: no tls.ko symbol exported"; bad = 1 }
	   exit bad }' "$2" "$1"
