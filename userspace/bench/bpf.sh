# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# BPF steering's cost, sourced by userspace/bench/run.sh: the connection
# setup rate of ktls.ko with bpf/ktls_policy attached to the benchmark's
# cgroup (every TLS_TX/TLS_RX runs the POLICY and INSTALLED ops, every
# close the CLOSE ops, each counted in the per-CPU maps and the flow map)
# against the same rate with no program, in the same boot:
#   ktls-nobpf / ktls-bpf   setup for every $RRCFG configuration
# Within a round the two alternate which goes first, so that a drift of
# the emulated machine's speed does not favour one.

BPF_CG=/sys/fs/cgroup/bench-bpf
BPF_PROG=/sys/fs/bpf/bench_ktls_policy
BPF_PIN=/sys/fs/bpf/bench_ktls
BPF_OBJ=${BENCH_BPF_OBJ:-$top/build/bpf/ktls_policy.o}

# bpf_plan: the figures report_bpf.py expects
bpf_plan() {
	local t v c out=

	for t in $RRCFG; do
		IFS=: read -r v c <<<"$t"
		out+="${out:+,}[$v,\"$c\"]"
	done
	printf '{"setup":[%s]}' "$out"
}

# bpf_attached CMD...: run CMD with the policy attached to a cgroup the
# shell is in; back to the shell's own cgroup after
bpf_attached() {
	local home rc

	home=$(sed -n 's/^0:://p' /proc/$BASHPID/cgroup)
	mkdir -p $BPF_CG && echo $BASHPID >$BPF_CG/cgroup.procs || return 1
	bpftool cgroup attach $BPF_CG sock_ops pinned $BPF_PROG multi || return 1
	"$@"
	rc=$?
	bpftool cgroup detach $BPF_CG sock_ops pinned $BPF_PROG
	echo $BASHPID >"/sys/fs/cgroup$home/cgroup.procs"
	return $rc
}

bpf_figures() {
	local round=$1 t v c

	use_provider ktls
	if [ -z "$SKIP_REASON" ]; then
		rm -rf $BPF_PROG $BPF_PIN
		bpftool prog load "$BPF_OBJ" $BPF_PROG pinmaps $BPF_PIN 2>"$CACHE/err" ||
			SKIP_REASON="bpftool prog load $BPF_OBJ: $(tail -n 1 "$CACHE/err")"
	fi
	for t in $RRCFG; do
		IFS=: read -r v c <<<"$t"
		if [ $((round % 2)) = 1 ]; then
			one ktls-nobpf "$round" kernel setup - "$v" "$c" 0 0
			bpf_attached one ktls-bpf "$round" kernel setup - "$v" "$c" 0 0
		else
			bpf_attached one ktls-bpf "$round" kernel setup - "$v" "$c" 0 0
			one ktls-nobpf "$round" kernel setup - "$v" "$c" 0 0
		fi
	done
	rm -rf $BPF_PROG $BPF_PIN
	SKIP_REASON=
	drop_provider
}
