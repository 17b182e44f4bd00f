#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the kernel release we build against and boot: the one the
# linux-headers-amd64 metapackage depends on (installed, else the candidate).
set -e
dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null || true)
if [ -z "$dep" ]; then
	dep=$(apt-cache show linux-headers-amd64 2>/dev/null |
	      sed -n 's/^Depends: //p' | head -n 1)
fi
ver=$(printf '%s\n' "$dep" | sed -n 's/.*linux-headers-\([^ ,]*\).*/\1/p')
if [ -z "$ver" ]; then
	echo "kver.sh: cannot resolve linux-headers-amd64 (run 'make deps')" >&2
	exit 1
fi
printf '%s\n' "$ver"
