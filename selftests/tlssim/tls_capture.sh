#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tlssim wire capture, for each provider of $TLSSIM_PROVIDERS (tls.ko,
# ktls.ko) in one boot: no plaintext on the wire.  A native XDP program on
# the receiving end (tsb) sees the frames exactly as they were on the wire,
# before the device's RX TLS engine, and counts frames, TCP payload bytes
# and frames containing the marker that the sender's payload carries every
# 64 bytes (tls_tool -M; bpf/test/xdp_capture.bpf.c).
#  - control: the same payload over plain TCP must show the marker in
#    (nearly) every data frame, so the check can fail;
#  - TX device offload on the sender (tsa), TLS 1.2 AES-GCM-128/256 over
#    IPv4, AES-GCM-128 over IPv6, TLS 1.3 AES-GCM-128/256: no frame carries
#    the marker while the capture saw at least the whole transfer in
#    payload bytes, and the device encrypted all of it.  TLS 1.3 on tls.ko
#    stays in software (it refuses a TLS 1.3 device offload): checked as
#    such, and the wire must be just as free of plaintext.
# Every transfer is byte-exact (the receiver checks each byte).
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/tls_lib.sh

BYTES=${TLSSIM_CAPTURE_BYTES:-2097152}
CONTROL_BYTES=${TLSSIM_CAPTURE_CONTROL_BYTES:-1048576}
PORT=5020
# the sender pauses 20 ms after each 64 KiB write until $GO exists, which
# cap_run creates once it has seen TlsCurrTxDevice (or the flow is in
# software): the 0.2 s sampling of the gauge cannot miss the flow, and the
# rest goes at full speed
GO=$RUNDIR/capture.go
# built by bpf/Makefile; the program counts TCP port 5020 (its CAP_PORT)
OBJ=${O:-$PWD/build}/bpf/test/xdp_capture.o

# bpftool's plain output read by awk: python (json) would cost seconds of
# emulated CPU per read, and the map is read after every transfer.

# cap_map: id of the counter map of the attached program (the newest)
cap_map() {
	bpftool prog show | awk '
		/^[0-9]+:/ { cur = / name xdp_capture / }
		cur { for (i = 1; i < NF; i++) if ($i == "map_ids") {
			split($(i + 1), a, ","); if (a[1] + 0 > id) id = a[1] + 0 } }
		END { if (id) print id }'
}

# cap_counts: "frames payload_bytes data_frames marker_frames"; bpftool
# prints the map formatted when it has BTF ("key": N, "value": N), else as
# little-endian hex bytes ("key: 00 00 00 00  value: 2a 00 ...")
cap_counts() {
	bpftool map dump id "$CAP_MAP" | awk '
		function hex(b,   i, v) {
			v = 0
			for (i = 1; i <= length(b); i++)
				v = v * 16 + index("0123456789abcdef", tolower(substr(b, i, 1))) - 1
			return v
		}
		/"key":/ { k = $0; gsub(/[^0-9]/, "", k); next }
		/"value":/ { x = $0; gsub(/[^0-9]/, "", x); c[k + 0] = x; n++; next }
		$1 == "key:" {
			k = 0
			for (i = 5; i >= 2; i--) k = k * 256 + hex($i)
			x = 0
			for (i = NF; i > 6; i--) x = x * 256 + hex($i)
			c[k] = x
			n++
		}
		END { if (n) printf "%.0f %.0f %.0f %.0f\n", c[0], c[1], c[2], c[3] }'
}

# cap_run BYTES "SERVER ARGS" "CLIENT ARGS" [Device]: a one-way transfer
# client -> server on $PORT; sets CAP_F CAP_B CAP_D CAP_M (increase of each
# counter) and, with Device, CAP_CURTX (TlsCurrTxDevice seen in the client
# ns while it ran).  The counts before are the previous run's after
# ($CAP_LAST): only these transfers use $PORT.
cap_run() {
	local f0 b0 d0 m0 f1 b1 d1 m1 rc=0 v

	read -r f0 b0 d0 m0 <<<"$CAP_LAST"
	rm -f "$GO"
	tls_xfer_bg $PORT "$1" "$2" "$3 -g $GO"
	CAP_CURTX=0
	if [ "$4" = Device ]; then
		for _ in $(seq 1 300); do
			v=$(tls_pstat $NS1 TlsCurrTxDevice)
			[ "$v" -gt "$CAP_CURTX" ] 2>/dev/null && CAP_CURTX=$v
			[ "$CAP_CURTX" -ge 1 ] && break
			kill -0 "$XFER_CPID" 2>/dev/null || break
			sleep 0.2
		done
	fi
	touch "$GO"
	tls_xfer_wait || rc=1
	CAP_LAST=$(cap_counts)
	read -r f1 b1 d1 m1 <<<"$CAP_LAST"
	CAP_F=$((f1 - f0))
	CAP_B=$((b1 - b0))
	CAP_D=$((d1 - d0))
	CAP_M=$((m1 - m0))
	echo "# ${TLS_PFX}capture: $CAP_F frames, $CAP_D with payload, $CAP_B payload bytes," \
		"$CAP_M with the marker"
	return $rc
}

