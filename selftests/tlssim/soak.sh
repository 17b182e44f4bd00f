#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Soak: many concurrent kTLS flows (ktls.ko, software mode) over a tlssim
# pair whose wires lose, reorder, duplicate and corrupt 1 % of frames each
# way, for SOAK_MINUTES (make soak MINUTES=; make check runs 1). Both TLS
# versions and four ciphers, TLS 1.3 flows rekeying every few MiB, every
# byte checked end to end (soak_flow.c); then the counters must agree with
# what the flows did, and no context or socket may be left.
#   SOAK_MINUTES  length (default 3)   SOAK_FLOWS  flows (default 16)
#   SOAK_DEVICE=1 leave the pair's TLS offload on, so that ktls.ko hands
#                 the flows it can to the device (make check runs the
#                 software flows: device flows stall at their end, a
#                 tlssim bug, README "Open bug (tlssim)")
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/lib/provider.sh
. selftests/tlssim/tls_lib.sh

MIN=${SOAK_MINUTES:-3}
FLOWS=${SOAK_FLOWS:-16}
SECS=$((MIN * 60))
O=${O:-build}
SOAK=$O/selftests/tlssim/soak_flow
# built on the host by selftests/Makefile; make rebuilds it if stale
make -s -C selftests O="$(cd "$O" && pwd)" "$(cd "$O" && pwd)/selftests/tlssim/soak_flow" ||
	{ tap_fail "build soak_flow"; tap_done; exit 1; }
SOAK=$(cd "$O" && pwd)/selftests/tlssim/soak_flow
provider_load ktls || { tap_fail "load ktls.ko"; tap_done; exit 1; }
modprobe gf128mul 2>/dev/null
insmod "$TLSSIM_KO" || { tap_fail "load tlssim.ko with ktls.ko"; tap_done; exit 1; }
tls_pair || { tap_fail "tlssim pair in two namespaces"; tap_done; exit 1; }
if [ "${SOAK_DEVICE:-0}" != 1 ]; then
	# software mode: ktls.ko finds no offload on the route
	tls_nsx $NS1 ethtool -K tsa tls-hw-tx-offload off tls-hw-rx-offload off &&
	tls_nsx $NS2 ethtool -K tsb tls-hw-tx-offload off tls-hw-rx-offload off ||
		{ tap_fail "tlssim offload off"; tap_done; exit 1; }
fi
D1=$(tls_dbg $NS1 tsa)
D2=$(tls_dbg $NS2 tsb)
for d in "$D1" "$D2"; do
	for k in loss reorder duplicate corrupt; do
		echo 10000 >"$d/$k"
	done
done
drop0=$(( $(tls_ctr $NS1 tsa wire_drop) + $(tls_ctr $NS2 tsb wire_drop) ))

nsenter --net=/run/netns/$NS2 "$SOAK" -l 10.77.0.2 -p 7100 -F "$FLOWS" -t "$SECS" \
	>"$RUNDIR/soak.srv" 2>&1 &
spid=$!
sleep 0.5
nsenter --net=/run/netns/$NS1 "$SOAK" -c 10.77.0.2 -p 7100 -F "$FLOWS" -t "$SECS" \
	>"$RUNDIR/soak.cli" 2>&1
crc=$?
wait $spid
src=$?
cli=$(tail -n 1 "$RUNDIR/soak.cli")
srv=$(tail -n 1 "$RUNDIR/soak.srv")
echo "# $cli"
echo "# $srv"
if [ $crc = 0 ] && [ $src = 0 ]; then
	tap_ok "$FLOWS flows for $MIN min under 1 % loss/reorder/dup/corrupt: byte-exact both ways"
else
	tap_fail "$FLOWS flows for $MIN min byte-exact both ways" \
		"$(cat "$RUNDIR/soak.cli" "$RUNDIR/soak.srv" | tail -n 20)"
fi

# field N of a soak_flow totals line
field() { awk -v n="$2" '{ gsub(/,/, ""); for (i = 1; i < NF; i++) if ($(i + 1) == n) { print $i; exit } }' <<<"$1"; }
csent=$(field "$cli" bytes); ssent=$(field "$srv" bytes)
tls_expect "client's bytes all checked by the server" "$csent" \
	"$(awk '{ for (i = 1; i <= NF; i++) if ($i == "received") print $(i - 2) }' <<<"$srv")"
tls_expect "server's bytes all checked by the client" "$ssent" \
	"$(awk '{ for (i = 1; i <= NF; i++) if ($i == "received") print $(i - 2) }' <<<"$cli")"
crk=$(field "$cli" rekeys); srk=$(field "$srv" rekeys)
tls_expect "client TX rekeys counted (TlsTxRekeyOk)" "$crk" "$(tls_pstat $NS1 TlsTxRekeyOk)"
tls_expect "server TX rekeys counted (TlsTxRekeyOk)" "$srk" "$(tls_pstat $NS2 TlsTxRekeyOk)"
tls_expect "client RX rekeys = server TX rekeys (TlsRxRekeyOk)" "$srk" "$(tls_pstat $NS1 TlsRxRekeyOk)"
tls_expect "server RX rekeys = client TX rekeys (TlsRxRekeyOk)" "$crk" "$(tls_pstat $NS2 TlsRxRekeyOk)"
tls_expect "KeyUpdates seen = rekeys (TlsRxRekeyReceived)" "$((crk + srk))" \
	"$(( $(tls_pstat $NS1 TlsRxRekeyReceived) + $(tls_pstat $NS2 TlsRxRekeyReceived) ))"
tls_expect "no decrypt error (TlsDecryptError)" 0 \
	"$(( $(tls_pstat $NS1 TlsDecryptError) + $(tls_pstat $NS2 TlsDecryptError) ))"
# both ends' counter NAME, summed
pboth() { echo $(( $(tls_pstat $NS1 "$1") + $(tls_pstat $NS2 "$1") )); }
sw=$(( $(pboth TlsTxSw) + $(pboth TlsRxSw) ))
dev=$(( $(pboth TlsTxDevice) + $(pboth TlsRxDevice) ))
if [ "${SOAK_DEVICE:-0}" = 1 ]; then
	tls_expect "every flow counted as TX and RX, software or device" "$((4 * FLOWS))" \
		"$((sw + dev))"
else
	tls_expect "every flow counted as TX and RX software (TlsTxSw + TlsRxSw)" "$((4 * FLOWS))" "$sw"
	tls_expect "no flow on the device (TlsTxDevice + TlsRxDevice)" 0 "$dev"
fi
tls_expect "the wires dropped frames (wire_drop)" "gt:$drop0" \
	"$(( $(tls_ctr $NS1 tsa wire_drop) + $(tls_ctr $NS2 tsb wire_drop) ))"
for ns in $NS1 $NS2; do
	tls_expect "$ns: no kTLS socket left (TlsCurr{Tx,Rx}{Sw,Device})" 0 \
		"$(( $(tls_pstat $ns TlsCurrTxSw) + $(tls_pstat $ns TlsCurrRxSw) +
		    $(tls_pstat $ns TlsCurrTxDevice) + $(tls_pstat $ns TlsCurrRxDevice) ))"
done
tls_unpair
rmmod tlssim && tap_ok "rmmod tlssim" || tap_fail "rmmod tlssim"
sleep 1
rmmod ktls && tap_ok "rmmod ktls (no reference left)" || tap_fail "rmmod ktls"
tap_done
