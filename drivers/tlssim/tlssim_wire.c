// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated wire of one tlssim end (its egress direction).
 *
 * Every frame is copied into a fresh receive buffer of the peer (a page
 * fragment with XDP headroom, wrapped by build_skb), its checksum finished
 * over the bytes as they leave, then the faults configured in this end's
 * debugfs directory are applied per frame, as tlssim_fault.c decides them
 * (per packet, repeatable from the seed):
 *   loss            the frame is dropped
 *   corrupt         one byte of TCP payload flipped; checksum left stale,
 *                   so the receiver's checksum check catches it
 *   corrupt_payload one byte of TCP payload flipped and the TCP checksum
 *                   fixed up, so only TLS authentication can catch it
 *   duplicate       a second copy follows the frame
 *   reorder         the frame is held back and released right after the
 *                   next frame (or after TLSSIM_HOLD_JIFFIES if none comes)
 * Probabilities are in parts per million.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/lockdep.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <net/checksum.h>

#include "compat.h"
#include "tlssim.h"

#define TLSSIM_HOLD_JIFFIES	2
/* Longest frame the wire carries: largest MTU, Ethernet header, a tag. */
#define TLSSIM_MAX_FRAME	(TLSSIM_MAX_MTU + ETH_HLEN + VLAN_HLEN)

/* A wire buffer for a @len byte frame, data at the L2 header. */
static struct sk_buff *tlssim_frame_alloc(unsigned int len)
{
	unsigned int size = SKB_DATA_ALIGN(TLSSIM_HEADROOM + len) +
			    SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	struct sk_buff *frame;
	void *buf;

	buf = netdev_alloc_frag(size);
	if (!buf)
		return NULL;
	frame = build_skb(buf, size);
	if (!frame) {
		skb_free_frag(buf);
		return NULL;
	}
	skb_reserve(frame, TLSSIM_HEADROOM);
	skb_put(frame, len);
	return frame;
}

/*
 * Copy a frame leaving the stack onto the wire and finish a pending
 * checksum (CHECKSUM_PARTIAL) over the copied bytes.
 */
static struct sk_buff *tlssim_frame_from_skb(struct sk_buff *skb)
{
	struct sk_buff *frame;
	int start;

	frame = tlssim_frame_alloc(skb->len);
	if (!frame)
		return NULL;
	if (skb_copy_bits(skb, 0, frame->data, skb->len))
		goto err;

	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		__sum16 *field;
		__wsum csum;

		start = skb_checksum_start_offset(skb);
		if (start < 0 || start + skb->csum_offset + sizeof(*field) > skb->len)
			goto err;
		csum = csum_partial(frame->data + start, skb->len - start, 0);
		field = (__sum16 *)(frame->data + start + skb->csum_offset);
		*field = csum_fold(csum) ?: CSUM_MANGLED_0;
	}
	return frame;

err:
	kfree_skb(frame);
	return NULL;
}

static struct sk_buff *tlssim_frame_copy(const struct sk_buff *f)
{
	struct sk_buff *copy = tlssim_frame_alloc(f->len);

	if (copy)
		memcpy(copy->data, f->data, f->len);
	return copy;
}

/* Hand a frame to the peer's RX queue.  wire_lock and RCU held. */
static void tlssim_deliver(struct tlssim_dev *sd, struct sk_buff *f)
{
	struct net_device *peer = rcu_dereference(sd->peer);
	struct tlssim_dev *psd;
	bool queued = false;

	lockdep_assert_held(&sd->wire_lock);
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "tlssim: deliver outside RCU");

	if (!peer) {
		tlssim_stat_inc(sd, TLSSIM_STAT_TX_NO_PEER);
		kfree_skb(f);
		return;
	}
	psd = tlssim_priv(peer);
	f->dev = peer;

	spin_lock(&psd->rxq.lock);
	if (psd->rx_up && skb_queue_len(&psd->rxq) < TLSSIM_RXQ_MAX) {
		__skb_queue_tail(&psd->rxq, f);
		queued = true;
	}
	spin_unlock(&psd->rxq.lock);

	if (!queued) {
		tlssim_stat_inc(psd, TLSSIM_STAT_RX_QUEUE_FULL);
		dev_core_stats_rx_dropped_inc(peer);
		kfree_skb(f);
		return;
	}
	napi_schedule(&psd->napi);
}

