#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tlssim under wire faults, for each provider of $TLSSIM_PROVIDERS (tls.ko,
# ktls.ko) in one boot: 1 % loss and 1 % reordering on both wires (NET's
# debugfs knobs), TX and RX offloaded on both ends.
# Transfers stay byte-exact, TX out-of-order handling and RX resync (both
# the driver-request and the async protocol, the latter with a response
# delay) are exercised, and the device still decrypts most bytes: the
# fraction is printed and must be above 50 %.  Last, payload corruption
# with a fixed-up TCP checksum must surface as a TLS error, never as wrong
# data (the device never marks an unauthenticated record decrypted).
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/tls_lib.sh

BYTES=${TLSSIM_FAULT_BYTES:-2097152}
# a ceiling: the reader stops at the first corrupted record
CORRUPT_BYTES=${TLSSIM_CORRUPT_BYTES:-4194304}

both() {
	echo $(( $(tls_ctr $NS1 tsa "$1") + $(tls_ctr $NS2 tsb "$1") ))
}

faults() {
	local d

	for d in "$D1" "$D2"; do
		echo "$1" >"$d/loss"
		echo "$2" >"$d/reorder"
		echo "$3" >"$d/corrupt_payload"
	done
}

# lossy_run MODE DELAY PORT KEYBITS
lossy_run() {
	local mode=$1 delay=$2 port=$3 k=$4 ooo0 res0 dec0 rs0 pct decb enc0
	local tag="$mode resync, delay $delay, aes$k"

	echo "$mode" >"$D1/resync_mode"
	echo "$mode" >"$D2/resync_mode"
	echo "$delay" >"$D1/resync_delay"
	echo "$delay" >"$D2/resync_delay"
	ooo0=$(both tx_tls_ooo)
	enc0=$(both tx_tls_encrypted_packets)
	res0=$(both rx_tls_resync_res_ok)
	dec0=$(both rx_tls_decrypted_bytes)
	rs0=$(( $(tls_pstat $NS1 TlsRxDeviceResync) + $(tls_pstat $NS2 TlsRxDeviceResync) ))
	if tls_xfer "$port" "$BYTES" "-k $k" "-k $k"; then
		tap_ok "$tag: $BYTES bytes each way byte-exact under loss+reorder"
	else
		tap_fail "$tag: $BYTES bytes each way byte-exact under loss+reorder"
	fi
	tls_expect "$tag: devices encrypted the flows" "gt:$((enc0 + 1000))" \
		"$(both tx_tls_encrypted_packets)"
	tls_expect "$tag: tx_tls_ooo rose" "gt:$ooo0" "$(both tx_tls_ooo)"
	tls_expect "$tag: rx_tls_resync_res_ok rose" "gt:$res0" "$(both rx_tls_resync_res_ok)"
	tls_expect "$tag: TlsRxDeviceResync rose" "gt:$rs0" \
		"$(( $(tls_pstat $NS1 TlsRxDeviceResync) + $(tls_pstat $NS2 TlsRxDeviceResync) ))"
	# the writer's records are all 16 KiB (64 KiB writes), so the share
	# of bytes is the share of records the device decrypted
	decb=$(( $(both rx_tls_decrypted_bytes) - dec0 ))
	pct=$(( decb * 100 / (2 * BYTES) ))
	echo "# ${TLS_PFX}$tag: device decrypted $decb of $((2 * BYTES)) bytes ($pct %)"
	# The async protocol answers late by design (delay 2 frames), and how
	# many records go by before the answer depends on timing: measured
	# 39, 81, 85 % with tls.ko and 74, 86, 88 % with ktls.ko (three CI
	# runs, both kernels).  Its floor is 25 %, still far from the few
	# percent of a device that never resyncs; the driver protocol's 50 %.
	local floor=50

	[ "$mode" = async ] && floor=25
	tls_expect "$tag: device-decrypted fraction above $floor %" "gt:$floor" "$pct"
}

checks() {
	tls_pair || { tap_fail "create tlssim pair in two namespaces"; return; }
	D1=$(tls_dbg $NS1 tsa)
	D2=$(tls_dbg $NS2 tsb)
	lossy
	corrupted
	tls_finish
}

lossy() {
	local ns

	# ktls.ko moves a device TX flow retransmitting more than
	# net.ktls.device_max_rexmit_pct (2) of its segments to software; 1 %
	# loss plus 1 % reordering crosses that on some runs (seen on 6.12:
	# 314 device-encrypted packets in a run, not thousands).  The check
	# here is resync on the device, so both ends keep it; tls_mode.sh
	# tests the fallback itself.
	if [ "$TLS_P" = ktls ]; then
		for ns in $NS1 $NS2; do
			nsenter --net=/run/netns/$ns sysctl -qw net.ktls.device_max_rexmit_pct=0
		done
	fi
	echo 4242 >"$D1/seed"
	echo 4343 >"$D2/seed"
	faults 10000 10000 0
	lossy_run driver 0 5001 128
	tls_expect "driver resync: requests sent" "gt:0" "$(both rx_tls_resync_req_pkt)"
	lossy_run async 2 5002 256
	tls_expect "async resync: requests started" "gt:0" "$(both rx_tls_resync_req_start)"
	tls_expect "async resync: requests ended" "gt:0" "$(both rx_tls_resync_req_end)"
	tls_expect "TLS drops because records were gone" 0 "$(both tx_tls_drop_no_sync_data)"
	if [ "$TLS_P" = ktls ]; then
		tls_expect "device_max_rexmit_pct 0: no TX flow left the device" 0 \
			"$(( $(tls_pstat $NS1 KtlsTxRexmitFallback) + $(tls_pstat $NS2 KtlsTxRexmitFallback) ))"
	fi
}

# corrupted ciphertext (checksum fixed up, so TCP accepts it): the reader
# must get an error, never different bytes
corrupted() {
	local err0

	faults 0 0 0
	echo 3000 >"$D1/corrupt_payload"
	err0=$(tls_ctr $NS2 tsb rx_tls_err)
	# Only the reader matters, and it ends at the error.  The writer may then
	# never finish (seen on 6.12: after the reader exited, its send stayed
	# blocked until the 240 s alarm), so it is ended once the reader is done.
	tls_xfer_bg 5003 "$CORRUPT_BYTES" "" "-T ktls -R off"
	wait "$XFER_SPID"
	kill "$XFER_CPID" 2>/dev/null
	wait "$XFER_CPID"
	if grep -q "Bad message" "$RUNDIR/xfer.srv" && ! grep -q mismatch "$RUNDIR/xfer.srv"; then
		tap_ok "corrupted record: reader gets EBADMSG, never wrong data"
	else
		tap_fail "corrupted record: reader gets EBADMSG, never wrong data" \
			"$(cat "$RUNDIR/xfer.srv")"
	fi
	tls_expect "corrupted record: device saw the bad tag (rx_tls_err)" "gt:$err0" \
		"$(tls_ctr $NS2 tsb rx_tls_err)"
	faults 0 0 0
}

tls_tool_path || { tap_fail "build tls_tool"; tap_done; exit 1; }
tls_each_provider checks
tap_done
