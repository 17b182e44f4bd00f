#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktls.ko's live mode switch (TLS_TX_MODE / TLS_RX_MODE, issue 13) on a
# tlssim pair, TLS 1.2 and 1.3: a 64 MiB flow whose sender switches its TX
# between software and the device $NSW times mid-stream while the receiver
# switches its RX as often. Each flow runs three ways: ktls to ktls, ktls
# TX to a userspace OpenSSL receiver (every record on the wire decrypts
# with consecutive record numbers) and an OpenSSL sender to ktls RX. The
# first TX switch starts from the software path (tls_tool -0:
# net.ktls.device_enable is 0 while the key is set), the rest toggle. Checked: byte-exact, every
# switch done, the Ktls*SwitchTo* counters, the device encrypting and
# decrypting again after switches, the errnos of tls_mode_errs, and the
# automatic move to software of a device TX flow retransmitting too much.
# ktls.ko only: tls.ko has no such option.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/tls_lib.sh

# ktls to ktls: $BYTES; the flows with an OpenSSL end: $OBYTES (OpenSSL
# under emulation is the slow part, and the wire checks need no more)
BYTES=${TLSSIM_MODE_BYTES:-67108864}
OBYTES=${TLSSIM_MODE_OPENSSL_BYTES:-8388608}
NSW=${TLSSIM_MODE_SWITCHES:-10}
TLSSIM_PROVIDERS=ktls

# flow TAG PORT "SERVER ARGS" "CLIENT ARGS" TXSW RXSW: the client sends,
# the server receives; TXSW/RXSW: switches the client's TX / the server's
# RX must report (0 when that end is OpenSSL)
flow() {
	local tag=$1 port=$2 sargs=$3 cargs=$4 txsw=$5 rxsw=$6 n=${7:-$BYTES} line
	local tsd0 tdv0 rsd0 rdv0 enc0 dec0

	tsd0=$(tls_pstat $NS1 KtlsTxSwitchToSw)
	tdv0=$(tls_pstat $NS1 KtlsTxSwitchToDevice)
	rsd0=$(tls_pstat $NS2 KtlsRxSwitchToSw)
	rdv0=$(tls_pstat $NS2 KtlsRxSwitchToDevice)
	enc0=$(tls_ctr $NS1 tsa tx_tls_encrypted_packets)
	dec0=$(tls_ctr $NS2 tsb rx_tls_decrypted_packets)
	tls_xfer_bg "$port" "$n" "$sargs" "$cargs"
	if tls_xfer_wait; then
		tap_ok "$tag: $n bytes byte-exact across the switches"
	else
		tap_fail "$tag: $n bytes byte-exact across the switches"
	fi
	line=$(grep -h "switches" "$RUNDIR/xfer.cli")
	[ "$txsw" != 0 ] && tls_expect "$tag: client TX switched $txsw times" \
		"tx $txsw" "$(echo "$line" | grep -o "tx [0-9]*" | head -1)" &&
		tls_expect "$tag: TX switches to device / to software" \
			"$((tdv0 + (txsw + 1) / 2)) $((tsd0 + txsw / 2))" \
			"$(tls_pstat $NS1 KtlsTxSwitchToDevice) $(tls_pstat $NS1 KtlsTxSwitchToSw)"
	line=$(grep -h "switches" "$RUNDIR/xfer.srv")
	[ "$rxsw" != 0 ] && tls_expect "$tag: server RX switched $rxsw times" \
		"rx $rxsw" "$(echo "$line" | grep -o "rx [0-9]*" | head -1)" &&
		tls_expect "$tag: RX switches to software / to device" \
			"$((rsd0 + (rxsw + 1) / 2)) $((rdv0 + rxsw / 2))" \
			"$(tls_pstat $NS2 KtlsRxSwitchToSw) $(tls_pstat $NS2 KtlsRxSwitchToDevice)"
	[ "$txsw" != 0 ] && tls_expect "$tag: the device encrypted in its periods" \
		gt:"$enc0" "$(tls_ctr $NS1 tsa tx_tls_encrypted_packets)"
	[ "$rxsw" != 0 ] && tls_expect "$tag: the device decrypted in its periods" \
		gt:"$dec0" "$(tls_ctr $NS2 tsb rx_tls_decrypted_packets)"
	return 0
}

