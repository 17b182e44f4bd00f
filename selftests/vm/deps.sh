#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install everything the build and the tests need, by Debian package name,
# idempotently. With --check, only report (exit 1) when something is missing.
set -euo pipefail

kver=${KVER:-}
pkgs=(
	build-essential bc bison flex libelf-dev dwarves kmod cpio xz-utils
	qemu-system-x86 qemu-utils busybox-static
	iproute2 ethtool iputils-ping procps psmisc python3
	clang llvm libbpf-dev bpftool
	libssl-dev openssl gnutls-bin libgnutls28-dev
	sparse linux-source-6.1 linux-headers-amd64 linux-perf
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
# The headers of the exact release we boot, when one was asked for.
if [ -n "$kver" ]; then
	need+=$'\n'$(missing "linux-headers-$kver")
fi
need=$(printf '%s\n' "$need" | sed '/^$/d')

if [ "${1:-}" = "--check" ]; then
	[ -z "$need" ] && exit 0
	echo "deps: missing packages: $(echo $need)" >&2
	exit 1
fi
[ -z "$need" ] && { echo "deps: all packages present"; exit 0; }

export DEBIAN_FRONTEND=noninteractive
echo "deps: installing: $(echo $need)"
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $need
