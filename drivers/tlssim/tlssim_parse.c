// SPDX-License-Identifier: GPL-2.0
/*
 * The one frame parser of tlssim: what an Ethernet frame carries, as far
 * as the device looks into it (IPv4/IPv6, TCP/UDP, the flow and the TCP
 * sequence).  Every user takes its offsets from one struct tlssim_pkt:
 *   - the sender's wire, per frame, for the fault decisions and for
 *     corruption (tlssim_wire.c, tlssim_fault.c);
 *   - the receiver, once per frame after XDP, for the checksum check and
 *     for the TLS RX engine (tlssim_rx.c -> tlssim_tls_rx.c);
 *   - the TLS TX engine, once per skb before segmentation.
 * It is a leaf: it calls nothing else of tlssim.
 */
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "tlssim.h"

/* Fill the flow of a TCP/UDP datagram; addresses v4-mapped for IPv4. */
static void parse_flow(const u8 *frame, struct tlssim_pkt *p)
{
	const __be16 *ports = (const __be16 *)(frame + p->l4off);
	struct tlssim_flow *f = &p->flow;

	if (p->family == 4) {
		const struct iphdr *iph = (const void *)(frame + p->l3off);

		ipv6_addr_set_v4mapped(iph->saddr, &f->saddr);
		ipv6_addr_set_v4mapped(iph->daddr, &f->daddr);
		f->family = AF_INET;
	} else {
		const struct ipv6hdr *ip6h = (const void *)(frame + p->l3off);

		f->saddr = ip6h->saddr;
		f->daddr = ip6h->daddr;
		f->family = AF_INET6;
	}
	f->sport = ports[0];
	f->dport = ports[1];
}

/*
 * Parse the frame at @frame: @hlen bytes are readable there (the headers
 * must lie within them), the frame is @len bytes long (the IP datagram
 * must fit in it).  Anything short, malformed, fragmented or with IPv6
 * extension headers is TLSSIM_PKT_OTHER or TLSSIM_PKT_IP: the device
 * then leaves its L4 alone, like a NIC that does not understand it.
 */
void tlssim_parse(const u8 *frame, unsigned int hlen, unsigned int len,
		  struct tlssim_pkt *p)
{
	unsigned int off = ETH_HLEN, end;
	__be16 proto;
	u8 nexthdr;

	memset(p, 0, sizeof(*p));
	p->kind = TLSSIM_PKT_OTHER;
	if (hlen > len || hlen < ETH_HLEN)
		return;
	proto = ((const struct ethhdr *)frame)->h_proto;

	if (proto == htons(ETH_P_IP)) {
		const struct iphdr *iph = (const void *)(frame + off);
		unsigned int ihl;

		if (hlen < off + sizeof(*iph))
			return;
		ihl = iph->ihl * 4;
		end = off + ntohs(iph->tot_len);
		if (iph->version != 4 || ihl < sizeof(*iph) || hlen < off + ihl ||
		    end > len || end < off + ihl)
			return;
		p->family = 4;
		nexthdr = iph->protocol;
		p->l3off = off;
		off += ihl;
		if (ip_is_fragment(iph))
			goto ip_only;
	} else if (proto == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h = (const void *)(frame + off);

		if (hlen < off + sizeof(*ip6h))
			return;
		end = off + sizeof(*ip6h) + ntohs(ip6h->payload_len);
		if (ip6h->version != 6 || end > len)
			return;
		p->family = 6;
		nexthdr = ip6h->nexthdr;
		p->l3off = off;
		off += sizeof(*ip6h);
	} else {
		return;
	}
	p->proto = nexthdr;
	p->l4off = off;
	p->end = end;

	if (nexthdr == IPPROTO_TCP) {
		const struct tcphdr *th = (const void *)(frame + off);
		unsigned int thl;

		if (end < off + sizeof(*th) || hlen < off + sizeof(*th))
			goto ip_only;
		thl = th->doff * 4;
		if (thl < sizeof(*th) || end < off + thl || hlen < off + thl)
			goto ip_only;
		p->payload = off + thl;
		p->seq = ntohl(th->seq);
		p->ack = ntohl(th->ack_seq);
		p->tcp_flags = ((const u8 *)th)[13];	/* CWR..FIN */
		p->kind = TLSSIM_PKT_TCP;
	} else if (nexthdr == IPPROTO_UDP) {
		if (end < off + sizeof(struct udphdr) ||
		    hlen < off + sizeof(struct udphdr))
			goto ip_only;
		p->payload = off + sizeof(struct udphdr);
		p->kind = TLSSIM_PKT_UDP;
	} else {
		goto ip_only;
	}
	parse_flow(frame, p);
	return;

ip_only:
	/* IP, but no L4 header the device understands */
	p->kind = TLSSIM_PKT_IP;
	p->proto = nexthdr;
	p->l4off = off;
	p->payload = off;
	p->end = end;
}
