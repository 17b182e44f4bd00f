#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tlssim device basics: pair creation (generic ip-link args and the
# link_tlssim.so plugin), pairing errors, carrier following the peer, netns
# moves, ping over IPv4/IPv6, MTU limits, ethtool -i/-k/-K/-S, debugfs,
# deleting one end, deleting namespaces, unloading with live devices, and
# that namespaces and the module are released afterwards (no leaked refs).
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/net_lib.sh

# Pings 0.2 s apart instead of 1 s: every check counts replies (or their
# absence, still waited for with -W), none depends on the interval.
PING="busybox ping -i 0.2"

carrier() {	# DEV [NS] -> 1 or 0 (empty when down)
	tlssim_in "$2" cat "/sys/class/net/$1/carrier" 2>/dev/null
}

expect_fail() {	# DESC PATTERN CMD...: CMD must fail and print PATTERN
	local desc=$1 pat=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		tap_fail "$desc" "unexpectedly succeeded: $*"
	elif ! grep -q -- "$pat" <<<"$out"; then
		tap_fail "$desc" "expected '$pat', got: $out"
	else
		tap_ok "$desc"
	fi
}

cleanup() {
	ip netns del nsa 2>/dev/null
	ip netns del nsb 2>/dev/null
	ip netns del nsc 2>/dev/null
}
trap cleanup EXIT

tap_check "load tlssim.ko" tlssim_load

# --- generic creation and pairing -----------------------------------------
tap_check "create unpaired end with generic args" ip link add ta type tlssim
tap_check "unpaired end has no peer (iflink 0)" \
	test "$(cat /sys/class/net/ta/iflink)" = 0
expect_fail "link to a non-tlssim device is EINVAL" "not a tlssim device" \
	ip link add zz1 link lo type tlssim
tap_check "create peer with 'link ta'" ip link add tb link ta type tlssim
tap_check "pair is linked both ways (iflink)" \
	test "$(cat /sys/class/net/ta/iflink)" = "$(cat /sys/class/net/tb/ifindex)" -a \
	     "$(cat /sys/class/net/tb/iflink)" = "$(cat /sys/class/net/ta/ifindex)"
expect_fail "third end on a paired device is EBUSY" "already paired" \
	ip link add zz2 link ta type tlssim
tap_check "failed creations left no device" \
	 bash -c '! ip link show zz1 && ! ip link show zz2'

# --- carrier ---------------------------------------------------------------
ip link set ta up
tap_check "carrier off while the peer is down" test "$(carrier ta)" = 0
ip link set tb up
tap_check "carrier on when both are up" \
	test "$(carrier ta)" = 1 -a "$(carrier tb)" = 1
ip link set tb down
tap_check "carrier follows the peer going down" test "$(carrier ta)" = 0
ip link set tb up
tap_check "carrier back when the peer comes up" test "$(carrier ta)" = 1

# --- ethtool ---------------------------------------------------------------
tap_check "ethtool -i: driver tlssim, bus-info tlssim:<id>" \
	bash -c 'ethtool -i ta | grep -qx "driver: tlssim" &&
		 ethtool -i ta | grep -q "^bus-info: tlssim:[0-9]"'
# lines_all FMT NAME...: for every NAME a line of stdin matches the regex
# FMT with %s replaced by NAME, else print the first NAME missing.  One awk
# for all names: under TCG each grep would cost a process start.
lines_all() {
	local fmt=$1
	shift
	awk -v fmt="$fmt" -v names="$*" '
		BEGIN { n = split(names, w, " ") }
		{
			for (i = 1; i <= n; i++) {
				re = fmt
				gsub(/%s/, w[i], re)
				if ($0 ~ re)
					ok[i] = 1
			}
		}
		END { for (i = 1; i <= n; i++) if (!ok[i]) { print w[i]; exit 1 } }'
}

features_on() {
	ethtool -k ta | lines_all '^[[:space:]]*%s: on$' tls-hw-tx-offload tls-hw-rx-offload \
		rx-checksumming tx-checksum-ip-generic scatter-gather \
		tx-tcp-segmentation tx-tcp6-segmentation
}

