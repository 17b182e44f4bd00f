# SPDX-License-Identifier: GPL-2.0
# Helpers for tlssim suites (sourced, not a suite).  Needs selftests/lib/tap.sh.
#
#   tlssim_load                  load the TLS provider (provider.sh) and
#                                insmod $TLSSIM_KO (once)
#   tlssim_pair NS_A NS_B [MTU]  pair "ta" (in NS_A) <-> "tb" (in NS_B), made
#                                with generic ip-link args, both up, with
#                                10.77.0.1/24 fd77::1/64 on ta and .2/::2 on tb
#   tlssim_dbg DEV [NS]          debugfs dir of DEV: /sys/kernel/debug/tlssim/<id>
#                                (<id> from ethtool -i bus-info "tlssim:<id>")
#   tlssim_stat DEV NAME [NS]    one ethtool -S counter
#   tlssim_xfer NS_RX ADDR NS_TX BYTES [PORT]
#                                checksummed TCP transfer NS_TX -> ADDR in NS_RX,
#                                succeeds iff both ends saw the same bytes

TLSSIM_TOP=${TLSSIM_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TLSSIM_XFER="python3 $TLSSIM_TOP/selftests/lib/xfer.py"
TLSSIM_IPLIB=${TLSSIM_IPLIB:-$TLSSIM_TOP/build/iproute2}
. "$TLSSIM_TOP/selftests/lib/provider.sh"	# KTLS_KO, TLSSIM_KO
: "${RUNDIR:=$(mktemp -d)}"

tlssim_load() {
	[ -d /sys/module/tlssim ] && return 0
	# tlssim.ko links against the TLS provider's exports (tls_get_record...)
	# and gf128mul; insmod does not resolve dependencies.
	provider_load || return 1
	modprobe gf128mul 2>/dev/null
	insmod "$TLSSIM_KO"
}

tlssim_in() {	# NS CMD...: run CMD in NS ("" = current netns)
	local ns=$1
	shift
	if [ -n "$ns" ]; then ip netns exec "$ns" "$@"; else "$@"; fi
}

tlssim_pair() {
	local a=$1 b=$2 mtu=${3:-1500}
	ip netns add "$a" 2>/dev/null
	ip netns add "$b" 2>/dev/null
	ip link add ta type tlssim || return 1
	ip link add tb link ta type tlssim || return 1
	ip link set ta netns "$a" mtu "$mtu" || return 1
	ip link set tb netns "$b" mtu "$mtu" || return 1
	ip -n "$a" addr add 10.77.0.1/24 dev ta
	ip -n "$a" addr add fd77::1/64 dev ta nodad
	ip -n "$b" addr add 10.77.0.2/24 dev tb
	ip -n "$b" addr add fd77::2/64 dev tb nodad
	ip -n "$a" link set lo up
	ip -n "$b" link set lo up
	ip -n "$a" link set ta up
	ip -n "$b" link set tb up
}

tlssim_dbg() {
	local id
	id=$(tlssim_in "$2" ethtool -i "$1" | sed -n 's/^bus-info: tlssim://p')
	[ -n "$id" ] && echo "/sys/kernel/debug/tlssim/$id"
}

# nsenter switches only the network namespace, which is all ethtool needs;
# ip netns exec also builds a mount namespace with a sysfs of its own,
# three times the cost of a counter read under emulation.
tlssim_stat() {
	if [ -n "$3" ]; then nsenter --net="/run/netns/$3" ethtool -S "$1"; else ethtool -S "$1"; fi |
		awk -v k="$2:" '$1 == k { print $2; f = 1 } END { exit !f }'
}

tlssim_xfer() {
	local nsrx=$1 addr=$2 nstx=$3 bytes=$4 port=${5:-7000}
	local out=$RUNDIR/xfer.$$.$port rx tx
	rm -f "$out.ready"
	tlssim_in "$nsrx" $TLSSIM_XFER recv --host "$addr" --port "$port" \
		--timeout "${XFER_TIMEOUT:-120}" --ready "$out.ready" >"$out.rx" &
	local pid=$!
	for _ in $(seq 100); do [ -e "$out.ready" ] && break; sleep 0.1; done
	tlssim_in "$nstx" $TLSSIM_XFER send --host "$addr" --port "$port" \
		--bytes "$bytes" --timeout "${XFER_TIMEOUT:-120}" >"$out.tx"
	local txrc=$?
	wait $pid
	local rxrc=$?
	rx=$(cat "$out.rx")
	tx=$(cat "$out.tx")
	echo "tx: $tx (rc $txrc)"
	echo "rx: $rx (rc $rxrc)"
	[ $txrc -eq 0 ] && [ $rxrc -eq 0 ] && [ -n "$tx" ] && [ "$tx" = "$rx" ]
}
