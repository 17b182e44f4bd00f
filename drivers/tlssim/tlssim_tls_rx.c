// SPDX-License-Identifier: GPL-2.0
/*
 * tlssim RX engine: decrypts TLS records in received frames in place, as
 * an inline-crypto NIC does, without ever holding a packet back.
 *
 * Why marking before the tag is checked is safe.  A frame is decrypted
 * and marked skb->decrypted as soon as it arrives, although the record's
 * tag usually comes in a later frame.  The frame holding the end of a
 * record (its last tag byte) is only decrypted and marked when every
 * record ending in it authenticated (pass 1 hashes the ciphertext and
 * compares tags before pass 2 decrypts).  If a tag fails, that frame is
 * passed up unmodified and unmarked, so the record reaches the kernel
 * "mixed": tls_device_decrypted() then re-encrypts the marked parts
 * (tls_device_reencrypt) and authenticates the whole record in software,
 * which fails and reports the error.  A record is therefore entirely
 * marked only if the device verified its tag.  The same holds for frames
 * holding bytes the device only tracked (while resynchronising): they
 * stay unmarked and untouched.  Frames whose L4 checksum did not verify
 * are never looked at (TCP drops them; the retransmission arrives
 * in order and the stream continues).
 *
 * Synchronisation: the device follows record boundaries by TCP sequence.
 * A frame that is not the next expected one (loss, reordering) loses sync;
 * the device then searches frames for a plausible record header, follows
 * record lengths from it ("track") and asks the stack to confirm the
 * header, either with tls_offload_rx_resync_request (driver mode) or with
 * the async start/end pair (async mode), optionally after a delay of N
 * frames.  tls_dev_resync(RX) confirms the header and its record number;
 * decryption resumes with the next record.
 */
#include <linux/if_ether.h>
#include <linux/skbuff.h>
#include <net/tcp.h>
#include <net/tls.h>
#include "compat.h"
#include "tlssim.h"
#include "tlssim_tls_priv.h"

/* stack did not answer within this many tracked records: ask again */
#define TLSSIM_RESYNC_RETRY_RECORDS	512

void tlssim_rx_ctx_init(struct tlssim_ctx *c, u32 start_seq)
{
	c->rx_state = TLSSIM_RX_SYNC;
}

/* send the pending request to the stack (after the configured delay) */
static void rx_req_issue(struct tlssim_ctx *c)
{
	struct tlssim_tls *t = c->tls;

	c->req_issued = true;
	if (c->async_mode) {
		tlssim_resync_async_end(c->sk, &c->async, htonl(c->req_seq));
		tlssim_tstat_add(t, TSS_RX_RESYNC_REQ_END, 1);
	} else {
		/* the core matches the last header byte's sequence */
		tls_offload_rx_resync_request(c->sk,
					      htonl(c->req_seq + TLS_HEADER_SIZE - 1));
		tlssim_tstat_add(t, TSS_RX_RESYNC_REQ_PKT, 1);
	}
}

/* a candidate header at @hdr_seq: ask the stack about it */
static void rx_req_new(struct tlssim_ctx *c, u32 hdr_seq, u32 window)
{
	struct tlssim_tls *t = c->tls;

	if (c->req_pending)
		tlssim_tstat_add(t, TSS_RX_RESYNC_REQ_SKIP, 1);
	c->req_seq = hdr_seq;
	c->req_pending = true;
	c->req_issued = false;
	c->req_records = 0;
	c->req_delay = READ_ONCE(t->resync_delay);
	if (c->async_mode) {
		tlssim_resync_async_start(c->sk, &c->async, htonl(hdr_seq),
					  min_t(u32, window, U16_MAX));
		tlssim_tstat_add(t, TSS_RX_RESYNC_REQ_START, 1);
	}
	if (!c->req_delay)
		rx_req_issue(c);
}

static void rx_lose_sync(struct tlssim_ctx *c)
{
	c->rx_state = TLSSIM_RX_SEARCH;
}

/*
 * SEARCH: look for a plausible header in this frame; when found, follow
 * records from it (TRACK) and ask the stack to confirm it.
 */
