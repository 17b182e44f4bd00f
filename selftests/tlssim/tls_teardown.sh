#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tlssim teardown, for each provider of $TLSSIM_PROVIDERS (tls.ko, ktls.ko)
# in one boot: live offloaded flows survive or die
# cleanly when the device goes away.  The kernel's NETDEV_DOWN handling
# (tls_device_down) must call tls_dev_del for every context; no WARN (the
# guest runs with panic_on_warn), no leaked context (the module's live
# context count returns to 0) and the module unloads.
#  - ip link set down/up under a flow: the flow continues in software and
#    stays byte-exact;
#  - ip link del, ip netns del, rmmod under live flows.
# Leaks: tlssim's contexts come from their own slab cache (tlssim_ctx):
# its objects in use must equal the live contexts while flows run and be 0
# after each scenario; rmmod destroys the cache.  /proc/meminfo Slab and
# SUnreclaim (caches dropped) are reported after each scenario and must be
# back within $TLSSIM_SLAB_TOL_KB of the start at the end.  The start is
# taken after one warm-up cycle (pair, transfer, unpair): the first netns,
# pair and kTLS socket grow SUnreclaim by ~1.1 MB of first-use caches, and
# later cycles (tlssim or veth alike) stay within a few hundred kB of that.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/tls_lib.sh

LONG=$((1 << 30))
DOWNUP_BYTES=${TLSSIM_DOWNUP_BYTES:-4194304}
SLAB_TOL_KB=${TLSSIM_SLAB_TOL_KB:-1536}
# the down/up flow's writers pause 100 ms after each 64 KiB until $GO
# exists (created once the link is up again): the flow outlives the checks
# however slow they are, then the rest goes at full speed
GO=$RUNDIR/teardown.go

# slab_zero WHAT: every context went back to the cache
slab_zero() {
	tls_wait_slab 0
	tls_expect "$1: $TLS_SLAB objects back to 0" 0 "$(tls_slab_inuse)"
	tls_slab_report "$1" "$SLAB0"
}

# start_long PORT: a flow that outlives what the test does to it
start_long() {
	tls_xfer_bg "$1" "$LONG" "" ""
	tls_wait_live_ctx 4 || tap_fail "long flow offloaded" "live $(tls_live_ctx)"
}

# stop_long: end the long flow; its sockets are reset, as a flow whose
# device is gone would otherwise linger (tls_abort_tcp)
stop_long() {
	kill "$XFER_CPID" "$XFER_SPID" 2>/dev/null
	wait "$XFER_CPID" "$XFER_SPID" 2>/dev/null
	echo "# ${TLS_PFX}TCP sockets left after the flow ended: $(tcp_left)"
	tls_abort_tcp
	tls_expect "no TCP socket left after the reset" 0 "$(tcp_left)"
}

# tcp_left: TCP sockets in the pair's namespaces, in any state
tcp_left() {
	tls_ss -t -n -H state all | wc -l
}

