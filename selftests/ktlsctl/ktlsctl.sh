#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktlsctl golden files: every command's output, human and --json, compared
# byte for byte with selftests/ktlsctl/golden/NAME, in one guest:
#   00-*  nothing loaded (no TLS module, no policy)
#   10-*  ktls.ko; the policy loaded by bpftool (its pin layout), then
#         replaced by 'ktlsctl policy load' (its maps reused); rules of
#         each kind, a default verdict, errors
#   20-*  two loopback pairs with kTLS on each end at fixed ports
#         (ktls_pairs.c): flows, tls_stat and the policy's counters
#   21-*  the pairs closed: CLOSE counts
#   30-*  reload (replace, then unload + load): the counters kept;
#         unload leaves nothing attached, --all nothing pinned
# Nothing varies between runs but program ids, which are replaced by ID
# in the human files and by 0 in the JSON ones. Every JSON output must
# be what 'python3 -m json.tool' prints for it (one python run for all).
# Both kernels share the golden files.
#
# A mismatch prints the diff. To regenerate the golden files:
#   KTLSCTL_GOLDEN_UPDATE=1 make check T=ktlsctl KVERS=6.1
#   cp build/vm/runs/6.1/ktlsctl/actual/* selftests/ktlsctl/golden/
# (the guest cannot write the repo: each run leaves its outputs in
# $RUNDIR/actual/, raw ones with ids in $RUNDIR/raw/, and update mode
# records them without comparing).
set -u
shopt -s extglob nullglob
cd "${0%/*}/../.." || exit 1
# shellcheck source=../lib/tap.sh
. selftests/lib/tap.sh
# shellcheck source=../lib/provider.sh
. selftests/lib/provider.sh

RUNDIR=${RUNDIR:-$(mktemp -d)}
OUT=$(cd "${O:-build}" && pwd)
CTL=$OUT/userspace/ktlsctl/ktlsctl
PAIRS=$OUT/selftests/ktlsctl/ktls_pairs
GOLDEN=selftests/ktlsctl/golden
# work in the guest's tmpfs: a file on the build export costs ~100 ms
# to create and read back; copied to $RUNDIR at the end
WORK=${TMPDIR:-/tmp}/ktlsctl.$$
ACT=$WORK/actual
RAW=$WORK/raw
UPDATE=${KTLSCTL_GOLDEN_UPDATE:-}
PIN=/sys/fs/bpf/ktls
PROG=/sys/fs/bpf/ktls_policy
CG=/sys/fs/cgroup

