#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktls.ko installed as the system's tls module, used with no insmod: the
# step 'make install' runs (install/install.sh, PREFIX=/usr) on this guest,
# then everything that asks for "tls" must get ours, and uninstall must
# give the kernel's tls.ko back:
#   - modinfo and modprobe tls find updates/ktls/tls.ko;
#   - an OpenSSL KTLS session with nothing loaded autoloads it (the kernel
#     requests "tcp-ulp-tls" when OpenSSL sets TCP_ULP), both SHA-256 equal;
#     so does nginx (KTLS, sendfile) serving a file to curl;
#   - modprobe bonding (a tls.ko user on 6.1) and modprobe tlssim load on
#     it, and Debian's ip creates a tlssim pair with no IP_LIB_DIR;
#   - ktlsctl status and man find the installed files.
# The guest's module tree is the shared build output, so the install goes
# to an overlay on it that ends with the guest.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/lib/provider.sh
. selftests/interop/lib.sh
. selftests/nginx/lib.sh

KVER=$(uname -r)
O=${O:-$PWD/build}
export KVER O PREFIX=/usr
MODS=/lib/modules/$KVER
ours=/sys/module/tls/parameters/bpf_default
ovl=/tmp/installed-ovl

# expect DESC WANT GOT
expect() {
	if [ "$2" = "$3" ]; then tap_ok "$1 ($3)"; else tap_fail "$1" "want '$2', got '$3'"; fi
}

# a TLS 1.2 session of 1 MiB each way, OpenSSL's KTLS on the server
session() {
	local out=$INTEROP_WORK/pair.$1

	"$INTEROP_TOOL" pair "${CERTS[@]}" --require-ktls --tls 1.2 \
		--cipher ECDHE-RSA-AES128-GCM-SHA256 --bytes 1M --direction both >"$out" 2>&1 || {
		cat "$out"
		return 1
	}
	results_read "$out"
	[ "${RES[server.sent_sha256]:-}" = "${RES[client.recv_sha256]:-x}" ] &&
		[ "${RES[client.sent_sha256]:-}" = "${RES[server.recv_sha256]:-x}" ]
}

mkdir -p "$ovl/upper" "$ovl/work"
if ! mount -t overlay overlay -o "lowerdir=$MODS,upperdir=$ovl/upper,workdir=$ovl/work" "$MODS"; then
	tap_fail "a private, writable $MODS (overlay)"
	tap_done
fi
provider_unload 2>/dev/null

tap_check "install/install.sh install (make install's step), PREFIX=/usr" install/install.sh install
expect "modinfo tls: the installed module" "$MODS/updates/ktls/tls.ko" "$(modinfo -F filename tls)"
case $(modinfo -F description tls) in
ktls:*) tap_ok "modinfo tls: ktls.ko's description" ;;
*) tap_fail "modinfo tls: ktls.ko's description" "$(modinfo -F description tls)" ;;
esac
expect "tlssim installed beside it" "$MODS/updates/ktls/tlssim.ko" "$(modinfo -F filename tlssim)"

# The ULP's autoload: no module loaded, OpenSSL asks for TCP_ULP "tls".
INTEROP_WORK=/tmp/installed.$$
mkdir -p "$INTEROP_WORK"
interop_cached_certs
CERTS=(--cert "$CERTD/rsa.crt" --key "$CERTD/rsa.key"
       --cert "$CERTD/ec.crt" --key "$CERTD/ec.key")
expect "no TLS module loaded before the session" "" "$(provider_loaded)"
tap_check "OpenSSL KTLS session with nothing loaded: byte-exact" session autoload
if [ -e "$ours" ]; then
	tap_ok "the kernel's autoload of tcp-ulp-tls loaded ktls.ko"
else
	tap_fail "the kernel's autoload of tcp-ulp-tls loaded ktls.ko" "$(grep '^tls ' /proc/modules)"
fi
declare -A st
stat_read st
[ "${st[TlsTxSw]:-0}" -ge 1 ] && [ "${st[TlsRxSw]:-0}" -ge 1 ] &&
	tap_ok "the session ran in ktls.ko (TlsTxSw ${st[TlsTxSw]}, TlsRxSw ${st[TlsRxSw]})" ||
	tap_fail "the session ran in ktls.ko" "TlsTxSw ${st[TlsTxSw]:-} TlsRxSw ${st[TlsRxSw]:-}"

