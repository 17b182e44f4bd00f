# SPDX-License-Identifier: GPL-2.0
# Choose which module provides the TCP ULP "tls" inside a guest.
#
#   provider_load tls    the kernel's own net/tls (modprobe tls)
#   provider_load ktls   our ktls.ko (insmod; its crypto deps autoload)
#   provider_unload      remove whichever is loaded (fails if sockets use it)
#   tlssim_gone [SECS]   wait until every tlssim device is gone
#
# KTLS_PROVIDER in the environment picks the default for provider_load;
# KTLS_KO the ktls.ko to load: vm-run sets it to the running kernel's build
# ($O/mod/$KVER/kmod/ktls.ko); a snapshot or an older build for A/B.

KTLS_REPO=${KTLS_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
KTLS_KO=${KTLS_KO:-${O:-$KTLS_REPO/build}/mod/$(uname -r)/kmod/ktls.ko}
TLSSIM_KO=${TLSSIM_KO:-${O:-$KTLS_REPO/build}/mod/$(uname -r)/drivers/tlssim/tlssim.ko}

provider_loaded() {
	if grep -q '^tls ' /proc/modules; then echo tls
	elif grep -q '^ktls ' /proc/modules; then echo ktls
	fi
}

provider_load() {
	local want=${1:-${KTLS_PROVIDER:-tls}} cur
	cur=$(provider_loaded)
	[ "$cur" = "$want" ] && return 0
	[ -n "$cur" ] && { provider_unload || return 1; }
	case $want in
	tls)
		modprobe tls ;;
	ktls)
		# ktls.ko uses symbols of nothing but the core kernel; the AEAD
		# algorithms are requested by name when keys are installed.
		insmod "$KTLS_KO" ;;
	*)
		echo "provider_load: unknown provider '$want'" >&2
		return 1 ;;
	esac
}

provider_unload() {
	local cur
	cur=$(provider_loaded)
	case $cur in
	tls) modprobe -r tls ;;
	ktls) rmmod ktls ;;
	esac
}

# tlssim_gone [SECS]: wait, up to SECS (default 10) seconds, until no tlssim
# device is left in any namespace (each has a directory in tlssim's
# debugfs).  Devices in a deleted namespace go only when its last socket
# has been destroyed (cleanup_net), so this also waits for those sockets.
tlssim_gone() {
	local n=$((${1:-10} * 10))

	for _ in $(seq 1 $n); do
		[ -z "$(ls /sys/kernel/debug/tlssim/ 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	return 1
}
