// SPDX-License-Identifier: GPL-2.0
/*
 * ktls RX record parser on the TCP receive queue.
 *
 * The parser never takes data off the TCP queue from softirq context. On
 * sk_data_ready it only peeks at the record header sitting at copied_seq,
 * validates it and decides whether the whole record is available
 * (tcp_inq() covers it). Only then are readers woken, so poll() reports
 * POLLIN only for complete records.
 *
 * A reader (process context, socket owned) takes the record with
 * ktls_strp_take(). Normally the record is left where it is: the decrypt
 * step reads the ciphertext straight from the TCP queue's skbs
 * (ktls_strp_queue_sg()) and writes the plaintext elsewhere, and only then
 * are the record's bytes consumed (ktls_strp_consume()). This is safe
 * because the owner holds the socket: TCP queues arriving segments on the
 * backlog instead of touching sk_receive_queue (no collapse, no prune)
 * until the owner releases it or calls sk_flush_backlog(), which the
 * reader never does between take and consume.
 *
 * If TCP cannot queue a whole record (receive buffer or window exhausted,
 * tcp_epollin_ready(sk, INT_MAX)), waiting for the rest would dead-lock
 * the connection. The parser then copies what is queued into a page-frag
 * skb of its own ("copy mode") from a work item, which frees TCP receive
 * memory and lets the peer continue; such a record is decrypted from that
 * skb. The work item holds a socket reference while queued.
 *
 * Locking: see ktls_rx_int.h. Everything here runs either in
 * sk_data_ready (bh_lock_sock held, socket not owned, or the owner's
 * backlog processing) or with the socket owned.
 */
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <net/tcp.h>

#include "ktls_rx_int.h"

/* Offset of stream byte @seq inside @skb (may be >= skb->len). */
static u32 ktls_strp_skb_off(const struct sk_buff *skb, u32 seq)
{
	u32 off = seq - TCP_SKB_CB(skb)->seq;

	/* a SYN occupies one sequence number but no payload byte */
	if (unlikely(TCP_SKB_CB(skb)->tcp_flags & TCPHDR_SYN))
		off--;
	return off;
}

/*
 * Copy @len bytes at @off of the TCP queue (relative to copied_seq) into
 * @buf without consuming them. Returns 0, or -EAGAIN if not queued yet.
 */
int ktls_strp_peek(struct sock *sk, u32 off, u8 *buf, u32 len)
{
	u32 seq = tcp_sk(sk)->copied_seq + off;
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_receive_queue, skb) {
		u32 soff = ktls_strp_skb_off(skb, seq);
		u32 n;

		if (soff >= skb->len)
			continue;
		n = min(len, skb->len - soff);
		if (skb_copy_bits(skb, soff, buf, n))
			return -EAGAIN;
		buf += n;
		len -= n;
		seq += n;
		if (!len)
			return 0;
	}
	return -EAGAIN;
}

/*
 * Scatterlist entries skb_to_sgvec_nomark() fills for [@off, @off + @len)
 * of @skb: one for the linear part, one per page frag, and the same again
 * for every skb on the frag list. -EMSGSIZE if the range is not all there
 * or the frag lists nest deeper than skb_to_sgvec() accepts.
 */
static int ktls_skb_nsg(const struct sk_buff *skb, u32 off, u32 len, int depth)
{
	u32 start = skb_headlen(skb), end;
	const struct sk_buff *frag;
	int i, n = 0;

	if (depth > 16)
		return -EMSGSIZE;
	if (off < start) {
		u32 chunk = min(start - off, len);

		n++;
		off += chunk;
		len -= chunk;
	}
	for (i = 0; len && i < skb_shinfo(skb)->nr_frags; i++) {
		end = start + skb_frag_size(&skb_shinfo(skb)->frags[i]);
		if (off < end) {
			u32 chunk = min(end - off, len);

			n++;
			off += chunk;
			len -= chunk;
		}
		start = end;
	}
	skb_walk_frags(skb, frag) {
		if (!len)
			break;
		end = start + frag->len;
		if (off < end) {
			u32 chunk = min(end - off, len);
			int r = ktls_skb_nsg(frag, off - start, chunk, depth + 1);

			if (r < 0)
				return r;
			n += r;
			off += chunk;
			len -= chunk;
		}
		start = end;
	}
	return len ? -EMSGSIZE : n;
}

