#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install everything the build and the tests need, by Debian package name,
# idempotently. With --check, only report (exit 1) when something is missing.
set -euo pipefail

# Every kernel make check covers (KVERS, as in the Makefile) and KVER.
kvers=${KVERS:-6.1 6.12}
kver=${KVER:-}
pkgs=(
	build-essential bc bison flex libelf-dev dwarves kmod cpio xz-utils
	qemu-system-x86 qemu-utils busybox-static
	iproute2 ethtool iputils-ping procps psmisc python3
	clang llvm libbpf-dev bpftool
	libssl-dev openssl gnutls-bin libgnutls28-dev
	sparse linux-headers-amd64 linux-perf
	dkms
)

missing() {
	local p out=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || out+=("$p")
	done
	printf '%s\n' "${out[@]}"
}

need=$(missing "${pkgs[@]}")
# The headers of each release we build for and boot, and the upstream
# source of its series (net/tls to read, the upstream selftest to build).
# A release the package lists do not know yet needs an apt-get update.
here=$(cd "$(dirname "$0")" && pwd)
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
updated=
# shellcheck disable=SC2086
rels=$("$here/kver.sh" $kvers 2>/dev/null) || rels=
if [ -z "$rels" ] && [ "${1:-}" != "--check" ]; then
	echo "deps: updating package lists to resolve kernels: $kvers"
	$sudo apt-get update -q
	updated=1
	# shellcheck disable=SC2086
	rels=$("$here/kver.sh" $kvers)
fi
[ -n "$rels" ] || need+=$'\n'"kernels($kvers)"
for r in $rels $kver; do
	series=$(echo "$r" | cut -d. -f1,2)
	need+=$'\n'$(missing "linux-headers-$r" "linux-source-$series")
done
need=$(printf '%s\n' "$need" | sed '/^$/d')

if [ "${1:-}" = "--check" ]; then
	[ -z "$need" ] && exit 0
	echo "deps: missing packages: $(echo $need)" >&2
	exit 1
fi
[ -z "$need" ] && { echo "deps: all packages present"; exit 0; }

export DEBIAN_FRONTEND=noninteractive
echo "deps: installing: $(echo $need)"
[ -n "$updated" ] || $sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $need
