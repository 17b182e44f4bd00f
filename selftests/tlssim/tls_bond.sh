#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In-tree users of the provider's exports, and TLS device offload through a
# bond, for each provider of $TLSSIM_PROVIDERS (tls.ko, ktls.ko) in one boot.
#  1. bonding, nfp and cxgb4 from this kernel's image (each imports
#     tls_validate_xmit_skb, nfp four symbols more) load against the
#     provider: their other dependencies first (modprobe --show-depends, the
#     provider's own line left out), then the module itself with insmod.  No
#     "Unknown symbol" or "disagrees about version" in the kernel log, and
#     /proc/modules lists them as users of the provider.  A module the image
#     does not have is skipped, with that reason.
#  2. Two tlssim pairs (ta0-tb0, ta1-tb1) joined by one balance-xor bond in
#     each namespace, xmit_hash_policy layer3+4: the one mode and policy
#     for which bonding hands a socket its lower device
#     (bond_sk_get_lower_dev on 6.1 and 6.12), so that tls_device puts the
#     context on a port and bond_tls_device_xmit sends the flow's packets
#     there.  $BOND_FLOWS flows, both ways offloaded, source ports chosen so
#     that the layer3+4 hash (which only the parity of bit 1 of the bytes
#     of addresses and ports decides for two ports) puts half of the flows
#     on each port: every flow byte-exact, every context on the port the
#     hash names, device TX counters rising on all four ports, and the RX
#     side decrypting on the port the peer's hash picks (the same index:
#     the hash is symmetric).
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/tlssim/tls_lib.sh

BOND_FLOWS=${TLSSIM_BOND_FLOWS:-8}
BOND_BYTES=${TLSSIM_BOND_BYTES:-1048576}
# the writers pause 500 ms after each 64 KiB until $GO exists: all flows
# live at once while their contexts are read (starting them takes seconds
# under TCG), then the rest goes at full speed
GO=$RUNDIR/bond.go
LOADED=

# mod_path NAME: the module's file in this kernel's image, or nothing
mod_path() {
	modinfo -n "$1" 2>/dev/null
}

# mod_load NAME [ARGS]: NAME's dependencies from modprobe --show-depends,
# except the provider (already loaded: tls.ko or ktls.ko in its place),
# then NAME with ARGS; each module loaded is added to $LOADED
mod_load() {
	local m=$1 cmd path n
	shift
	while read -r cmd path _; do
		[ "$cmd" = insmod ] || continue
		n=${path##*/}
		n=${n%%.ko*}
		n=${n//-/_}
		[ "$n" = tls ] && continue
		[ -d "/sys/module/$n" ] && continue
		if [ "$n" = "${m//-/_}" ]; then
			insmod "$path" "$@" || return 1
		else
			insmod "$path" || return 1
		fi
		LOADED="$n $LOADED"
	done < <(modprobe --show-depends "$m")
	[ -d "/sys/module/${m//-/_}" ]
}

# mod_unload: remove what mod_load loaded, last first
mod_unload() {
	local n

	for n in $LOADED; do
		[ -d "/sys/module/$n" ] && rmmod "$n"
	done
	LOADED=
}

# users_of PROVIDER: the "used by" field of /proc/modules
users_of() {
	awk -v p="$1" '$1 == p { print $4 }' /proc/modules
}

load_checks() {
	local m n0 bad users args

	for m in bonding nfp cxgb4; do
		if [ -z "$(mod_path $m)" ]; then
			tap_skip "$m loads against $TLS_P" "$m is not in $(uname -r)'s image"
			continue
		fi
		n0=$(dmesg | wc -l)
		args=
		# bonding: no bond0 of its own in the initial namespace
		[ $m = bonding ] && args=max_bonds=0
		# shellcheck disable=SC2086
		if mod_load $m $args; then
			tap_ok "$m loads against $TLS_P"
		else
			tap_fail "$m loads against $TLS_P" "$(dmesg | tail -n +$((n0 + 1)) | tail -n 5)"
		fi
		bad=$(dmesg | tail -n +$((n0 + 1)) | grep -E 'Unknown symbol|disagrees about version')
		tls_expect "$m: no unknown symbol or symbol version mismatch" "" "$bad"
		users=$(users_of "$TLS_P")
		case ",$users" in
		*",$m,"*) tap_ok "$m uses $TLS_P (/proc/modules: $users)" ;;
		*) tap_fail "$m uses $TLS_P" "/proc/modules: $TLS_P used by '$users'" ;;
		esac
	done
	# nfp and cxgb4 have no device here: out again (bonding stays for 2.)
	for m in cxgb4 nfp; do
		[ -d /sys/module/$m ] || continue
		rmmod $m && tap_ok "$m unloads" || tap_fail "$m unloads"
	done
}

