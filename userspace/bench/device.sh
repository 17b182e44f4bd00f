# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Device-mode figures of the benchmark, sourced by userspace/bench/run.sh:
# the same bulk transfers as the loopback figures, but from one network
# namespace to another across a tlssim pair, so that kTLS hands the
# records to the (simulated) NIC: TLS_TX and TLS_RX offloaded wherever the
# provider supports the version.  Per round, for tls.ko then ktls.ko:
#   dev-tcp         plain TCP over the pair (the cost of the wire alone)
#   dev-tls/-ktls   tx, rx, txrx for every $DEV_BULK configuration
#   dev-*-loss      the tx and rx figures of $DEV_LOSS with 1 % of the
#                   data frames dropped (tlssim's loss fault): retransmits
#                   through the device's record lookup, RX resync; and
#                   plain TCP tx under the same loss (dev-tcp-loss), what
#                   the loss costs TCP itself
# Each figure records where the kernel put the flow ("path": device,
# software or mixed) from the namespaces' tls_stat, so a provider that
# falls back to software (6.1's tls.ko for TLS 1.3) is visible, not
# mistaken for a device figure.  CPU per GiB includes tlssim's crypto
# (the simulated NIC runs on the host CPU): the dev-tcp figure is the
# wire's share, and tls.ko and ktls.ko pay the same device cost, so their
# difference is the kTLS layer's.

DEV_NS_S=bench-snd
DEV_NS_R=bench-rcv
DEV_ADDR=10.78.0.2
DEV_LOSS_PPM=${BENCH_DEV_LOSS_PPM:-10000}
DEV_MODES="tx rx txrx"
if [ "$QUICK" = 1 ]; then
	DEV_BULK=${BENCH_DEV_BULK:-"13:aes128gcm:16384 12:aes128gcm:1024"}
	DEV_LOSS=${BENCH_DEV_LOSS:-"13:aes128gcm:16384"}
else
	DEV_BULK=${BENCH_DEV_BULK:-"12:aes128gcm:16384 12:aes128gcm:1024 13:aes128gcm:16384 13:aes128gcm:1024"}
	DEV_LOSS=${BENCH_DEV_LOSS:-"12:aes128gcm:16384 13:aes128gcm:16384"}
fi

# dev_json_cfgs CONFIGS: "ver:cipher:size ..." as a JSON list of triples
dev_json_cfgs() {
	local t v c s out=

	for t in $1; do
		IFS=: read -r v c s <<<"$t"
		out+="${out:+,}[$v,\"$c\",$s]"
	done
	printf '[%s]' "$out"
}

# the device part of run.sh's plan (report.py expects these figures)
dev_plan() {
	local m modes=

	for m in $DEV_MODES; do
		modes+="${modes:+,}\"$m\""
	done
	printf '{"modes":[%s],"bulk":%s,"loss":%s,"loss_ppm":%s}' "$modes" \
		"$(dev_json_cfgs "$DEV_BULK")" "$(dev_json_cfgs "$DEV_LOSS")" "$DEV_LOSS_PPM"
}

# dev_sizes [CONFIGS]: the sizes of CONFIGS (default $DEV_BULK), largest
# first
dev_sizes() {
	local t

	for t in ${1:-$DEV_BULK}; do
		echo "${t##*:}"
	done | sort -nru
}

# dev_pair: tlssim pair bsa (10.78.0.1, sender) / bsb ($DEV_ADDR)
dev_pair() {
	ip netns add $DEV_NS_S && ip netns add $DEV_NS_R || return 1
	ip link add bsa type tlssim && ip link add bsb link bsa type tlssim || return 1
	ip link set bsa netns $DEV_NS_S && ip link set bsb netns $DEV_NS_R || return 1
	ip -n $DEV_NS_S -batch - <<-EOF || return 1
	link set lo up
	addr add 10.78.0.1/24 dev bsa
	link set bsa up
	EOF
	ip -n $DEV_NS_R -batch - <<-EOF || return 1
	link set lo up
	addr add $DEV_ADDR/24 dev bsb
	link set bsb up
	EOF
}

dev_unpair() {
	ip netns del $DEV_NS_S 2>/dev/null
	ip netns del $DEV_NS_R 2>/dev/null
	# the namespaces (and the provider's module count) go once their
	# sockets are gone; ktls_bench closes with RST, so that is quick
	tlssim_gone 10
}

# dev_loss PPM: drop PPM per million of bsa's frames (the data direction).
# The figure is the device under loss: ktls.ko's automatic move to
# software past net.ktls.device_max_rexmit_pct is off meanwhile (the
# sender's namespace; tls.ko has no such sysctl).
dev_loss() {
	local d pct=2

	for d in /sys/kernel/debug/tlssim/*/; do
		[ "$(cat "$d/ifname" 2>/dev/null)" = bsa ] && echo "$1" >"$d/loss"
	done
	[ "$1" != 0 ] && pct=0
	ip netns exec "$DEV_NS_S" sysctl -qw net.ktls.device_max_rexmit_pct=$pct \
		2>/dev/null
	return 0
}

# dev_bulk LABEL ROUND PROVIDER MODE CONFIGS
dev_bulk() {
	local label=$1 round=$2 prov=$3 m=$4 t v c s

	for t in $5; do
		IFS=: read -r v c s <<<"$t"
		one "$label" "$round" "$prov" bulk "$m" "$v" "$c" "$s" 0
	done
}

# device_figures ROUND: every device figure of one round
device_figures() {
	local r=$1 p m s

	# shellcheck disable=SC2034 # read by run.sh's one()
	BENCH_EXTRA=(--netns "/run/netns/$DEV_NS_S,/run/netns/$DEV_NS_R" --addr "$DEV_ADDR")
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
	for p in tls ktls; do
		use_provider "$p"
		if [ -z "$SKIP_REASON" ]; then
			modprobe gf128mul 2>/dev/null
			insmod "$TLSSIM_KO" 2>"$CACHE/err" ||
				SKIP_REASON="insmod tlssim failed: $(tail -n 1 "$CACHE/err")"
		fi
		if [ -z "$SKIP_REASON" ] && ! dev_pair 2>"$CACHE/err"; then
			SKIP_REASON="tlssim pair failed: $(tail -n 1 "$CACHE/err")"
		fi
		# the wire alone, measured once per round
		if [ "$p" = tls ]; then
			for s in $(dev_sizes); do
				one dev-tcp "$r" tcp bulk tx 13 aes128gcm "$s" 0
			done
		fi
		for m in $DEV_MODES; do
			dev_bulk "dev-$p" "$r" kernel "$m" "$DEV_BULK"
		done
		[ -z "$SKIP_REASON" ] && dev_loss "$DEV_LOSS_PPM"
		for m in tx rx; do
			dev_bulk "dev-$p-loss" "$r" kernel "$m" "$DEV_LOSS"
		done
		# what the same loss costs TCP alone: the yardstick of "kept"
		if [ "$p" = tls ]; then
			for s in $(dev_sizes "$DEV_LOSS"); do
				one dev-tcp-loss "$r" tcp bulk tx 13 aes128gcm "$s" 0
			done
		fi
		dev_unpair
		[ -d /sys/module/tlssim ] && rmmod tlssim
		SKIP_REASON=
		drop_provider
	done
	# shellcheck disable=SC2034
	BENCH_EXTRA=()
}