static void rx_search(struct tlssim_ctx *c, u8 *data, u32 len, u32 seq)
{
	struct tlssim_walk_res res = {};
	u32 off;

	for (off = 0; off + TLS_HEADER_SIZE <= len; off++) {
		if (!tlssim_rec_hdr_plausible(c, data + off))
			continue;
		tlssim_rec_reset(&c->st, seq + off, 0, false);
		c->rx_state = TLSSIM_RX_TRACK;
		if (tlssim_rec_walk(c, &c->st, data + off, len - off,
				    TLSSIM_WALK_TRACK, &res)) {
			/* lengths led to garbage: not a header */
			c->rx_state = TLSSIM_RX_SEARCH;
			memset(&res, 0, sizeof(res));
			continue;
		}
		rx_req_new(c, seq + off, len - off);
		return;
	}
}

/* TRACK: follow record lengths, waiting for tls_dev_resync. */
static void rx_track(struct tlssim_ctx *c, u8 *data, u32 len)
{
	struct tlssim_walk_res res = {};

	if (tlssim_rec_walk(c, &c->st, data, len, TLSSIM_WALK_TRACK, &res)) {
		rx_lose_sync(c);
		return;
	}
	if (!c->req_pending)
		return;
	if (!c->req_issued) {
		if (c->req_delay)
			c->req_delay--;
		if (!c->req_delay)
			rx_req_issue(c);
		return;
	}
	c->req_records += res.headers;
	/*
	 * The stack parses headers only as the application reads, so it may
	 * be many records behind the device: the request is stale only once
	 * the reader is past the header (or after very many records).
	 */
	if (res.headers &&
	    (after(READ_ONCE(tcp_sk(c->sk)->copied_seq), c->req_seq) ||
	     c->req_records > TLSSIM_RESYNC_RETRY_RECORDS)) {
		/*
		 * The stack passed the header before the request reached it
		 * (or it was no header): ask about the newest header, which
		 * becomes record number 0 of our tracked count (the current
		 * record is 1 if that one already ended in this frame).
		 */
		c->st.sn = c->st.seq - c->st.pos == res.last_hdr_seq ? 0 : 1;
		rx_req_new(c, res.last_hdr_seq, len);
	}
}

/* SYNC: verify, then decrypt and mark when everything checked out. */
static bool rx_sync(struct tlssim_ctx *c, u8 *data, u32 len)
{
	struct tlssim_walk_res res = {};
	struct tlssim_rec snap = c->st;
	bool ok = false;

	if (tlssim_rec_walk(c, &c->st, data, len, TLSSIM_WALK_VERIFY, &res)) {
		tlssim_tstat_add(c->tls, TSS_RX_ERR, 1);
		rx_lose_sync(c);
		goto out;
	}
	if (res.tag_bad) {
		tlssim_tstat_add(c->tls, TSS_RX_ERR, 1);
		goto out;
	}
	if (res.inactive)
		goto out;
	memset(&res, 0, sizeof(res));
	tlssim_rec_walk(c, &snap, data, len, TLSSIM_WALK_DECRYPT, &res);
	ok = true;
out:
	memzero_explicit(&snap, sizeof(snap));
	return ok;
}

/*
 * A frame starts after the expected sequence (loss or reordering).  If the
 * missing bytes end inside the current record, whose length is known, the
 * next record boundary is still known: give up on this record only (it
 * cannot be authenticated by the device any more, so it is just tracked)
 * and continue.  Otherwise a header was missed and sync is lost.
 */
static bool rx_skip_gap(struct tlssim_ctx *c, u32 seq)
{
	struct tlssim_rec *r = &c->st;
	u32 rec_end;

	if (r->pos < TLS_HEADER_SIZE)
		return false;
	rec_end = r->seq - r->pos + r->len;
	if (after(seq, rec_end))
		return false;
	r->active = false;
	r->pos += seq - r->seq;
	r->seq = seq;
	if (r->pos == r->len) {
		/* the gap ended exactly at the record end */
		r->pos = 0;
		r->len = 0;
		r->sn++;
		r->tag_done = false;
		r->active = c->rx_state == TLSSIM_RX_SYNC;
	}
	return true;
}