# bond_pair: ta0, ta1 in NS1 under bond0 (10.77.0.1), tb0, tb1 in NS2 under
# bond0 (10.77.0.2); slaves in this order on both sides
bond_pair() {
	local i ns

	tls_ns_add || return 1
	for i in 0 1; do
		ip link add ta$i type tlssim || return 1
		ip link add tb$i link ta$i type tlssim || return 1
		ip link set ta$i netns $NS1 && ip link set tb$i netns $NS2 || return 1
	done
	for ns in $NS1 $NS2; do
		ip -n "$ns" link add bond0 type bond mode balance-xor \
			xmit_hash_policy layer3+4 miimon 100 || return 1
		ip -n "$ns" link set lo up
	done
	for i in 0 1; do
		ip -n $NS1 link set ta$i master bond0 || return 1
		ip -n $NS2 link set tb$i master bond0 || return 1
	done
	ip -n $NS1 addr add 10.77.0.1/24 dev bond0
	ip -n $NS2 addr add 10.77.0.2/24 dev bond0
	ip -n $NS1 link set bond0 up && ip -n $NS2 link set bond0 up || return 1
	# the hash counts the usable ports: both must be up (miimon) first
	for _ in $(seq 1 50); do
		[ "$(bond_up $NS1)" = 3 ] && [ "$(bond_up $NS2)" = 3 ] && return 0
		sleep 0.2
	done
	echo "bonds not up: $(bond_up $NS1) $(bond_up $NS2)" >&2
	return 1
}

# bond_up NS: "MII Status: up" lines of NS's bond0 (the bond's and each
# port's)
bond_up() {
	nsenter --net="/run/netns/$1" grep -c 'MII Status: up' /proc/net/bonding/bond0
}

# hash_port SPORT DPORT: the slave index (0 or 1) bonding's layer3+4 hash
# gives the flow 10.77.0.1:SPORT <-> 10.77.0.2:DPORT, either way.  The hash
# XORs the ports word and both addresses, folds the four bytes into one
# and drops bit 0: the index is bit 1 of the XOR of all twelve bytes.  The
# address bytes contribute 1 ^ 2 (10 and 77 cancel out): bit 1 set.
hash_port() {
	echo $(( ((($1 ^ ($1 >> 8) ^ $2 ^ ($2 >> 8)) >> 1) & 1) ^ 1 ))
}

# ports_ctx DEV NS DIR: "sport dport" of each DIR (tx/rx) context on DEV
ports_ctx() {
	awk -v d="$3" '$1 == d { split($4, a, ":"); split($6, b, ":"); print a[2], b[2] }' \
		"$(tls_dbg "$2" "$1")/contexts"
}

