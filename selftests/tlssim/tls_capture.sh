#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tlssim wire capture, against the kernel's own tls.ko: no plaintext on the
# wire.  A native XDP program on the receiving end (tsb) sees the frames
# exactly as they were on the wire, before the device's RX TLS engine, and
# counts frames,
# TCP payload bytes and frames containing the marker that the sender's
# payload carries every 64 bytes (tls_tool -M; bpf/test/xdp_capture.bpf.c).
#  - control: the same payload over plain TCP must show the marker in
#    (nearly) every data frame, so the check can fail;
#  - TX device offload on the sender (tsa), AES-GCM-128/256, IPv4/IPv6:
#    no frame carries the marker while the capture saw at least the whole
#    transfer in payload bytes, and the device encrypted all of it.
# Every transfer is byte-exact (the receiver checks each byte).
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/tls_lib.sh

BYTES=${TLSSIM_CAPTURE_BYTES:-4194304}
PORT=5020
# built by bpf/Makefile; the program counts TCP port 5020 (its CAP_PORT)
OBJ=${O:-$PWD/build}/bpf/test/xdp_capture.o

# cap_map: id of the counter map of the attached program
cap_map() {
	bpftool prog show -j | python3 -c '
import json, sys
ids = [p["map_ids"][0] for p in json.load(sys.stdin)
       if p.get("name") == "xdp_capture" and p.get("map_ids")]
print(max(ids) if ids else "")'
}

# cap_counts: "frames payload_bytes data_frames marker_frames"
cap_counts() {
	bpftool map dump id "$CAP_MAP" -j | python3 -c '
import json, sys
v = [0] * 4
for e in json.load(sys.stdin):
    f = e.get("formatted")
    if f:
        k, x = f["key"], f["value"]
    else:
        k = int.from_bytes(bytes(int(b, 16) for b in e["key"]), "little")
        x = int.from_bytes(bytes(int(b, 16) for b in e["value"]), "little")
    v[k] = x
print(*v)'
}

# cap_run "SERVER ARGS" "CLIENT ARGS": a one-way transfer client -> server
# on $PORT; sets CAP_F CAP_B CAP_D CAP_M (increase of each counter) and
# CAP_CURTX (TlsCurrTxDevice seen in the client ns while it ran).  The
# counts before are the previous run's after ($CAP_LAST): only these
# transfers use $PORT, and a dump (bpftool, python) takes seconds under TCG.
cap_run() {
	local f0 b0 d0 m0 f1 b1 d1 m1 rc=0 v

	read -r f0 b0 d0 m0 <<<"$CAP_LAST"
	tls_xfer_bg $PORT "$BYTES" "$1" "$2"
	CAP_CURTX=0
	for _ in $(seq 1 50); do
		v=$(tls_pstat $NS1 TlsCurrTxDevice)
		[ "$v" -gt "$CAP_CURTX" ] 2>/dev/null && CAP_CURTX=$v
		[ "$CAP_CURTX" -ge 1 ] && break
		sleep 0.2
	done
	tls_xfer_wait || rc=1
	CAP_LAST=$(cap_counts)
	read -r f1 b1 d1 m1 <<<"$CAP_LAST"
	CAP_F=$((f1 - f0))
	CAP_B=$((b1 - b0))
	CAP_D=$((d1 - d0))
	CAP_M=$((m1 - m0))
	echo "# capture: $CAP_F frames, $CAP_D with payload, $CAP_B payload bytes," \
		"$CAP_M with the marker"
	return $rc
}

tls_modules || { tap_fail "load tls, gf128mul, tlssim"; tap_done; exit 1; }
tls_tool_path || { tap_fail "build tls_tool"; tap_done; exit 1; }
tap_check "build the XDP capture program" make -s -C bpf O="${O:-$PWD/build}" "$OBJ" ||
	{ tap_done; exit 1; }
tls_pair || { tap_fail "create tlssim pair in two namespaces"; tap_done; exit 1; }
tap_check "attach the capture natively (xdpdrv) on tsb" \
	ip -force -n $NS2 link set dev tsb xdpdrv obj "$OBJ" sec xdp || { tap_done; exit 1; }
CAP_MAP=$(cap_map)
[ -n "$CAP_MAP" ] || { tap_fail "find the capture's map"; tap_done; exit 1; }
CAP_LAST=$(cap_counts)
tap_check "capture map readable (id $CAP_MAP)" test "$(wc -w <<<"$CAP_LAST")" = 4 ||
	{ tap_done; exit 1; }

# control: plaintext on the wire must be seen
if cap_run "-T off -R plain -M" "-T plain -R off -M"; then
	tap_ok "control: $BYTES bytes of plain TCP byte-exact"
else
	tap_fail "control: $BYTES bytes of plain TCP byte-exact"
fi
tls_expect "control: capture saw the transfer's payload bytes" "gt:$((BYTES - 1))" "$CAP_B"
tls_expect "control: marker found in wire frames" "gt:0" "$CAP_M"
tls_expect "control: marker found in > 90 % of data frames" \
	"gt:$((CAP_D * 9 / 10))" "$CAP_M"

# offload_run KEYBITS [-6]
offload_run() {
	local k=$1 v6=$2 tag="aes$1$2" enc0 encb0 txd0

	enc0=$(tls_ctr $NS1 tsa tx_tls_encrypted_packets)
	encb0=$(tls_ctr $NS1 tsa tx_tls_encrypted_bytes)
	txd0=$(tls_pstat $NS1 TlsTxDevice)
	# -w 20: 20 ms after each 64 KiB write, so the flow lives >= 1.2 s and
	# cap_run's 0.2 s sampling of TlsCurrTxDevice cannot miss it (CI once
	# saw a 4 MiB flow start and end between two samples)
	if cap_run "-T off -R ktls -M -k $k $v6" "-T ktls -R off -M -k $k $v6 -w 20"; then
		tap_ok "$tag: $BYTES bytes byte-exact, TX device offload"
	else
		tap_fail "$tag: $BYTES bytes byte-exact, TX device offload"
	fi
	tls_expect "$tag: sender used TX device offload (TlsTxDevice)" \
		$((txd0 + 1)) "$(tls_pstat $NS1 TlsTxDevice)"
	[ -z "$v6" ] && tls_expect "$tag: TlsCurrTxDevice while running" 1 "$CAP_CURTX"
	tls_expect "$tag: tx_tls_encrypted_packets rose" "gt:$((enc0 + 100))" \
		"$(tls_ctr $NS1 tsa tx_tls_encrypted_packets)"
	tls_expect "$tag: device encrypted at least the whole transfer" \
		"gt:$((encb0 + BYTES - 1))" "$(tls_ctr $NS1 tsa tx_tls_encrypted_bytes)"
	tls_expect "$tag: capture saw frames of the flow" "gt:100" "$CAP_F"
	tls_expect "$tag: capture saw >= transfer size in payload bytes" \
		"gt:$((BYTES - 1))" "$CAP_B"
	tls_expect "$tag: no wire frame carries the plaintext marker" 0 "$CAP_M"
}

offload_run 128
offload_run 256
offload_run 128 -6

tap_check "detach the capture" ip -n $NS2 link set dev tsb xdpdrv off
tls_unpair
tls_wait_live_ctx 0
tls_expect "no live contexts after namespaces are gone" 0 "$(tls_live_ctx)"
rmmod tlssim && tap_ok "rmmod tlssim" || tap_fail "rmmod tlssim"
tap_done