mkdir -p "$ACT" "$RAW" "$WORK/same" "$WORK/tmp"
# stale BIN SOURCE...: BIN is missing or older than a SOURCE. make check
# built both programs on the host; make in the guest costs seconds (its
# stat()s go over 9p), so it runs only when they are stale (vm-run alone)
stale() {
	local bin=$1 f
	shift
	[ -x "$bin" ] || return 0
	for f in "$@"; do
		[ "$f" -nt "$bin" ] && return 0
	done
	return 1
}
if stale "$CTL" userspace/ktlsctl/*.[ch] userspace/ktlsctl/Makefile \
	bpf/ktls_policy.bpf.c bpf/*.h \
	kmod/uapi/linux/ktls.h "$OUT/bpf/ktls_policy.o"; then
	make -s -C userspace/ktlsctl O="$OUT" ||
		{ tap_fail "build ktlsctl"; tap_done; exit 1; }
fi
if stale "$PAIRS" selftests/ktlsctl/ktls_pairs.c userspace/lib/*.[ch]; then
	make -s -C selftests O="$OUT" "$PAIRS" ||
		{ tap_fail "build ktls_pairs"; tap_done; exit 1; }
fi

# capture NAME ARGS...: ktlsctl's stdout, then its stderr and exit status
# when it failed or complained, into $RAW/NAME; ids normalised into
# $WORK/$DIR/NAME (DIR: actual unless set). Builtins only: a fork costs
# a lot in a guest without KVM.
capture() {
	local name=$1 rc s e=
	shift
	"$CTL" "$@" >"$RAW/$name" 2>"$RAW/$name.err"
	rc=$?
	IFS= read -r -d '' e <"$RAW/$name.err"
	if [ $rc -ne 0 ] || [ -n "$e" ]; then
		printf -- '--- exit %d\n%s' $rc "$e" >>"$RAW/$name"
	fi
	IFS= read -r -d '' s <"$RAW/$name"
	s=${s//ktls_policy id +([0-9])/ktls_policy id ID}
	s=${s//\"id\": +([0-9])/\"id\": 0}
	printf '%s' "$s" >"$WORK/${DIR:-actual}/$name"
}

# compare DESC FILE EXPECTED: one result, the diff if they differ
compare() {
	local got want=
	IFS= read -r -d '' got <"$2"
	if [ ! -f "$3" ]; then
		tap_fail "$1" "no golden file $3"
		return
	fi
	IFS= read -r -d '' want <"$3"
	if [ "$got" == "$want" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "$(diff -u "$3" "$2")"
	fi
}

# check NAME: $ACT/NAME against its golden file (update mode: recorded)
check() {
	if [ -n "$UPDATE" ]; then
		tap_ok "$1: recorded"
	else
		compare "$1" "$ACT/$1" "$GOLDEN/$1"
	fi
}

# same NAME REF ARGS...: an output that must equal REF's (in update mode
# the one just recorded); not a golden file of its own
same() {
	local name=$1 ref=$GOLDEN/$2
	shift 2
	[ -z "$UPDATE" ] || ref=$ACT/${ref##*/}
	DIR=same capture "$name" "$@"
	compare "$name (as ${ref##*/})" "$WORK/same/$name" "$ref"
}

# both NAME ARGS...: capture and check the human and the JSON form
both() {
	local name=$1
	shift
	capture "$name" "$@"
	check "$name"
	capture "$name.json" --json "$@"
	check "$name.json"
}

# transcript NAME 'ARGS' ...: several commands into one golden file,
# each output after a "$ ktlsctl ARGS" line (word-split ARGS)
transcript() {
	local name=$1 a s n=0
	shift
	: >"$ACT/$name"
	for a in "$@"; do
		# shellcheck disable=SC2086
		DIR=tmp capture "$name.$((++n))" $a
		printf '$ ktlsctl %s\n' "$a" >>"$ACT/$name"
		IFS= read -r -d '' s <"$WORK/tmp/$name.$n"
		printf '%s' "$s" >>"$ACT/$name"
	done
	check "$name"
}

# phase WHAT: a timestamp on the console (the suite's budget is tight)
phase() {
	printf '# %s at %ss\n' "$1" $SECONDS
}

# ---- 00: nothing loaded ----
phase "00 nothing loaded"
[ ! -e /sys/module/tls ] && [ ! -e /sys/module/ktls ] && [ ! -e $PIN ] &&
	[ ! -e $PROG ] || tap_fail "guest starts with no TLS module and no policy"
capture 00-help --help
check 00-help
transcript 00-usage '' 'bogus' 'status --all' 'rule add remote-port 0 verdict deny' \
	'rule add local-port 1 verdict maybe' 'stats --watch 0'
both 00-status status
both 00-flows flows
both 00-stats stats
both 00-policy-show policy show
both 00-rule-list rule list

# ---- 10: ktls.ko, the policy from bpftool, then from ktlsctl ----
phase "10 ktls.ko and the policy"
tap_check "insmod ktls.ko" provider_load ktls
if bpftool prog load "$OUT/bpf/ktls_policy.o" $PROG pinmaps $PIN 2>"$WORK/bpftool.err"; then
	tap_ok "bpftool prog load ... pinmaps $PIN"
else
	tap_fail "bpftool prog load ... pinmaps $PIN" "$(cat "$WORK/bpftool.err")"
fi
transcript 10-bpftool 'rule add local-port 40001 verdict software' \
	'policy show' 'policy load' 'policy show' 'rule list'