/* Reordering stage: @hold holds @f back.  wire_lock and RCU held. */
static void tlssim_order(struct tlssim_dev *sd, struct sk_buff *f, bool hold)
{
	struct sk_buff *held;

	lockdep_assert_held(&sd->wire_lock);
	if (!sd->held && hold) {
		sd->held = f;
		tlssim_stat_inc(sd, TLSSIM_STAT_WIRE_REORDER);
		mod_timer(&sd->held_timer, jiffies + TLSSIM_HOLD_JIFFIES);
		return;
	}
	tlssim_deliver(sd, f);
	held = sd->held;
	if (held) {
		sd->held = NULL;
		tlssim_deliver(sd, held);
	}
}

/* Apply this wire's faults to one (linear) frame and send it on.  Consumes @f. */
static void tlssim_put(struct tlssim_dev *sd, struct sk_buff *f)
{
	struct tlssim_verdict v;
	struct sk_buff *dup = NULL;
	struct tlssim_pkt p;

	tlssim_parse(f->data, f->len, f->len, &p);
	rcu_read_lock();
	spin_lock_bh(&sd->wire_lock);
	if (!sd->wire_up) {
		tlssim_stat_inc(sd, TLSSIM_STAT_TX_NO_PEER);
		kfree_skb(f);
		goto out;
	}
	tlssim_stat_inc(sd, TLSSIM_STAT_WIRE_TX_FRAMES);
	tlssim_stat_add(sd, TLSSIM_STAT_WIRE_TX_BYTES, f->len);

	tlssim_fault_decide(sd, f->data, f->len, &p, &v);
	if (v.drop) {
		tlssim_stat_inc(sd, TLSSIM_STAT_WIRE_DROP);
		kfree_skb(f);
		goto out;
	}
	if (v.corrupt && tlssim_fault_corrupt(f->data, &p, v.corrupt_rnd, v.fixup))
		tlssim_stat_inc(sd, v.fixup ? TLSSIM_STAT_WIRE_CORRUPT_PAYLOAD :
				    TLSSIM_STAT_WIRE_CORRUPT);
	if (v.dup) {
		dup = tlssim_frame_copy(f);
		if (dup)
			tlssim_stat_inc(sd, TLSSIM_STAT_WIRE_DUP);
	}

	tlssim_order(sd, f, v.hold);
	if (dup)
		tlssim_order(sd, dup, v.hold_dup);
out:
	spin_unlock_bh(&sd->wire_lock);
	rcu_read_unlock();
}

static void tlssim_held_timeout(struct timer_list *t)
{
	struct tlssim_dev *sd = from_timer(sd, t, held_timer);
	struct sk_buff *held;

	rcu_read_lock();
	spin_lock_bh(&sd->wire_lock);
	held = sd->held;
	sd->held = NULL;
	if (held)
		tlssim_deliver(sd, held);
	spin_unlock_bh(&sd->wire_lock);
	rcu_read_unlock();
}

static bool tlssim_tx_ready(struct tlssim_dev *sd)
{
	if (likely(netif_carrier_ok(sd->netdev)))
		return true;
	tlssim_stat_inc(sd, TLSSIM_STAT_TX_NO_PEER);
	dev_core_stats_tx_dropped_inc(sd->netdev);
	return false;
}

