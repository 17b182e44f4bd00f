#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Mirror the source directory SRC as a tree of symbolic links at DST, for a
# Kbuild run per kernel: Kbuild writes objects next to the sources, so two
# kernels cannot share one source folder (see the Makefile's MOD_O).
#   linktree.sh SRC DST
set -e
src=$(cd "$1" && pwd)
dst=$2
mkdir -p "$dst"
# Links to sources that are gone would be built still (wildcards in Kbuild).
find "$dst" -type l ! -exec test -e {} \; -delete
(cd "$src" && find . -type d) | (cd "$dst" && xargs mkdir -p)
(cd "$src" && find . -type f \( -name '*.[ch]' -o -name Kbuild -o -name '*.sh' \) \
	! -name '*.mod.c') | while read -r f; do
	[ -L "$dst/$f" ] || ln -s "$src/$f" "$dst/$f"
done
