// SPDX-License-Identifier: GPL-2.0
/*
 * Native XDP on tlssim receive: runs in NAPI on every wire frame before
 * the TLS engine sees it, so tests can drop or rewrite chosen packets.
 *
 * Wire frames are page fragments with XDP_PACKET_HEADROOM wrapped by
 * build_skb (tlssim_wire.c), so the program runs on the buffer in place:
 *   PASS      the skb is adjusted to the program's head/tail/meta changes
 *   DROP      freed
 *   TX        copied onto this end's own wire, back toward the peer
 *   REDIRECT  the fragment is handed over (MEM_TYPE_PAGE_SHARED; the taker
 *             frees it with page_frag_free) and the skb shell released
 * ndo_xdp_xmit puts frames redirected to us on our wire (a copy each).
 * The program pointer is written under RTNL and read under RCU in NAPI.
 */
#include <linux/bpf_trace.h>
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "tlssim.h"

int tlssim_xdp_init(struct tlssim_dev *sd)
{
	int err;

	err = xdp_rxq_info_reg(&sd->xdp_rxq, sd->netdev, 0, 0);
	if (err)
		return err;
	err = xdp_rxq_info_reg_mem_model(&sd->xdp_rxq, MEM_TYPE_PAGE_SHARED, NULL);
	if (err)
		xdp_rxq_info_unreg(&sd->xdp_rxq);
	return err;
}

void tlssim_xdp_uninit(struct tlssim_dev *sd)
{
	xdp_rxq_info_unreg(&sd->xdp_rxq);
}

/* Make the skb match what the program left in the buffer. */
static void tlssim_xdp_adjust_skb(struct sk_buff *skb, struct xdp_buff *xdp)
{
	int head = xdp->data - (void *)skb->data;
	unsigned int len = xdp->data_end - xdp->data;
	unsigned int metalen = xdp->data - xdp->data_meta;

	if (head > 0)
		__skb_pull(skb, head);
	else if (head < 0)
		__skb_push(skb, -head);
	if (len > skb->len)
		__skb_put(skb, len - skb->len);
	else
		__skb_trim(skb, len);
	if (metalen)
		skb_metadata_set(skb, metalen);
}

enum tlssim_xdp_res tlssim_xdp_rx(struct tlssim_dev *sd, struct bpf_prog *prog,
				  struct sk_buff *skb)
{
	struct net_device *dev = sd->netdev;
	unsigned int frame_sz;
	struct xdp_buff xdp;
	u32 act;

	frame_sz = skb_end_offset(skb) + SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	xdp_init_buff(&xdp, frame_sz, &sd->xdp_rxq);
	xdp_prepare_buff(&xdp, skb->head, skb_headroom(skb), skb->len, true);

	act = bpf_prog_run_xdp(prog, &xdp);
	switch (act) {
	case XDP_PASS:
		tlssim_xdp_adjust_skb(skb, &xdp);
		tlssim_stat_inc(sd, TLSSIM_STAT_RX_XDP_PASS);
		return TLSSIM_XDP_PASS;
	case XDP_TX:
		if (!tlssim_wire_send_raw(sd, xdp.data, xdp.data_end - xdp.data))
			goto aborted;
		tlssim_stat_inc(sd, TLSSIM_STAT_RX_XDP_TX);
		consume_skb(skb);
		return TLSSIM_XDP_CONSUMED;
	case XDP_REDIRECT:
		/* Keep the fragment alive past the skb that owns it now. */
		get_page(virt_to_head_page(xdp.data));
		consume_skb(skb);
		if (xdp_do_redirect(dev, &xdp, prog)) {
			page_frag_free(xdp.data);
			trace_xdp_exception(dev, prog, act);
			tlssim_stat_inc(sd, TLSSIM_STAT_RX_XDP_ABORTED);
			dev_core_stats_rx_dropped_inc(dev);
			return TLSSIM_XDP_CONSUMED;
		}
		tlssim_stat_inc(sd, TLSSIM_STAT_RX_XDP_REDIRECT);
		return TLSSIM_XDP_REDIRECTED;
	case XDP_DROP:
		tlssim_stat_inc(sd, TLSSIM_STAT_RX_XDP_DROP);
		kfree_skb(skb);
		return TLSSIM_XDP_CONSUMED;
	default:
		bpf_warn_invalid_xdp_action(dev, prog, act);
		fallthrough;
	case XDP_ABORTED:
		goto aborted;
	}

aborted:
	trace_xdp_exception(dev, prog, act);
	tlssim_stat_inc(sd, TLSSIM_STAT_RX_XDP_ABORTED);
	dev_core_stats_rx_dropped_inc(dev);
	kfree_skb(skb);
	return TLSSIM_XDP_CONSUMED;
}

int tlssim_ndo_bpf(struct net_device *dev, struct netdev_bpf *bpf)
{
	struct tlssim_dev *sd = tlssim_priv(dev);
	struct bpf_prog *old;

	ASSERT_RTNL();
	switch (bpf->command) {
	case XDP_SETUP_PROG:
		/* The core passes us a reference; we drop the old one. */
		old = rtnl_dereference(sd->xdp_prog);
		rcu_assign_pointer(sd->xdp_prog, bpf->prog);
		if (old)
			bpf_prog_put(old);
		return 0;
	default:
		return -EINVAL;
	}
}

int tlssim_ndo_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames,
			u32 flags)
{
	struct tlssim_dev *sd = tlssim_priv(dev);
	int i;

	if (unlikely(flags & ~XDP_XMIT_FLAGS_MASK))
		return -EINVAL;

	for (i = 0; i < n; i++) {
		struct xdp_frame *frame = frames[i];

		if (xdp_frame_has_frags(frame) ||
		    !tlssim_wire_send_raw(sd, frame->data, frame->len))
			break;
		xdp_return_frame(frame);
	}
	tlssim_stat_add(sd, TLSSIM_STAT_TX_XDP_XMIT, i);
	tlssim_stat_add(sd, TLSSIM_STAT_TX_XDP_XMIT_ERR, n - i);
	/* The caller frees the frames we did not take. */
	return i;
}