bond_checks() {
	local i d v on right wrong tx0 rc=0 pids=() spids=() sport=()
	local -A e0 r0 port_of cnt

	bond_pair || { tap_fail "two tlssim pairs under a balance-xor bond each side"; return; }
	tap_ok "two tlssim pairs under a balance-xor layer3+4 bond each side"
	echo "# ${TLS_PFX}bond0 features:" \
		"$(tls_nsx $NS1 ethtool -k bond0 | grep -E 'tls-hw-(tx|rx)' | tr -s '\t\n' ' ')"
	for d in ta0 ta1; do
		e0[$d]=$(tls_ctr $NS1 $d tx_tls_encrypted_packets)
	done
	for d in tb0 tb1; do
		e0[$d]=$(tls_ctr $NS2 $d tx_tls_encrypted_packets)
		r0[$d]=$(tls_ctr $NS2 $d rx_tls_decrypted_packets)
	done
	tx0=$(tls_pstat $NS1 TlsTxDevice)
	rm -f "$GO"
	for i in $(seq 0 $((BOND_FLOWS - 1))); do
		# half the flows on each port: bit 1 of the source port's low
		# byte flips the index
		sport[i]=$((41000 + 4 * i))
		[ "$(hash_port "${sport[i]}" $((5100 + i)))" = $((i % 2)) ] ||
			sport[i]=$((sport[i] + 2))
		port_of[${sport[i]}]=$((i % 2))
		nsenter --net=/run/netns/$NS2 "$TOOL" -l 10.77.0.2 -p $((5100 + i)) -n "$BOND_BYTES" \
			-t 240 -w 500 -g "$GO" >"$RUNDIR/bond.srv.$i" 2>&1 &
		spids+=($!)
	done
	sleep 0.3
	for i in $(seq 0 $((BOND_FLOWS - 1))); do
		nsenter --net=/run/netns/$NS1 "$TOOL" -C 10.77.0.2 -p $((5100 + i)) -P "${sport[i]}" \
			-n "$BOND_BYTES" -t 240 -w 500 -g "$GO" >"$RUNDIR/bond.cli.$i" 2>&1 &
		pids+=($!)
	done
	# all flows offloaded at once: their contexts are where the hash says
	for _ in $(seq 1 300); do
		v=$(tls_pstat $NS1 TlsCurrTxDevice)
		[ "$v" -ge "$BOND_FLOWS" ] 2>/dev/null && break
		kill -0 "${pids[0]}" 2>/dev/null || break
		sleep 0.2
	done
	tls_expect "all $BOND_FLOWS flows TX offloaded at once (TlsCurrTxDevice)" \
		"$BOND_FLOWS" "$(tls_pstat $NS1 TlsCurrTxDevice)"
	on=0
	right=0
	wrong=
	for d in ta0 ta1; do
		cnt[$d]=0
		while read -r sp _; do
			on=$((on + 1))
			cnt[$d]=$((cnt[$d] + 1))
			if [ "${port_of[$sp]}" = "${d#ta}" ]; then
				right=$((right + 1))
			else
				wrong+=" $sp:$d"
			fi
		done < <(ports_ctx $d $NS1 tx)
	done
	tls_expect "TX contexts on the bond's ports" "$BOND_FLOWS" "$on"
	[ -z "$wrong" ] || echo "# ${TLS_PFX}on the other port (source port:device):$wrong"
	tls_expect "TX contexts on the port the layer3+4 hash picks" "$BOND_FLOWS" "$right"
	for d in ta0 ta1; do
		tls_expect "$d carries $((BOND_FLOWS / 2)) of the flows' TX contexts" \
			$((BOND_FLOWS / 2)) "${cnt[$d]}"
	done
	touch "$GO"
	for i in "${!pids[@]}"; do
		if ! wait "${pids[i]}" || ! wait "${spids[i]}"; then
			[ $rc = 1 ] || cat "$RUNDIR/bond.srv.$i" "$RUNDIR/bond.cli.$i"
			rc=1
		fi
	done
	if [ $rc = 0 ]; then
		tap_ok "$BOND_FLOWS flows through the bonds, $BOND_BYTES bytes each way, byte-exact"
	else
		tap_fail "$BOND_FLOWS flows through the bonds, $BOND_BYTES bytes each way, byte-exact"
	fi
	tls_expect "client TX offloaded for every flow (TlsTxDevice)" $((tx0 + BOND_FLOWS)) \
		"$(tls_pstat $NS1 TlsTxDevice)"
	for d in ta0 ta1; do
		tls_expect "$d: device encrypted packets rose" "gt:$((e0[$d] + 100))" \
			"$(tls_ctr $NS1 $d tx_tls_encrypted_packets)"
	done
	for d in tb0 tb1; do
		tls_expect "$d: device encrypted packets rose" "gt:$((e0[$d] + 100))" \
			"$(tls_ctr $NS2 $d tx_tls_encrypted_packets)"
		tls_expect "$d: device decrypted the peer's packets" "gt:$((r0[$d] + 100))" \
			"$(tls_ctr $NS2 $d rx_tls_decrypted_packets)"
	done
	tls_unpair
	tls_wait_live_ctx 0
	tls_expect "no live contexts after namespaces are gone" 0 "$(tls_live_ctx)"
}

checks() {
	load_checks
	if [ -d /sys/module/bonding ]; then
		bond_checks
	else
		tap_skip "TLS offload through a bond" "bonding not loaded"
	fi
	tls_unpair
	mod_unload
	tls_expect "bonding and the others unloaded" "" "$(users_of "$TLS_P" | tr ',' '\n' |
		grep -E '^(bonding|nfp|cxgb4)$')"
	rmmod tlssim && tap_ok "rmmod tlssim" || tap_fail "rmmod tlssim"
}

tls_tool_path || { tap_fail "build tls_tool"; tap_done; exit 1; }
tls_each_provider checks
tap_done
