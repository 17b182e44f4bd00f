/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rule matching shared by ktls_policy.bpf.c (sock_ops) and
 * ktls_deny.bpf.c (cgroup/setsockopt): each program reads the flow's
 * ports and remote address from its own context into a struct
 * ktls_flow_id and asks ktls_match() with its own rule maps.
 */
#ifndef KTLS_MATCH_H
#define KTLS_MATCH_H

#include <linux/bpf.h>
#include <linux/ktls.h>
/* no libc headers under -target bpf */
#ifndef AF_INET6
#define AF_INET6 10
#endif
#include <bpf/bpf_helpers.h>

#include "ktls_policy.h"

/*
 * A program's two rule maps, named @ports (by port, HASH) and @nets (by
 * remote prefix, LPM trie): the names are what `pinmaps` pins them as.
 */
#define KTLS_RULE_MAPS(ports, nets)					\
struct {								\
	__uint(type, BPF_MAP_TYPE_HASH);				\
	__uint(max_entries, KTLS_RULES_MAX);				\
	__type(key, struct ktls_port_key);				\
	__type(value, struct ktls_rule);				\
} ports SEC(".maps");							\
struct {								\
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);				\
	__uint(max_entries, KTLS_RULES_MAX);				\
	__uint(map_flags, BPF_F_NO_PREALLOC);				\
	__type(key, struct ktls_net_key);				\
	__type(value, struct ktls_rule);				\
} nets SEC(".maps")

/* make @x a value of its own: no later select may turn into pointer math */
#define ktls_barrier_var(x) asm volatile("" : "+r"(x))

struct ktls_flow_id {
	__u16 lport;		/* host order */
	__u16 rport;
	struct ktls_net_key remote;	/* prefixlen 128 */
};

/* @ip6: the address as four network-order words (IPv6), or ip6[0] IPv4 */
static __always_inline void ktls_flow_id_set(struct ktls_flow_id *id,
					     __u32 family, __u32 lport,
					     __u32 rport, __u32 ip4,
					     const __u32 *ip6)
{
	__u32 *w = (__u32 *)id->remote.addr;

	id->lport = lport;
	id->rport = rport;
	id->remote.prefixlen = 128;
	if (family == AF_INET6) {
		w[0] = ip6[0];
		w[1] = ip6[1];
		w[2] = ip6[2];
		w[3] = ip6[3];
	} else {
		/* ::ffff:a.b.c.d */
		w[0] = 0;
		w[1] = 0;
		w[2] = __builtin_bswap32(0xffff);
		w[3] = ip4;
	}
}

static __always_inline int ktls_rule_applies(const struct ktls_rule *r,
					     __u32 dir)
{
	return r && (!r->dirs || (r->dirs & dir));
}

/* The first rule for @dir: local port, remote port, remote prefix */
static __always_inline const struct ktls_rule *
ktls_match(void *ports, void *nets, struct ktls_flow_id *id, __u32 dir)
{
	struct ktls_port_key pk = { .port = id->lport, .side = KTLS_RULE_LOCAL };
	const struct ktls_rule *r;

	r = bpf_map_lookup_elem(ports, &pk);
	if (ktls_rule_applies(r, dir))
		return r;
	pk.port = id->rport;
	pk.side = KTLS_RULE_REMOTE;
	r = bpf_map_lookup_elem(ports, &pk);
	if (ktls_rule_applies(r, dir))
		return r;
	r = bpf_map_lookup_elem(nets, &id->remote);
	if (ktls_rule_applies(r, dir))
		return r;
	return NULL;
}

#endif /* KTLS_MATCH_H */
