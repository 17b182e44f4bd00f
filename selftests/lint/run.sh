#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make lint as a suite: checkpatch and sparse must stay clean on our kernel
# code, and every module must build with W=1 without a warning.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=../lib/tap.sh
. selftests/lib/tap.sh
tap_check "checkpatch --strict and sparse report nothing" selftests/lint/lint.sh
for d in kmod drivers/*/; do
	d=${d%/}
	[ -f "$d/Kbuild" ] || continue
	out=$(make -C "$KDIR" M="$top/$d" W=1 modules 2>&1 | grep -E 'warning:|error:')
	if [ -z "$out" ]; then
		tap_ok "$d builds with W=1 without warnings"
	else
		tap_fail "$d builds with W=1 without warnings" "$out"
	fi
done
tap_done
