#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run some cases of the upstream kTLS selftest many times in a row in this
# guest against one provider: each pass is one TAP result, and a pass
# fails when any selected case fails or hangs (the harness's own timeout).
#
#   selftests/conformance/loop.sh PROVIDER [LOOPS [GLOB]]
#     default: ktls, 20 passes, the multi-process cases ('*mutliproc*':
#     ten readers and writers on one connection, reads and sendfile)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/tap.sh
. "$top/selftests/lib/tap.sh"
# shellcheck source=../lib/provider.sh
. "$top/selftests/lib/provider.sh"

provider=${1:-ktls}
loops=${2:-${CONF_LOOPS:-20}}
glob=${3:-*mutliproc*}
O=${O:-$top/build}
KVER=${KVER:-$(uname -r)}
bin=$O/conformance/$KVER/tls_conformance
expect=$here/$(echo "$KVER" | cut -d. -f1,2)/expect-$provider.txt
log=${RUNDIR:-/tmp}/loop-$provider.log

[ -x "$bin" ] || { tap_fail "conformance binary present"; tap_done; exit 1; }
provider_load "$provider" || { tap_fail "load provider $provider"; tap_done; exit 1; }
for i in $(seq 1 "$loops"); do
	start=$SECONDS
	KTLS_FILTER=$glob "$bin" >"$log" 2>&1
	cases=$(grep -cE '^(not )?ok [0-9]+ ' "$log")
	# a failing case is a regression unless the expectation file lists it
	bad=$(grep -E '^not ok [0-9]+ ' "$log" | awk '{print $4}' |
	      grep -vxF -f <(awk '$1 == "fail" {print $2}' "$expect" 2>/dev/null) |
	      head -n 5)
	if [ "$cases" -gt 0 ] && [ -z "$bad" ]; then
		tap_ok "pass $i: $cases cases '$glob' ($((SECONDS - start)) s)"
	else
		tap_fail "pass $i: $cases cases '$glob'" "failed: $bad"
	fi
done
tap_done