# nginx, through the autoload alone too
modprobe -r tls
ngx=$INTEROP_WORK/nginx
nginx_conf "$ngx" 127.0.0.1 8443
head -c $((1 << 20)) /dev/urandom >"$ngx/www/file"
tx0=$(awk '$1 == "TlsTxSw" { print $2 }' /proc/net/tls_stat 2>/dev/null)
if nginx_start "$ngx" >"$ngx/start.log" &&
   curl -sS -k --tlsv1.3 -o "$ngx/got" https://127.0.0.1:8443/file 2>"$ngx/curl.err" &&
   cmp -s "$ngx/www/file" "$ngx/got"; then
	tap_ok "nginx (KTLS, sendfile) with nothing loaded: curl gets 1 MiB byte-exact"
else
	tap_fail "nginx (KTLS, sendfile) with nothing loaded: curl gets 1 MiB byte-exact" \
		"$(cat "$ngx/start.log" "$ngx/curl.err")"
fi
nginx_stop "$ngx"
tx1=$(awk '$1 == "TlsTxSw" { print $2 }' /proc/net/tls_stat 2>/dev/null)
if [ -e "$ours" ] && grep -q SSL_sendfile "$ngx/error.log" && [ "${tx1:-0}" -ge 1 ]; then
	tap_ok "nginx's SSL_sendfile ran on the autoloaded ktls.ko (TlsTxSw ${tx0:-0} -> $tx1)"
else
	tap_fail "nginx's SSL_sendfile ran on the autoloaded ktls.ko" "$(grep '^tls ' /proc/modules)"
fi

# Drivers that depend on tls.ko
modprobe -r tls
tap_check "modprobe bonding" modprobe bonding
case ",$(modinfo -F depends bonding)," in
*,tls,*)
	if [ -e "$ours" ]; then
		tap_ok "bonding's dependency tls is ktls.ko"
	else
		tap_fail "bonding's dependency tls is ktls.ko"
	fi ;;
*) tap_skip "bonding's dependency tls is ktls.ko" "this kernel's bonding does not use tls" ;;
esac
modprobe -r bonding
tap_check "modprobe tlssim" modprobe tlssim
tap_check "Debian's ip: ip link add name tix type tlssim peer name tiy (no IP_LIB_DIR)" \
	env -u IP_LIB_DIR ip link add name tix type tlssim peer name tiy
expect "the pair exists" "tiy" "$(ip -o link show tiy 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1)"
ip link del tix 2>/dev/null

tap_check "ktlsctl on PATH" command -v ktlsctl
case $(ktlsctl status 2>&1) in
*"provider:"*"ktls.ko (installed as tls)"*) tap_ok "ktlsctl status: ktls.ko (installed as tls)" ;;
*) tap_fail "ktlsctl status: ktls.ko (installed as tls)" "$(ktlsctl status 2>&1 | head -3)" ;;
esac
for p in 7:ktls 4:tlssim 8:ktlsctl; do
	expect "man -w ${p#*:}(${p%:*})" "/usr/share/man/man${p%:*}/${p#*:}.${p%:*}" \
		"$(man -w "${p%:*}" "${p#*:}" 2>&1)"
done
[ -f /usr/include/linux/ktls.h ] && tap_ok "/usr/include/linux/ktls.h" ||
	tap_fail "/usr/include/linux/ktls.h"

# Uninstall: the kernel's tls.ko again
modprobe -r tlssim
modprobe -r tls
tap_check "install/install.sh uninstall" install/install.sh uninstall
# 6.12's modules are xz-compressed (tls.ko.xz)
f=$(modinfo -F filename tls)
expect "modinfo tls: the kernel's again" "$MODS/kernel/net/tls/tls.ko" "${f%.xz}"
modprobe tls
if [ -e /sys/module/tls ] && [ ! -e "$ours" ]; then
	tap_ok "modprobe tls: the kernel's tls.ko"
else
	tap_fail "modprobe tls: the kernel's tls.ko"
fi
modprobe -r tls
left=$(find "$MODS/updates" /usr/sbin/ktlsctl /usr/include/linux/ktls.h /usr/lib/ktls \
	/usr/share/man/man7/ktls.7 /usr/lib/*/ip/link_tlssim.so -type f 2>/dev/null)
expect "nothing of the install left" "" "$left"

umount "$MODS"
tap_done
