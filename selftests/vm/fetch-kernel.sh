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
# The signed image (linux-image-R) can lag a security release by days, while
# its headers and the unsigned build of the same kernel (linux-image-R-unsigned,
# the same vmlinuz and modules without the Secure Boot signature) are out:
# take whichever the archive has, signed first.
cached() {
	ls "$cache"/linux-image-"$KVER"_*.deb "$cache"/linux-image-"$KVER"-unsigned_*.deb \
		2>/dev/null | head -n 1 || true
}
download() {
	local p

	for p in "linux-image-$KVER" "linux-image-$KVER-unsigned"; do
		[ -n "$(apt-cache policy "$p" 2>/dev/null |
			sed -n 's/^ *Candidate: //p' | grep -v '(none)')" ] || continue
		echo "fetch-kernel: downloading $p"
		(cd "$cache" && apt-get download "$p") && return 0
	done
	return 1
}
deb=$(cached)
if [ -z "$deb" ]; then
	download || { apt-get update -q && download; } || {
		echo "fetch-kernel: no linux-image-$KVER package" >&2
		exit 1
	}
	deb=$(cached)
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
