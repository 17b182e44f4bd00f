# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the interop suites (sourced after tap.sh/provider.sh).
#
#   interop_setup            cd to the repo, load $KTLS_PROVIDER, make certs
#   interop_certs DIR        throwaway self-signed RSA and ECDSA certificates
#   stat_snap FILE           copy /proc/net/tls_stat to FILE
#   stat_delta A B NAME      counter NAME in B minus in A
#   result_field OUT ROLE F  field F of the RESULT line of ROLE in OUT
#   want_case DESC           false when KTLS_FILTER excludes DESC
#   wait_listen PORT [PID]   wait (60 s) until a TCP socket listens on PORT

INTEROP_TOOL=${INTEROP_TOOL:-userspace/ktls_interop}

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

stat_snap() {
	cat /proc/net/tls_stat >"$1" 2>/dev/null || : >"$1"
}

stat_get() {
	awk -v n="$2" '$1 == n { print $2; f = 1 } END { if (!f) print 0 }' "$1"
}

stat_delta() {
	echo $(($(stat_get "$2" "$3") - $(stat_get "$1" "$3")))
}

result_field() {
	printf '%s\n' "$1" | awk -v r="$2" -v f="$3" '
		$1 == "RESULT" && $2 == "role=" r {
			for (i = 3; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[1] == f) print substr($i, length(f) + 2)
			}
		}'
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
	if ! tap_check "throwaway RSA and ECDSA certificates" \
		interop_certs "$INTEROP_WORK/certs"; then
		tap_done
		exit 1
	fi
	CERTS=(--cert "$INTEROP_WORK/certs/rsa.crt" --key "$INTEROP_WORK/certs/rsa.key"
	       --cert "$INTEROP_WORK/certs/ec.crt" --key "$INTEROP_WORK/certs/ec.key")
}

wait_listen() {
	local i
	for i in $(seq 1 600); do
		ss -Hltn "sport = :$1" 2>/dev/null | grep -q . && return 0
		[ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null && return 1
		sleep 0.1
	done
	return 1
}