transcript 11-rules 'rule add remote-port 40004 verdict deny dir rx' \
	'rule add remote 127.1.2.3/8 verdict device dir tx' \
	'rule add remote ::1 verdict software dir both' \
	'rule add remote 10.9.8.7/16 verdict deny' \
	'rule add local-port 40001 verdict deny' \
	'rule add remote 10.9.0.0/16 verdict device' \
	'rule del remote 10.9.255.255/16' 'rule del remote 10.9.0.0/16' \
	'rule del local-port 40009' 'default' 'default device-only' 'default'
both 12-rule-list rule list
both 12-policy-show policy show

# ---- 20: two pairs held open ----
# pair 0: IPv4, TLS 1.2, server 40001 (local-port rule: software),
#         client 40002 (127/8: device for TX, no device: software; RX:
#         the default, device-only: EOPNOTSUPP)
# pair 1: IPv6, TLS 1.3, server 40003 (remote-port 40004: RX denied;
#         TX ::1 software), client 40004 (::1 software)
phase "20 pairs held"
coproc PAIR { exec "$PAIRS" 4:12:40001:40002 6:13:40003:40004 2>&1; }
: >"$ACT/20-pairs"
while IFS= read -r -t 60 line <&"${PAIR[0]}"; do
	printf '%s\n' "$line" >>"$ACT/20-pairs"
	[ "$line" = ready ] && break
done
check 20-pairs
both 20-flows flows
both 20-status status
both 20-stats stats
# EOF on its stdin: the pairs close
pair_in=${PAIR[1]}
exec {pair_in}>&-
wait "$PAIR_PID"
rc=$?
[ $rc -eq 0 ] && tap_ok "ktls_pairs exits 0" || tap_fail "ktls_pairs exits 0" "exit $rc"

# ---- 21: the pairs closed ----
phase "21 pairs closed"
same 21-flows 00-flows flows
both 21-stats stats
capture 21-stats-watch stats --watch 1 --count 2
check 21-stats-watch

# ---- 30: reload keeps the counters; unload leaves nothing ----
phase "30 reload and unload"
tap_check "policy load over the loaded policy" "$CTL" policy load
same 30-stats 21-stats stats
capture 30-policy-show policy show
check 30-policy-show
tap_check "policy unload" "$CTL" policy unload
both 31-policy-show policy show
capture 31-status status
check 31-status
att=$(bpftool cgroup show $CG 2>&1)
[ -z "$att" ] && tap_ok "nothing attached to $CG after unload" ||
	tap_fail "nothing attached to $CG after unload" "$att"
tap_check "policy load after unload" "$CTL" policy load
same 32-stats 21-stats stats
tap_check "policy unload --all" "$CTL" policy unload --all
pins=(/sys/fs/bpf/*)
[ ${#pins[@]} -eq 0 ] && tap_ok "nothing pinned after unload --all" ||
	tap_fail "nothing pinned after unload --all" "${pins[*]}"
transcript 33-unloaded 'policy unload' 'policy unload --all' 'rule list'
same 33-policy-show.json 00-policy-show.json --json policy show
tap_check "rmmod ktls" provider_unload
same 34-status 00-status status

# ---- every JSON output is json.tool's own rendering of itself ----
phase "JSON check"
if python3 - "$RAW"/*.json >"$WORK/json.out" 2>&1 <<'EOF'
import json, sys
bad = 0
for f in sys.argv[1:]:
    text = open(f).read()
    if "--- exit " in text:
        continue        # a failure: stderr after the (empty) document
    try:
        ok = json.dumps(json.loads(text), indent=4) + "\n" == text
    except ValueError as e:
        ok = False
        print(f, e)
    if not ok:
        bad += 1
        print(f, "is not python3 -m json.tool's rendering")
sys.exit(bad)
EOF
then
	tap_ok "JSON outputs valid, as python3 -m json.tool prints them"
else
	tap_fail "JSON outputs valid, as python3 -m json.tool prints them" "$(cat "$WORK/json.out")"
fi
phase "done"
cp -r "$ACT" "$RAW" "$RUNDIR/"
[ -n "$UPDATE" ] && echo "# golden files in $RUNDIR/actual: cp $RUNDIR/actual/* $GOLDEN/"
tap_done
