# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Debian's nginx (selftests/nginx/fetch.sh unpacks it into $O/nginx) as a
# kTLS server: sourced by the nginx suites, the install suite and the demo.
#
#   nginx_conf DIR ADDR PORT [PROTOCOLS]  DIR/nginx.conf: one process,
#                           sendfile on, "ssl_conf_command Options KTLS",
#                           files from DIR/www, PUT into DIR/www/up/,
#                           PROTOCOLS (default "TLSv1.2 TLSv1.3"), a debug
#                           log in DIR/error.log; needs CERTD (interop/lib.sh)
#   nginx_start DIR [NS]    start it (in network namespace NS), wait until
#                           it listens; false (log shown) if it does not
#   nginx_stop DIR          stop it and wait for it
NGINX=${NGINX:-${O:-build}/nginx/root/usr/sbin/nginx}

nginx_conf() {
	local d=$1 addr=$2 port=$3 protos=${4:-TLSv1.2 TLSv1.3}

	mkdir -p "$d/www/up" "$d/tmp"
	cat >"$d/nginx.conf" <<-EOF
	daemon off;
	master_process off;
	pid $d/nginx.pid;
	error_log $d/error.log debug;
	events { worker_connections 64; }
	http {
		access_log $d/access.log;
		client_body_temp_path $d/tmp/body;
		proxy_temp_path $d/tmp/proxy;
		fastcgi_temp_path $d/tmp/fastcgi;
		uwsgi_temp_path $d/tmp/uwsgi;
		scgi_temp_path $d/tmp/scgi;
		default_type application/octet-stream;
		sendfile on;
		keepalive_requests 100;
		server {
			listen $addr:$port ssl;
			ssl_certificate $CERTD/rsa.crt;
			ssl_certificate_key $CERTD/rsa.key;
			ssl_protocols $protos;
			ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305;
			ssl_conf_command Options KTLS;
			root $d/www;
			location /up/ {
				dav_methods PUT;
				create_full_put_path on;
				client_max_body_size 64m;
			}
		}
	}
	EOF
	NGINX_PORT=$port
}

# NGINX_PID is the shell that runs it: nginx's own pid is in its pid file
nginx_start() {
	local d=$1 ns=${2:-} run=()

	[ -n "$ns" ] && run=(nsenter --net="/run/netns/$ns")
	: >"$d/error.log"
	"${run[@]}" "$NGINX" -p "$d" -c "$d/nginx.conf" -e "$d/error.log" &
	NGINX_PID=$!
	"${run[@]}" bash -c ". selftests/interop/lib.sh; wait_listen $NGINX_PORT $NGINX_PID" && return 0
	tail -n 20 "$d/error.log"
	return 1
}

nginx_stop() {
	kill "$(cat "$1/nginx.pid" 2>/dev/null)" 2>/dev/null
	wait "$NGINX_PID" 2>/dev/null
}
