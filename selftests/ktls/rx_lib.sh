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

rx_setup() {
	# built on the host by selftests/Makefile; make rebuilds it if stale
	make -s -C "$rx_here/.." O="$O" "$RX_TEST" ||
		{ tap_fail "build rx_test"; tap_done; exit 1; }
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
rx_case() {
	local c=$1 out name rc v any=
	for v in $RX_VARIANTS; do
		rx_selected "$c.$v" && any=1
	done
	[ -n "$any" ] || return 0
	out=$(timeout "${2:-300}" "$RX_TEST" "$c" all 2>&1)
	for v in $RX_VARIANTS; do
		name=$c.$v
		rx_selected "$name" || continue
		rc=$(awk -v n="$name" '$1 == "RESULT" && $2 == n {print $3}' <<<"$out")
		case ${rc:-none} in
		0) tap_ok "$name" ;;
		4) tap_skip "$name" "not applicable or cipher missing" ;;
		none) tap_fail "$name" "no result (timeout or crash)"
		      printf '%s\n' "$out" | tail -n 10 | tap_diag ;;
		*) tap_fail "$name" "exit $rc"
		   grep -F "FAIL $c:" <<<"$out" | head -n 5 | tap_diag ;;
		esac
	done
}

# After the cases: no socket may still hold the module.
rx_finish() {
	local refs
	if [ "$RX_PROVIDER" = ktls ]; then
		sleep 1
		refs=$(awk '$1 == "ktls" {print $3}' /proc/modules)
		if [ "${refs:-0}" = 0 ] && rmmod ktls; then
			tap_ok "ktls unloads after the suite (no socket or work left)"
		else
			tap_fail "ktls unloads after the suite" "refcount ${refs:-?}"
		fi
	fi
	tap_done
}
