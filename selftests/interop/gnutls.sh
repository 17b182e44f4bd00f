#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# GnuTLS interop: a second, independent TLS implementation exchanges
# checksummed data with a kernel TLS socket.
#
#  - GnuTLS in userspace against ktls_interop (OpenSSL, keys in the kernel),
#    TLS 1.2 and TLS 1.3, GnuTLS as client and as server.
#  - GnuTLS's own kTLS (its config "ktls = true") against userspace OpenSSL,
#    where GnuTLS is built with kTLS (Debian's 3.7.9 is not: skipped).
#
# Provider: KTLS_PROVIDER=tls (kernel's tls.ko, default) or ktls (ktls.ko).
set -u
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/lib/provider.sh
. selftests/interop/lib.sh

BYTES=${INTEROP_BYTES:-16M}
PEER=${GNUTLS_PEER:-userspace/gnutls_peer}
PORT=4600
interop_setup
[ -x "$PEER" ] || { tap_fail "gnutls_peer built" "$PEER missing"; tap_done; exit 1; }
D=$CERTD

# run_case DESC SERVER-CMD... -- CLIENT-CMD...
#   Runs the server in the background and the client in the foreground, and
#   checks both exit 0, both RESULT lines, the SHA-256 of each direction on
#   both ends, and that /proc/net/tls_stat moved by the kTLS flags reported.
run_case() {
	local desc=$1 srv=() cli=() rc1 rc2 why= tx=0 rx=0 c r
	local so=$INTEROP_WORK/srv.out co=$INTEROP_WORK/cli.out
	local sroles croles sr='' cr=''
	local -A s0 s1
	shift
	while [ "$1" != -- ]; do srv+=("$1"); shift; done
	shift
	cli=("$@")
	want_case "$desc" || return 0
	PORT=$((PORT + 1))
	stat_read s0
	"${srv[@]}" --port $PORT >"$so" 2>&1 &
	local pid=$!
	wait_listen $PORT $pid
	"${cli[@]}" --port $PORT >"$co" 2>&1
	rc2=$?
	wait $pid
	rc1=$?
	stat_read s1
	[ $rc1 -eq 0 ] || why+="server exit $rc1; "
	[ $rc2 -eq 0 ] || why+="client exit $rc2; "
	# each end's role as it reports it (the first RESULT line of its file)
	results_read "$so"
	sroles=("${RES_ROLES[@]}")
	sr=${sroles[0]:-}
	results_read "$co"
	croles=("${RES_ROLES[@]}")
	cr=${croles[0]:-}
	results_read "$so" "$co"
	for r in "${sroles[@]}" "${croles[@]}"; do
		[ "${RES[$r.status]:-}" = ok ] ||
			why+="no ok RESULT from $r; "
		tx=$((tx + ${RES[$r.ktls_tx]:-0}))
		rx=$((rx + ${RES[$r.ktls_rx]:-0}))
	done
	[ -n "$sr" ] && [ -n "$cr" ] || why+="missing RESULT lines; "
	if [ -n "$sr" ] && [ -n "$cr" ]; then
		[ "${RES[$sr.sent_sha256]:-}" = "${RES[$cr.recv_sha256]:-}" ] ||
			why+="server->client SHA-256 differs; "
		[ "${RES[$cr.sent_sha256]:-}" = "${RES[$sr.recv_sha256]:-}" ] ||
			why+="client->server SHA-256 differs; "
	fi
	[ $((tx + rx)) -gt 0 ] || why+="the kernel carried no records; "
	c=$((${s1[TlsTxSw]:-0} - ${s0[TlsTxSw]:-0}))
	[ "$c" -eq $tx ] || why+="TlsTxSw moved by $c, want $tx; "
	c=$((${s1[TlsRxSw]:-0} - ${s0[TlsRxSw]:-0}))
	[ "$c" -eq $rx ] || why+="TlsRxSw moved by $c, want $rx; "
	c=$((${s1[TlsDecryptError]:-0} - ${s0[TlsDecryptError]:-0}))
	[ "$c" -eq 0 ] || why+="TlsDecryptError moved by $c; "
	if [ -z "$why" ]; then
		tap_ok "$desc"
		diag_transfer "$so" "$co"
		return 0
	fi
	tap_fail "$desc" "$why"
	cat "$so" "$co" | tail -n 30 | tap_diag
}

OSSL=("$INTEROP_TOOL")
RSA=(--cert "$D/rsa.crt" --key "$D/rsa.key")
BOTHC=("${RSA[@]}" --cert "$D/ec.crt" --key "$D/ec.key")

