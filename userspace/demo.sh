#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 'make demo': the whole system in one guest boot, narrated.
#   selftests/vm/vm-run --name demo -- userspace/demo.sh
#
#  1. ktls.ko and a tlssim pair: "client" and "server" network namespaces
#     joined by a virtual NIC that really encrypts TLS records.
#  2. The BPF policy, loaded and attached with bpftool; ktlsctl adds three
#     rules keyed on the client's source port: device, software, deny.
#  3. nginx (Debian's, "ssl_conf_command Options KTLS", sendfile on) in the
#     server namespace; three curl downloads over TLS 1.3 (which tls.ko
#     never puts on a device), one per rule, all running at once, so that
#     ss -tie and ktlsctl flows see them live.  Denied, OpenSSL keeps the
#     records in userspace and the download still succeeds.
#  4. A live mode switch: a flow moved between the device and software
#     four times (TLS_TX_MODE) with every byte checked.
#  5. ethtool -S, /proc/net/tls_stat, bpftool map dump, then a closing
#     table of which flow went where and why.
# Every download is checked by SHA-256; the exit status is non-zero when a
# check fails.  DEMO_MIB: size of the file (default 2).
set -u
cd "$(dirname "$0")/.." || exit 1
. selftests/lib/provider.sh
. selftests/interop/lib.sh
. selftests/nginx/lib.sh

O=${O:-$PWD/build}
MIB=${DEMO_MIB:-2}
W=/tmp/ktls-demo
KTLSCTL=$O/userspace/ktlsctl/ktlsctl
TOOL=$O/selftests/tlssim/tls_tool
PIN=/sys/fs/bpf/ktls
PROG=/sys/fs/bpf/ktls_policy
CLI=demo-client SRV=demo-server ADDR=10.77.0.2 PORT=443
rc=0

banner() { printf '\n=== %s\n' "$*"; }
say() { printf '    %s\n' "$*"; }
indent() { sed 's/^/    /'; }
bad() { say "FAILED: $*"; rc=1; }
# show CMD...: print a command as typed, then run it, output indented
show() {
	local c="$*"

	printf '  # %s\n' "${c//$O/build}"
	"$@" 2>&1 | indent
	return "${PIPESTATUS[0]}"
}
srv() { ip netns exec $SRV "$@"; }
cli() { ip netns exec $CLI "$@"; }
stat_of() { srv awk -v n="$1" '$1 == n { print $2; f = 1 } END { if (!f) print 0 }' /proc/net/tls_stat; }
dev_pkts() { srv ethtool -S tsb | awk '$1 == "tx_tls_encrypted_packets:" { print $2 }'; }

mkdir -p "$W/www"

banner "1. ktls.ko, and a tlssim NIC pair between two network namespaces"
provider_unload 2>/dev/null
show insmod "$KTLS_KO" || { bad "ktls.ko does not load"; exit 1; }
modprobe gf128mul 2>/dev/null
show insmod "$TLSSIM_KO" || { bad "tlssim.ko does not load"; exit 1; }
ip netns add $CLI && ip netns add $SRV
ip link add tsa type tlssim && ip link add tsb link tsa type tlssim
ip link set tsa netns $CLI && ip link set tsb netns $SRV
ip -n $CLI addr add 10.77.0.1/24 dev tsa && ip -n $CLI link set tsa up && ip -n $CLI link set lo up
ip -n $SRV addr add $ADDR/24 dev tsb && ip -n $SRV link set tsb up && ip -n $SRV link set lo up
say "client 10.77.0.1 (tsa, netns $CLI) <-> server $ADDR (tsb, netns $SRV)"
srv ethtool -k tsb | grep tls | indent

