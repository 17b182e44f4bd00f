#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# readme: every command of a ```sh block in README.md is run, as written,
# by this suite or by a named other suite. Runs on the host (suite type
# host) and boots guests for the guest-side commands:
#  - host:   run here, from the repo root, as written (vm-run boots a guest)
#  - guest:  run in one fresh guest, in README order, each its own result
#  - shell:  an interactive guest ('vm-run --shell', 'make vm-shell'): this
#            script types the section's following 'inshell' lines into it,
#            then 'exit', and checks each line's exit status
#  - cheap:  a command too big to run from a suite (it would run every
#            suite) is run in a cheap form that checks what the README
#            claims about it (see cheap())
#  - suite:  the named suite runs this exact command; not run again here
#  - skip:   not run, with the reason (recursion into this very suite)
# A README command missing from the table below fails (so a new command
# cannot go untested), and so does a table entry the README no longer has.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=../lib/tap.sh
. selftests/lib/tap.sh
O=${O:-$top/build}
RUNDIR=${RUNDIR:-$(mktemp -d)}
mkdir -p "$RUNDIR"
# README_ONLY=how[,how]: run only those kinds of line (while working on this)
README_ONLY=${README_ONLY:-host,guest,shell,cheap,suite,skip}
# a write to a guest shell that is gone must fail, not kill the suite
trap '' PIPE