# Kernel TLS via OpenSSL's offload, GnuTLS in userspace as the peer.
run_case "tls1.2 AES-128-GCM: kernel server (OpenSSL) <-> GnuTLS client, $BYTES each way" \
	"${OSSL[@]}" server --kernel --require-ktls=both --tls 1.2 \
		--cipher ECDHE-RSA-AES128-GCM-SHA256 --bytes "$BYTES" "${RSA[@]}" -- \
	"$PEER" client --tls 1.2 --cipher AES-128-GCM --bytes "$BYTES"
run_case "tls1.2 CHACHA20-POLY1305: GnuTLS server <-> kernel client (OpenSSL), $BYTES each way" \
	"$PEER" server --tls 1.2 --cipher CHACHA20-POLY1305 --bytes "$BYTES" \
		"${RSA[@]}" -- \
	"${OSSL[@]}" client --kernel --require-ktls=both --tls 1.2 \
		--bytes "$BYTES"
run_case "tls1.3 AES-256-GCM: kernel server TX (OpenSSL) <-> GnuTLS client, $BYTES each way" \
	"${OSSL[@]}" server --kernel --require-ktls=tx --tls 1.3 \
		--cipher TLS_AES_256_GCM_SHA384 --bytes "$BYTES" "${RSA[@]}" -- \
	"$PEER" client --tls 1.3 --cipher AES-256-GCM --bytes "$BYTES"
run_case "tls1.3 CHACHA20-POLY1305: GnuTLS server <-> kernel client TX (OpenSSL), $BYTES each way" \
	"$PEER" server --tls 1.3 --cipher CHACHA20-POLY1305 --bytes "$BYTES" \
		"${RSA[@]}" -- \
	"${OSSL[@]}" client --kernel --require-ktls=tx --tls 1.3 \
		--bytes "$BYTES"

# TLS 1.3 records encrypted by GnuTLS, decrypted by the kernel: the kernel
# client's TLS_RX is installed by ktls_interop --manual-rx (OpenSSL 3.0 does
# not), and GnuTLS's NewSessionTickets arrive as kernel control records.
run_case "tls1.3 AES-128-GCM: GnuTLS server <-> kernel client TX+RX (manual TLS_RX), $BYTES each way" \
	"$PEER" server --tls 1.3 --cipher AES-128-GCM --bytes "$BYTES" \
		"${RSA[@]}" -- \
	"${OSSL[@]}" client --kernel --require-ktls=tx --manual-rx --tls 1.3 \
		--bytes "$BYTES"

# GnuTLS as server with an ECDSA certificate and AES-128-CCM, OpenSSL's
# kernel client on the other end.
run_case "tls1.2 AES-128-CCM: GnuTLS server <-> kernel client (OpenSSL), $BYTES each way" \
	"$PEER" server --tls 1.2 --cipher AES-128-CCM --bytes "$BYTES" \
		"${BOTHC[@]}" -- \
	"${OSSL[@]}" client --kernel --require-ktls=both --tls 1.2 \
		--cipher ECDHE-ECDSA-AES128-CCM --bytes "$BYTES"

# GnuTLS's own kTLS (config "ktls = true") would put TLS 1.3 receive in the
# kernel too, but Debian builds GnuTLS 3.7.9 without --enable-ktls: probe
# once and run the case only where it is available.
gnutls_has_ktls() {
	local out=$INTEROP_WORK/probe.out pid
	"$PEER" server --kernel --tls 1.3 --bytes 1K "${RSA[@]}" --port 4599 \
		>"$out" 2>&1 &
	pid=$!
	if wait_listen 4599 $pid; then
		"${OSSL[@]}" client --tls 1.3 --bytes 1K --port 4599 >/dev/null 2>&1
	else
		kill $pid 2>/dev/null
	fi
	wait $pid
	grep -q 'ktls_tx=1' "$out"
}
if gnutls_has_ktls; then
	run_case "tls1.3 CHACHA20-POLY1305: kernel server TX+RX (GnuTLS ktls) <-> OpenSSL client, $BYTES each way" \
		"$PEER" server --kernel --require-ktls --tls 1.3 \
			--cipher CHACHA20-POLY1305 --bytes "$BYTES" "${RSA[@]}" -- \
		"${OSSL[@]}" client --tls 1.3 \
			--cipher TLS_CHACHA20_POLY1305_SHA256 --bytes "$BYTES"
else
	tap_skip "GnuTLS's own kTLS (TLS 1.3 RX in the kernel)" \
		"this GnuTLS is built without kTLS"
fi

tap_check "provider ${KTLS_PROVIDER:-tls} unloads after the suite" \
	provider_unload
tap_done
