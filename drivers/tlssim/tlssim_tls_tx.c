// SPDX-License-Identifier: GPL-2.0
/*
 * tlssim TX engine: encrypts TLS records inside outgoing TCP skbs, the way
 * an inline-crypto NIC does it on the way to the wire.
 *
 * The kernel's tls_device hands the driver plaintext records with a
 * reserved tag space; it marks such sockets through sk_validate_xmit_skb
 * and keeps every unacknowledged record (page frags) for retransmission.
 *
 * In-order segments continue the per-flow stream state (next TCP seq,
 * offset in the record, running GHASH).  Any other segment is handled the
 * way a NIC driver must: its record is looked up with tls_get_record() and
 * a private state is rebuilt by replaying the record prefix from the
 * record's own plaintext frags (counted as tx_tls_ooo).
 *
 * TX resync: when the device's own stream state cannot be trusted (a
 * segment whose bytes do not parse as the records expected, or a loss of
 * state forced through debugfs "tx_resync_next") it asks the stack with
 * tls_offload_tx_resync_request().  tls_device then calls tls_dev_resync
 * (TX) with the TCP sequence and record number of the next record it
 * pushes; until then every segment is rebuilt from the record list.  Only
 * this engine sets the request bit, always under the context lock and
 * only when it is clear, so the core's "already pending" WARN cannot fire.
 *
 * The skb's payload frags are the very pages tls_device keeps for
 * retransmission, and TCP transmits clones, so the engine never writes
 * into the skb it is given: it encrypts a private copy (as DMA would read
 * the plaintext and the wire would carry the ciphertext).
 */
#include <linux/highmem.h>
#include <linux/skbuff.h>
#include <net/tcp.h>
#include <net/tls.h>
#include "compat.h"
#include "tlssim.h"
#include "tlssim_tls_priv.h"

#define TLSSIM_REPLAY_CHUNK	256

/*
 * Rebuild @r for the record containing @seq by replaying the record bytes
 * before @seq.  Called with the offload context lock held, which keeps
 * the record and its frags alive.  Returns 0, or -ENOENT when the data is
 * gone (acked and freed: nothing left to send it from).
 */
static int tx_replay_prefix(struct tlssim_ctx *c, struct tls_record_info *rec,
			    u64 rcd_sn, u32 seq, struct tlssim_rec *r)
{
	u32 todo = seq - tls_record_start_seq(rec);
	struct tlssim_walk_res res = {};
	u8 buf[TLSSIM_REPLAY_CHUNK];
	int i;

	lockdep_assert_held(&tls_offload_ctx_tx(tls_get_ctx(c->sk))->lock);
	tlssim_rec_reset(r, tls_record_start_seq(rec), rcd_sn, true);
	for (i = 0; i < rec->num_frags && todo; i++) {
		skb_frag_t *frag = &rec->frags[i];
		u32 off = skb_frag_off(frag);
		u32 left = min(todo, skb_frag_size(frag));

		while (left) {
			struct page *page = skb_frag_page(frag) + (off >> PAGE_SHIFT);
			u32 poff = offset_in_page(off);
			u32 n = min3(left, (u32)sizeof(buf), (u32)PAGE_SIZE - poff);
			u8 *va = kmap_local_page(page);

			memcpy(buf, va + poff, n);
			kunmap_local(va);
			if (tlssim_rec_walk(c, r, buf, n, TLSSIM_WALK_ENCRYPT, &res))
				return -EINVAL;
			off += n;
			left -= n;
			todo -= n;
		}
	}
	memzero_explicit(buf, sizeof(buf));
	return todo ? -EINVAL : 0;
}

enum tx_verdict {
	TX_SEND,	/* send the encrypted copy */
	TX_BYPASS,	/* send the original unencrypted (pre-offload data) */
	TX_DROP,
};

/* Out-of-order segment: rebuild the state from the kernel's record list. */
static enum tx_verdict tx_ooo(struct tlssim_ctx *c, struct sock *sk, u32 seq, u32 len,
			      u8 *data)
{
	struct tls_offload_context_tx *octx = tls_offload_ctx_tx(tls_get_ctx(sk));
	struct tlssim_walk_res res = {};
	struct tls_record_info *rec;
	struct tlssim_tls *t = c->tls;
	struct tlssim_rec r;
	unsigned long flags;
	u64 rcd_sn;
	int err;

	spin_lock_irqsave(&octx->lock, flags);
	rec = tls_get_record(octx, seq, &rcd_sn);
	if (!rec) {
		spin_unlock_irqrestore(&octx->lock, flags);
		tlssim_tstat_add(t, TSS_TX_DROP_NO_SYNC, 1);
		return TX_DROP;
	}
	if (tls_record_is_start_marker(rec)) {
		u32 end = rec->end_seq;

		spin_unlock_irqrestore(&octx->lock, flags);
		/* data from before offload: it was never meant for us */
		if (after(seq + len, end)) {
			tlssim_tstat_add(t, TSS_TX_DROP_BYPASS, 1);
			return TX_DROP;
		}
		tlssim_tstat_add(t, TSS_TX_SKIP_NO_SYNC, 1);
		return TX_BYPASS;
	}
	err = tx_replay_prefix(c, rec, rcd_sn, seq, &r);
	spin_unlock_irqrestore(&octx->lock, flags);
	if (err) {
		tlssim_tstat_add(t, TSS_TX_DROP_NO_SYNC, 1);
		return TX_DROP;
	}
	tlssim_tstat_add(t, TSS_TX_OOO, 1);

	if (tlssim_rec_walk(c, &r, data, len, TLSSIM_WALK_ENCRYPT, &res)) {
		tlssim_tstat_add(t, TSS_TX_DROP_NO_SYNC, 1);
		return TX_DROP;
	}
	/*
	 * A segment beyond the in-order position (one we never saw, e.g.
	 * dropped by a qdisc) leaves the rebuilt state as the newest one.
	 */
	if (c->tx_lost || after(r.seq, c->st.seq)) {
		c->st = r;
		c->tx_lost = false;
	}
	memzero_explicit(&r, sizeof(r));
	return TX_SEND;
}