/*
 * Describe @len bytes at @off of the TCP queue (relative to copied_seq)
 * for the crypto API, without copying or consuming them. With @sg NULL
 * only count the entries needed; otherwise fill exactly that many (no end
 * mark). Returns the number of entries, -EAGAIN if the bytes are not all
 * queued, or -EMSGSIZE. Socket owned (the queue must not change until the
 * bytes are consumed, see the top of this file).
 */
int ktls_strp_queue_sg(struct sock *sk, u32 off, u32 len,
		       struct scatterlist *sg)
{
	u32 seq = tcp_sk(sk)->copied_seq + off;
	struct sk_buff *skb;
	int used = 0;

	skb_queue_walk(&sk->sk_receive_queue, skb) {
		u32 soff = ktls_strp_skb_off(skb, seq);
		u32 n;
		int r;

		if (soff >= skb->len)
			continue;
		n = min(len, skb->len - soff);
		if (sg)
			r = skb_to_sgvec_nomark(skb, sg + used, soff, n);
		else
			r = ktls_skb_nsg(skb, soff, n, 0);
		if (r < 0)
			return r;
		used += r;
		len -= n;
		seq += n;
		if (!len)
			return used;
	}
	return -EAGAIN;
}

/*
 * Validate a record header; return the full record length (header
 * included) or the errno tls.ko gives for a bad header.
 */
static int ktls_strp_parse_header(const struct tls_prot_info *prot,
				  const u8 *hdr)
{
	u32 data_len = ((u32)hdr[3] << 8) | hdr[4];
	u32 overhead = prot->tag_size;

	if (ktls_has_explicit_nonce(prot))
		overhead += prot->iv_size;

	if (data_len > TLS_MAX_PAYLOAD_SIZE + overhead + prot->tail_size)
		return -EMSGSIZE;
	if (data_len < overhead)
		return -EBADMSG;
	/* TLS 1.3 records also carry the legacy TLS 1.2 version */
	if (hdr[1] != TLS_1_2_VERSION_MAJOR || hdr[2] != TLS_1_2_VERSION_MINOR)
		return -EINVAL;
	return TLS_HEADER_SIZE + data_len;
}

/* Fatal stream error: stop parsing for good and report it on the socket. */
void ktls_strp_abort(struct ktls_rx *rx, int err)
{
	rx->stopped = true;
	WRITE_ONCE(rx->ready, false);
	ktls_err_abort(rx->sk, err);
}

static void ktls_strp_queue_work(struct ktls_rx *rx)
{
	if (rx->work_queued)
		return;
	rx->work_queued = true;
	sock_hold(rx->sk);
	if (!schedule_work(&rx->work)) {
		/* cannot happen: @work_queued tracks the pending state */
		rx->work_queued = false;
		sock_put(rx->sk);
	}
}

/*
 * Look at the head of the stream: parse the next header if needed and
 * set @ready (waking readers) once the whole record is available.
 */
void ktls_strp_check(struct ktls_rx *rx)
{
	struct sock *sk = rx->sk;
	u32 inq;

	if (rx->stopped || rx->ready)
		return;

	inq = tcp_inq(sk);
	if (!rx->rec_len) {
		u32 have = rx->stash_len;
		u8 hdr[TLS_HEADER_SIZE];
		int len;

		if (have + inq < TLS_HEADER_SIZE) {
			/*
			 * A partly read skb keeps its whole truesize charged,
			 * so a few header bytes can hold the window shut:
			 * take them off the queue, or the rest never comes.
			 */
			if (inq && tcp_epollin_ready(sk, INT_MAX))
				ktls_strp_queue_work(rx);
			return;
		}
		memcpy(hdr, rx->stash, have);
		if (ktls_strp_peek(sk, 0, hdr + have, sizeof(hdr) - have))
			return;
		len = ktls_strp_parse_header(&rx->ctx->prot_info, hdr);
		if (len < 0) {
			ktls_strp_abort(rx, len);
			return;
		}
		rx->rec_len = len;
	}

	if (rx->stash_len + rx->cur_have + inq >= rx->rec_len) {
		WRITE_ONCE(rx->ready, true);
		ktls_rx_sw(rx->ctx)->saved_data_ready(sk);
		return;
	}

	/* TCP cannot take the rest of the record: copy out what is queued */
	if (inq && tcp_epollin_ready(sk, INT_MAX))
		ktls_strp_queue_work(rx);
}

