#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch (from the linux-source-6.1 package) and sparse over our kernel
# code. Exit status non-zero on any error or warning.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
O=${O:-$top/build}
lint=$O/lint
rc=0

if [ ! -x "$lint/scripts/checkpatch.pl" ]; then
	mkdir -p "$lint"
	tar -C "$lint" --strip-components=1 -xf /usr/src/linux-source-6.1.tar.* \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch || exit 2
fi

files=$(git ls-files 'kmod/*.[ch]' 'drivers/*.[ch]' 'selftests/vm/testmod/*.c' \
	'selftests/ktls/readsock/*.c')
echo "== checkpatch ($(echo "$files" | wc -w) files)"
# CONST_STRUCT: ktls.ko, like net/tls, builds its proto_ops tables at run
# time from TCP's own, so they cannot be const.
# MACRO_ARG_REUSE: the cipher table macro passes a type name, which has no
# side effects, to sizeof/offsetof several times.
# shellcheck disable=SC2086
if ! "$lint/scripts/checkpatch.pl" --no-tree --quiet --strict \
	--ignore FILE_PATH_CHANGES,CONST_STRUCT,MACRO_ARG_REUSE -f $files; then
	rc=1
fi

# Sparse and W=1 on every kernel make check covers, each in its own tree
# of links to the sources (as the Makefile builds).
# shellcheck disable=SC2086
for k in $(selftests/vm/kver.sh ${KVERS:-6.1 6.12}); do
	for d in $(ls -d kmod drivers/* selftests/ktls/readsock 2>/dev/null); do
		[ -f "$d/Kbuild" ] || continue
		echo "== sparse $d ($k)"
		selftests/vm/linktree.sh "$d" "$lint/mod/$k/$d"
		out=$(make -s -C "/lib/modules/$k/build" M="$lint/mod/$k/$d" C=2 W=1 modules 2>&1 |
		      grep -E 'warning|error' | grep -v 'Skipping BTF')
		if [ -n "$out" ]; then
			printf '%s\n' "$out"
			rc=1
		fi
	done
done
[ $rc -eq 0 ] && echo "lint: clean"
exit $rc
