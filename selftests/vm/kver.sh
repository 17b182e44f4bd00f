#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the kernel release we build against and boot.
#
#   kver.sh           Debian 12's own kernel: the release the
#                     linux-headers-amd64 metapackage depends on
#   kver.sh 6.12      the newest 6.12.*+deb12-amd64 release (Debian 13's
#                     series, built for Debian 12 with its gcc-12)
#   kver.sh 6.1 6.12  one release a line, in that order
#
# A release is taken from the installed headers when present, else from
# the package lists, so that a fresh machine resolves the same names that
# selftests/vm/deps.sh then installs.
set -e

default_kver() {
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null || true)
	if [ -z "$dep" ]; then
		dep=$(apt-cache show linux-headers-amd64 2>/dev/null |
		      sed -n 's/^Depends: //p' | head -n 1)
	fi
	printf '%s\n' "$dep" | sed -n 's/.*linux-headers-\([^ ,]*\).*/\1/p'
}

# The newest release of series $1 built for Debian 12 ("+deb12"): those
# use Debian 12's gcc, which a Debian 13 build (gcc-14) would need.
series_kver() {
	{
		dpkg-query -W -f='${Package} ${Status}\n' "linux-headers-$1.*+deb12-amd64" \
			2>/dev/null | awk '/install ok installed/ {print $1}'
		apt-cache pkgnames "linux-headers-$1." 2>/dev/null
	} | sed -n "s/^linux-headers-\($1\.[0-9]*+deb12-amd64\)$/\1/p" |
		sort -V | tail -n 1
}

[ $# -gt 0 ] || set -- ""
for s in "$@"; do
	case $s in
	""|default) ver=$(default_kver) ;;
	*.*-*|*+*) ver=$s ;;	# already a release
	*)
		ver=$(series_kver "$s")
		# Debian 12's own series is the metapackage's.
		[ -n "$ver" ] || case $(default_kver) in "$s".*) ver=$(default_kver) ;; esac ;;
	esac
	if [ -z "$ver" ]; then
		echo "kver.sh: cannot resolve kernel '${s:-default}' (run 'make deps')" >&2
		exit 1
	fi
	printf '%s\n' "$ver"
done
