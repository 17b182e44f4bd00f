#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tlssim TX resync request path, for each provider of $TLSSIM_PROVIDERS
# (tls.ko, ktls.ko) in one boot.  Mid-flow
# the debugfs knob tx_resync_next makes the sender's device (tsa) drop its
# TX stream state N times; each time it calls tls_offload_tx_resync_request
# and keeps encrypting from the kernel's record list until tls_device
# answers with tls_dev_resync(TX) at the next record it pushes.  Checked:
# the driver's request and resync counters rise by exactly N, the kernel's
# own trace events show the request and the resync it sent, the context is
# back "sync" in debugfs, encrypted packets keep rising afterwards, nothing
# is dropped and the transfer is byte-exact while an independent receiver
# decrypts every record: userspace OpenSSL, kTLS software, the device RX.
# The trace events are tls.ko's own: with a provider without them (ktls.ko)
# those two checks are skipped, the counters still count every resync.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/tls_lib.sh

BYTES=${TLSSIM_TXRESYNC_BYTES:-4194304}
TRACE=/sys/kernel/debug/tracing
# The writer pauses $PAUSE ms after each 64 KiB until $GO exists: the flow
# lasts as long as the resyncs, which the kernel answers at the writer's
# next record, take to be done and checked (context state, counters still
# rising) while it runs, even when ethtool takes seconds under TCG; then
# the checks create $GO and the rest of the flow goes at full speed.
PAUSE=${TLSSIM_TXRESYNC_PAUSE_MS:-250}
GO=$RUNDIR/txresync.go

ctr() {
	tls_ctr $NS1 tsa "$1"
}

# wait_ctr NAME MIN: up to 120 s for counter NAME to reach MIN, while the
# writer runs (when it is gone, say because its flow was never offloaded,
# nothing will move the counter any more)
wait_ctr() {
	for _ in $(seq 1 600); do
		[ "$(ctr "$1")" -ge "$2" ] && return 0
		kill -0 "$XFER_CPID" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}


# txresync_run TAG N "SERVER ARGS" "CLIENT ARGS"
txresync_run() {
	local tag=$1 n=$2 req0 res0 enc0 ooo0 drop0 encmid state

	req0=$(ctr tx_tls_resync_req)
	res0=$(ctr tx_tls_resync)
	enc0=$(ctr tx_tls_encrypted_packets)
	ooo0=$(ctr tx_tls_ooo)
	drop0=$(ctr tx_tls_drop_no_sync_data)
	[ $HAVE_TRACE = 1 ] && echo >$TRACE/trace
	rm -f "$GO"
	tls_xfer_bg 5030 "$BYTES" "-T off $3" "-R off -w $PAUSE -g $GO $4"
	# mid-flow: once the device is encrypting
	wait_ctr tx_tls_encrypted_packets $((enc0 + 50)) ||
		tap_fail "$tag: device started encrypting"
	echo "$n" >"$D1/tx_resync_next"
	if wait_ctr tx_tls_resync $((res0 + n)); then
		tap_ok "$tag: the kernel answered $n forced TX resync requests"
	else
		tap_fail "$tag: the kernel answered $n forced TX resync requests" \
			"req $(ctr tx_tls_resync_req) resync $(ctr tx_tls_resync)"
	fi
	encmid=$(ctr tx_tls_encrypted_packets)
	state=$(awk '$1 == "tx" { print $NF }' "$D1/contexts")
	touch "$GO"
	if tls_xfer_wait; then
		tap_ok "$tag: $BYTES bytes byte-exact across the resyncs"
	else
		tap_fail "$tag: $BYTES bytes byte-exact across the resyncs"
	fi
	tls_expect "$tag: knob consumed" 0 "$(cat "$D1/tx_resync_next")"
	tls_expect "$tag: tx_tls_resync_req rose by $n" $((req0 + n)) "$(ctr tx_tls_resync_req)"
	tls_expect "$tag: tx_tls_resync (tls_dev_resync TX) rose by $n" $((res0 + n)) \
		"$(ctr tx_tls_resync)"
	tls_expect "$tag: TX context back in sync after the resyncs" sync "$state"
	tls_expect "$tag: encrypted packets kept rising after the resyncs" "gt:$encmid" \
		"$(ctr tx_tls_encrypted_packets)"
	tls_expect "$tag: segments rebuilt from the record list meanwhile (tx_tls_ooo)" \
		"gt:$ooo0" "$(ctr tx_tls_ooo)"
	tls_expect "$tag: nothing dropped (tx_tls_drop_no_sync_data)" "$drop0" \
		"$(ctr tx_tls_drop_no_sync_data)"
	if [ $HAVE_TRACE = 1 ]; then
		tls_expect "$tag: kernel trace: tls_device_tx_resync_req events" "$n" \
			"$(grep -c 'tls_device_tx_resync_req:' $TRACE/trace)"
		tls_expect "$tag: kernel trace: tls_device_tx_resync_send events" "$n" \
			"$(grep -c 'tls_device_tx_resync_send:' $TRACE/trace)"
	else
		tap_skip "$tag: kernel trace events" "no tls trace events ($TLS_P)"
	fi
}

checks() {
	local sw0 dec0

	tls_pair || { tap_fail "create tlssim pair in two namespaces"; return; }
	D1=$(tls_dbg $NS1 tsa)
	# the provider's tls trace events, when it has them
	HAVE_TRACE=0
	if [ -d $TRACE/events/tls/tls_device_tx_resync_send ]; then
		echo 1 >$TRACE/events/tls/tls_device_tx_resync_req/enable &&
		echo 1 >$TRACE/events/tls/tls_device_tx_resync_send/enable && HAVE_TRACE=1
	fi

	# userspace OpenSSL decrypts the device's records
	txresync_run "aes128, OpenSSL receiver" 3 "-R raw" "-T ktls"
	# kTLS software receiver
	tls_nsx $NS2 ethtool -K tsb tls-hw-rx-offload off
	sw0=$(tls_pstat $NS2 TlsRxSw)
	txresync_run "aes256, kTLS SW receiver" 2 "-R ktls -k 256" "-T ktls -k 256"
	tls_expect "server used kTLS SW RX" $((sw0 + 1)) "$(tls_pstat $NS2 TlsRxSw)"
	tls_nsx $NS2 ethtool -K tsb tls-hw-rx-offload on
	# the device RX of the peer
	dec0=$(tls_ctr $NS2 tsb rx_tls_decrypted_packets)
	txresync_run "aes128, device RX receiver" 4 "-R ktls" "-T ktls"
	tls_expect "peer device decrypted the records" "gt:$((dec0 + 100))" \
		"$(tls_ctr $NS2 tsb rx_tls_decrypted_packets)"

	# disabled before the provider (the events' owner) may go
	if [ $HAVE_TRACE = 1 ]; then
		echo 0 >$TRACE/events/tls/tls_device_tx_resync_req/enable
		echo 0 >$TRACE/events/tls/tls_device_tx_resync_send/enable
	fi
	tls_finish
}

tls_tool_path || { tap_fail "build tls_tool"; tap_done; exit 1; }
tls_each_provider checks
tap_done