counters_named() {
	ethtool -S ta | lines_all '^ *%s: [0-9]' wire_tx_frames wire_drop wire_reorder \
		wire_dup wire_corrupt wire_corrupt_payload rx_csum_bad rx_xdp_drop \
		tx_tls_encrypted_packets rx_tls_decrypted_packets rx_tls_err
}

tap_check "ethtool -k: TLS, checksum and TSO features on" features_on
for f in tls-hw-tx-offload tls-hw-rx-offload; do
	tap_check "ethtool -K $f off" bash -c \
		"ethtool -K ta $f off && ethtool -k ta | grep -qx '$f: off'"
	tap_check "ethtool -K $f on" bash -c \
		"ethtool -K ta $f on && ethtool -k ta | grep -qx '$f: on'"
done
tap_check "rx-checksumming off takes tls-hw-rx-offload with it" bash -c \
	"ethtool -K ta rx off; ethtool -k ta | grep -q '^tls-hw-rx-offload: off'"
tap_check "rx-checksumming on brings tls-hw-rx-offload back" bash -c \
	"ethtool -K ta rx on; ethtool -k ta | grep -qx 'tls-hw-rx-offload: on'"
tap_check "tx-checksumming off takes tls-hw-tx-offload with it" bash -c \
	"ethtool -K ta tx off; ethtool -k ta | grep -q '^tls-hw-tx-offload: off'"
tap_check "tx-checksumming on brings tls-hw-tx-offload back" bash -c \
	"ethtool -K ta tx on; ethtool -k ta | grep -qx 'tls-hw-tx-offload: on'"
tap_check "ethtool -S: wire and TLS counter names" counters_named

dir=$(tlssim_dbg ta)
tap_check "debugfs dir of ta has fault knobs and ifname" bash -c \
	"for f in loss reorder duplicate corrupt corrupt_payload seed; do
		test -f $dir/\$f || { echo \$f; exit 1; }; done;
	 test \"\$(cat $dir/ifname)\" = ta"
tap_check "debugfs seed reads back" bash -c \
	"echo 12345 > $dir/seed && test \"\$(cat $dir/seed)\" = 12345"

# --- netns moves, ping -----------------------------------------------------
ip netns add nsa
ip netns add nsb
tap_check "move ends into two namespaces" bash -c \
	"ip link set ta netns nsa && ip link set tb netns nsb"
tap_check "debugfs dir follows the device (ifname)" \
	test "$(cat "$dir/ifname")" = ta
ip -n nsa link set lo up
ip -n nsb link set lo up
ip -n nsa addr add 10.77.0.1/24 dev ta
ip -n nsa addr add fd77::1/64 dev ta nodad
ip -n nsb addr add 10.77.0.2/24 dev tb
ip -n nsb addr add fd77::2/64 dev tb nodad
ip -n nsa link set ta up
ip -n nsb link set tb up
tap_check "carrier on across namespaces" \
	test "$(carrier ta nsa)" = 1 -a "$(carrier tb nsb)" = 1
tap_check "ping IPv4 a -> b" ip netns exec nsa $PING -c 3 -W 5 10.77.0.2
tap_check "ping IPv4 b -> a" ip netns exec nsb $PING -c 3 -W 5 10.77.0.1
tap_check "ping IPv6 a -> b" ip netns exec nsa $PING -6 -c 3 -W 5 fd77::2
tap_check "ping IPv6 b -> a" ip netns exec nsb $PING -6 -c 3 -W 5 fd77::1
tap_check "rx checksums verified, none bad" bash -c \
	"test \$(ip netns exec nsb ethtool -S tb | awk '/rx_csum_bad:/{print \$2}') = 0"

# --- MTU -------------------------------------------------------------------
expect_fail "MTU 67 rejected" "" ip -n nsa link set ta mtu 67
expect_fail "MTU 9001 rejected" "" ip -n nsa link set ta mtu 9001
tap_check "MTU 68 and 9000 accepted" bash -c \
	"ip -n nsa link set ta mtu 68 && ip -n nsa link set ta mtu 9000"
# An MTU below 1280 took IPv6 off ta: put its address back.
ip -n nsa addr add fd77::1/64 dev ta nodad
tap_check "4000-byte ping dropped by a 1500-MTU receiver" bash -c \
	"! ip netns exec nsa $PING -c 2 -W 2 -s 4000 10.77.0.2"
tap_check "receiver counted rx_oversize" \
	test "$(tlssim_stat tb rx_oversize nsb)" -ge 2