banner "2. The BPF policy: bpftool loads and attaches it, ktlsctl writes the rules"
rm -rf $PIN $PROG
show bpftool prog load "$O/bpf/ktls_policy.o" $PROG pinmaps $PIN || bad "bpftool prog load"
show bpftool cgroup attach /sys/fs/cgroup sock_ops pinned $PROG multi || bad "bpftool cgroup attach"
show "$KTLSCTL" rule add remote-port 40001 verdict device
show "$KTLSCTL" rule add remote-port 40002 verdict software
show "$KTLSCTL" rule add remote-port 40003 verdict deny
show "$KTLSCTL" rule list

banner "3. nginx with KTLS + sendfile; three curl downloads, one per rule"
interop_cached_certs || bad "certificates"
head -c $((MIB << 20)) /dev/urandom >"$W/www/file"
sum=$(sha256sum <"$W/www/file" | cut -d' ' -f1)
nginx_conf "$W" $ADDR $PORT TLSv1.3
say "nginx.conf: sendfile on; ssl_protocols TLSv1.3; ssl_conf_command Options KTLS;"
nginx_start "$W" $SRV >"$W/start.log" || { indent <"$W/start.log"; bad "nginx does not listen"; }
declare -A tx0
for c in TlsTxDevice TlsTxSw; do tx0[$c]=$(stat_of $c); done
pk0=$(dev_pkts)
# at 256 KiB/s each download lasts long enough to be seen live
for p in 40001 40002 40003; do
	cli curl -sS -k --tlsv1.3 --local-port $p --limit-rate 256K -o "$W/got.$p" \
		-w "%{http_code}" "https://$ADDR:$PORT/file" >"$W/code.$p" 2>"$W/err.$p" &
	eval "curl_$p=\$!"
done
# ss -tie of the server's connections, one line each: the peer and what
# the kernel's TLS reports for it (the ULP's diag attributes)
conns() {
	srv ss -tieH state established "( sport = :$PORT )" 2>/dev/null | awk '
		!/^[ \t]/ { if (peer != "") print peer "  (no kernel TLS)"; peer = $4; next }
		/tcp-ulp-tls/ { sub(/.*tcp-ulp-tls/, "tcp-ulp-tls"); print peer "  " $0; peer = "" }
		END { if (peer != "") print peer "  (no kernel TLS)" }' | sed 's/ *$//'
}
# Each flow is caught while it runs (the handshakes take a while under
# emulation, and a flow may end before the last one starts): snapshots
# every 0.2 s until all three have shown their kernel TLS state, then the
# last line seen of each.
: >"$W/ss.seen"
: >"$W/flows.seen"
for _ in $(seq 1 60); do
	conns >>"$W/ss.seen"
	srv "$KTLSCTL" flows | tail -n +2 >>"$W/flows.seen"
	c=$(cat "$W/ss.seen")
	[[ $c == *"txconf: hw"* && $c == *"txconf: sw"* && $c == *"txconf: none"* ]] && break
	sleep 0.2
done
banner "   the flows, live: ss -tie and ktlsctl flows in the server namespace"
printf '  # ss -tie state established "( sport = :%s )"   (peer, then the TLS part)\n' $PORT
for p in 40001 40002 40003; do
	{ grep ":$p  tcp-ulp" "$W/ss.seen" || grep ":$p " "$W/ss.seen"; } | tail -n 1 | indent
done
printf '  # ktlsctl flows\n'
srv "$KTLSCTL" flows | head -n 1 | indent
for p in 40001 40002 40003; do
	grep ":$p " "$W/flows.seen" | tail -n 1 | indent
done
for p in 40001 40002 40003; do
	eval "wait \$curl_$p" || bad "curl from port $p: $(cat "$W/err.$p")"
done
for c in TlsTxDevice TlsTxSw; do tx0[$c]=$(( $(stat_of $c) - tx0[$c] )); done
pk=$(( $(dev_pkts) - pk0 ))
declare -A ok
for p in 40001 40002 40003; do
	if [ "$(sha256sum <"$W/got.$p" | cut -d' ' -f1)" = "$sum" ]; then ok[$p]=ok; else ok[$p]=BAD; bad "port $p: SHA-256"; fi