/* sk_data_ready replacement installed while software RX is active. */
void ktls_strp_data_ready(struct sock *sk)
{
	struct tls_context *ctx = tls_get_ctx(sk);

	if (likely(ctx && ctx->priv_ctx_rx))
		ktls_strp_check(ktls_rx_priv(ctx));
}

/* Copy @len bytes of @src at @soff into the page frags of @dst at @doff. */
static int ktls_strp_copy_bits(struct sk_buff *dst, u32 doff,
			       const struct sk_buff *src, u32 soff, u32 len)
{
	int i;

	for (i = 0; i < skb_shinfo(dst)->nr_frags && len; i++) {
		skb_frag_t *frag = &skb_shinfo(dst)->frags[i];
		u32 fsz = skb_frag_size(frag);
		u32 n;
		int err;

		if (doff >= fsz) {
			doff -= fsz;
			continue;
		}
		n = min(len, fsz - doff);
		/* our own lowmem pages (GFP_KERNEL), always mapped on 64-bit */
		err = skb_copy_bits(src, soff, (u8 *)skb_frag_address(frag) + doff, n);
		if (err)
			return err;
		soff += n;
		len -= n;
		doff = 0;
	}
	return len ? -EFAULT : 0;
}

static int ktls_strp_copy_actor(read_descriptor_t *desc, struct sk_buff *skb,
				unsigned int offset, size_t len)
{
	struct ktls_rx *rx = desc->arg.data;
	u32 n = min_t(size_t, len, desc->count);
	int err;

	if (!n)
		return 0;
	err = ktls_strp_copy_bits(rx->cur, rx->cur_have, skb, offset, n);
	if (err) {
		desc->error = err;
		return 0;
	}
#ifdef CONFIG_TLS_DEVICE
	/* device-path hook: remember whether a NIC already decrypted it */
	if (!skb->decrypted)
		rx->cur_all_decrypted = false;
#else
	rx->cur_all_decrypted = false;
#endif
	rx->cur_have += n;
	desc->count -= n;
	return n;
}

static int ktls_strp_stash_actor(read_descriptor_t *desc, struct sk_buff *skb,
				 unsigned int offset, size_t len)
{
	struct ktls_rx *rx = desc->arg.data;
	u32 n = min_t(size_t, len, desc->count);

	if (!n)
		return 0;
	if (skb_copy_bits(skb, offset, rx->stash + rx->stash_len, n)) {
		desc->error = -EFAULT;
		return 0;
	}
	rx->stash_len += n;
	desc->count -= n;
	return n;
}

/*
 * Copy the queued part of the head record out of the TCP queue.
 * Socket owned. Returns 0 or -errno (allocation or copy failure).
 */
static int ktls_strp_fill(struct ktls_rx *rx)
{
	struct sock *sk = rx->sk;
	read_descriptor_t desc = {};
	int err = 0;

	ktls_strp_check(rx);
	if (rx->stopped)
		return 0;
	if (!rx->rec_len) {
		/* header incomplete: stash what is queued of it */
		if (!tcp_inq(sk))
			return 0;
		desc.arg.data = rx;
		desc.count = TLS_HEADER_SIZE - rx->stash_len;
		tcp_read_sock(sk, &desc, ktls_strp_stash_actor);
		if (desc.error)
			return desc.error;
		ktls_strp_check(rx);
		if (rx->stopped || !rx->rec_len)
			return 0;
	}

	if (!rx->cur) {
		rx->cur = alloc_skb_with_frags(0, rx->rec_len,
					       PAGE_ALLOC_COSTLY_ORDER, &err,
					       sk->sk_allocation);
		if (!rx->cur)
			return err;
		/* the frags are attached, but the lengths are left to us */
		rx->cur->len = rx->rec_len;
		rx->cur->data_len = rx->rec_len;
		rx->cur_have = 0;
		rx->cur_all_decrypted = true;
		if (rx->stash_len) {
			err = skb_store_bits(rx->cur, 0, rx->stash,
					     rx->stash_len);
			if (err)
				return err;
			rx->cur_have = rx->stash_len;
			rx->stash_len = 0;
			/* these bytes' decrypted marks are gone */
			rx->cur_all_decrypted = false;
		}
	}
	if (rx->cur_have >= rx->rec_len || !tcp_inq(sk))
		return 0;

	desc.arg.data = rx;
	desc.count = rx->rec_len - rx->cur_have;
	tcp_read_sock(sk, &desc, ktls_strp_copy_actor);
	return desc.error;
}

