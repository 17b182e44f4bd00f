// SPDX-License-Identifier: GPL-2.0
/*
 * Receive side of a tlssim end: NAPI drains the frames the peer's wire
 * queued, runs XDP on each, checks the L4 checksum over the bytes as they
 * arrived (ciphertext), lets the TLS engine decrypt, then hands the frame
 * to GRO.  Only this NAPI context touches the frames it dequeued.
 */
#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>

#include "tlssim.h"

enum tlssim_csum {
	TLSSIM_CSUM_NA,		/* not TCP/UDP over IP, or no checksum */
	TLSSIM_CSUM_GOOD,
	TLSSIM_CSUM_BAD,
};

/*
 * Verify the TCP/UDP checksum of the linear frame at @frame, parsed into
 * @p, and set the network/transport header offsets of @skb (whose data is
 * past the Ethernet header).
 */
static enum tlssim_csum tlssim_rx_csum(struct tlssim_dev *sd, struct sk_buff *skb,
				       const u8 *frame, const struct tlssim_pkt *p)
{
	unsigned int len;
	__wsum csum;
	__sum16 res;

	if (p->kind != TLSSIM_PKT_TCP && p->kind != TLSSIM_PKT_UDP)
		return TLSSIM_CSUM_NA;

	skb_set_network_header(skb, p->l3off - ETH_HLEN);
	skb_set_transport_header(skb, p->l4off - ETH_HLEN);
	len = p->end - p->l4off;

	if (p->family == 4 && p->kind == TLSSIM_PKT_UDP &&
	    !((const struct udphdr *)(frame + p->l4off))->check)
		return TLSSIM_CSUM_NA;

	csum = csum_partial(frame + p->l4off, len, 0);
	if (p->family == 4) {
		const struct iphdr *iph = (const void *)(frame + p->l3off);

		res = csum_tcpudp_magic(iph->saddr, iph->daddr, len, p->proto, csum);
	} else {
		const struct ipv6hdr *ip6h = (const void *)(frame + p->l3off);

		res = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len, p->proto, csum);
	}
	if (res) {
		tlssim_stat_inc(sd, TLSSIM_STAT_RX_CSUM_BAD);
		return TLSSIM_CSUM_BAD;
	}
	tlssim_stat_inc(sd, TLSSIM_STAT_RX_CSUM_GOOD);
	return TLSSIM_CSUM_GOOD;
}

/* One wire frame.  Returns true if XDP redirected it (flush needed). */
static bool tlssim_rx_one(struct tlssim_dev *sd, struct bpf_prog *prog,
			  struct sk_buff *skb)
{
	struct net_device *dev = sd->netdev;
	struct tlssim_pkt pkt;
	enum tlssim_csum csum;
	unsigned int len;

	tlssim_stat_inc(sd, TLSSIM_STAT_RX_FRAMES);
	/* Like a NIC, accept what fits the configured MTU (plus one tag). */
	if (unlikely(skb->len < ETH_HLEN ||
		     skb->len > dev->mtu + ETH_HLEN + VLAN_HLEN)) {
		tlssim_stat_inc(sd, TLSSIM_STAT_RX_OVERSIZE);
		dev_core_stats_rx_dropped_inc(dev);
		kfree_skb(skb);
		return false;
	}

	if (prog) {
		switch (tlssim_xdp_rx(sd, prog, skb)) {
		case TLSSIM_XDP_PASS:
			break;
		case TLSSIM_XDP_CONSUMED:
			return false;
		case TLSSIM_XDP_REDIRECTED:
			return true;
		}
		if (unlikely(skb->len < ETH_HLEN)) {
			dev_core_stats_rx_dropped_inc(dev);
			kfree_skb(skb);
			return false;
		}
	}

	/*
	 * Parsed once, after XDP had its say; wire frames are linear.  The
	 * checksum check and the TLS engine both work from this result.
	 */
	len = skb->len;
	tlssim_parse(skb->data, skb_headlen(skb), skb_headlen(skb), &pkt);
	skb->protocol = eth_type_trans(skb, dev);
	csum = tlssim_rx_csum(sd, skb, skb_mac_header(skb), &pkt);
	/* A frame that failed its checksum is never decrypted. */
	if (csum != TLSSIM_CSUM_BAD)
		tlssim_tls_rx(sd, skb, &pkt);

	/*
	 * The stack could not verify a checksum of ciphertext over plaintext:
	 * decrypted frames are vouched for by the device, which checked the
	 * wire checksum.  Otherwise report what RXCSUM allows.
	 */
	if (csum == TLSSIM_CSUM_GOOD &&
	    (skb->decrypted || (dev->features & NETIF_F_RXCSUM)))
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	else
		skb->ip_summed = CHECKSUM_NONE;

	dev_sw_netstats_rx_add(dev, len);
	napi_gro_receive(&sd->napi, skb);
	return false;
}

int tlssim_napi_poll(struct napi_struct *napi, int budget)
{
	struct tlssim_dev *sd = container_of(napi, struct tlssim_dev, napi);
	struct sk_buff_head batch;
	struct bpf_prog *prog;
	struct sk_buff *skb;
	bool flush = false;
	int done = 0;

	__skb_queue_head_init(&batch);
	spin_lock(&sd->rxq.lock);
	while (done < budget && (skb = __skb_dequeue(&sd->rxq))) {
		__skb_queue_tail(&batch, skb);
		done++;
	}
	spin_unlock(&sd->rxq.lock);

	rcu_read_lock();
	prog = rcu_dereference(sd->xdp_prog);
	while ((skb = __skb_dequeue(&batch)))
		flush |= tlssim_rx_one(sd, prog, skb);
	if (flush)
		xdp_do_flush();
	rcu_read_unlock();

	/* A frame queued meanwhile sets NAPI_STATE_MISSED: we get re-polled. */
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

void tlssim_rx_purge(struct tlssim_dev *sd)
{
	skb_queue_purge(&sd->rxq);
}
