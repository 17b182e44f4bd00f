// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_deny: refuse kernel TLS by rule, with no help from the TLS module:
 * a cgroup/setsockopt program that fails setsockopt(SOL_TLS, TLS_TX or
 * TLS_RX) with EPERM when a rule of ktls_deny_port / ktls_deny_net
 * matches the flow (ktls_match.h; any matching rule denies). It works the
 * same with the kernel's tls.ko and with ktls.ko, and OpenSSL then keeps
 * the session in userspace.
 *
 *   bpftool prog load ktls_deny.o /sys/fs/bpf/ktls_deny \
 *       pinmaps /sys/fs/bpf/ktls_deny_maps
 *   bpftool cgroup attach CGROUP setsockopt pinned /sys/fs/bpf/ktls_deny multi
 */
#include "ktls_match.h"

#ifndef SOL_TLS
#define SOL_TLS 282
#endif
#define PAGE_SIZE_MIN 4096

KTLS_RULE_MAPS(ktls_deny_port, ktls_deny_net);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct ktls_deny_stats);
} ktls_deny_stats SEC(".maps");

SEC("cgroup/setsockopt")
int ktls_deny(struct bpf_sockopt *ctx)
{
	struct bpf_sock *sk = ctx->sk;
	struct ktls_deny_stats *st;
	struct ktls_flow_id id;
	__u32 dir, key, family, lport, rport, ip4, ip6[4];

	if (ctx->level != SOL_TLS ||
	    (ctx->optname != TLS_TX && ctx->optname != TLS_RX) || !sk) {
		/* a larger buffer than the program may see: keep it as is */
		if (ctx->optlen > PAGE_SIZE_MIN)
			ctx->optlen = 0;
		return 1;
	}
	dir = ctx->optname == TLS_TX ? KTLS_DIR_TX : KTLS_DIR_RX;
	key = dir == KTLS_DIR_RX;
	/*
	 * Each field loaded on its own: clang would otherwise pick between
	 * dst_ip4 and dst_ip6[3] by pointer, and the verifier refuses
	 * arithmetic on a socket pointer.
	 */
	family = sk->family;
	lport = sk->src_port;
	rport = sk->dst_port;
	ip4 = sk->dst_ip4;
	ip6[0] = sk->dst_ip6[0];
	ip6[1] = sk->dst_ip6[1];
	ip6[2] = sk->dst_ip6[2];
	ip6[3] = sk->dst_ip6[3];
	ktls_barrier_var(ip4);
	ktls_barrier_var(ip6[3]);
	ktls_flow_id_set(&id, family, lport, __builtin_bswap16(rport), ip4,
			 ip6);
	st = bpf_map_lookup_elem(&ktls_deny_stats, &key);
	if (st)
		st->checked++;
	if (!ktls_match(&ktls_deny_port, &ktls_deny_net, &id, dir))
		return 1;
	if (st)
		st->denied++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