# command (as in README.md, comment stripped)|how|suite or reason
TABLE='make demo|cheap|
make install|cheap|
make uninstall|cheap|
make dkms|cheap|
make dkms-remove|cheap|
make check|skip|runs every suite, this one included
make check T=conformance-tls|cheap|
make check KVERS=6.12 T=core-tx|cheap|
make check T=conformance-ktls F='"'tls.12_aes_gcm.*'"'|cheap|
make check J=1|skip|runs every suite, this one included
selftests/vm/vm-run -- uname -a|host|
selftests/vm/vm-run --timeout 1800 -- selftests/conformance/run.sh tls|suite|conformance-tls
make vm-shell|shell|
selftests/vm/vm-run --shell|shell|
insmod build/mod/$(uname -r)/kmod/ktls.ko|inshell|
modprobe tls; modprobe gf128mul; insmod build/mod/$(uname -r)/drivers/tlssim/tlssim.ko|guest|
ip link add sim0 type tlssim && ip link add sim1 link sim0 type tlssim|guest|
IP_LIB_DIR=build/iproute2 ip link add sim2 type tlssim peer name sim3|guest|
ethtool -K sim0 tls-hw-tx-offload on tls-hw-rx-offload on|guest|
ethtool -S sim0 | grep tls_|guest|
ls /sys/kernel/debug/tlssim/$(ethtool -i sim0 | sed -n '"'s/^bus-info: tlssim://p'"')/|guest|
make check T='"'ktls-hostile,ktls-fuzz,tlssim-soak'"'|cheap|
make fuzz SECONDS=3600 SEED=7|cheap|
make soak MINUTES=30|cheap|
bpftool prog load build/bpf/ktls_policy.o /sys/fs/bpf/ktls_policy pinmaps /sys/fs/bpf/ktls|guest|
bpftool cgroup attach /sys/fs/cgroup sock_ops pinned /sys/fs/bpf/ktls_policy multi|guest|
bpftool map update pinned /sys/fs/bpf/ktls/ktls_rules_port key 0xbb 0x01 2 0 value 4 0 0 0 0 0 0 0|guest|
bpftool map update pinned /sys/fs/bpf/ktls/ktls_config key 0 0 0 0 value 1 0 0 0|guest|
bpftool map dump pinned /sys/fs/bpf/ktls/ktls_stats|guest|
bpftool cgroup detach /sys/fs/cgroup sock_ops pinned /sys/fs/bpf/ktls_policy|guest|
bpftool prog load build/bpf/ktls_deny.o /sys/fs/bpf/ktls_deny pinmaps /sys/fs/bpf/ktls_deny_maps|guest|
bpftool cgroup attach /sys/fs/cgroup setsockopt pinned /sys/fs/bpf/ktls_deny multi|guest|
bpftool cgroup detach /sys/fs/cgroup setsockopt pinned /sys/fs/bpf/ktls_deny|guest|'

declare -A HOW WHY
while IFS= read -r row; do
	cmd=${row%|*|*}
	rest=${row#"$cmd|"}
	HOW[$cmd]=${rest%%|*}
	WHY[$cmd]=${rest#*|}
done <<<"$TABLE"

# README commands in order: "SECTION<TAB>COMMAND", trailing comment and
# repeated blanks removed.
readme_commands() {
	awk '
	/^## / { sect = substr($0, 4) }
	/^```/ { if (inblk) { inblk = 0; next } if ($0 == "```sh") { inblk = 1; next } }
	inblk {
		line = $0
		sub(/[ \t]+#[ \t].*$/, "", line)
		gsub(/[ \t]+/, " ", line)
		sub(/^ /, "", line); sub(/ $/, "", line)
		if (line != "") print sect "\t" line
	}' README.md
}

mapfile -t CMDS < <(readme_commands)
[ ${#CMDS[@]} -gt 0 ] || { tap_fail "README.md has sh command blocks"; tap_done; exit 1; }

declare -A SEEN
for e in "${CMDS[@]}"; do
	cmd=${e#*$'\t'}
	SEEN[$cmd]=1
	if [ -n "${HOW[$cmd]:-}" ]; then
		tap_ok "README command is covered (${HOW[$cmd]}): $cmd"
	else
		tap_fail "README command is covered: $cmd" \
			"not in selftests/readme/run.sh's table: run it there or list it with the reason"
	fi
done
for cmd in "${!HOW[@]}"; do
	[ -n "${SEEN[$cmd]:-}" ] ||
		tap_fail "table entry is still in README.md: $cmd" "remove it from selftests/readme/run.sh"
done

# The cheap forms run on one kernel, Debian 12's 6.1 (none of these
# commands names one): each kernel's guest suites already run the real
# thing, and a second kernel would only repeat the same checks.
CHEAP_SERIES=6.1
CHEAP_KVER=$(selftests/vm/kver.sh $CHEAP_SERIES)

# cheap CMD: the checkable part of a 'make check' line, without the run
cheap() {
	local sel
	export KVERS=$CHEAP_SERIES KVER=$CHEAP_KVER
	case $1 in
	"make demo")
		# what make demo runs after building: its recipe, in a guest
		sel=$(make -n -s demo 2>/dev/null | grep 'vm-run --name demo')
		[ -n "$sel" ] || { echo "make demo no longer runs vm-run --name demo"; return 1; }
		sel=${sel/--name demo/--name readme-demo}
		echo "+ $sel"
		bash -c "$sel"
		;;
	"make check T=conformance-tls")
		sel=$(T=conformance-tls selftests/run-suites --list)
		[ "$sel" = $CHEAP_SERIES/conformance-tls ] || { echo "T selects: $sel"; return 1; }
		;;
	"make check KVERS=6.12 T=core-tx")
		# KVERS picks the kernels, T the suite: one guest suite, on 6.12
		sel=$(KVERS=6.12 T=core-tx selftests/run-suites --list)
		[ "$sel" = 6.12/core-tx ] || { echo "KVERS, T select: $sel"; return 1; }
		;;
	"make check T=conformance-ktls F='tls.12_aes_gcm.*'")
		sel=$(T=conformance-ktls selftests/run-suites --list)
		[ "$sel" = $CHEAP_SERIES/conformance-ktls ] || { echo "T selects: $sel"; return 1; }
		bin=$O/conformance/$CHEAP_KVER/tls_conformance
		[ -x "$bin" ] || KVER=$CHEAP_KVER selftests/conformance/build.sh || return 1
		# the filter selects some, not all, of the upstream cases
		n=$(KTLS_FILTER='tls.12_aes_gcm.*' "$bin" -l | wc -l)
		all=$("$bin" -l | wc -l)
		echo "F selects $n of $all cases"
		[ "$n" -gt 0 ] && [ "$n" -lt "$all" ]
		;;
	"make check T='ktls-hostile,ktls-fuzz,tlssim-soak'")
		sel=$(T=ktls-hostile,ktls-fuzz,tlssim-soak selftests/run-suites --list | tr '\n' ' ')
		[ "$sel" = "$CHEAP_SERIES/ktls-hostile $CHEAP_SERIES/ktls-fuzz $CHEAP_SERIES/tlssim-soak " ] ||
			{ echo "T selects: $sel"; return 1; }
		;;
	"make fuzz SECONDS=3600 SEED=7")
		# the same target and seed, time-boxed to 20 s
		# O from the environment: on make's command line it would reach
		# the kernel's Kbuild as its output directory
		O="$O" make fuzz SECONDS=20 SEED=7
		;;
	"make soak MINUTES=30")
		# the same target for one minute, with four flows
		O="$O" make soak MINUTES=1 FLOWS=4
		;;
	"make install")
		# into a staging root: the host's own system stays as it is
		# (selftests/install/installed.sh installs into a guest)
		# KDIR from the environment would be another kernel's
		O="$O" env -u KDIR make -s install DESTDIR="$RUNDIR/root" &&
			[ -f "$RUNDIR/root/lib/modules/$KVER/updates/ktls/tls.ko" ] &&
			[ -x "$RUNDIR/root/usr/local/sbin/ktlsctl" ]
		;;
	"make uninstall")
		O="$O" env -u KDIR make -s uninstall DESTDIR="$RUNDIR/root" &&
			[ -z "$(find "$RUNDIR/root" -type f)" ]
		;;
	"make dkms"|"make dkms-remove")
		# in scratch DKMS trees, as selftests/install/dkms.sh
		local t=$RUNDIR/dkms
		mkdir -p "$t/src" "$t/tree" "$t/inst/$KVER"
		export SRCTREE=$t/src \
			DKMS_ARGS="--dkmstree $t/tree --sourcetree $t/src --installtree $t/inst --no-depmod"
		if [ "$1" = "make dkms" ]; then
			O="$O" make -s dkms && ls "$t/inst/$KVER/updates/dkms/"tls.ko*
		else
			O="$O" make -s dkms-remove && [ -z "$(find "$t/inst" -name '*.ko')" ]
		fi
		;;
	*)
		echo "no cheap form for: $1"
		return 1
		;;
	esac
}

