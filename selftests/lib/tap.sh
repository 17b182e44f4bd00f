# SPDX-License-Identifier: GPL-2.0
# TAP helpers for suites. Source this from a bash suite script.
#
# Every result line goes to stdout and, when the runner set TAP_FILE (it
# does: $RUNDIR/results.tap), to that file too; the host counts results
# from the file, never from console text.
#
#   tap_ok DESC                 record a pass
#   tap_fail DESC [WHY...]      record a failure, WHY printed as diagnostics
#   tap_skip DESC WHY           record a skip (counted as skipped)
#   tap_xfail DESC WHY          a failure the expectation file allows
#   tap_check DESC CMD...       run CMD; pass iff it exits 0 (its output is
#                               shown only on failure, last 40 lines)
#   tap_done                    print the plan; exit 1 if anything failed

TAP_N=0
TAP_FAILED=0
: "${TAP_FILE:=/dev/null}"

tap_emit() {
	printf '%s\n' "$*"
	printf '%s\n' "$*" >>"$TAP_FILE"
}

tap_diag() {
	local l
	while IFS= read -r l; do tap_emit "# $l"; done
}

tap_ok() {
	TAP_N=$((TAP_N + 1))
	tap_emit "ok $TAP_N - $1"
}

tap_fail() {
	local desc=$1
	shift
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	tap_emit "not ok $TAP_N - $desc"
	[ $# -gt 0 ] && printf '%s\n' "$*" | tap_diag
	return 0
}

tap_skip() {
	TAP_N=$((TAP_N + 1))
	tap_emit "ok $TAP_N - $1 # SKIP $2"
}

tap_xfail() {
	TAP_N=$((TAP_N + 1))
	tap_emit "not ok $TAP_N - $1 # TODO $2"
}

# The command's output goes to a file, not through $(...): in a guest
# without KVM every fork costs a noticeable fraction of a second. A shell
# function still runs in a subshell, so that its variables, cd or exit
# stay out of the suite's shell. The file is reused, and removed by
# tap_done (rm is one more fork).
tap_check() {
	local desc=$1 out=${TMPDIR:-/tmp}/tap_check.$BASHPID rc
	shift
	if declare -F "$1" >/dev/null; then
		("$@") >"$out" 2>&1
	else
		"$@" >"$out" 2>&1
	fi
	rc=$?
	if [ $rc -eq 0 ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "exit $rc: $*"
		tail -n 40 "$out" | tap_diag
	fi
	return $rc
}

tap_done() {
	[ ! -e "${TMPDIR:-/tmp}/tap_check.$BASHPID" ] || rm -f "${TMPDIR:-/tmp}/tap_check.$BASHPID"
	tap_emit "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