# errs_import FILE: tls_mode_errs's TAP lines as this suite's results
# (anything else it printed, an error before its first case, fails)
errs_import() {
	local line n=0

	while IFS= read -r line; do
		case $line in
		"ok "*) tap_ok "${line#ok * - }"; n=$((n + 1)) ;;
		"not ok "*) tap_fail "${line#not ok * - }"; n=$((n + 1)) ;;
		1..*) ;;
		*) tap_fail "tls_mode_errs: $line" ;;
		esac
	done <"$1"
	[ $n -gt 0 ] || tap_fail "tls_mode_errs ran no case"
}

# rexmit_fallback: 5 % loss on the client's wire, well past
# net.ktls.device_max_rexmit_pct (2): the client's device TX moves to
# software once, counted, and stays byte-exact; with the threshold at 0
# (never) the same flow stays on the device
rexmit_fallback() {
	local d1 f0 line

	d1=$(tls_dbg $NS1 tsa)
	echo 50000 >"$d1/loss"
	f0=$(tls_pstat $NS1 KtlsTxRexmitFallback)
	if tls_xfer 5250 "$OBYTES" "-T off -R ktls" "-T ktls -R off -S 0"; then
		tap_ok "5 % loss: $OBYTES bytes byte-exact across the fallback"
	else
		tap_fail "5 % loss: $OBYTES bytes byte-exact across the fallback"
	fi
	tls_expect "5 % loss: KtlsTxRexmitFallback rose by one" $((f0 + 1)) \
		"$(tls_pstat $NS1 KtlsTxRexmitFallback)"
	line=$(grep -h "modes" "$RUNDIR/xfer.cli")
	tls_expect "5 % loss: the client's TX ended in software" "modes tx 1" \
		"$(echo "$line" | grep -o "modes tx [0-9]*")"
	nsenter --net=/run/netns/$NS1 sysctl -qw net.ktls.device_max_rexmit_pct=0
	if tls_xfer 5251 "$OBYTES" "-T off -R ktls" "-T ktls -R off -S 0"; then
		tap_ok "5 % loss, device_max_rexmit_pct 0: byte-exact"
	else
		tap_fail "5 % loss, device_max_rexmit_pct 0: byte-exact"
	fi
	line=$(grep -h "modes" "$RUNDIR/xfer.cli")
	tls_expect "device_max_rexmit_pct 0: TX stays on the device" \
		"modes tx 2 $((f0 + 1))" \
		"$(echo "$line" | grep -o "modes tx [0-9]*") $(tls_pstat $NS1 KtlsTxRexmitFallback)"
	nsenter --net=/run/netns/$NS1 sysctl -qw net.ktls.device_max_rexmit_pct=2
	echo 0 >"$d1/loss"
}

checks() {
	local v p=5200

	tls_pair || { tap_fail "create tlssim pair in two namespaces"; return; }
	for v in 12 13; do
		flow "TLS 1.$((v - 10)) ktls to ktls" $((p++)) \
			"-V $v -T off -R ktls -S $NSW" "-V $v -T ktls -R off -S $NSW -0" \
			"$NSW" "$NSW"
		flow "TLS 1.$((v - 10)) ktls TX to OpenSSL" $((p++)) \
			"-V $v -T off -R raw" "-V $v -T ktls -R off -S $NSW -0" "$NSW" 0 "$OBYTES"
		flow "TLS 1.$((v - 10)) OpenSSL to ktls RX" $((p++)) \
			"-V $v -T off -R ktls -S $NSW" "-V $v -T raw -R off" 0 "$NSW" "$OBYTES"
	done
	rexmit_fallback

	ERRS=$(dirname "$TOOL")/tls_mode_errs
	make -s -C selftests O="$(cd "${O:-build}" && pwd)" "$ERRS" &&
		nsenter --net=/run/netns/$NS1 "$ERRS" /run/netns/$NS2 5300 >"$RUNDIR/errs.tap" 2>&1
	errs_import "$RUNDIR/errs.tap"
	tls_finish
}

tls_tool_path || { tap_fail "build tls_tool"; tap_done; exit 1; }
tls_each_provider checks
tap_done
