#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The VM runner's own tests, run on the host (each case boots a guest):
# a failing command fails the run with its status, a WARN at module load
# fails a run whose command succeeded, a hung command is killed at the
# timeout, and every run leaves the guest's whole kernel log behind.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=../lib/tap.sh
. selftests/lib/tap.sh
vm=selftests/vm/vm-run
O=${O:-$top/build}
KVER=${KVER:-$(selftests/vm/kver.sh)}
KDIR=${KDIR:-/lib/modules/$KVER/build}
export VM_QUIET=1

expect_rc() {
	local desc=$1 want=$2 got
	shift 2
	"$@" >"$O/vm/selftest.out" 2>&1
	got=$?
	if [ "$got" -eq "$want" ]; then
		tap_ok "$desc (exit $got)"
	else
		tap_fail "$desc" "expected exit $want, got $got"
		tail -n 20 "$O/vm/selftest.out" | tap_diag
	fi
}

make -s -C "$KDIR" M="$top/selftests/vm/testmod" modules >/dev/null 2>&1 ||
	tap_fail "build the WARN test module"

# (a successful command is the test module loaded without its WARN, below:
# a boot of its own for 'true' would prove nothing more)
expect_rc "a failing command fails with its status" 7 \
	$vm --name selftest-fail -- sh -c 'exit 7'

if grep -q 'Linux version' "$O/vm/runs/selftest-fail/dmesg.log" &&
   grep -q 'command exited with status 7' "$O/vm/runs/selftest-fail/dmesg.log"; then
	tap_ok "the whole kernel log of the run is saved"
else
	tap_fail "the whole kernel log of the run is saved"
fi

expect_rc "a WARN at module load fails a run whose command succeeds" 125 \
	$vm --name selftest-warn -- sh -c \
	'insmod selftests/vm/testmod/vmtest_warn.ko; exit 0'
if grep -q 'deliberate warning' "$O/vm/runs/selftest-warn/dmesg.log"; then
	tap_ok "the WARN is in the saved kernel log"
else
	tap_fail "the WARN is in the saved kernel log"
fi
expect_rc "a successful command succeeds: the same module without its WARN" 0 \
	$vm --name selftest-nowarn -- insmod selftests/vm/testmod/vmtest_warn.ko warn=0

start=$(date +%s)
expect_rc "a hung command is killed at the timeout" 124 \
	$vm --name selftest-hang --timeout 25 -- sleep 100000
took=$(( $(date +%s) - start ))
if [ "$took" -lt 45 ]; then
	tap_ok "the hang was stopped promptly (${took}s for a 25s timeout)"
else
	tap_fail "the hang was stopped promptly" "took ${took}s for a 25s timeout"
fi
grep -q 'TIMEOUT' "$O/vm/selftest.out" &&
	tap_ok "the timeout is reported with a clear message" ||
	tap_fail "the timeout is reported with a clear message"

# Regression: guests started at once on a new build folder raced on the
# initramfs, and a folder under /tmp was hidden by the guest's empty /tmp.
fresh=$(mktemp -d /tmp/vm-selftest.XXXXXX)
mkdir -p "$fresh/kernel"
cp -al "$O/kernel/$KVER" "$fresh/kernel/$KVER"
for i in 1 2; do
	O=$fresh $vm --name par$i -- sh -c "test -f \$RUNDIR/cmd" \
		>"$fresh/par$i.out" 2>&1 &
done
fails=0
for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
if [ "$fails" -eq 0 ]; then
	tap_ok "two guests start at once on a new build folder under /tmp"
else
	tap_fail "two guests start at once on a new build folder under /tmp" \
		"$(cat "$fresh"/par*.out | tail -n 20)"
fi
rm -rf "$fresh"

tap_done
