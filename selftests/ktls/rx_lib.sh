# SPDX-License-Identifier: GPL-2.0
# Shared part of the rx_*.sh suites: build rx_test, load the provider,
# run "rx_test CASE VARIANT" per case as one TAP result each.
#
#   KTLS_FILTER   glob(s), comma separated, on "CASE.VARIANT" (make check F=)
#   RX_PROVIDER   ktls (default) or tls, to check the tests against tls.ko
#   KTLS_KO       alternative path of ktls.ko to insmod
rx_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rx_top=$(cd "$rx_here/../.." && pwd)
# shellcheck source=../lib/tap.sh
. "$rx_top/selftests/lib/tap.sh"
# shellcheck source=../lib/provider.sh
. "$rx_top/selftests/lib/provider.sh"

O=${O:-$rx_top/build}
RX_TEST=$O/ktls/rx_test
RX_PROVIDER=${RX_PROVIDER:-ktls}
RX_VARIANTS="12gcm 12gcm256 12ccm 12chacha 13gcm 13gcm256 13chacha 13ccm"

# rx_setup: build $RX_TEST (rx_test, or the program a suite set after
# sourcing this file) and load the provider
rx_setup() {
	# built on the host by selftests/Makefile; make rebuilds it if stale
	make -s -C "$rx_here/.." O="$O" "$RX_TEST" ||
		{ tap_fail "build ${RX_TEST##*/}"; tap_done; exit 1; }
	if [ "$RX_PROVIDER" = ktls ] && [ -n "${KTLS_KO:-}" ]; then
		grep -q '^ktls ' /proc/modules || insmod "$KTLS_KO" ||
			{ tap_fail "insmod $KTLS_KO"; tap_done; exit 1; }
	elif ! provider_load "$RX_PROVIDER"; then
		tap_fail "load provider $RX_PROVIDER"
		tap_done
		exit 1
	fi
}

rx_selected() {
	local name=$1 g
	[ -z "${KTLS_FILTER:-}" ] && return 0
	for g in ${KTLS_FILTER//,/ }; do
		# shellcheck disable=SC2053
		[[ $name == $g ]] && return 0
	done
	return 1
}

# rx_case CASE [TIMEOUT]: run CASE for every variant (one process, a
# child per variant), one TAP line per CASE.VARIANT selected by the filter.
# The RESULT lines are read with bash builtins: in a guest without KVM a
# fork per variant (awk, grep) cost more than most cases themselves.
rx_case() {
	local c=$1 out=${TMPDIR:-/tmp}/rx_case.out name rc v tag n r run=
	local -A res=()
	# only the variants reported are run (a heavy case on two variants
	# ran all eight before: three quarters of ktls-hostile's time)
	for v in $RX_VARIANTS; do
		rx_selected "$c.$v" && run+=${run:+,}$v
	done
	[ -n "$run" ] || return 0
	timeout "${2:-300}" "$RX_TEST" "$c" "$run" >"$out" 2>&1
	while read -r tag n r _; do
		[ "$tag" = RESULT ] && res[$n]=$r
	done <"$out"
	for v in $RX_VARIANTS; do
		name=$c.$v
		rx_selected "$name" || continue
		rc=${res[$name]:-none}
		case $rc in
		0) tap_ok "$name" ;;
		4) tap_skip "$name" "not applicable or cipher missing" ;;
		none) tap_fail "$name" "no result (timeout or crash)"
		      tail -n 10 "$out" | tap_diag ;;
		*) tap_fail "$name" "exit $rc"
		   grep -F "FAIL $c:" "$out" | head -n 5 | tap_diag ;;
		esac
	done
}

# After the cases: no socket may still hold the module. A socket's last
# reference can go a moment after its close() (deferred work), so the
# count is polled for up to 5 s rather than read once after a fixed sleep.
rx_finish() {
	local refs=none
	if [ "$RX_PROVIDER" = ktls ]; then
		for _ in {1..50}; do
			{ read -r refs </sys/module/ktls/refcnt; } 2>/dev/null || refs=none
			[ "$refs" = 0 ] && break
			sleep 0.1
		done
		if [ "$refs" = 0 ] && rmmod ktls; then
			tap_ok "ktls unloads after the suite (no socket or work left)"
		else
			tap_fail "ktls unloads after the suite" "refcount $refs"
		fi
	fi
	tap_done
}
