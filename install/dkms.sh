#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 'make dkms': register the module sources with DKMS and build and install
# them for KVER; DKMS then rebuilds them for every kernel installed later.
#   install/dkms.sh [stage|add|build|install|remove]   (default: all but remove)
# DKMS_ARGS: extra dkms options, e.g. --dkmstree/--sourcetree/--installtree
# to work in a scratch tree (selftests/install/dkms.sh does).
# SRCTREE: where the sources are staged (/usr/src, dkms's own default).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${KVER:?KVER unset}"
NAME=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' dkms.conf)
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
SRCTREE=${SRCTREE:-/usr/src}
read -r -a args <<<"${DKMS_ARGS:-}"

# Only what the modules are built from: dkms copies its source tree for
# every build, and this repository's build/ is gigabytes.
stage() {
	local dst=$SRCTREE/$NAME-$VER f

	rm -rf "$dst"
	mkdir -p "$dst"
	for f in dkms.conf install/dkms-build.sh $(git ls-files kmod drivers/tlssim 2>/dev/null ||
			find kmod drivers/tlssim -type f); do
		install -D -m "$(stat -c %a "$f")" "$f" "$dst/$f"
	done
	echo "dkms: sources staged in $dst"
}

step() {
	case $1 in
	stage) stage ;;
	add) dkms add "${args[@]}" -m "$NAME" -v "$VER" ;;
	build) dkms build "${args[@]}" -m "$NAME" -v "$VER" -k "$KVER" ;;
	install) dkms install "${args[@]}" -m "$NAME" -v "$VER" -k "$KVER" ;;
	remove) dkms remove "${args[@]}" -m "$NAME" -v "$VER" --all ;;
	*) echo "usage: $0 [stage|add|build|install|remove]" >&2; exit 2 ;;
	esac
}

if [ $# -eq 0 ]; then
	set -- stage add build install
fi
for s in "$@"; do
	step "$s"
done