/*
 * Device path hook: a NIC may have decrypted (part of) a record. Whether
 * every byte was is learnt while copying it out, so such flows take the
 * copy path. Software RX never gets here (rx_conf is TLS_SW).
 */
static bool ktls_strp_copy_always(const struct ktls_rx *rx)
{
	return rx->ctx->rx_conf == TLS_HW;
}

/*
 * Take the complete head record (socket owned) and describe it in @rec:
 * either left on the TCP queue (rec->skb NULL: the first rec->len bytes
 * from copied_seq, valid until ktls_strp_consume()), or, in copy mode, in
 * an skb of our own whose ownership passes to the caller. Returns 1, 0 if
 * no complete record is there after all, or -errno (the parser is then
 * stopped). After 1 the caller must call ktls_strp_consume().
 */
int ktls_strp_take(struct ktls_rx *rx, struct ktls_rx_rec *rec)
{
	int err;

	if (!rx->cur && !rx->stash_len && !ktls_strp_copy_always(rx)) {
		ktls_strp_check(rx);
		if (!rx->stopped && rx->rec_len &&
		    tcp_inq(rx->sk) >= rx->rec_len) {
			rec->skb = NULL;
			rec->len = rx->rec_len;
			rec->in_queue = true;
			rec->dev = false;
			return 1;
		}
		WRITE_ONCE(rx->ready, false);
		return 0;
	}

	err = ktls_strp_fill(rx);
	if (err) {
		ktls_strp_abort(rx, err);
		return err;
	}
	if (!rx->cur || rx->cur_have < rx->rec_len) {
		WRITE_ONCE(rx->ready, false);
		return 0;
	}
	rec->skb = rx->cur;
	rec->len = rx->rec_len;
	rec->in_queue = false;
	rec->dev = rx->cur_all_decrypted;
	rx->cur = NULL;
	rx->cur_have = 0;
	return 1;
}

static int ktls_strp_skip_actor(read_descriptor_t *desc, struct sk_buff *skb,
				unsigned int offset, size_t len)
{
	size_t n = min_t(size_t, len, desc->count);

	desc->count -= n;
	return n;
}

/*
 * Done with the record of the last ktls_strp_take(): drop its bytes from
 * the TCP queue if they were read in place (this also returns receive
 * window to the peer), then look at the next record right away.
 */
void ktls_strp_consume(struct ktls_rx *rx, const struct ktls_rx_rec *rec)
{
	if (rec->in_queue) {
		read_descriptor_t desc = { .count = rec->len };

		tcp_read_sock(rx->sk, &desc, ktls_strp_skip_actor);
		/* cannot happen: take() saw every byte queued */
		if (desc.count)
			ktls_strp_abort(rx, -EPIPE);
	}
	rx->rec_len = 0;
	WRITE_ONCE(rx->ready, false);
	ktls_strp_check(rx);
}

static void ktls_strp_work(struct work_struct *work)
{
	struct ktls_rx *rx = container_of(work, struct ktls_rx, work);
	struct sock *sk = rx->sk;
	int err;

	lock_sock(sk);
	rx->work_queued = false;
	if (!rx->stopped) {
		err = ktls_strp_fill(rx);
		if (err)
			ktls_strp_abort(rx, err);
		else
			ktls_strp_check(rx);
	}
	release_sock(sk);
	sock_put(sk);
}

void ktls_strp_init(struct ktls_rx *rx, struct sock *sk,
		    struct tls_context *ctx)
{
	rx->sk = sk;
	rx->ctx = ctx;
	INIT_WORK(&rx->work, ktls_strp_work);
}

/* Close path, socket owned: no more parsing, drop a queued work item. */
void ktls_strp_stop(struct ktls_rx *rx)
{
	rx->stopped = true;
	WRITE_ONCE(rx->ready, false);
	if (rx->work_queued && cancel_work(&rx->work)) {
		rx->work_queued = false;
		sock_put(rx->sk);
	}
}

/* Final teardown (process context, socket NOT owned by the caller). */
void ktls_strp_done(struct ktls_rx *rx)
{
	if (cancel_work_sync(&rx->work)) {
		/* was still queued: drop the reference it held */
		sock_put(rx->sk);
	}
	kfree_skb(rx->cur);
	rx->cur = NULL;
}