done
say "downloads: ${ok[40001]} ${ok[40002]} ${ok[40003]} (HTTP $(cat "$W/code.40001") $(cat "$W/code.40002") $(cat "$W/code.40003")), sha256 ${sum:0:16}..."
say "kernel TX sockets: TlsTxDevice +${tx0[TlsTxDevice]}, TlsTxSw +${tx0[TlsTxSw]}; device packets +$pk"
[ "${tx0[TlsTxDevice]}" = 1 ] || bad "want one device TX socket"
[ "${tx0[TlsTxSw]}" = 1 ] || bad "want one software TX socket"
nginx_stop "$W"

banner "4. A live switch: one flow moved between device and software 4 times"
srv "$TOOL" -l $ADDR -p 5001 -n $((8 << 20)) -t 120 >"$W/switch.srv" 2>&1 &
tpid=$!
sleep 0.3
cli "$TOOL" -C $ADDR -p 5001 -n $((8 << 20)) -t 120 -S 4 >"$W/switch.cli" 2>&1 || bad "switching flow: $(cat "$W/switch.cli")"
wait $tpid || bad "switching flow, server: $(cat "$W/switch.srv")"
indent <"$W/switch.cli"
sw=$(cli awk '$1 == "KtlsTxSwitchToSw" { print $2 }' /proc/net/tls_stat)
dv=$(cli awk '$1 == "KtlsTxSwitchToDevice" { print $2 }' /proc/net/tls_stat)
say "client: KtlsTxSwitchToSw $sw, KtlsTxSwitchToDevice $dv (8 MiB each way, byte-exact)"

banner "5. What each layer counted"
printf '  # ip netns exec %s ethtool -S tsb | grep tls\n' $SRV
srv ethtool -S tsb | grep -E 'tls_[a-z_]+: [1-9]' | indent
printf '  # ip netns exec %s cat /proc/net/tls_stat   (non-zero lines)\n' $SRV
srv awk '$2 != 0' /proc/net/tls_stat | paste - - - | column -t | indent
printf '  # bpftool map dump pinned %s/ktls_stats   (ktlsctl stats, decoded)\n' $PIN
bpftool map dump pinned $PIN/ktls_stats >/dev/null 2>&1 || bad "bpftool map dump"
"$KTLSCTL" stats | indent

banner "Which flow went where, and why"
printf '    %-22s %-13s %-26s %9s  %s\n' FLOW POLICY "RECORDS ENCRYPTED BY" SIZE SHA-256
printf '    %-22s %-13s %-26s %9s  %s\n' "curl :40001 -> nginx" device "tlssim (TLS 1.3 on a NIC)" "$MIB MiB" "${ok[40001]}"
printf '    %-22s %-13s %-26s %9s  %s\n' "curl :40002 -> nginx" software "ktls.ko, CPU" "$MIB MiB" "${ok[40002]}"
printf '    %-22s %-13s %-26s %9s  %s\n' "curl :40003 -> nginx" "deny (EPERM)" "OpenSSL in userspace" "$MIB MiB" "${ok[40003]}"
printf '    %-22s %-13s %-26s %9s  %s\n' "tls_tool, 4 switches" default "device <-> CPU, live" "8 MiB x2" \
	"$(grep -q 'switches tx 4' "$W/switch.cli" && echo ok || echo BAD)"
grep -q 'switches tx 4' "$W/switch.cli" || bad "want 4 TX switches"

bpftool cgroup detach /sys/fs/cgroup sock_ops pinned $PROG 2>/dev/null
rm -rf $PIN $PROG
ip netns del $CLI
ip netns del $SRV
if [ $rc -eq 0 ]; then
	banner "demo: every check passed"
else
	banner "demo: a check FAILED (see above)"
fi
exit $rc
