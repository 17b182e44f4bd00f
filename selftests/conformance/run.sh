#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the upstream kTLS selftest in this guest against one provider of the
# "tls" ULP and compare every case with selftests/conformance/expect-<p>.txt.
#
#   selftests/conformance/run.sh tls|ktls
#
# The expectation file lists the cases expected to FAIL, one "fail NAME" a
# line, with a comment saying why; every other case is expected to pass.
#   expected pass, passed  -> ok
#   expected pass, failed  -> not ok (a regression: make check fails)
#   expected fail, failed  -> not ok # TODO (counted as skipped)
#   expected fail, passed  -> ok, and listed as newly passing so the
#                             expectation can be raised
# $KTLS_FILTER (make check F=glob[,glob]) selects cases by name.
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/tap.sh
. "$top/selftests/lib/tap.sh"
# shellcheck source=../lib/provider.sh
. "$top/selftests/lib/provider.sh"

provider=${1:?usage: run.sh tls|ktls}
O=${O:-$top/build}
bin=$O/conformance/tls_conformance
expect=$here/expect-$provider.txt
log=${RUNDIR:-/tmp}/conformance-$provider.log
newly=${RUNDIR:-/tmp}/newly-passing-$provider.txt

[ -x "$bin" ] || { tap_fail "conformance binary present" "run selftests/conformance/build.sh"; tap_done; exit 1; }
if ! provider_load "$provider"; then
	tap_fail "load provider $provider"
	tap_done
	exit 1
fi

mod_refs_before=$(awk -v m="$provider" '$1 == m {print $3}' /proc/modules)
# The harness forks one child per case; its own output is TAP already.
"$bin" >"$log" 2>&1
echo "conformance: harness exited $? (full log: $log)"

declare -A want
if [ -f "$expect" ]; then
	while read -r st name _; do
		case $st in fail) want[$name]=fail ;; esac
	done <"$expect"
fi

: >"$newly"
pass=0 xfail=0 bad=0 new=0
declare -A seen
while read -r line; do
	read -r w1 w2 w3 w4 _ <<<"$line"
	case $w1 in
	ok) st=pass; name=$w3 ;;
	not) st=fail; name=$w4 ;;
	*) continue ;;
	esac
	seen[$name]=1
	if [[ $line == *"# SKIP"* ]]; then
		tap_skip "$name" "${line#*# SKIP}"
		continue
	fi
	if [ "$st" = pass ]; then
		tap_ok "$name"
		pass=$((pass + 1))
		if [ "${want[$name]:-pass}" = fail ]; then
			echo "$name" >>"$newly"
			new=$((new + 1))
		fi
	elif [ "${want[$name]:-pass}" = fail ]; then
		tap_xfail "$name" "expected to fail with $provider"
		xfail=$((xfail + 1))
	else
		tap_fail "$name" "$(awk -v n="$name" '$0 ~ "RUN +" n " " {on = 1}
			on && !/^(not )?ok / {print} $0 ~ "(FAIL|OK) +" n "$" {exit}' "$log" | tail -n 12)"
		bad=$((bad + 1))
	fi
done < <(grep -E '^(not )?ok [0-9]+ ' "$log")

# A case the harness never reported (it hung or crashed) is a failure.
while read -r name; do
	[ -n "${seen[$name]:-}" ] && continue
	tap_fail "$name" "no result reported (harness crashed or hung?)"
	bad=$((bad + 1))
done < <(KTLS_FILTER=${KTLS_FILTER:-} "$bin" -l)

# No socket may keep the module busy once every case has closed its own.
sleep 1
refs=$(awk -v m="$provider" '$1 == m {print $3}' /proc/modules)
if [ "$refs" = "$mod_refs_before" ] && provider_unload; then
	tap_ok "$provider unloads cleanly after the suite (refcount $refs)"
else
	tap_fail "$provider unloads cleanly after the suite" \
		"module refcount before $mod_refs_before, after $refs"
fi

echo "conformance($provider): $pass passed, $xfail expected failures," \
	"$bad unexpected failures, $new newly passing"
if [ "$new" -gt 0 ]; then
	echo "conformance($provider): newly passing (raise $expect):"
	sed 's/^/  /' "$newly"
fi
tap_done
