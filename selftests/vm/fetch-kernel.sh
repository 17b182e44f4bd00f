#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch Debian's linux-image-$KVER (never installed on the host) and unpack it
# into $O/kernel/$KVER: boot/vmlinuz-$KVER and lib/modules/$KVER with a
# modules.dep built by depmod, so the guest's own module autoload works.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
KVER=${KVER:-$("$top/selftests/vm/kver.sh")}
O=${O:-$top/build}
dest=$O/kernel/$KVER
stamp=$dest/.complete

[ -f "$stamp" ] && exit 0

cache=$O/kernel/cache
mkdir -p "$cache"
deb=$(ls "$cache"/linux-image-"$KVER"_*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
	echo "fetch-kernel: downloading linux-image-$KVER"
	(cd "$cache" && apt-get download "linux-image-$KVER") || {
		apt-get update -q && (cd "$cache" && apt-get download "linux-image-$KVER")
	}
	deb=$(ls "$cache"/linux-image-"$KVER"_*.deb | head -n 1)
fi

tmp=$dest.tmp.$$
rm -rf "$tmp"
mkdir -p "$tmp"
dpkg-deb -x "$deb" "$tmp"
depmod -b "$tmp" "$KVER"
rm -rf "$dest"
mv "$tmp" "$dest"
touch "$stamp"
echo "fetch-kernel: $dest ready"
