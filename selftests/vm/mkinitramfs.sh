#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest initramfs: busybox-static, the virtio/9p/overlay modules of
# the image (in dependency order) and selftests/vm/init. Rebuilt when any of
# its inputs is newer than the archive.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
KVER=${KVER:-$("$top/selftests/vm/kver.sh")}
O=${O:-$top/build}
kdir=$O/kernel/$KVER
out=$O/vm/initramfs-$KVER.cpio.gz
mods="virtio_pci 9pnet_virtio 9p overlay"

if [ -f "$out" ] && [ "$out" -nt "$top/selftests/vm/init" ] &&
   [ "$out" -nt "$0" ] && [ "$out" -nt "$kdir/.complete" ]; then
	exit 0
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,lib/mod}
cp /bin/busybox "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$top/selftests/vm/init" "$stage/init"
chmod 755 "$stage/init"

: >"$stage/modules.list"
for m in $mods; do
	modprobe -d "$kdir" -S "$KVER" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
done | awk '!seen[$0]++' | while read -r ko; do
	cp "$ko" "$stage/lib/mod/"
	basename "$ko" >>"$stage/modules.list"
done

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp.$$"
mv "$out.tmp.$$" "$out"
echo "mkinitramfs: $out"