/* Consume one forced state loss from the debugfs knob, if any is left. */
static bool tx_forced_loss(struct tlssim_tls *t)
{
	u32 n = READ_ONCE(t->tx_resync_next);

	while (n) {
		u32 old = cmpxchg(&t->tx_resync_next, n, n - 1);

		if (old == n)
			return true;
		n = old;
	}
	return false;
}

/* Called with c->lock held and no resync pending at the stack. */
static void tx_request_resync(struct tlssim_ctx *c, struct sock *sk, u32 seq)
{
	lockdep_assert_held(&c->lock);
	c->tx_lost = true;
	c->tx_resync_wait = true;
	tls_offload_tx_resync_request(sk, seq, c->st.seq);
	tlssim_tstat_add(c->tls, TSS_TX_RESYNC_REQ, 1);
}

/* One segment of an offloaded flow; c->lock held (the stream state). */
static enum tx_verdict tx_encrypt(struct tlssim_ctx *c, struct sock *sk, u32 seq, u32 len,
				  u8 *data)
{
	struct tlssim_walk_res res = {};

	lockdep_assert_held(&c->lock);
	if (c->dead)
		return TX_DROP;
	if (c->tx_lost || seq != c->st.seq || tls_offload_tx_resync_pending(sk))
		return tx_ooo(c, sk, seq, len, data);

	if (tx_forced_loss(c->tls)) {
		/*
		 * Emulated loss of the pipeline's stream state: ask the stack
		 * where records start and, meanwhile, encrypt this segment
		 * (and all others until the answer) from the record list.
		 */
		tx_request_resync(c, sk, seq);
		return tx_ooo(c, sk, seq, len, data);
	}

	if (tlssim_rec_walk(c, &c->st, data, len, TLSSIM_WALK_ENCRYPT, &res)) {
		/*
		 * The stream is not what the device expects: stop trusting
		 * its state and let the stack tell where records start.
		 * Until then segments are rebuilt from the record list.
		 */
		tx_request_resync(c, sk, seq);
		tlssim_tstat_add(c->tls, TSS_TX_DROP_NO_SYNC, 1);
		return TX_DROP;
	}
	return TX_SEND;
}

int tlssim_tx_resync(struct tlssim_ctx *c, u32 seq, u8 *rcd_sn)
{
	spin_lock_bh(&c->lock);
	if (!c->dead) {
		tlssim_rec_reset(&c->st, seq, tlssim_rec_sn_from_bytes(rcd_sn), true);
		c->tx_lost = false;
		c->tx_resync_wait = false;
		tlssim_tstat_add(c->tls, TSS_TX_RESYNC, 1);
	}
	spin_unlock_bh(&c->lock);
	return 0;
}

struct sk_buff *tlssim_tls_xmit(struct tlssim_dev *sd, struct sk_buff *skb)
{
	struct tlssim_tls *t = tlssim_tls_of(sd);
	struct sock *sk = skb->sk;
	enum tx_verdict verdict;
	struct tls_context *tctx;
	struct sk_buff *nskb;
	struct tlssim_ctx *c;
	struct tlssim_pkt p;
	unsigned int off;
	u32 seq, len;

	if (!t || !sk || !tlssim_skb_tx_offloaded(skb))
		return skb;
	tctx = tls_get_ctx(sk);
	c = *tlssim_ctx_slot(tctx, TLS_OFFLOAD_CTX_DIR_TX);
	/* a context of another device: the core's fallback handled it */
	if (!c || c->tls != t)
		return skb;
	/* skb->data is at the MAC header; the headers are in the linear part */
	tlssim_parse(skb->data, skb_headlen(skb), skb->len, &p);
	if (p.kind != TLSSIM_PKT_TCP || p.end <= p.payload)
		return skb;
	off = p.payload;
	seq = p.seq;
	len = p.end - p.payload;

	nskb = skb_copy(skb, GFP_ATOMIC);
	if (!nskb) {
		kfree_skb(skb);
		tlssim_tstat_add(t, TSS_TX_DROP_NO_SYNC, 1);
		return NULL;
	}

	spin_lock_bh(&c->lock);
	verdict = tx_encrypt(c, sk, seq, len, nskb->data + off);
	spin_unlock_bh(&c->lock);

	switch (verdict) {
	case TX_SEND:
		tlssim_tstat_add(t, TSS_TX_ENC_PKTS,
				 skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1);
		tlssim_tstat_add(t, TSS_TX_ENC_BYTES, len);
		/* what leaves is ciphertext; the bit must not reach the peer */
		nskb->decrypted = 0;
		consume_skb(skb);
		return nskb;
	case TX_BYPASS:
		kfree_skb(nskb);
		return skb;
	case TX_DROP:
	default:
		kfree_skb(nskb);
		kfree_skb(skb);
		return NULL;
	}
}
