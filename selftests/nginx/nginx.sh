#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nginx (Debian's package, selftests/nginx/fetch.sh) serves files with
# "sendfile on" and "ssl_conf_command Options KTLS", so OpenSSL hands every
# connection's keys to the kernel and nginx sends files with SSL_sendfile;
# curl (userspace OpenSSL) downloads and uploads.  For each provider
# (tls.ko, the control, then ktls.ko) and each of TLS 1.2 and 1.3 with
# AES-GCM-128, AES-GCM-256 and ChaCha20-Poly1305:
#   - one keep-alive connection fetches a large file and two small ones,
#     every download checked by SHA-256, and the kernel counts exactly one
#     kTLS TX socket for it (TlsTxSw, or TlsTxDevice on the device);
#   - nginx's debug log shows SSL_sendfile;
#   - TLS 1.2: an 8 MiB PUT, stored byte-exact, received by the kernel
#     (TlsRxSw or TlsRxDevice: OpenSSL 3.0 installs no TLS 1.3 RX key).
#   nginx.sh loopback   over 127.0.0.1, software
#   nginx.sh tlssim     nginx and curl on the two ends of a tlssim pair:
#                       AES-GCM on the device where the provider offloads
#                       it (TLS 1.3: ktls.ko only), ChaCha20 in software
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/lib/provider.sh
. selftests/tlssim/tls_lib.sh
. selftests/interop/lib.sh
. selftests/nginx/lib.sh

MODE=${1:-loopback}
O=${O:-$PWD/build}
W=/tmp/nginx.$$
BIG=${NGINX_BIG_MIB:-4}
PORT=8443

[ -x "$NGINX" ] || { tap_fail "nginx fetched" "$NGINX missing: make check fetches it"; tap_done; }
mkdir -p "$W/www"
interop_cached_certs || { tap_fail "certificates"; tap_done; }
head -c $((BIG << 20)) /dev/urandom >"$W/www/big"
head -c 1000 /dev/urandom >"$W/www/small1"
head -c 70000 /dev/urandom >"$W/www/small2"
head -c $((8 << 20)) /dev/urandom >"$W/upload"
declare -A SUM
for f in big small1 small2; do
	SUM[$f]=$(sha256sum <"$W/www/$f" | cut -d' ' -f1)
done
SUM[upload]=$(sha256sum <"$W/upload" | cut -d' ' -f1)

if [ "$MODE" = tlssim ]; then
	SRV_NS=$NS2 CLI_NS=$NS1 ADDR=10.77.0.2
	# tlssim offloads AES-GCM only
	declare -A KIND=([aes128]=Device [aes256]=Device [chacha]=Sw)
else
	SRV_NS='' CLI_NS='' ADDR=127.0.0.1
	declare -A KIND=([aes128]=Sw [aes256]=Sw [chacha]=Sw)
fi

# in NS (empty: this namespace)
in_ns() {
	local ns=$1

	shift
	if [ -n "$ns" ]; then
		nsenter --net="/run/netns/$ns" "$@"
	else
		"$@"
	fi
}

# the server's /proc/net/tls_stat counter NAME
srv_stat() {
	in_ns "$SRV_NS" awk -v n="$1" '$1 == n { print $2; f = 1 } END { if (!f) print 0 }' /proc/net/tls_stat
}

# curl_args VERSION CIPHER: curl's options for them
curl_args() {
	local v=$1 c=$2

	case $v/$c in
	1.2/aes128) echo "--tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256" ;;
	1.2/aes256) echo "--tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES256-GCM-SHA384" ;;
	1.2/chacha) echo "--tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-CHACHA20-POLY1305" ;;
	1.3/aes128) echo "--tlsv1.3 --tls13-ciphers TLS_AES_128_GCM_SHA256" ;;
	1.3/aes256) echo "--tlsv1.3 --tls13-ciphers TLS_AES_256_GCM_SHA384" ;;
	1.3/chacha) echo "--tlsv1.3 --tls13-ciphers TLS_CHACHA20_POLY1305_SHA256" ;;
	esac
}

