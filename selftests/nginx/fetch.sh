#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Debian's nginx binary for the nginx suites and the demo, unpacked into
# $O/nginx/root and run from there with a configuration of its own: the
# package is never installed, since installing it would start it as this
# host's web server.  Fetched by name with apt-get download, as the guest
# kernel is; its libraries (OpenSSL 3, PCRE2, zlib) are the system's.
set -euo pipefail
cd "$(dirname "$0")/../.."
O=${O:-$PWD/build}
dst=$O/nginx
ver=$(apt-cache policy nginx | sed -n 's/^ *Candidate: //p')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || { echo "nginx: no candidate (apt-get update?)" >&2; exit 1; }
if [ -x "$dst/root/usr/sbin/nginx" ] && [ "$(cat "$dst/version" 2>/dev/null)" = "$ver" ]; then
	exit 0
fi
rm -rf "$dst"
mkdir -p "$dst/deb"
(cd "$dst/deb" && apt-get download -q "nginx=$ver" 2>&1 | grep -v '^W: Download is performed unsandboxed' || :)
dpkg-deb -x "$dst"/deb/nginx_*.deb "$dst/root"
"$dst/root/usr/sbin/nginx" -v
echo "$ver" >"$dst/version"
