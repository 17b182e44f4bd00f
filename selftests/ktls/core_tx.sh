#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktls core: software TX records checked by an independent implementation.
# core_txcheck sends through ktls (send, MSG_MORE, MSG_EOR, iovecs,
# sendfile, splice, TLS_SET_RECORD_TYPE, TLS_TX_MAX_PAYLOAD_LEN) and decrypts
# the raw TCP stream with OpenSSL, checking every byte, record size, type and
# sequence number. The sender overwrites its buffer after every send, so a
# record that kept referencing user memory past the call would be caught. Runs inside a guest (selftests/vm/vm-run).
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/tap.sh
. selftests/lib/provider.sh	# KTLS_KO: this kernel's build

RUNDIR=${RUNDIR:-$(mktemp -d)}
# built on the host by selftests/Makefile; make rebuilds it here if stale
BIN=${O:-$PWD/build}/ktls/core_txcheck
make -s -C selftests O="${O:-$PWD/build}" "$BIN" || {
	tap_fail "build core_txcheck"; tap_done; }
tap_check "insmod ktls.ko" insmod "$KTLS_KO"

tx() {
	local desc=$1
	shift
	tap_check "$desc" timeout 60 "$BIN" "$@"
}

for v in 12 13; do
	for c in gcm128 gcm256 ccm chacha; do
		tx "TLS$v $c send 5000-byte chunks" -V $v -c $c -m send -s 5000 -n 120000
		tx "TLS$v $c send 40000-byte chunks (split at 16384)" -V $v -c $c -m send -s 40000 -n 120000
		tx "TLS$v $c MSG_MORE packs full records" -V $v -c $c -m more -s 3000 -n 120000
		tx "TLS$v $c MSG_MORE 5000-byte sends, buffer reused after each" \
			-V $v -c $c -m more -s 5000 -n 120000
		tx "TLS$v $c sendmsg of 40000 bytes in odd-sized iovecs" \
			-V $v -c $c -m iov -s 40000 -n 200000
		tx "TLS$v $c MSG_EOR closes the record" -V $v -c $c -m eor -s 2000 -n 60000
		tx "TLS$v $c sendfile" -V $v -c $c -m sendfile -s 100000 -n 120000
		tx "TLS$v $c splice" -V $v -c $c -m splice -s 7000 -n 60000
		tx "TLS$v $c send + splice + 97-byte splices packed into full records" \
			-V $v -c $c -m mixed -s 5000 -n 90000
		tx "TLS$v $c TLS_SET_RECORD_TYPE records" -V $v -c $c -m ctrl -s 1000 -n 30000
	done
done
tx "TLS13 rec_seq with high bytes set" -V 13 -c gcm128 -m more -s 3 -n 6 -q 0x33
tx "TLS12 rec_seq with high bytes set" -V 12 -c gcm128 -m send -s 3000 -n 30000 -q 0xfe
tx "TLS13 TLS_TX_MAX_PAYLOAD_LEN 100" -V 13 -m send -s 5000 -n 50000 -L 100
tx "TLS12 TLS_TX_MAX_PAYLOAD_LEN 64 with MSG_MORE" -V 12 -m more -s 333 -n 50000 -L 64
tx "TLS13 TLS_TX_MAX_PAYLOAD_LEN 63 sendfile" -V 13 -m sendfile -s 50000 -n 50000 -L 63
tx "TLS12 1 MiB sendfile" -V 12 -m sendfile -s 1048576 -n 1048576

refs=none
for i in $(seq 1 50); do
	{ read -r refs </sys/module/ktls/refcnt; } 2>/dev/null
	[ "$refs" = 0 ] && break
	sleep 0.2
done
tap_check "module refcount back to 0" test "$refs" = 0
tap_check "no live TX contexts" awk '$1 == "TlsCurrTxSw" && $2 != 0 { exit 1 }' /proc/net/tls_stat
tap_check "rmmod ktls" rmmod ktls
tap_done