static void tlssim_xmit_one(struct tlssim_dev *sd, struct sk_buff *skb)
{
	struct sk_buff *frame;
	unsigned int len = skb->len;

	if (unlikely(len < ETH_HLEN || len > TLSSIM_MAX_FRAME)) {
		tlssim_stat_inc(sd, TLSSIM_STAT_TX_ERR);
		goto drop;
	}
	frame = tlssim_frame_from_skb(skb);
	if (unlikely(!frame)) {
		tlssim_stat_inc(sd, TLSSIM_STAT_TX_NOMEM);
		goto drop;
	}
	/* The socket's buffer is released here, as after a NIC's DMA. */
	consume_skb(skb);
	dev_sw_netstats_tx_add(sd->netdev, 1, len);
	tlssim_put(sd, frame);
	return;

drop:
	dev_core_stats_tx_dropped_inc(sd->netdev);
	kfree_skb(skb);
}

/* ndo_start_xmit after TLS: segment, checksum, fault, deliver. */
void tlssim_wire_xmit(struct tlssim_dev *sd, struct sk_buff *skb)
{
	struct sk_buff *segs, *seg, *next;

	if (!tlssim_tx_ready(sd)) {
		kfree_skb(skb);
		return;
	}
	if (!skb_is_gso(skb)) {
		tlssim_xmit_one(sd, skb);
		return;
	}

	/* Checksums are left partial here and finished on each copy. */
	segs = skb_gso_segment(skb, NETIF_F_SG | NETIF_F_HW_CSUM);
	if (IS_ERR(segs)) {
		tlssim_stat_inc(sd, TLSSIM_STAT_TX_ERR);
		dev_core_stats_tx_dropped_inc(sd->netdev);
		kfree_skb(skb);
		return;
	}
	if (!segs) {
		/* Already no longer than one segment. */
		tlssim_xmit_one(sd, skb);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		tlssim_xmit_one(sd, seg);
	}
}

/* XDP_TX and ndo_xdp_xmit: put a raw frame on this end's wire. */
bool tlssim_wire_send_raw(struct tlssim_dev *sd, const void *data, unsigned int len)
{
	struct sk_buff *frame;

	if (!tlssim_tx_ready(sd))
		return false;
	if (len < ETH_HLEN || len > TLSSIM_MAX_FRAME) {
		tlssim_stat_inc(sd, TLSSIM_STAT_TX_ERR);
		dev_core_stats_tx_dropped_inc(sd->netdev);
		return false;
	}
	frame = tlssim_frame_alloc(len);
	if (!frame) {
		tlssim_stat_inc(sd, TLSSIM_STAT_TX_NOMEM);
		dev_core_stats_tx_dropped_inc(sd->netdev);
		return false;
	}
	memcpy(frame->data, data, len);
	dev_sw_netstats_tx_add(sd->netdev, 1, len);
	tlssim_put(sd, frame);
	return true;
}

/* debugfs "seed": restart the fault decisions (repeatable runs) */
void tlssim_wire_set_seed(struct tlssim_dev *sd, u64 seed)
{
	spin_lock_bh(&sd->wire_lock);
	tlssim_fault_reset(sd, seed);
	spin_unlock_bh(&sd->wire_lock);
}

void tlssim_wire_init(struct tlssim_dev *sd)
{
	spin_lock_init(&sd->wire_lock);
	timer_setup(&sd->held_timer, tlssim_held_timeout, 0);
	tlssim_fault_reset(sd, get_random_u64());
}

void tlssim_wire_start(struct tlssim_dev *sd)
{
	spin_lock_bh(&sd->wire_lock);
	sd->wire_up = true;
	spin_unlock_bh(&sd->wire_lock);
}

/* Stop accepting frames and drop the held one; callable twice. */
void tlssim_wire_stop(struct tlssim_dev *sd)
{
	struct sk_buff *held;

	spin_lock_bh(&sd->wire_lock);
	sd->wire_up = false;
	held = sd->held;
	sd->held = NULL;
	spin_unlock_bh(&sd->wire_lock);
	del_timer_sync(&sd->held_timer);
	kfree_skb(held);
}