# plain LINE: LINE without the terminal's escape sequences and CR
shopt -s extglob
plain() {
	local l=${1//$'\e'\[*([0-9;?])[a-zA-Z]/}

	printf '%s' "${l//$'\r'/}"
}

# shell_session CMD LINE...: start CMD (an interactive guest), type each
# LINE, check that it exits 0, then type exit; CMD must end by itself.
shell_session() {
	local cmd=$1 line out rc=0 l
	shift
	local log=$RUNDIR/shell-$(echo "$cmd" | tr -c 'a-z0-9' '_').log
	local ready= n=0
	local pid
	coproc SH { timeout -k 5 600 bash -c "$cmd" 2>&1; }
	pid=$SH_PID
	exec 3<&"${SH[0]}" 4>&"${SH[1]}"
	# The shell is ready when it answers: type a probe every 2 s (what is
	# typed during the boot waits in the serial line, or is lost).
	while [ -z "$ready" ] && [ $n -lt 250 ] && kill -0 "$pid" 2>/dev/null; do
		n=$((n + 1))
		printf 'echo README-READY-%d\n' $n >&4
		while IFS= read -r -t 2 l <&3; do
			l=$(plain "$l")
			printf '%s\n' "$l" >>"$log"
			[[ $l =~ ^README-READY-[0-9]+$ ]] && { ready=1; break; }
		done
	done
	if [ -z "$ready" ]; then
		tap_fail "$cmd: guest shell starts" "$(tail -n 20 "$log")"
		kill "$pid" 2>/dev/null
		return 1
	fi
	# let the probes still queued run before the first line
	while IFS= read -r -t 3 l <&3; do printf '%s\n' "$l" >>"$log"; done
	tap_ok "$cmd: guest shell starts"
	for line in "$@" true; do
		printf '%s; echo "README-RC=$?"\n' "$line" >&4
		out=
		while IFS= read -r -t 300 l <&3; do
			l=$(plain "$l")
			printf '%s\n' "$l" >>"$log"
			if [[ $l =~ ^README-RC=([0-9]+)$ ]]; then
				out=${BASH_REMATCH[1]}
				break
			fi
		done
		[ "$line" = true ] && continue
		if [ "$out" = 0 ]; then
			tap_ok "in '$cmd': $line"
		else
			tap_fail "in '$cmd': $line" "exit ${out:-none}; $(tail -n 10 "$log")"
			rc=1
		fi
	done
	printf 'exit\n' >&4
	exec 4>&-
	while IFS= read -r -t 120 l <&3; do printf '%s\n' "$l" >>"$log"; done
	exec 3<&-
	# its output ended: the guest powered off and CMD is gone, or going
	sleep 1
	if ! kill -0 "$pid" 2>/dev/null; then
		tap_ok "$cmd: guest powers off after exit"
	else
		tap_fail "$cmd: guest powers off after exit" "still running"
		kill "$pid"
		rc=1
	fi
	return $rc
}

GUEST=()
i=0
while [ $i -lt ${#CMDS[@]} ]; do
	cmd=${CMDS[$i]#*$'\t'}
	i=$((i + 1))
	how=${HOW[$cmd]:-}
	[[ ,$README_ONLY, == *",${how:-none},"* ]] || [ "$how" = inshell ] || continue
	case $how in
	host)
		tap_check "host: $cmd" timeout -k 5 900 bash -c "$cmd"
		;;
	cheap)
		tap_check "cheap form: $cmd" cheap "$cmd"
		;;
	suite)
		tap_skip "$cmd" "run by suite ${WHY[$cmd]}"
		;;
	skip)
		tap_skip "$cmd" "${WHY[$cmd]}"
		;;
	guest)
		GUEST+=("$cmd")
		;;
	shell)
		lines=()
		while [ $i -lt ${#CMDS[@]} ] &&
		      [ "${HOW[${CMDS[$i]#*$'\t'}]:-}" = inshell ]; do
			lines+=("${CMDS[$i]#*$'\t'}")
			i=$((i + 1))
		done
		shell_session "$cmd" "${lines[@]}"
		;;
	inshell)
		tap_fail "$cmd" "an 'inshell' line must follow a 'shell' line in README.md"
		;;
	esac
done

# The guest lines, in README order, in one guest: each line's status is
# written to a file in the shared build folder.
if [ ${#GUEST[@]} -gt 0 ]; then
	res=$RUNDIR/guest.results
	script=$RUNDIR/guest.sh
	rm -f "$res"
	{
		echo 'run() { eval "$1"; printf "%s\t%s\n" "$?" "$1" >>"$RES"; }'
		for cmd in "${GUEST[@]}"; do
			printf 'echo %q\nrun %q\n' "+ $cmd" "$cmd"
		done
	} >"$script"
	selftests/vm/vm-run --name readme-guest --timeout 600 -- \
		env RES="$res" bash "$script" >"$RUNDIR/guest.log" 2>&1
	vrc=$?
	for cmd in "${GUEST[@]}"; do
		rc=$(awk -F'\t' -v c="$cmd" '$2 == c { print $1; exit }' "$res" 2>/dev/null)
		if [ "$rc" = 0 ]; then
			tap_ok "guest: $cmd"
		else
			tap_fail "guest: $cmd" "exit ${rc:-none}; $(tail -n 15 "$RUNDIR/guest.log")"
		fi
	done
	[ $vrc -eq 0 ] ||
		tap_fail "guest run ended cleanly" "vm-run exit $vrc (see $O/vm/runs/readme-guest/)"
fi
tap_done
