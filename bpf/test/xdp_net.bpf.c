// SPDX-License-Identifier: GPL-2.0
/*
 * XDP programs for net_xdp.sh, one per object, chosen at build time:
 *   -DXDP_MODE=1  PASS everything
 *   -DXDP_MODE=2  DROP ICMP/ICMPv6 echo requests, PASS the rest
 *   -DXDP_MODE=3  answer IPv4 echo requests with XDP_TX (the stack never
 *                 sees them), PASS the rest
 *   -DXDP_MODE=4  REDIRECT IPv4 echo requests to ifindex XDP_REDIRECT_TO
 *   -DXDP_MODE=5  ABORT on IPv4 echo requests
 * Only echo requests are touched, so ARP and neighbour discovery still work.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* linux/icmp.h drags in libc headers: the few fields needed, by hand. */
struct echo_hdr {
	__u8 type;
	__u8 code;
	__u16 checksum;
};

#define ICMP_ECHOREPLY		0
#define ICMP_ECHO		8
#define ICMPV6_ECHO_REQUEST	128

#ifndef XDP_REDIRECT_TO
#define XDP_REDIRECT_TO 100
#endif

/* 4: IPv4 echo request, 6: ICMPv6 echo request, 0: anything else. */
static __always_inline int echo_request(void *data, void *end)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end)
		return 0;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)(eth + 1);
		struct echo_hdr *ic;

		if ((void *)(iph + 1) > end || iph->ihl != 5 ||
		    iph->protocol != IPPROTO_ICMP)
			return 0;
		ic = (void *)(iph + 1);
		if ((void *)(ic + 1) > end)
			return 0;
		return ic->type == ICMP_ECHO ? 4 : 0;
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = (void *)(eth + 1);
		struct echo_hdr *ic6;

		if ((void *)(ip6h + 1) > end || ip6h->nexthdr != IPPROTO_ICMPV6)
			return 0;
		ic6 = (void *)(ip6h + 1);
		if ((void *)(ic6 + 1) > end)
			return 0;
		return ic6->type == ICMPV6_ECHO_REQUEST ? 6 : 0;
	}
	return 0;
}

/* Turn an IPv4 echo request into its reply, in place. */
static __always_inline void make_reply(void *data)
{
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	struct echo_hdr *ic = (void *)(iph + 1);
	unsigned char mac[ETH_ALEN];
	__u32 addr, sum;

	__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);
	/* Swapping the addresses leaves the IP header checksum valid. */
	addr = iph->saddr;
	iph->saddr = iph->daddr;
	iph->daddr = addr;
	/* Type 8 -> 0: the first 16-bit word drops by 0x0800. */
	ic->type = ICMP_ECHOREPLY;
	sum = (__u32)ic->checksum + bpf_htons(0x0800);
	ic->checksum = (__u16)(sum + (sum >> 16));
}

SEC("xdp")
int xdp_net(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	int echo = echo_request(data, end);

	switch (XDP_MODE) {
	case 2:
		return echo ? XDP_DROP : XDP_PASS;
	case 3:
		if (echo != 4)
			return XDP_PASS;
		if (data + sizeof(struct ethhdr) + sizeof(struct iphdr) +
		    sizeof(struct echo_hdr) > end)
			return XDP_PASS;
		make_reply(data);
		return XDP_TX;
	case 4:
		return echo == 4 ? bpf_redirect(XDP_REDIRECT_TO, 0) : XDP_PASS;
	case 5:
		return echo == 4 ? XDP_ABORTED : XDP_PASS;
	default:
		return XDP_PASS;
	}
}

char _license[] SEC("license") = "GPL";
