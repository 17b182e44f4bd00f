#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 'make install DESTDIR=... PREFIX=/usr' and 'make uninstall' into a
# staging root, for every kernel of KVERS, on the host: every file lands
# where Debian looks for it, the module is named tls and built for that
# kernel, the header compiles, the man pages render without a groff
# warning, and uninstall leaves no file behind.  (selftests/install/
# installed.sh uses the installed system in a guest.)
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. selftests/lib/tap.sh
RUNDIR=${RUNDIR:-/tmp/staged.$$}
mkdir -p "$RUNDIR"
multi=$(gcc -print-multiarch)

for k in ${KVERS:-${KVER:?}}; do
	d=$RUNDIR/root-$k
	rm -rf "$d"
	# make check exports KDIR (one kernel's headers): each kernel its own
	if ! make -s install KVER="$k" KDIR="/lib/modules/$k/build" DESTDIR="$d" PREFIX=/usr >"$RUNDIR/install-$k.log" 2>&1; then
		tap_fail "$k: make install DESTDIR PREFIX=/usr" "$(tail -n 20 "$RUNDIR/install-$k.log")"
		continue
	fi
	tap_ok "$k: make install DESTDIR PREFIX=/usr"
	m=$d/lib/modules/$k/updates/ktls
	want="$m/tls.ko $m/tlssim.ko $d/usr/sbin/ktlsctl $d/usr/lib/$multi/ip/link_tlssim.so
	      $d/usr/lib/ktls/bpf/ktls_policy.o $d/usr/lib/ktls/bpf/ktls_deny.o
	      $d/usr/include/linux/ktls.h $d/usr/share/man/man7/ktls.7
	      $d/usr/share/man/man4/tlssim.4 $d/usr/share/man/man8/ktlsctl.8"
	miss=
	for f in $want; do
		[ -s "$f" ] || miss+=" ${f#"$d"}"
	done
	[ -z "$miss" ] && tap_ok "$k: every file where Debian looks for it" ||
		tap_fail "$k: every file where Debian looks for it" "missing:$miss"
	n=$(wc -l <"$d/usr/lib/ktls/manifest-$k")
	[ "$n" -eq "$(find "$d" -type f ! -name 'manifest-*' | wc -l)" ] &&
		tap_ok "$k: the manifest lists all $n files" ||
		tap_fail "$k: the manifest lists all $n files" "$(find "$d" -type f)"
	got="$(modinfo -F name "$m/tls.ko") $(modinfo -F vermagic "$m/tls.ko" | cut -d' ' -f1)"
	[ "$got" = "tls $k" ] && tap_ok "$k: updates/ktls/tls.ko is the module tls for $k" ||
		tap_fail "$k: updates/ktls/tls.ko is the module tls for $k" "name, vermagic: $got"
	[ "$(modinfo -F depends "$m/tlssim.ko" | tr , '\n' | grep -cx tls)" = 1 ] &&
		tap_ok "$k: tlssim.ko depends on tls" || tap_fail "$k: tlssim.ko depends on tls"
	if ! make -s uninstall KVER="$k" KDIR="/lib/modules/$k/build" DESTDIR="$d" PREFIX=/usr >"$RUNDIR/uninstall-$k.log" 2>&1; then
		tap_fail "$k: make uninstall" "$(tail -n 20 "$RUNDIR/uninstall-$k.log")"
		continue
	fi
	left=$(find "$d" -type f)
	[ -z "$left" ] && tap_ok "$k: make uninstall leaves no file" ||
		tap_fail "$k: make uninstall leaves no file" "$left"

done

# the installed header, as a program includes it
d=$RUNDIR/hdr
rm -rf "$d"
install -D -m 0644 kmod/uapi/linux/ktls.h "$d/linux/ktls.h"
printf '%s\n' '#include <sys/socket.h>' '#include <linux/tls.h>' '#include <linux/ktls.h>' \
	'int main(void) { struct tls_crypto_info_aes_cbc_hmac c; struct tls_get_record r;' \
	'return (int)sizeof(c) + (int)sizeof(r) + TLS_TX_MODE + TLS_RX_RECORD == 0; }' >"$d/t.c"
tap_check "<linux/ktls.h> compiles after <linux/tls.h> (-Wall -Werror)" \
	gcc -Wall -Werror -I"$d" -o "$d/t" "$d/t.c"

# man --warnings: groff's own warnings (every kind) on stderr
for p in man/*.[0-9]; do
	err=$(man --warnings=w -l "$p" 2>&1 >/dev/null)
	out=$(MANWIDTH=80 man -l "$p" 2>/dev/null)
	if [ -z "$err" ] && grep -q '^NAME' <<<"$out" && grep -q '^SEE ALSO' <<<"$out"; then
		tap_ok "man $(basename "$p") renders without groff warnings"
	else
		tap_fail "man $(basename "$p") renders without groff warnings" "$err"
	fi
done
tap_done