ip -n nsb link set tb mtu 9000
tap_check "4000-byte ping with both MTUs at 9000" \
	ip netns exec nsa $PING -c 2 -W 5 -s 4000 10.77.0.2
tap_check "8000-byte ping IPv6 with MTU 9000" \
	ip netns exec nsb $PING -6 -c 2 -W 5 -s 8000 fd77::1

# --- deletion ---------------------------------------------------------------
tap_check "delete one end" ip -n nsb link del tb
tap_check "... and the other end is gone too" bash -c '! ip -n nsa link show ta'
tap_check "... and its debugfs dir" test ! -e "$dir"

# --- plugin ------------------------------------------------------------------
tap_check "plugin: ip link add pa type tlssim peer name pb mtu 4000" \
	env IP_LIB_DIR="$TLSSIM_IPLIB" ip link add pa mtu 3000 type tlssim peer name pb mtu 4000
tap_check "plugin: both ends exist with their own MTUs" bash -c \
	'test "$(cat /sys/class/net/pa/mtu)" = 3000 -a "$(cat /sys/class/net/pb/mtu)" = 4000'
tap_check "plugin: ends are paired" \
	test "$(cat /sys/class/net/pa/iflink)" = "$(cat /sys/class/net/pb/ifindex)"
tap_check "plugin: peer created directly in a netns" \
	env IP_LIB_DIR="$TLSSIM_IPLIB" ip link add pc type tlssim peer name pd netns nsb
tap_check "plugin: pd is in nsb, pc here" bash -c \
	'ip -n nsb link show pd >/dev/null && ip link show pc >/dev/null'
expect_fail "without the plugin, 'peer' is refused by ip" "Garbage" \
	env IP_LIB_DIR=/nonexistent ip link add pe type tlssim peer name pf
tap_check "delete plugin pair by either end" bash -c \
	'ip link del pb && ! ip link show pa 2>/dev/null'

# --- namespace deletion -------------------------------------------------------
ip link set pc netns nsa
# cleanup_net runs from a workqueue: poll (up to 10 s) for the end to go
gone_pc() {
	ip netns del nsb || return 1
	for _ in $(seq 50); do
		ip -n nsa link show pc >/dev/null 2>&1 || return 0
		sleep 0.2
	done
	return 1
}
tap_check "deleting a netns deletes the end in the other netns" gone_pc
ip netns add nsc
ip -n nsc link add sa type tlssim
ip -n nsc link add sb link sa type tlssim
ip -n nsc link set sa up
ip -n nsc link set sb up
tap_check "deleting a netns holding both ends" ip netns del nsc
ip netns del nsa

# --- unload with live devices -------------------------------------------------
ip link add ua type tlssim
ip link add ub link ua type tlssim
ip netns add nsa
ip link add uc type tlssim
ip link add ud link uc type tlssim
ip link set ud netns nsa
ip link set ua up
ip link set ub up
ip link set uc up
ip -n nsa link set ud up
ip link add ue type tlssim
tap_check "module refcount is 0 with live devices" \
	test "$(cat /sys/module/tlssim/refcnt)" = 0
tap_check "rmmod with live pairs (one across netns) and an unpaired end" rmmod tlssim
tap_check "... devices gone" bash -c \
	'! ip link show ua 2>/dev/null && ! ip -n nsa link show ud 2>/dev/null &&
	 ! ip link show ue 2>/dev/null'
tap_check "... debugfs root gone" test ! -e /sys/kernel/debug/tlssim
ip netns del nsa
deleted=$SECONDS

tap_check "no tlssim device left anywhere" \
	bash -c '! grep -q tlssim /proc/net/dev && test -z "$(ip netns list)"'
tap_check "reload tlssim.ko" tlssim_load
tap_check "final unload" rmmod tlssim

# A device reference left behind would block the netns cleanup and make
# netdev_wait_allrefs() complain after 10 s: wait 12 s from the last
# deletion, the reload and unload above included.
sleep $((12 - (SECONDS - deleted) > 0 ? 12 - (SECONDS - deleted) : 0))
tap_check "no 'waiting for ... to become free' in dmesg (no leaked refs)" \
	bash -c '! dmesg | grep -q "unregister_netdevice: waiting"'
tap_done
