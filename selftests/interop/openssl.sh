#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# OpenSSL 3.0 interop: one side hands its keys to the kernel's "tls" ULP
# (SSL_OP_ENABLE_KTLS, confirmed by BIO_get_ktls_send/recv and by the
# kernel's own TLS_TX/TLS_RX getsockopt), the peer is userspace OpenSSL.
# Every byte is checked against the seeded stream and by SHA-256 on both
# ends; /proc/net/tls_stat must move by exactly the sockets configured.
#
# Provider: KTLS_PROVIDER=tls (kernel's tls.ko, default) or ktls (ktls.ko).
# INTEROP_BYTES (default 16M) sets the payload per direction.
#
# What OpenSSL 3.0 offloads (see userspace/ktls_interop.c): TLS 1.2 TX+RX
# for AES-128/256-GCM, CHACHA20-POLY1305, AES-128-CCM; TLS 1.3 TX only for
# AES-128/256-GCM and CHACHA20-POLY1305 (3.0 never installs a TLS 1.3 RX
# key, and refuses TLS 1.3 CCM); TLS 1.3 RX is covered with --manual-rx.
set -u
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/lib/provider.sh
. selftests/interop/lib.sh

# 16 MiB each way is 1024 full records per direction and cipher, far past
# the socket buffers, so every case also runs under back-pressure. The
# suite checks that two implementations agree on every record; long
# streams are the subject of ktls-rx-bigxfer and tlssim-soak. 64M, as
# before, took most of the suite's time in a guest without KVM.
BYTES=${INTEROP_BYTES:-16M}
interop_setup

# run_pair DESC TX RX [BYTES] -- TOOL-ARGS...
#   TX/RX: how many kernel TLS_TX/TLS_RX sockets the run must configure.
#   The tool's output is left in $PAIR_OUT, its RESULT fields in RES.
PAIR_OUT=$INTEROP_WORK/pair.out
run_pair() {
	local desc=$1 etx=$2 erx=$3 rc why= role c
	local tx=0 rx=0
	local -A s0 s1
	shift 3
	want_case "$desc" || return 0
	stat_read s0
	"$INTEROP_TOOL" pair "${CERTS[@]}" --require-ktls "$@" >"$PAIR_OUT" 2>&1
	rc=$?
	stat_read s1
	results_read "$PAIR_OUT"
	[ $rc -eq 0 ] || why+="tool exit $rc; "
	for role in server client; do
		[ "${RES[$role.status]:-}" = ok ] ||
			why+="no ok RESULT from $role; "
		tx=$((tx + ${RES[$role.ktls_tx]:-0}))
		rx=$((rx + ${RES[$role.ktls_rx]:-0}))
	done
	[ "${RES[server.sent_sha256]:-}" = "${RES[client.recv_sha256]:-}" ] ||
		why+="server->client SHA-256 differs; "
	[ "${RES[client.sent_sha256]:-}" = "${RES[server.recv_sha256]:-}" ] ||
		why+="client->server SHA-256 differs; "
	[ $tx -eq "$etx" ] || why+="kTLS TX on $tx sockets, want $etx; "
	[ $rx -eq "$erx" ] || why+="kTLS RX on $rx sockets, want $erx; "
	c=$((${s1[TlsTxSw]:-0} - ${s0[TlsTxSw]:-0}))
	[ "$c" -eq "$etx" ] || why+="TlsTxSw moved by $c, want $etx; "
	c=$((${s1[TlsRxSw]:-0} - ${s0[TlsRxSw]:-0}))
	[ "$c" -eq "$erx" ] || why+="TlsRxSw moved by $c, want $erx; "
	c=$((${s1[TlsDecryptError]:-0} - ${s0[TlsDecryptError]:-0}))
	[ "$c" -eq 0 ] || why+="TlsDecryptError moved by $c; "
	for c in TlsCurrTxSw TlsCurrRxSw; do
		[ "${s1[$c]:-0}" -eq "${s0[$c]:-0}" ] ||
			why+="$c not back after close; "
	done
	if [ -z "$why" ]; then
		tap_ok "$desc"
		diag_transfer "$PAIR_OUT"
		return 0
	fi
	tap_fail "$desc" "$why"
	tail -n 30 "$PAIR_OUT" | tap_diag
	return 1
}