checks() {
	local del0 dslab dunrec

	tls_expect "slab: cache $TLS_SLAB exists (unmerged), no objects" 0 "$(tls_slab_inuse)"
	tls_pair && tls_xfer 5009 1048576 "" "" >/dev/null && tap_ok "warm-up transfer" ||
		tap_fail "warm-up transfer"
	tls_unpair
	tls_wait_live_ctx 0
	SLAB0=$(tls_slab_kb)
	echo "# ${TLS_PFX}slab at start: Slab/SUnreclaim kB: $SLAB0"

	# 1. down/up: the flow falls back to software and completes
	tls_pair || { tap_fail "pair"; return; }
	del0=$(tls_ctr $NS1 tsa tx_tls_del)
	# paced until the link is up again (see GO)
	rm -f "$GO"
	tls_xfer_bg 5000 "$DOWNUP_BYTES" "-w 100 -g $GO" "-w 100 -g $GO"
	tls_wait_live_ctx 4
	tls_expect "down/up: flow offloaded on both ends" 4 "$(tls_live_ctx)"
	tls_expect "down/up: $TLS_SLAB objects == live contexts" 4 "$(tls_slab_inuse)"
	ip -n $NS1 link set tsa down
	tls_expect "down: the kernel deleted tsa's contexts (tsb keeps its two)" 2 \
		"$(tls_live_ctx)"
	tls_expect "down: tx_tls_del on tsa" $((del0 + 1)) "$(tls_ctr $NS1 tsa tx_tls_del)"
	sleep 1
	ip -n $NS1 link set tsa up
	touch "$GO"
	if tls_xfer_wait; then
		tap_ok "down/up: flow finished byte-exact in software"
	else
		tap_fail "down/up: flow finished byte-exact in software"
	fi
	tls_expect "down/up: TlsCurrTxDevice back to 0" 0 "$(tls_pstat $NS1 TlsCurrTxDevice)"
	tls_unpair
	tls_wait_live_ctx 0
	slab_zero "down/up"

	# 2. ip link del under a live flow
	tls_pair || { tap_fail "pair"; return; }
	start_long 5001
	ip -n $NS1 link del tsa && tap_ok "link del under live flows" || tap_fail "link del"
	tls_expect "link del: no live contexts" 0 "$(tls_live_ctx)"
	stop_long
	tls_unpair
	slab_zero "link del"

	# 3. ip netns del under a live flow: the namespaces die when the last
	# process in them exits, then cleanup_net unregisters the devices
	tls_pair || { tap_fail "pair"; return; }
	start_long 5002
	tls_ns_drop	# the namespace keepers would hold them alive
	ip netns del $NS1 && ip netns del $NS2 && tap_ok "netns del under live flows" ||
		tap_fail "netns del"
	stop_long
	tls_wait_live_ctx 0
	tls_expect "netns del: no live contexts" 0 "$(tls_live_ctx)"
	tlssim_gone 10
	tls_expect "netns del: devices gone" "" "$(ls /sys/kernel/debug/tlssim/ 2>/dev/null)"
	slab_zero "netns del"

	# 4. rmmod under a live flow
	tls_pair || { tap_fail "pair"; return; }
	start_long 5003
	tls_expect "rmmod: contexts live before" 4 "$(tls_live_ctx)"
	if rmmod tlssim; then
		tap_ok "rmmod tlssim under live flows"
	else
		tap_fail "rmmod tlssim under live flows"
	fi
	tls_expect "rmmod: module gone" 0 "$(grep -c '^tlssim ' /proc/modules)"
	tls_expect "rmmod: cache $TLS_SLAB destroyed" absent "$(tls_slab_inuse)"
	tls_expect "rmmod: /sys/kernel/slab/$TLS_SLAB gone" no \
		"$([ -e /sys/kernel/slab/$TLS_SLAB ] && echo yes || echo no)"
	stop_long
	tls_unpair
	tls_expect "tls_stat TlsCurrTxDevice back to 0 after the sockets closed" 0 \
		"$(awk '$1 == "TlsCurrTxDevice" { print $2 }' /proc/net/tls_stat)"

	# and it loads again, and works
	tls_modules && tls_pair && tls_xfer 5004 1048576 "" "" && tap_ok "reload and transfer" ||
		tap_fail "reload and transfer"
	tls_unpair
	tls_wait_live_ctx 0
	slab_zero "reload and transfer"
	rmmod tlssim && tap_ok "final rmmod" || tap_fail "final rmmod"
	tls_expect "final rmmod: cache $TLS_SLAB destroyed" absent "$(tls_slab_inuse)"
	tls_slab_report "everything" "$SLAB0"
	read -r dslab dunrec <<<"$TLS_SLAB_DELTA"
	tls_expect "meminfo Slab back within $SLAB_TOL_KB kB of the start" yes \
		"$([ "$dslab" -le "$SLAB_TOL_KB" ] && echo yes || echo "no, +$dslab kB")"
	tls_expect "meminfo SUnreclaim back within $SLAB_TOL_KB kB of the start" yes \
		"$([ "$dunrec" -le "$SLAB_TOL_KB" ] && echo yes || echo "no, +$dunrec kB")"
}

tls_tool_path || { tap_fail "build tls_tool"; tap_done; exit 1; }
tls_each_provider checks
tap_done
