# SPDX-License-Identifier: GPL-2.0
# Helpers for the tlssim TLS suites (sourced after selftests/lib/tap.sh).
# Two namespaces $NS1/$NS2 joined by a tlssim pair tsa (in NS1, 10.77.0.1,
# fd77::1) and tsb (in NS2, 10.77.0.2, fd77::2).

. selftests/lib/provider.sh	# TLSSIM_KO: this kernel's tlssim.ko
NS1=tlsA
NS2=tlsB
TOOL=${RUNDIR:-/tmp}/tls_tool

# --- providers -------------------------------------------------------------
# Every suite runs its checks once per provider of TLSSIM_PROVIDERS ("tls"
# for the kernel's tls.ko, "ktls" for ktls.ko; default both; spaces or
# commas between them), in one boot.
# KTLS_PROVIDER alone (the older way to choose) still picks a single one.
TLSSIM_PROVIDERS=${TLSSIM_PROVIDERS:-${KTLS_PROVIDER:-tls ktls}}
TLS_P=		# the provider the checks now run against
# shellcheck disable=SC2034	# read by the tap_* wrappers (made by eval)
TLS_PFX=	# "tls: " or "ktls: ", in front of every TAP name

# TAP names carry the provider: tap.sh's reporting functions are renamed
# tls__tap_*, and tap_* put $TLS_PFX in front of the name (tap_check
# reports through them too).
for f in tap_ok tap_fail tap_skip tap_xfail; do
	eval "tls__$f() $(declare -f $f | tail -n +2)"
	eval "$f() { local d=\$1; shift; tls__$f \"\$TLS_PFX\$d\" \"\$@\"; }"
done
unset f

# tls_modules [PROVIDER]: tlssim.ko bound to PROVIDER (default $TLS_P, else
# KTLS_PROVIDER, else tls).  tlssim links against the provider's exports,
# so a switch takes tlssim out first, then the old provider: its module
# count drops as the sockets of the last checks are destroyed (deferred
# work after the namespaces are gone), so the unload is retried for 10 s.
tls_modules() {
	local want=${1:-${TLS_P:-${KTLS_PROVIDER:-tls}}} cur

	cur=$(provider_loaded)
	if [ -d /sys/module/tlssim ] && [ "$cur" = "$want" ]; then
		return 0
	fi
	if [ -d /sys/module/tlssim ]; then
		rmmod tlssim || return 1
	fi
	if [ -n "$cur" ] && [ "$cur" != "$want" ]; then
		for _ in $(seq 1 50); do
			provider_unload 2>/dev/null && break
			sleep 0.2
		done
		[ -z "$(provider_loaded)" ] || {
			echo "tls_modules: $cur still in use:" \
				"$(grep "^$cur " /proc/modules)" >&2
			return 1
		}
	fi
	provider_load "$want" || return 1
	modprobe gf128mul 2>/dev/null
	insmod "$TLSSIM_KO" || return 1
}

# tls_stop_jobs: end the suite's background processes (flows left running
# by a failed check) and wait for them
tls_stop_jobs() {
	local j

	j=$(jobs -p)
	[ -z "$j" ] && return 0
	# shellcheck disable=SC2086
	kill $j 2>/dev/null
	# shellcheck disable=SC2086
	wait $j 2>/dev/null
	return 0
}

