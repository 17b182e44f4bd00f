# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the interop suites (sourced after tap.sh/provider.sh).
#
#   interop_setup            cd to the repo, load $KTLS_PROVIDER, certs in
#                            $CERTD and CERTS (the tool's options for them)
#   interop_certs DIR        throwaway self-signed RSA and ECDSA certificates
#   interop_cached_certs     the same, kept in $O/interop for later guests;
#                            sets CERTD
#   stat_snap FILE           copy /proc/net/tls_stat to FILE
#   stat_delta A B NAME      counter NAME in B minus in A
#   stat_read ARRAY          /proc/net/tls_stat into an associative array
#   results_read FILE...     the RESULT lines of FILEs into RES[role.field],
#                            their roles in RES_ROLES
#   want_case DESC           false when KTLS_FILTER excludes DESC
#   wait_listen PORT [PID]   wait (60 s) until a TCP socket listens on PORT
#   diag_transfer FILE...    the transfer summary lines of FILEs as diagnostics
#
# The suites check each case with the builtins of stat_read and
# results_read: in a guest without KVM every fork (a $(...), awk, cat)
# costs a noticeable fraction of a second, and a case used to spend
# dozens of them on its checks.

INTEROP_TOOL=${INTEROP_TOOL:-userspace/ktls_interop}
declare -gA RES=()
RES_ROLES=()

interop_certs() {
	local d=$1
	mkdir -p "$d"
	[ -s "$d/rsa.crt" ] && return 0
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ktls-rsa \
		-keyout "$d/rsa.key" -out "$d/rsa.crt" 2>/dev/null &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-days 2 -subj /CN=ktls-ecdsa \
		-keyout "$d/ec.key" -out "$d/ec.crt" 2>/dev/null
}

# RSA key generation takes seconds in an emulated guest, and every interop
# suite (per provider, per kernel) needs the same throwaway pair: make it
# once into a private folder of the shared build output and publish it by
# renaming a symbolic link, so that two guests starting at once each end up
# with a complete pair. Regenerated when less than a day of validity is left.
interop_cached_certs() {
	local cache=$O/interop/certs d
	if [ -s "$cache/ec.key" ] &&
	   openssl x509 -checkend 86400 -noout -in "$cache/rsa.crt" >/dev/null 2>&1; then
		CERTD=$(readlink -f "$cache")
		return 0
	fi
	mkdir -p "$O/interop" &&
	d=$(mktemp -d "$O/interop/certs.XXXXXX") &&
	interop_certs "$d" || return 1
	ln -sfn "${d##*/}" "$d.link" && mv -T "$d.link" "$cache"
	CERTD=$d
	# pairs published before are expired by now (a run takes far less)
	find "$O/interop" -maxdepth 1 -name 'certs.*' -mtime +2 -exec rm -rf {} +
	return 0
}

stat_snap() {
	cat /proc/net/tls_stat >"$1" 2>/dev/null || : >"$1"
}

stat_get() {
	awk -v n="$2" '$1 == n { print $2; f = 1 } END { if (!f) print 0 }' "$1"
}

stat_delta() {
	echo $(($(stat_get "$2" "$3") - $(stat_get "$1" "$3")))
}

stat_read() {
	local -n _st=$1
	local k v
	_st=()
	[ -r /proc/net/tls_stat ] || return 0
	while read -r k v; do
		_st[$k]=$v
	done </proc/net/tls_stat
}

# RES and RES_ROLES are read by the suites
# shellcheck disable=SC2034
results_read() {
	local f w role
	local -a ws
	RES=()
	RES_ROLES=()
	for f in "$@"; do
		while read -r -a ws; do
			[ "${ws[0]:-}" = RESULT ] && [[ ${ws[1]:-} == role=* ]] || continue
			role=${ws[1]#role=}
			RES_ROLES+=("$role")
			for w in "${ws[@]:2}"; do
				[[ $w == *=* ]] && RES[$role.${w%%=*}]=${w#*=}
			done
		done <"$f"
	done
}

diag_transfer() {
	local f l
	for f in "$@"; do
		while IFS= read -r l; do
			[[ $l =~ \]\ (recv|send|kTLS)\  ]] && tap_emit "# $l"
		done <"$f"
	done
}

want_case() {
	[ -z "${KTLS_FILTER:-}" ] && return 0
	case $1 in
	*$KTLS_FILTER*) return 0 ;;
	esac
	return 1
}

interop_setup() {
	INTEROP_WORK=${INTEROP_WORK:-/tmp/interop.$$}
	mkdir -p "$INTEROP_WORK"
	if [ ! -x "$INTEROP_TOOL" ]; then
		tap_fail "interop tool built" "$INTEROP_TOOL missing: run make"
		tap_done
		exit 1
	fi
	if ! tap_check "provider ${KTLS_PROVIDER:-tls} provides the tls ULP" \
		provider_load "${KTLS_PROVIDER:-tls}"; then
		tap_done
		exit 1
	fi
	if interop_cached_certs; then
		tap_ok "throwaway RSA and ECDSA certificates"
	else
		tap_fail "throwaway RSA and ECDSA certificates"
		tap_done
		exit 1
	fi
	CERTS=(--cert "$CERTD/rsa.crt" --key "$CERTD/rsa.key"
	       --cert "$CERTD/ec.crt" --key "$CERTD/ec.key")
}

# A listening socket is state 0A in /proc/net/tcp{,6}, read with builtins
# (ss and grep were three forks per poll).
wait_listen() {
	local i f hex loc st
	printf -v hex ':%04X' "$1"
	for i in {1..600}; do
		for f in /proc/net/tcp /proc/net/tcp6; do
			[ -r $f ] || continue
			while read -r _ loc _ st _; do
				[ "$st" = 0A ] && [[ $loc == *"$hex" ]] && return 0
			done <$f
		done
		[ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null && return 1
		sleep 0.1
	done
	return 1
}