# offload_run TAG "ARGS" MODE: TX of the sender in MODE (Device or Sw)
offload_run() {
	local tag=$1 args=$2 mode=$3 enc0 encb0 tx0

	enc0=$(tls_ctr $NS1 tsa tx_tls_encrypted_packets)
	encb0=$(tls_ctr $NS1 tsa tx_tls_encrypted_bytes)
	tx0=$(tls_pstat $NS1 "TlsTx$mode")
	if cap_run "$BYTES" "-T off -R ktls -M $args" "-T ktls -R off -M $args -w 20" "$mode"
	then
		tap_ok "$tag: $BYTES bytes byte-exact, TX $mode"
	else
		tap_fail "$tag: $BYTES bytes byte-exact, TX $mode"
	fi
	tls_expect "$tag: sender TX in $mode (TlsTx$mode)" \
		$((tx0 + 1)) "$(tls_pstat $NS1 "TlsTx$mode")"
	if [ "$mode" = Device ]; then
		case $args in *-6*) ;; *)
			tls_expect "$tag: TlsCurrTxDevice while running" 1 "$CAP_CURTX"
		esac
		tls_expect "$tag: tx_tls_encrypted_packets rose" "gt:$((enc0 + 100))" \
			"$(tls_ctr $NS1 tsa tx_tls_encrypted_packets)"
		tls_expect "$tag: device encrypted at least the whole transfer" \
			"gt:$((encb0 + BYTES - 1))" "$(tls_ctr $NS1 tsa tx_tls_encrypted_bytes)"
	else
		tls_expect "$tag: the device encrypted nothing" "$enc0" \
			"$(tls_ctr $NS1 tsa tx_tls_encrypted_packets)"
	fi
	tls_expect "$tag: capture saw frames of the flow" "gt:100" "$CAP_F"
	tls_expect "$tag: capture saw >= transfer size in payload bytes" \
		"gt:$((BYTES - 1))" "$CAP_B"
	tls_expect "$tag: no wire frame carries the plaintext marker" 0 "$CAP_M"
}

checks() {
	tls_pair || { tap_fail "create tlssim pair in two namespaces"; return; }
	tap_check "attach the capture natively (xdpdrv) on tsb" \
		ip -force -n $NS2 link set dev tsb xdpdrv obj "$OBJ" sec xdp || return
	CAP_MAP=$(cap_map)
	[ -n "$CAP_MAP" ] || { tap_fail "find the capture's map"; return; }
	CAP_LAST=$(cap_counts)
	tap_check "capture map readable (id $CAP_MAP)" test "$(wc -w <<<"$CAP_LAST")" = 4 ||
		return

	# control: plaintext on the wire must be seen
	if cap_run "$CONTROL_BYTES" "-T off -R plain -M" "-T plain -R off -M"; then
		tap_ok "control: $CONTROL_BYTES bytes of plain TCP byte-exact"
	else
		tap_fail "control: $CONTROL_BYTES bytes of plain TCP byte-exact"
	fi
	tls_expect "control: capture saw the transfer's payload bytes" \
		"gt:$((CONTROL_BYTES - 1))" "$CAP_B"
	tls_expect "control: marker found in wire frames" "gt:0" "$CAP_M"
	tls_expect "control: marker found in > 90 % of data frames" \
		"gt:$((CAP_D * 9 / 10))" "$CAP_M"

	offload_run "tls1.2 aes128" "-k 128" Device
	offload_run "tls1.2 aes256" "-k 256" Device
	offload_run "tls1.2 aes128 ipv6" "-k 128 -6" Device
	offload_run "tls1.3 aes128" "-k 128 -V 13" "$(tls_v13_dev)"
	offload_run "tls1.3 aes256" "-k 256 -V 13" "$(tls_v13_dev)"

	tap_check "detach the capture" ip -n $NS2 link set dev tsb xdpdrv off
	tls_finish
}

tls_tool_path || { tap_fail "build tls_tool"; tap_done; exit 1; }
tap_check "build the XDP capture program" make -s -C bpf O="${O:-$PWD/build}" "$OBJ" ||
	{ tap_done; exit 1; }
tls_each_provider checks
tap_done