# run_sendfile DESC TX RX FILE -- TOOL-ARGS...: as run_pair, and the
# receiver's SHA-256 must be the file's.
run_sendfile() {
	local desc=$1 file=$4 want got
	want_case "$desc" || return 0
	want=$(sha256sum "$file")
	want=${want%% *}
	if run_pair "$desc" "$2" "$3" --sendfile "$file" "${@:5}"; then
		got=${RES[client.recv_sha256]:-}
		if [ "$got" = "$want" ] &&
		   grep -q '(sendfile)' "$PAIR_OUT"; then
			tap_ok "$desc: received SHA-256 is the file's"
		else
			tap_fail "$desc: received SHA-256 is the file's" \
				"file $want, received $got"
		fi
	fi
}

# TLS 1.2: the kernel side both sends and receives (TX and RX offloaded).
for c in ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-AES256-GCM-SHA384 \
	 ECDHE-RSA-CHACHA20-POLY1305 ECDHE-ECDSA-AES128-CCM; do
	run_pair "tls1.2 $c kernel server tx+rx $BYTES each way" 1 1 \
		--tls 1.2 --cipher $c --bytes "$BYTES" --direction both
done

# TLS 1.3: OpenSSL 3.0 offloads TX only.
for c in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 \
	 TLS_CHACHA20_POLY1305_SHA256; do
	run_pair "tls1.3 $c kernel server tx $BYTES" 1 0 \
		--tls 1.3 --cipher $c --bytes "$BYTES" --direction tx
done

# The kernel on the client side (keys installed at another handshake step),
# and kernel on both ends, including the userspace read path of a TLS 1.3
# socket that has only TLS_TX.
run_pair "tls1.2 AES256-GCM kernel client tx+rx 8M" 1 1 \
	--tls 1.2 --cipher ECDHE-RSA-AES256-GCM-SHA384 --bytes 8M \
	--kernel-side client
run_pair "tls1.3 CHACHA20 kernel client tx+userspace rx 8M" 1 0 \
	--tls 1.3 --cipher TLS_CHACHA20_POLY1305_SHA256 --bytes 8M \
	--kernel-side client
run_pair "tls1.2 CHACHA20 kernel on both ends 8M" 2 2 \
	--tls 1.2 --cipher ECDHE-RSA-CHACHA20-POLY1305 --bytes 8M \
	--kernel-side both
run_pair "tls1.3 AES128-GCM kernel on both ends 8M" 2 0 \
	--tls 1.3 --cipher TLS_AES_128_GCM_SHA256 --bytes 8M \
	--kernel-side both

# TLS 1.3 kernel receive: OpenSSL 3.0 never installs it, so ktls_interop
# --manual-rx derives the peer's traffic key (key log secret, HKDF) and sets
# TLS_RX itself, then reads with recvmsg and the record-type cmsg; a kernel
# client also receives the server's NewSessionTickets as control records.
for c in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 \
	 TLS_CHACHA20_POLY1305_SHA256; do
	run_pair "tls1.3 $c kernel server tx+rx (manual TLS_RX) 8M each way" \
		1 1 --tls 1.3 --cipher $c --bytes 8M --manual-rx
done
run_pair "tls1.3 AES128-CCM kernel server rx (manual TLS_RX) 8M" 0 1 \
	--tls 1.3 --cipher TLS_AES_128_CCM_SHA256 --bytes 8M --manual-rx \
	--direction rx
run_pair "tls1.3 AES256-GCM kernel client tx+rx (manual TLS_RX, tickets) 8M" \
	1 1 --tls 1.3 --cipher TLS_AES_256_GCM_SHA384 --bytes 8M --manual-rx \
	--kernel-side client

# OpenSSL 3.0 keeps TLS 1.3 CCM in userspace: the table above is exact.
run_pair "tls1.3 AES128-CCM stays in userspace (OpenSSL 3.0)" 0 0 \
	--tls 1.3 --cipher TLS_AES_128_CCM_SHA256 --bytes 1M

# sendfile through the kernel's TX path (SSL_sendfile) from tmpfs.
sf=$INTEROP_WORK/sendfile.bin
if want_case sendfile; then
	head -c 32M /dev/urandom >"$sf"
	run_sendfile "sendfile tls1.2 AES128-GCM 32M file" 1 1 "$sf" \
		--tls 1.2 --cipher ECDHE-RSA-AES128-GCM-SHA256 --direction tx
	run_sendfile "sendfile tls1.3 AES256-GCM 32M file" 1 0 "$sf" \
		--tls 1.3 --cipher TLS_AES_256_GCM_SHA384 --direction tx
	rm -f "$sf"
fi

tap_check "provider ${KTLS_PROVIDER:-tls} unloads after the suite" \
	provider_unload
tap_done