/* returns true when the frame was decrypted; c->lock held (stream state) */
static bool rx_process(struct tlssim_ctx *c, u8 *data, u32 len, u32 seq)
{
	lockdep_assert_held(&c->lock);
	if (c->rx_state != TLSSIM_RX_SEARCH && seq != c->st.seq) {
		/* an old duplicate or retransmission: leave it alone */
		if (before(seq, c->st.seq) && !after(seq + len, c->st.seq))
			return false;
		if (before(seq, c->st.seq) || !rx_skip_gap(c, seq))
			rx_lose_sync(c);
	}
	switch (c->rx_state) {
	case TLSSIM_RX_SYNC:
		return rx_sync(c, data, len);
	case TLSSIM_RX_TRACK:
		rx_track(c, data, len);
		return false;
	case TLSSIM_RX_SEARCH:
	default:
		rx_search(c, data, len, seq);
		return false;
	}
}

int tlssim_rx_resync(struct tlssim_ctx *c, u32 seq, u8 *rcd_sn)
{
	struct tlssim_tls *t = c->tls;
	u32 want;

	spin_lock_bh(&c->lock);
	want = c->req_seq + (c->async_mode ? 0 : TLS_HEADER_SIZE - 1);
	if (c->dead || c->rx_state != TLSSIM_RX_TRACK || !c->req_pending || seq != want) {
		spin_unlock_bh(&c->lock);
		tlssim_tstat_add(t, TSS_RX_RESYNC_RES_SKIP, 1);
		return 0;
	}
	/* st.sn counts records since the confirmed header */
	c->st.sn += tlssim_rec_sn_from_bytes(rcd_sn);
	c->req_pending = false;
	c->rx_state = TLSSIM_RX_SYNC;
	/* the current record was only tracked; the next one is decrypted */
	if (c->st.pos == 0)
		c->st.active = true;
	spin_unlock_bh(&c->lock);
	tlssim_tstat_add(t, TSS_RX_RESYNC_RES_OK, 1);
	return 0;
}

static struct tlssim_ctx *rx_lookup(struct tlssim_tls *t, const struct tlssim_flow *f)
{
	u32 h = hash_32(tlssim_flow_hash(f), TLSSIM_RX_HASH_BITS);
	struct tlssim_ctx *c;

	hlist_for_each_entry_rcu(c, &t->rx_hash[h], hnode)
		if (!memcmp(&c->flow, f, sizeof(*f)))
			return c;
	return NULL;
}

void tlssim_tls_rx(struct tlssim_dev *sd, struct sk_buff *skb, const struct tlssim_pkt *p)
{
	struct tlssim_tls *t = tlssim_tls_of(sd);
	unsigned int len = p->end - p->payload;
	struct tlssim_ctx *c;
	bool dec = false;

	/* nothing from the sender's side may claim to be decrypted */
	skb->decrypted = 0;
	if (!t || !READ_ONCE(t->nctx[TLS_OFFLOAD_CTX_DIR_RX]))
		return;
	/*
	 * Like a NIC, TLS processing only runs on frames whose L4 checksum
	 * verified: the caller (tlssim_rx.c) does not call us otherwise.
	 */
	if (p->kind != TLSSIM_PKT_TCP || !len)
		return;

	rcu_read_lock();
	c = rx_lookup(t, &p->flow);
	if (c) {
		spin_lock_bh(&c->lock);
		/* skb->data is past the MAC header, the offsets count from it */
		if (!c->dead && skb_ensure_writable(skb, p->end - ETH_HLEN) == 0)
			dec = rx_process(c, skb_mac_header(skb) + p->payload, len, p->seq);
		spin_unlock_bh(&c->lock);
	}
	rcu_read_unlock();
	if (dec) {
		skb->decrypted = 1;
		tlssim_tstat_add(t, TSS_RX_DEC_PKTS, 1);
		tlssim_tstat_add(t, TSS_RX_DEC_BYTES, len);
	}
}
