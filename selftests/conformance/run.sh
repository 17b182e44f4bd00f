#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the upstream kTLS selftest of the running kernel (built by build.sh
# into $O/conformance/$KVER/) in this guest against one provider of the
# "tls" ULP and compare every case with this kernel series' expectation,
# selftests/conformance/<series>/expect-<provider>.txt (series: 6.1, 6.12).
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
# An expected failure gets a short timeout (harness_main.c): it still runs
# and is still reported, but one that hangs costs 3 s, not 30.
# $RUNDIR/case-times-<provider>.txt lists every case's wall and CPU seconds,
# slowest first.
#
# A case of a cipher this kernel lacks (SM4, ARIA: a third of the 6.12
# cases) fails in its fixture, but installing the key makes the crypto API
# ask modprobe for seven names ("crypto-gcm(sm4)", "crypto-ctr(sm4)",
# "crypto-sm4", the "-all" of each, then "cryptomgr"), one usermode helper
# after another. Under TCG with the module tree on 9p each modprobe takes
# about a second, so such a case took 5-13 s instead of a tenth of one
# (the same 20 SM4 cases: 139-203 s with modprobe, 53-58 s with
# kernel.modprobe=/bin/true). For the run's length kernel.modprobe is
# modprobe_cache (built by build.sh), which asks modprobe once per name and
# gives its answer again after that: nothing unloads a module or changes
# the module tree while the cases run, so the answer stays the one modprobe
# would give. KTLS_MODPROBE_CACHE=0 turns it off;
# $RUNDIR/modprobe-<provider>.log lists every request.
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/tap.sh
. "$top/selftests/lib/tap.sh"
# shellcheck source=../lib/provider.sh
. "$top/selftests/lib/provider.sh"

provider=${1:?usage: run.sh tls|ktls}
O=${O:-$top/build}
KVER=${KVER:-$(uname -r)}
series=$(echo "$KVER" | cut -d. -f1,2)
bin=$O/conformance/$KVER/tls_conformance
expect=$here/$series/expect-$provider.txt
log=${RUNDIR:-/tmp}/conformance-$provider.log
newly=${RUNDIR:-/tmp}/newly-passing-$provider.txt
times=${RUNDIR:-/tmp}/case-times-$provider.txt

[ -x "$bin" ] || {
	tap_fail "conformance binary present" "run KVER=$KVER selftests/conformance/build.sh"
	tap_done
	exit 1
}
[ -f "$expect" ] || echo "conformance: no $expect: every case is expected to pass"
if ! provider_load "$provider"; then
	tap_fail "load provider $provider"
	tap_done
	exit 1
fi

# The kernel's tls.ko is the baseline, not the code under test: in make
# check it skips the multi-process stress cases (98 % of its case time
# under emulation), which ktls.ko runs in full. CONFORMANCE_FULL=1 runs
# them on tls.ko too, as when the expectation files were recorded; a
# filter (F=) also runs what it selects.
stress=
if [ "$provider" = tls ] && [ "${CONFORMANCE_FULL:-0}" != 1 ] &&
   [ -z "${KTLS_FILTER:-}" ]; then
	stress=$("$bin" -l | grep -F .mutliproc_)
	KTLS_FILTER=$("$bin" -l | grep -vF .mutliproc_ | paste -sd, -)
	export KTLS_FILTER
fi

declare -A want
quick=
if [ -f "$expect" ]; then
	while read -r st name _; do
		case $st in fail) want[$name]=fail; quick+=${quick:+,}$name ;; esac
	done <"$expect"
fi

# modprobe_cache_on DIR: kernel.modprobe becomes DIR/modprobe (see above),
# on tmpfs; DIR/real/modprobe is the one it replaces.
modprobe_real=
modprobe_cache_on() {
	local dir=$1
	[ -x "$O/conformance/$KVER/modprobe_cache" ] || return 1
	modprobe_real=$(cat /proc/sys/kernel/modprobe) || return 1
	mkdir -p "$dir/ok" "$dir/miss" "$dir/real" || return 1
	: >"$dir/log"
	ln -s "$modprobe_real" "$dir/real/modprobe" &&
		cp "$O/conformance/$KVER/modprobe_cache" "$dir/modprobe" &&
		echo "$dir/modprobe" >/proc/sys/kernel/modprobe
}

modprobe_cache_off() {
	[ -n "$modprobe_real" ] || return 0
	echo "$modprobe_real" >/proc/sys/kernel/modprobe
	cp "$1/log" "${RUNDIR:-/tmp}/modprobe-$provider.log"
	echo "conformance: $(wc -l <"$1/log") modprobe requests," \
		"$(grep -c -- '-cached ' "$1/log") answered from the cache;" \
		"modprobe found $(grep -c '^ok ' "$1/log") names, missed $(grep -c '^miss ' "$1/log")," \
		"failed on $(grep -c '^error ' "$1/log")"
}

mpdir=$(mktemp -d /tmp/conformance-modprobe.XXXXXX)
if [ "${KTLS_MODPROBE_CACHE:-1}" != 0 ]; then
	modprobe_cache_on "$mpdir" || echo "conformance: modprobe cache not installed"
fi
mod_refs_before=$(awk -v m="$provider" '$1 == m {print $3}' /proc/modules)
# The harness forks one child per case; its own output is TAP already.
KTLS_QUICK_CASES=$quick "$bin" >"$log" 2>&1
echo "conformance: harness exited $? (full log: $log)"
modprobe_cache_off "$mpdir"

# "# time NAME wall W cpu C" after each case: slowest first.
awk '$2 == "time" {printf "%8.3f %8.3f %s\n", $5, $7, $3}' "$log" | sort -rn >"$times"
awk '{w += $1; c += $2} END {printf "conformance: cases took %.0f s wall, %.0f s CPU\n", w, c}' "$times"
echo "conformance: slowest cases (wall s, CPU s; all in $times):"
head -n 8 "$times" | sed 's/^/  /'

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

for name in $stress; do
	tap_skip "$name" "tls.ko baseline: stress case, run on ktls.ko (CONFORMANCE_FULL=1 runs it here)"
done

# A case the harness never reported (it hung or crashed) is a failure.
while read -r name; do
	[ -n "${seen[$name]:-}" ] && continue
	tap_fail "$name" "no result reported (harness crashed or hung?)"
	bad=$((bad + 1))
done < <(KTLS_FILTER=${KTLS_FILTER:-} "$bin" -l)

# No socket may keep the module busy once every case has closed its own.
# The last socket's release may still be on its way: give it up to 2 s.
for _ in $(seq 20); do
	refs=$(awk -v m="$provider" '$1 == m {print $3}' /proc/modules)
	[ "$refs" = "$mod_refs_before" ] && break
	sleep 0.1
done
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
