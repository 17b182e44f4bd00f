#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DKMS builds ktls.ko (as tls.ko) and tlssim.ko from dkms.conf for every
# kernel of KVERS, as 'make dkms' does (install/dkms.sh), but in scratch
# trees (--dkmstree, --sourcetree, --installtree, --no-depmod), so that the
# host's /var/lib/dkms, /usr/src and /lib/modules stay untouched; then a
# guest of that kernel loads what DKMS installed and runs an OpenSSL KTLS
# session and a tlssim pair on it (selftests/install/dkms_guest.sh).
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. selftests/lib/tap.sh
O=${O:-$top/build}
RUNDIR=${RUNDIR:-$O/host-runs/dkms}
export VM_QUIET=1

for k in ${KVERS:-${KVER:?}}; do
	t=$RUNDIR/dkms-$k
	rm -rf "$t"
	mkdir -p "$t/src" "$t/tree" "$t/inst/$k"
	export SRCTREE=$t/src KVER=$k \
		DKMS_ARGS="--dkmstree $t/tree --sourcetree $t/src --installtree $t/inst --no-depmod"
	if ! install/dkms.sh stage add build install >"$t/dkms.log" 2>&1; then
		tap_fail "$k: dkms add, build, install" "$(tail -n 30 "$t/dkms.log")"
		continue
	fi
	tap_ok "$k: dkms add, build, install"
	st=$(dkms status $DKMS_ARGS -m ktls -k "$k" 2>&1)
	case $st in
	*"$k"*installed*) tap_ok "$k: dkms status: installed" ;;
	*) tap_fail "$k: dkms status: installed" "$st" ;;
	esac
	m=$t/inst/$k/updates/dkms
	# DKMS compresses as the kernel's own modules are (6.12: tls.ko.xz)
	ko=$(ls "$m"/tls.ko* 2>/dev/null | head -n 1)
	got="$(modinfo -F name "$ko") $(modinfo -F vermagic "$ko" | cut -d' ' -f1)"
	[ "$got" = "tls $k" ] && tap_ok "$k: DKMS built the module tls for $k" ||
		tap_fail "$k: DKMS built the module tls for $k" "name, vermagic: $got"
	# the guest's own results, as this suite's
	if KVER=$k selftests/vm/vm-run --name "dkms-$k" --timeout 300 -- \
		selftests/install/dkms_guest.sh "$m" >"$t/guest.log" 2>&1; then
		rc=ok
	else
		rc=fail
	fi
	while read -r l; do
		case $l in
		"ok "*) tap_ok "$k guest: ${l#ok * - }" ;;
		"not ok "*) tap_fail "$k guest: ${l#not ok * - }" ;;
		esac
	done <"$O/vm/runs/dkms-$k/results.tap"
	[ $rc = ok ] || tap_fail "$k: the guest run" "$(tail -n 20 "$t/guest.log")"
	if dkms remove $DKMS_ARGS -m ktls -v "$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)" \
		--all >>"$t/dkms.log" 2>&1 && [ -z "$(find "$t/inst" -name '*.ko')" ]; then
		tap_ok "$k: dkms remove takes the modules out"
	else
		tap_fail "$k: dkms remove takes the modules out" "$(find "$t/inst" -name '*.ko')"
	fi
done
tap_done
