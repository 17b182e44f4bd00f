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
#include <net/checksum.h>
#include <net/ip6_checksum.h>

#include "tlssim.h"

enum tlssim_csum {
	TLSSIM_CSUM_NA,		/* not TCP/UDP over IP, or no checksum */
	TLSSIM_CSUM_GOOD,
	TLSSIM_CSUM_BAD,
};

/*
 * Verify the TCP/UDP checksum of a linear frame whose skb->data is past
 * the Ethernet header, and set the network/transport header offsets.
 */
static enum tlssim_csum tlssim_rx_csum(struct tlssim_dev *sd, struct sk_buff *skb)
{
	const u8 *frame = skb_mac_header(skb);
	struct tlssim_l4 l4;
	unsigned int len;
	__wsum csum;
	__sum16 res;

	if (!tlssim_parse_l4(frame, skb->len + ETH_HLEN, &l4))
		return TLSSIM_CSUM_NA;

	skb_set_network_header(skb, l4.l3off - ETH_HLEN);
	skb_set_transport_header(skb, l4.l4off - ETH_HLEN);
	len = l4.end - l4.l4off;

	if (l4.family == 4 && l4.proto == IPPROTO_UDP &&
	    !((const struct udphdr *)(frame + l4.l4off))->check)
		return TLSSIM_CSUM_NA;

	csum = csum_partial(frame + l4.l4off, len, 0);
	if (l4.family == 4) {
		const struct iphdr *iph = (const void *)(frame + l4.l3off);

		res = csum_tcpudp_magic(iph->saddr, iph->daddr, len, l4.proto, csum);
	} else {
		const struct ipv6hdr *ip6h = (const void *)(frame + l4.l3off);

		res = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len, l4.proto, csum);
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

	len = skb->len;
	skb->protocol = eth_type_trans(skb, dev);
	csum = tlssim_rx_csum(sd, skb);
	/* A frame that failed its checksum is never decrypted. */
	if (csum != TLSSIM_CSUM_BAD)
		tlssim_tls_rx(sd, skb);

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
