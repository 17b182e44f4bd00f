#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Native XDP on tlssim receive: PASS, DROP, TX, REDIRECT (to another
# tlssim end through its ndo_xdp_xmit) and ABORTED, each checked with
# ping outcomes and exact ethtool -S counts.  The programs are built from
# bpf/test/xdp_net.bpf.c by bpf/Makefile into build/bpf/test/.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/net_lib.sh

# Pings 0.2 s apart instead of 1 s: every check counts frames or replies
# (or their absence, still waited for with -W), none depends on the interval.
PING="busybox ping -i 0.2"
BPF_OUT=${O:-$PWD/build}/bpf

cleanup() {
	for n in nsa nsb nsc; do ip netns del $n 2>/dev/null; done
}
trap cleanup EXIT

obj() {	# MODE -> the program's object
	echo "$BPF_OUT/test/xdp_net.mode$1.o"
}

build() {	# MODE...: build them (make: only if stale), in one make run:
		# under TCG a make run costs seconds
	local m objs=()
	for m; do objs+=("$(obj "$m")"); done
	make -s -C bpf O="${O:-$PWD/build}" "${objs[@]}"
}

attach() {	# MODE: native XDP on tb in nsb
	ip -force -n nsb link set dev tb xdpdrv obj "$(obj "$1")" sec xdp
}

detach() {
	ip -n nsb link set dev tb xdpdrv off
}

delta() {	# DEV NS NAME BEFORE -> increase since BEFORE
	echo $(($(tlssim_stat "$1" "$3" "$2") - $4))
}

tap_check "load tlssim.ko" tlssim_load
tap_check "make the XDP programs of modes 1-5" build 1 2 3 4 5
for m in 1 2 3 4 5; do
	tap_check "build XDP program mode $m" test -s "$(obj $m)" -a "$(obj $m)" -nt bpf/test/xdp_net.bpf.c ||
		{ tap_done; exit 1; }
done
tap_check "pair ta (nsa) <-> tb (nsb)" tlssim_pair nsa nsb
# A second pair: tc (ifindex 100, in nsb) <-> td (nsc), redirect target.
ip netns add nsc
ip -n nsb link add tc index 100 type tlssim
ip -n nsb link add td link tc type tlssim
ip -n nsb link set td netns nsc
# Neither end has an address, and without IPv6 their stacks send nothing
# (no DAD, router solicitation or MLD report) that would add to the exact
# frame counts below.
ip netns exec nsb sysctl -qw net.ipv6.conf.tc.disable_ipv6=1
ip netns exec nsc sysctl -qw net.ipv6.conf.td.disable_ipv6=1
ip -n nsb link set tc up
ip -n nsc link set td up
tap_check "warm-up ping (neighbours resolved)" \
	ip netns exec nsa $PING -c 2 -W 5 10.77.0.2
q0=$(tlssim_stat td rx_wire_frames nsc)
sleep 2
tap_check "tc's stack sends nothing of its own to td" \
	test "$(delta td nsc rx_wire_frames "$q0")" = 0

# PASS
tap_check "attach native PASS program" attach 1
tap_check "ip link shows xdp (native) on tb" \
	bash -c 'ip -n nsb link show tb | grep -q "xdp "'
p0=$(tlssim_stat tb rx_xdp_pass nsb)
tap_check "ping through PASS" ip netns exec nsa $PING -c 4 -W 5 10.77.0.2
tap_check "rx_xdp_pass counted every frame (>= 4)" \
	test "$(delta tb nsb rx_xdp_pass "$p0")" -ge 4

# DROP
tap_check "replace with DROP-echo program" attach 2
d0=$(tlssim_stat tb rx_xdp_drop nsb)
tap_check "IPv4 pings dropped" bash -c \
	"! ip netns exec nsa $PING -c 3 -W 2 10.77.0.2"
tap_check "IPv6 pings dropped" bash -c \
	"! ip netns exec nsa $PING -6 -c 2 -W 2 fd77::2"
tap_check "rx_xdp_drop == 5 (3 IPv4 + 2 IPv6 requests)" \
	test "$(delta tb nsb rx_xdp_drop "$d0")" = 5
tap_check "TCP still flows under the DROP-echo program" \
	tlssim_xfer nsb 10.77.0.2 nsa $((1 << 20)) 7100

# TX: tb answers pings itself; its stack is told to ignore them.
ip netns exec nsb sysctl -qw net.ipv4.icmp_echo_ignore_all=1
detach
tap_check "stack ignores echo without XDP" bash -c \
	"! ip netns exec nsa $PING -c 2 -W 2 10.77.0.2"
tap_check "attach XDP_TX echo responder" attach 3
t0=$(tlssim_stat tb rx_xdp_tx nsb)
w0=$(tlssim_stat tb wire_tx_frames nsb)
tap_check "ping answered by XDP_TX" ip netns exec nsa $PING -c 4 -W 5 10.77.0.2
tap_check "rx_xdp_tx == 4" test "$(delta tb nsb rx_xdp_tx "$t0")" = 4
tap_check "the replies left on tb's wire" \
	test "$(delta tb nsb wire_tx_frames "$w0")" -ge 4
ip netns exec nsb sysctl -qw net.ipv4.icmp_echo_ignore_all=0

# REDIRECT to tc (ifindex 100): out of tc's wire into td in nsc.
tap_check "attach REDIRECT-echo program" attach 4
r0=$(tlssim_stat tb rx_xdp_redirect nsb)
x0=$(tlssim_stat tc tx_xdp_xmit nsb)
f0=$(tlssim_stat td rx_wire_frames nsc)
tap_check "redirected pings get no answer" bash -c \
	"! ip netns exec nsa $PING -c 3 -W 2 10.77.0.2"
tap_check "rx_xdp_redirect == 3 on tb" \
	test "$(delta tb nsb rx_xdp_redirect "$r0")" = 3
tap_check "tx_xdp_xmit == 3 on tc" test "$(delta tc nsb tx_xdp_xmit "$x0")" = 3
tap_check "the 3 frames arrived at td in nsc" \
	test "$(delta td nsc rx_wire_frames "$f0")" = 3
ip -n nsc link set td down
e0=$(tlssim_stat tc tx_xdp_xmit_err nsb)
ip netns exec nsa $PING -c 2 -W 2 10.77.0.2 >/dev/null
tap_check "redirect to a device without carrier fails cleanly" \
	test "$(delta tc nsb tx_xdp_xmit_err "$e0")" = 2

# ABORTED
tap_check "attach ABORT-echo program" attach 5
a0=$(tlssim_stat tb rx_xdp_aborted nsb)
ip netns exec nsa $PING -c 2 -W 2 10.77.0.2 >/dev/null
tap_check "rx_xdp_aborted == 2" test "$(delta tb nsb rx_xdp_aborted "$a0")" = 2

tap_check "detach XDP" detach
tap_check "ping works again" ip netns exec nsa $PING -c 2 -W 5 10.77.0.2
attach 2
tap_check "delete device with an XDP program attached" ip -n nsb link del tb
cleanup
tap_check "unload" rmmod tlssim
tap_done
