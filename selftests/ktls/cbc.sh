#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktls.ko's AES-CBC + HMAC suites (FreeBSD's ten CBC suites), each case
# once per suite, against cbc_test's OpenSSL record codec: the kernel
# seals and the codec opens (version bytes, minimal padding for every
# length, MAC, fresh or TLS 1.0 chained IVs, copied, referenced and
# sendfile records, an alert), the codec seals and the kernel opens
# (every padding length, extra padding up to 256 bytes), kernel to
# kernel, the socket option errnos (net.ktls.cbc_enable, versions,
# lengths, no device), FreeBSD's bad records (data, MAC, padding, IV:
# EBADMSG; lengths: EMSGSIZE; version: EINVAL) and the constant-time
# padding check, measured (the TIMING line); then OpenSSL's own TLS 1.2
# CBC record layer on the other end of a real handshake (cbc_ossl).
. "$(dirname "$0")/rx_lib.sh"
RX_TEST=$O/ktls/cbc_test
RX_VARIANTS="aes128_cbc_1_0_sha1 aes256_cbc_1_0_sha1 aes128_cbc_1_1_sha1
aes256_cbc_1_1_sha1 aes128_cbc_1_2_sha1 aes256_cbc_1_2_sha1
aes128_cbc_1_2_sha256 aes256_cbc_1_2_sha256 aes128_cbc_1_2_sha384
aes256_cbc_1_2_sha384"
rx_setup
if [ -w /proc/sys/net/ktls/cbc_enable ]; then
	[ "$(cat /proc/sys/net/ktls/cbc_enable)" = 0 ] &&
		tap_ok "net.ktls.cbc_enable is 0 by default" ||
		tap_fail "net.ktls.cbc_enable is 0 by default"
	echo 1 >/proc/sys/net/ktls/cbc_enable
else
	tap_fail "net.ktls.cbc_enable exists"
fi
for c in tx rx loop sockopt rx_bad_data rx_bad_mac rx_bad_padding \
	rx_bad_padding_mid rx_bad_iv rx_small_record rx_non_block_size \
	rx_oversized_record rx_short_header rx_bad_version timing; do
	rx_case "$c"
done
grep -h '^TIMING' "${TMPDIR:-/tmp}/rx_case.out" | tap_diag
# OpenSSL's own TLS 1.2 CBC record layer, after a real handshake
make -s -C "$rx_here/.." O="$O" "$O/ktls/cbc_ossl" || tap_fail "build cbc_ossl"
for s in PSK-AES128-CBC-SHA PSK-AES256-CBC-SHA PSK-AES128-CBC-SHA256 \
	PSK-AES256-CBC-SHA384; do
	rx_selected "openssl.$s" || continue
	out=$(timeout 120 "$O/ktls/cbc_ossl" "$s" 2>&1)
	case $? in
	0) tap_ok "openssl.$s" ;;
	4) tap_skip "openssl.$s" "OpenSSL lacks the suite" ;;
	*) tap_fail "openssl.$s"; printf '%s\n' "$out" | tail -n 5 | tap_diag ;;
	esac
done
echo 0 >/proc/sys/net/ktls/cbc_enable 2>/dev/null
rx_finish