# the counter a connection of VERSION and CIPHER moves: TlsTx + Sw/Device
kind() {
	if [ "$1" = 1.3 ] && [ "${KIND[$2]}" = Device ]; then
		tls_v13_dev
	else
		echo "${KIND[$2]}"
	fi
}

one_case() {
	local v=$1 c=$2 k tx0 rx0 n bad='' f url=https://$ADDR:$PORT tag="tls$1 $2"

	k=$(kind "$v" "$c")
	tx0=$(srv_stat "TlsTx$k")
	: >"$W/error.log"
	# shellcheck disable=SC2046
	if in_ns "$CLI_NS" curl -sS -k --max-time 240 $(curl_args "$v" "$c") \
		-o "$W/got.big" "$url/big" -o "$W/got.small1" "$url/small1" \
		-o "$W/got.small2" "$url/small2" 2>"$W/curl.err"; then
		for f in big small1 small2; do
			[ "$(sha256sum <"$W/got.$f" | cut -d' ' -f1)" = "${SUM[$f]}" ] || bad+=" $f"
		done
		[ -z "$bad" ] && tap_ok "$tag: keep-alive GET of ${BIG} MiB + 2 small files, SHA-256 equal" ||
			tap_fail "$tag: keep-alive GET of ${BIG} MiB + 2 small files, SHA-256 equal" "differ:$bad"
	else
		tap_fail "$tag: keep-alive GET of ${BIG} MiB + 2 small files, SHA-256 equal" "$(cat "$W/curl.err")"
	fi
	n=$(( $(srv_stat "TlsTx$k") - tx0 ))
	tls_expect "$tag: one kernel TX socket for the 3 requests (TlsTx$k)" 1 "$n"
	if grep -q "SSL_sendfile" "$W/error.log"; then
		tap_ok "$tag: nginx sent with SSL_sendfile"
	else
		tap_fail "$tag: nginx sent with SSL_sendfile" "$(grep -m3 -i ktls "$W/error.log")"
	fi
	[ "$v" = 1.2 ] || return 0
	rx0=$(srv_stat "TlsRx$k")
	rm -f "$W/www/up/file"
	# shellcheck disable=SC2046
	if in_ns "$CLI_NS" curl -sS -k --max-time 240 $(curl_args "$v" "$c") -o /dev/null \
		-w '%{http_code}' -T "$W/upload" "$url/up/file" >"$W/put.code" 2>"$W/curl.err" &&
	   [ "$(sha256sum <"$W/www/up/file" | cut -d' ' -f1)" = "${SUM[upload]}" ]; then
		tap_ok "$tag: 8 MiB PUT stored byte-exact (HTTP $(cat "$W/put.code"))"
	else
		tap_fail "$tag: 8 MiB PUT stored byte-exact" "$(cat "$W/put.code" "$W/curl.err")"
	fi
	n=$(( $(srv_stat "TlsRx$k") - rx0 ))
	tls_expect "$tag: the kernel received it (TlsRx$k)" 1 "$n"
}

checks() {
	if [ "$MODE" = tlssim ]; then
		tls_pair || { tap_fail "create tlssim pair in two namespaces"; return; }
	fi
	nginx_conf "$W" $ADDR $PORT
	if nginx_start "$W" "$SRV_NS" >"$W/start.log"; then
		tap_ok "nginx listens on $ADDR:$PORT"
		for v in 1.2 1.3; do
			for c in aes128 aes256 chacha; do
				want_case "tls$v $c" && one_case "$v" "$c"
			done
		done
		nginx_stop "$W"
	else
		tap_fail "nginx listens on $ADDR:$PORT" "$(cat "$W/start.log")"
	fi
	if [ "$MODE" = tlssim ]; then
		tls_expect "the devices encrypted records" "gt:0" "$(tls_ctr $NS2 tsb tx_tls_encrypted_packets)"
		tls_finish
	fi
}

tls_each_provider checks
rm -rf "$W"
tap_done
