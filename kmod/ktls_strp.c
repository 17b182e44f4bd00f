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
 * ktls_strp_take(): the record bytes are copied out of the TCP queue with
 * tcp_read_sock() into a freshly allocated page-frag skb, which is then
 * decrypted in place and, if not fully consumed, parked on rx_list.
 *
 * If TCP cannot queue a whole record (receive buffer or window exhausted,
 * tcp_epollin_ready(sk, INT_MAX)), waiting for the rest would dead-lock
 * the connection. The parser then copies what is queued into the partial
 * record skb ("copy mode") from a work item, which frees TCP receive
 * memory and lets the peer continue. The work item holds a socket
 * reference while queued.
 *
 * Locking: see ktls_rx_int.h. Everything here runs either in
 * sk_data_ready (bh_lock_sock held, socket not owned, or the owner's
 * backlog processing) or with the socket owned.
 */
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <net/tcp.h>

#include "ktls_rx_int.h"

/*
 * Copy @len bytes at @off of the TCP queue (relative to copied_seq) into
 * @buf without consuming them. Returns 0, or -EAGAIN if not queued yet.
 */
static int ktls_strp_peek(struct sock *sk, u8 *buf, u32 len)
{
	u32 seq = tcp_sk(sk)->copied_seq;
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_receive_queue, skb) {
		u32 off = seq - TCP_SKB_CB(skb)->seq;
		u32 n;

		/* a SYN occupies one sequence number but no payload byte */
		if (unlikely(TCP_SKB_CB(skb)->tcp_flags & TCPHDR_SYN))
			off--;
		if (off >= skb->len)
			continue;
		n = min(len, skb->len - off);
		if (skb_copy_bits(skb, off, buf, n))
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
		u8 hdr[TLS_HEADER_SIZE];
		int len;

		if (inq < TLS_HEADER_SIZE || ktls_strp_peek(sk, hdr, sizeof(hdr)))
			return;
		len = ktls_strp_parse_header(&rx->ctx->prot_info, hdr);
		if (len < 0) {
			ktls_strp_abort(rx, len);
			return;
		}
		rx->rec_len = len;
	}

	if (rx->cur_have + inq >= rx->rec_len) {
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
	if (rx->stopped || !rx->rec_len)
		return 0;

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
	}
	if (rx->cur_have >= rx->rec_len || !tcp_inq(sk))
		return 0;

	desc.arg.data = rx;
	desc.count = rx->rec_len - rx->cur_have;
	tcp_read_sock(sk, &desc, ktls_strp_copy_actor);
	return desc.error;
}

/*
 * Take the complete head record off the stream (socket owned). Returns the
 * record skb (header at offset 0, skb->len == record length) and whether
 * every byte of it was already decrypted by a device, or NULL with *@err
 * set (0 when the record is simply not complete yet).
 */
struct sk_buff *ktls_strp_take(struct ktls_rx *rx, int *err,
			       bool *device_decrypted)
{
	struct sk_buff *skb;

	*err = ktls_strp_fill(rx);
	if (*err) {
		ktls_strp_abort(rx, *err);
		return NULL;
	}
	if (!rx->cur || rx->cur_have < rx->rec_len) {
		WRITE_ONCE(rx->ready, false);
		return NULL;
	}

	skb = rx->cur;
	*device_decrypted = rx->cur_all_decrypted;
	rx->cur = NULL;
	rx->cur_have = 0;
	rx->rec_len = 0;
	WRITE_ONCE(rx->ready, false);

	/* look at the next record right away */
	ktls_strp_check(rx);
	return skb;
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
