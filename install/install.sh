#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the built system onto a machine, or take it off again.
#
#   install/install.sh install     (what 'make install' runs after building)
#   install/install.sh uninstall   (what 'make uninstall' runs)
#
# Environment (the Makefile exports them): KVER the kernel release, O the
# build directory, DESTDIR a staging root (empty: this system), PREFIX
# (/usr/local), IPLIBDIR where Debian's ip looks for link plugins.
#
# ktls.ko goes in as a module named "tls" under updates/: depmod ranks
# updates/ above kernel/ (depmod.d's default "search updates built-in"), so
# modprobe tls, the kernel's request for "tcp-ulp-tls" when a program sets
# TCP_ULP, and every driver whose modules.dep entry names tls (bonding,
# nfp, cxgb4) load this one; removing it gives the kernel's tls.ko back.
# Every file written is listed in a manifest per kernel, which uninstall
# removes, so nothing is left behind and nothing else is touched.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${KVER:?KVER unset}" "${O:?O unset}"
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
IPLIBDIR=${IPLIBDIR:-/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/ip}
MODDIR=/lib/modules/$KVER/updates/ktls
MANIFEST=$PREFIX/lib/ktls/manifest-$KVER

# put SRC DST MODE: one file, recorded in the manifest
put() {
	install -D -m "$3" "$1" "$DESTDIR$2"
	echo "$2" >>"$DESTDIR$MANIFEST.new"
}

run_depmod() {
	if [ -n "$DESTDIR" ]; then
		echo "install: DESTDIR set; run 'depmod -a $KVER' on the target"
	elif [ -d "/lib/modules/$KVER/kernel" ]; then
		depmod -a "$KVER"
	fi
}

do_install() {
	local m=$O/mod/$KVER p

	for p in "$m/install/kmod/tls.ko" "$m/drivers/tlssim/tlssim.ko" \
		 "$O/userspace/ktlsctl/ktlsctl" "$O/iproute2/link_tlssim.so" \
		 "$O/bpf/ktls_policy.o" "$O/bpf/ktls_deny.o"; do
		[ -f "$p" ] || { echo "install: $p missing: run 'make install'" >&2; exit 1; }
	done
	mkdir -p "$(dirname "$DESTDIR$MANIFEST")"
	: >"$DESTDIR$MANIFEST.new"
	put "$m/install/kmod/tls.ko" "$MODDIR/tls.ko" 0644
	put "$m/drivers/tlssim/tlssim.ko" "$MODDIR/tlssim.ko" 0644
	put "$O/userspace/ktlsctl/ktlsctl" "$PREFIX/sbin/ktlsctl" 0755
	put "$O/iproute2/link_tlssim.so" "$IPLIBDIR/link_tlssim.so" 0644
	put "$O/bpf/ktls_policy.o" "$PREFIX/lib/ktls/bpf/ktls_policy.o" 0644
	put "$O/bpf/ktls_deny.o" "$PREFIX/lib/ktls/bpf/ktls_deny.o" 0644
	put kmod/uapi/linux/ktls.h "$PREFIX/include/linux/ktls.h" 0644
	for p in man/*.[0-9]; do
		put "$p" "$PREFIX/share/man/man${p##*.}/$(basename "$p")" 0644
	done
	mv "$DESTDIR$MANIFEST.new" "$DESTDIR$MANIFEST"
	run_depmod
	echo "install: $(wc -l <"$DESTDIR$MANIFEST") files for $KVER, listed in $DESTDIR$MANIFEST"
}

do_uninstall() {
	local f

	[ -f "$DESTDIR$MANIFEST" ] || { echo "uninstall: nothing installed for $KVER ($DESTDIR$MANIFEST)" >&2; exit 1; }
	while read -r f; do
		rm -f "$DESTDIR$f"
	done <"$DESTDIR$MANIFEST"
	rm -f "$DESTDIR$MANIFEST"
	# only the directories that are ours
	rmdir "$DESTDIR$MODDIR" "$DESTDIR$PREFIX/lib/ktls/bpf" "$DESTDIR$PREFIX/lib/ktls" 2>/dev/null || :
	run_depmod
	echo "uninstall: done for $KVER"
}

case ${1:-} in
install) do_install ;;
uninstall) do_uninstall ;;
*) echo "usage: $0 install|uninstall" >&2; exit 2 ;;
esac