# tls_each_provider FUNC [ARGS]: for each provider of $TLSSIM_PROVIDERS,
# load it with tlssim, then run FUNC (the suite's checks, which build and
# remove their own pair).  Between providers every flow is ended and the
# namespaces are removed, so that no socket holds the old provider.
tls_each_provider() {
	local p

	for p in ${TLSSIM_PROVIDERS//,/ }; do
		TLS_P=$p
		TLS_PFX="$p: "
		# in the kernel log too: where each provider's part starts
		echo "tlssim suite: checks against $p" >/dev/kmsg 2>/dev/null
		if tls_modules "$p"; then
			"$@"
		else
			tap_fail "load $p, gf128mul, tlssim"
		fi
		tls_stop_jobs
		tls_unpair
	done
	echo "tlssim suite: checks done" >/dev/kmsg 2>/dev/null
	TLS_P=
	TLS_PFX=
}

# tls_v13_dev: "Device" when the provider offloads TLS 1.3 to a device
# (ktls.ko), "Sw" when it keeps TLS 1.3 in software (tls.ko of 6.1 and
# 6.12 refuse a TLS 1.3 device offload: tls_set_device_offload{,_rx}
# return EOPNOTSUPP and the socket stays in software)
tls_v13_dev() {
	if [ "$TLS_P" = ktls ]; then echo Device; else echo Sw; fi
}


# tls_ns_add: the namespaces $NS1 and $NS2, each with its keeper (below)
tls_ns_add() {
	ip netns add $NS1 && ip netns add $NS2 || return 1
	tls_ns_keep $NS1 && tls_ns_keep $NS2
}

# tls_side NS DEV N MTU: DEV in NS up with MTU, 10.77.0.N/24 and fd77::N,
# and NS's loopback up, in one ip run (each exec costs a tenth of a second
# emulated)
tls_side() {
	ip -n "$1" -batch - <<-EOF
	link set $2 mtu $4 up
	addr add 10.77.0.$3/24 dev $2
	addr add fd77::$3/64 dev $2 nodad
	link set lo up
	EOF
}

# tls_pair [MTU]
tls_pair() {
	local mtu=${1:-1500}

	tls_ns_add || return 1
	ip link add tsa type tlssim || return 1
	ip link add tsb link tsa type tlssim || return 1
	ip link set tsa netns $NS1 && ip link set tsb netns $NS2 || return 1
	tls_side $NS1 tsa 1 "$mtu"
	tls_side $NS2 tsb 2 "$mtu"
}

# tls_ss ARGS...: ss ARGS in each of the pair's namespaces that still
# exists, one output after the other
tls_ss() {
	local ns

	for ns in $NS1 $NS2; do
		[ -e "/run/netns/$ns" ] || continue
		nsenter --net="/run/netns/$ns" ss "$@"
	done
}

# tls_abort_tcp: reset every TCP socket left in the pair's namespaces
# (ss -K, CONFIG_INET_DIAG_DESTROY).  A flow whose device vanished under
# it (link del, rmmod) cannot finish its close: the sender is orphaned in
# FIN_WAIT1 with unsent data and no route, retrying for about 100 s, and
# holds a reference on the provider's module and on its namespace all that
# time, so the next provider switch found tls.ko still in use.
tls_abort_tcp() {
	tls_ss -K -t -n -H state all >/dev/null 2>&1
	return 0
}

# tls_unpair: delete the namespaces and wait (up to 10 s) until the
# kernel has really dismantled them (tlssim_gone).  Going on earlier, an
# rmmod of tlssim took the devices away from sockets still finishing
# their close (LAST_ACK, FIN_WAIT): with no route left they retried for
# about 100 s, holding the provider's module, and the next provider
# switch found tls.ko in use.
tls_unpair() {
	tls_ns_drop
	[ -e /run/netns/$NS1 ] || [ -e /run/netns/$NS2 ] || return 0
	ip netns del $NS1 2>/dev/null
	ip netns del $NS2 2>/dev/null
	tlssim_gone 10 ||
		echo "# tls_unpair: tlssim devices still there 10 s after the" \
			"namespaces were deleted: $(ls /sys/kernel/debug/tlssim/)"
}

# tls_nsx NS CMD...: CMD in network namespace NS.  nsenter switches only
# the network namespace, which is all ethtool, the test tools and
# /proc/self/net need; ip netns exec also builds a mount namespace with a
# sysfs of its own, three times the cost under emulation.  A command put
# in the background whose PID is used calls nsenter itself: "tls_nsx ... &"
# would be a subshell, and killing it would leave the command running.
tls_nsx() {
	local ns=$1

	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# --- a namespace's /proc/net without a process switch ---------------------
# /proc/PID/net is the network namespace of PID: with a sleeping process
# kept in each namespace, tls_pstat reads tls_stat with bash's own read
# and starts no process (an nsenter and an awk per counter were a third of
# these suites' time under emulation). The keepers are started by the
# main shell (tls_pair), as a $(...) subshell could not record them; a
# reader that finds no live keeper in the namespace falls back to nsenter.
# A keeper holds its namespace alive: tls_ns_drop ends them all before a
# namespace is deleted.
declare -A TLS_NSPID

# tls_ns_keep NS: start NS's keeper and wait until it is inside NS
tls_ns_keep() {
	local ns=$1 pid

	nsenter --net="/run/netns/$ns" sleep 1000000 </dev/null >/dev/null 2>&1 &
	pid=$!
	disown "$pid"
	TLS_NSPID[$ns]=$pid
	for _ in $(seq 1 100); do
		[ "/proc/$pid/ns/net" -ef "/run/netns/$ns" ] && return 0
		sleep 0.05
	done
	echo "tls_ns_keep: no process in $ns" >&2
	return 1
}

# tls_ns_drop: end every keeper, and wait until each has left its namespace
tls_ns_drop() {
	local ns pid

	for ns in "${!TLS_NSPID[@]}"; do
		pid=${TLS_NSPID[$ns]}
		kill "$pid" 2>/dev/null
		for _ in $(seq 1 100); do
			[ -e "/proc/$pid/ns/net" ] || break
			sleep 0.05
		done
		unset "TLS_NSPID[$ns]"
	done
}

# tls_dbg NS DEV: the device's debugfs directory
tls_dbg() {
	local id

	id=$(tls_nsx "$1" ethtool -i "$2" | awk '/^bus-info:/ {sub(/^tlssim:/, "", $2); print $2}')
	echo "/sys/kernel/debug/tlssim/$id"
}

# tls_ctr NS DEV NAME: one ethtool -S counter.  The dump is cut by bash
# patterns: an awk would be one more process, and a read loop reads a pipe
# a byte at a time (each line of "     name: value" starts with a space, so
# " NAME: " matches only that counter).
tls_ctr() {
	local s v

	s=$(nsenter --net="/run/netns/$1" ethtool -S "$2")
	[[ $s == *" $3: "* ]] || return 0
	v=${s#*" $3: "}
	echo "${v%%$'\n'*}"
}

# tls_pstat NS NAME: one /proc/net/tls_stat counter of namespace NS
# ("NAME<blanks>VALUE" lines)
tls_pstat() {
	local pid=${TLS_NSPID[$1]:-} s

	if [ -z "$pid" ] || ! [ "/proc/$pid/ns/net" -ef "/run/netns/$1" ]; then
		nsenter --net="/run/netns/$1" awk -v n="$2" '$1 == n { print $2 }' /proc/net/tls_stat
		return
	fi
	IFS= read -r -d '' s <"/proc/$pid/net/tls_stat"
	s=$'\n'$s
	[[ $s =~ $'\n'$2[[:blank:]]+([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
}

# tls_xfer PORT BYTES "SERVER ARGS" "CLIENT ARGS": server in NS2, client in
# NS1, both must exit 0 (byte-exact both ways).  Output in $RUNDIR/xfer.*.
tls_xfer() {
	local port=$1 n=$2 sargs=$3 cargs=$4 spid rc=0 addr=10.77.0.2

	case " $cargs " in *" -6 "*) addr=fd77::2 ;; esac
	# shellcheck disable=SC2086
	nsenter --net=/run/netns/$NS2 "$TOOL" -l "$addr" -p "$port" -n "$n" -t 240 $sargs \
		>"$RUNDIR/xfer.srv" 2>&1 &
	spid=$!
	sleep 0.3
	# shellcheck disable=SC2086
	nsenter --net=/run/netns/$NS1 "$TOOL" -C "$addr" -p "$port" -n "$n" -t 240 $cargs \
		>"$RUNDIR/xfer.cli" 2>&1 || rc=1
	wait $spid || rc=1
	[ $rc = 0 ] || { cat "$RUNDIR/xfer.srv" "$RUNDIR/xfer.cli"; }
	return $rc
}

# tls_tool_path: the tool selftests/Makefile built on the host (make
# rebuilds it only when stale: gcc under emulation takes minutes)
tls_tool_path() {
	local o

	o=$(cd "${O:-build}" && pwd) || return 1
	TOOL=$o/selftests/tlssim/tls_tool
	make -s -C selftests O="$o" "$TOOL"
}

# tls_finish: the end of a provider's checks: the pair and namespaces go,
# every tlssim context is freed, and tlssim unloads
tls_finish() {
	tls_unpair
	tls_wait_live_ctx 0
	tls_expect "no live contexts after namespaces are gone" 0 "$(tls_live_ctx)"
	rmmod tlssim && tap_ok "rmmod tlssim" || tap_fail "rmmod tlssim"
}

# tls_live_ctx: contexts allocated by tlssim across all devices
tls_live_ctx() {
	cat /sys/module/tlssim/parameters/tls_live_contexts
}

# tls_expect NAME VALUE-OR-"gt:N" ACTUAL
tls_expect() {
	local desc=$1 want=$2 got=$3

	case $want in
	gt:*)
		if [ -n "$got" ] && [ "$got" -gt "${want#gt:}" ]; then
			tap_ok "$desc ($got)"
		else
			tap_fail "$desc" "want > ${want#gt:}, got '$got'"
		fi
		;;
	*)
		if [ "$got" = "$want" ]; then
			tap_ok "$desc ($got)"
		else
			tap_fail "$desc" "want $want, got '$got'"
		fi
		;;
	esac
}

# tls_xfer_bg PORT BYTES "SERVER ARGS" "CLIENT ARGS": like tls_xfer but
# returns at once; tls_xfer_wait collects the result.
tls_xfer_bg() {
	local port=$1 n=$2 sargs=$3 cargs=$4 addr=10.77.0.2

	case " $cargs " in *" -6 "*) addr=fd77::2 ;; esac
	# shellcheck disable=SC2086
	nsenter --net=/run/netns/$NS2 "$TOOL" -l "$addr" -p "$port" -n "$n" -t 280 $sargs \
		>"$RUNDIR/xfer.srv" 2>&1 &
	XFER_SPID=$!
	sleep 0.3
	# shellcheck disable=SC2086
	nsenter --net=/run/netns/$NS1 "$TOOL" -C "$addr" -p "$port" -n "$n" -t 280 $cargs \
		>"$RUNDIR/xfer.cli" 2>&1 &
	XFER_CPID=$!
}

tls_xfer_wait() {
	local rc=0

	wait "$XFER_CPID" || rc=1
	wait "$XFER_SPID" || rc=1
	[ $rc = 0 ] || cat "$RUNDIR/xfer.srv" "$RUNDIR/xfer.cli"
	return $rc
}

# tls_wait_live_ctx N: wait (up to 20 s) until N contexts are live
tls_wait_live_ctx() {
	local i

	for i in $(seq 1 100); do
		[ "$(tls_live_ctx)" = "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

# --- leak checks ----------------------------------------------------------
# tlssim's contexts live in their own slab cache, "tlssim_ctx" (made
# unmergeable by its constructor, so it has its own /proc/slabinfo line).
TLS_SLAB=tlssim_ctx

# tls_slab_inuse: objects in use in $TLS_SLAB, "absent" when the cache does
# not exist.  SLUB counts the free objects of per-CPU slabs as active in
# /proc/slabinfo, so the cache is shrunk first (per-CPU slabs flushed,
# empty slabs freed): what is left is exactly the allocated objects.
tls_slab_inuse() {
	[ -e /sys/kernel/slab/$TLS_SLAB/shrink ] && echo 1 >/sys/kernel/slab/$TLS_SLAB/shrink
	awk -v c=$TLS_SLAB '$1 == c { print $2; f = 1 } END { if (!f) print "absent" }' \
		/proc/slabinfo
}

# tls_wait_slab N: wait (up to 10 s) for N objects in use (contexts return
# to the cache an RCU grace period after tls_dev_del)
tls_wait_slab() {
	for _ in $(seq 1 50); do
		[ "$(tls_slab_inuse)" = "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

# tls_slab_kb: "SLAB_KB SUNRECLAIM_KB" from /proc/meminfo, after dropping
# the reclaimable caches and letting deferred frees (RCU, workqueues) run
tls_slab_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 2
	awk '$1 == "Slab:" { s = $2 } $1 == "SUnreclaim:" { u = $2 } END { print s, u }' \
		/proc/meminfo
}

# tls_slab_report WHAT BASE: print the meminfo slab totals against BASE
# ("SLAB_KB SUNRECLAIM_KB"); sets TLS_SLAB_DELTA to "DSLAB DSUNRECLAIM"
tls_slab_report() {
	local s u s0 u0

	read -r s u < <(tls_slab_kb)
	read -r s0 u0 <<<"$2"
	TLS_SLAB_DELTA="$((s - s0)) $((u - u0))"
	echo "# ${TLS_PFX}slab after $1: Slab $s kB ($((s - s0)) kB), SUnreclaim $u kB ($((u - u0)) kB)"
}
