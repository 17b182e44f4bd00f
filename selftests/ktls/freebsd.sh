#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# FreeBSD's tests/sys/kern/ktls_test.c case list, ported (freebsd_ktls.c):
# every one of its 565 cases under its FreeBSD name, a TAP line each for
# the ported ones, a skip with the reason for those that do not map to
# this API, and the count of both. Needs net.ktls.cbc_enable (set here).
#   KTLS_FILTER  one glob on the FreeBSD names (make check F=...)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/tap.sh
. "$top/selftests/lib/tap.sh"
# shellcheck source=../lib/provider.sh
. "$top/selftests/lib/provider.sh"
O=${O:-$top/build}
prog=$O/ktls/freebsd_ktls
out=${TMPDIR:-/tmp}/freebsd_ktls.out

make -s -C "$here/.." O="$O" "$prog" || { tap_fail "build freebsd_ktls"; tap_done; exit 1; }
provider_load ktls || { tap_fail "load ktls.ko"; tap_done; exit 1; }
echo 1 >/proc/sys/net/ktls/cbc_enable
timeout 600 "$prog" "${KTLS_FILTER:-*}" >"$out" 2>&1
ported=0 na=0 done=
while read -r tag name rest; do
	case $tag in
	RESULT)
		if [ "$rest" = 0 ]; then
			tap_ok "$name"
		else
			tap_fail "$name" "exit $rest"
			grep -F "FAIL $name:" "$out" | head -n 3 | tap_diag
		fi ;;
	NA) tap_skip "${name%:}" "not applicable: $rest" ;;
	PORTED) ported=$name na=${rest#NA }; done=1 ;;
	esac
done <"$out"
echo 0 >/proc/sys/net/ktls/cbc_enable
if [ -n "$done" ]; then
	tap_ok "FreeBSD ktls_test.c: $ported cases ported, $na not applicable"
else
	tap_fail "freebsd_ktls ran to the end"
	tail -n 5 "$out" | tap_diag
fi
tap_done
