#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In a guest: the modules DKMS installed (directory $1) work on the
# kernel they were built for.  tls.ko is loaded first, as modprobe would,
# then an OpenSSL KTLS session must run in it byte-exact, and tlssim.ko
# must load on it and make a pair.
#   dkms_guest.sh DIR
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/lib/provider.sh
. selftests/interop/lib.sh
dir=$1
# DKMS compresses as the kernel does (6.12: .ko.xz); insmod takes either
tls_ko=$(ls "$dir"/tls.ko* | head -n 1)
sim_ko=$(ls "$dir"/tlssim.ko* | head -n 1)

provider_unload 2>/dev/null
tap_check "insmod DKMS's tls.ko" insmod "$tls_ko"
[ -e /sys/module/tls/parameters/bpf_default ] && tap_ok "the module tls is ktls.ko" ||
	tap_fail "the module tls is ktls.ko"
INTEROP_WORK=/tmp/dkms.$$
mkdir -p "$INTEROP_WORK"
interop_cached_certs
out=$INTEROP_WORK/pair.out
declare -A s0 s1
stat_read s0
"$INTEROP_TOOL" pair --cert "$CERTD/rsa.crt" --key "$CERTD/rsa.key" --require-ktls \
	--tls 1.3 --cipher TLS_AES_256_GCM_SHA384 --bytes 1M --direction tx >"$out" 2>&1
rc=$?
stat_read s1
results_read "$out"
if [ $rc -eq 0 ] && [ "${RES[server.sent_sha256]:-}" = "${RES[client.recv_sha256]:-x}" ] &&
   [ $(( ${s1[TlsTxSw]:-0} - ${s0[TlsTxSw]:-0} )) -eq 1 ]; then
	tap_ok "OpenSSL KTLS TLS 1.3 session on it, 1 MiB byte-exact, TlsTxSw +1"
else
	tap_fail "OpenSSL KTLS TLS 1.3 session on it, 1 MiB byte-exact, TlsTxSw +1" "$(tail -n 5 "$out")"
fi
modprobe gf128mul 2>/dev/null
tap_check "insmod DKMS's tlssim.ko" insmod "$sim_ko"
tap_check "a tlssim pair on it" ip link add tdx type tlssim
ip link del tdx 2>/dev/null
rmmod tlssim
tap_check "rmmod tls" rmmod tls
tap_done
