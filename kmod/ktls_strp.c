// SPDX-License-Identifier: GPL-2.0
/*
 * ktls RX record parser on the TCP receive queue.
 *
 * The parser never takes data off the TCP queue from softirq context. On
 * sk_data_ready it only peeks at the record header sitting at copied_seq,
 * validates it and decides whether the whole record is available
 * (ktls_rxq_inq() covers it). Only then are readers woken, so poll() reports
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
 * Locking: see ktls_rx.h. Everything here runs either in
 * sk_data_ready (bh_lock_sock held, socket not owned, or the owner's
 * backlog processing) or with the socket owned.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <net/tcp.h>

#include "ktls_rx.h"

/*
 * Validate a record header; return the full record length (header
 * included) or the errno tls.ko gives for a bad header.
 */
static int ktls_strp_parse_header(struct tls_context *ctx, const u8 *hdr)
{
	const struct tls_prot_info *prot = &ctx->prot_info;
	u32 data_len = ((u32)hdr[3] << 8) | hdr[4];
	u32 overhead = prot->tag_size;
	int err;

	if (ktls_prot_is_cbc(prot)) {
		if (hdr[1] != TLS_1_2_VERSION_MAJOR ||
		    hdr[2] != ktls_wire_minor(prot))
			return -EINVAL;
		err = ktls_cbc_check_len(ktls_ctx(ctx)->cbc[KTLS_COUNT_RX],
					 prot, data_len);
		return err ? err : TLS_HEADER_SIZE + data_len;
	}
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

/*
 * TLS_RX_RECORD (ktls_rx_record.c) answers with FreeBSD's errnos: a length
 * below the cipher's minimum is EMSGSIZE (tls.ko: EBADMSG), and a TLS 1.3
 * outer type other than application data EINVAL (tls.ko does not look;
 * the record then fails its tag, since the AAD is the header).
 */
static int ktls_strp_record_errno(struct ktls_rx *rx, const u8 *hdr, int len)
{
	const struct tls_prot_info *prot = &rx->ctx->prot_info;

	if (!READ_ONCE(ktls_ctx(rx->ctx)->rx_record))
		return len;
	if (len == -EBADMSG)
		return -EMSGSIZE;
	/* TLS 1.3: no room for the content type after the tag (FreeBSD) */
	if (len > 0 && prot->version == TLS_1_3_VERSION &&
	    len < TLS_HEADER_SIZE + prot->tag_size + prot->tail_size)
		return -EMSGSIZE;
	if (len > 0 && prot->version == TLS_1_3_VERSION &&
	    hdr[0] != KTLS_RECORD_TYPE_DATA)
		return -EINVAL;
	return len;
}

/*
 * Fatal stream error: stop parsing for good and report it on the socket.
 * sk_err is read once (sock_error() clears it), so the error is also kept
 * in @sticky_err: every later read returns it and poll keeps POLLERR,
 * where the stream would otherwise look merely empty forever.
 */
void ktls_strp_abort(struct ktls_rx *rx, int err)
{
	rx->stopped = true;
	WRITE_ONCE(rx->ready, false);
	if (!rx->sticky_err)
		WRITE_ONCE(rx->sticky_err, err);
	ktls_err_abort(rx->sk, err);
}

/* Retry of a copy-out that found no memory */
#define KTLS_STRP_RETRY_DELAY	(HZ / 20)

static void ktls_strp_queue_work(struct ktls_rx *rx, unsigned long delay)
{
	if (rx->work_queued)
		return;
	rx->work_queued = true;
	sock_hold(rx->sk);
	if (!schedule_delayed_work(&rx->work, delay)) {
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

	inq = ktls_rxq_inq(sk);
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
				ktls_strp_queue_work(rx, 0);
			return;
		}
		memcpy(hdr, rx->stash, have);
		if (ktls_rxq_peek(sk, 0, hdr + have, sizeof(hdr) - have))
			return;
		len = ktls_strp_parse_header(rx->ctx, hdr);
		len = ktls_strp_record_errno(rx, hdr, len);
		if (len < 0) {
			/* FreeBSD's corrupted_records: malformed or failed */
			KTLS_INC_STATS(sock_net(sk), KTLS_MIB_CORRUPTEDRECORDS);
			ktls_strp_abort(rx, len);
			return;
		}
		rx->rec_len = len;
		/* the NIC may wait for the stack to confirm this header */
		if (rx->ctx->rx_conf == TLS_HW)
			ktls_device_rx_new_rec(rx, len, tcp_sk(sk)->copied_seq -
					       rx->stash_len);
	}

	if (rx->stash_len + rx->cur_have + inq >= rx->rec_len) {
		WRITE_ONCE(rx->ready, true);
		ktls_rx_sw(rx->ctx)->saved_data_ready(sk);
		return;
	}

	/* TCP cannot take the rest of the record: copy out what is queued */
	if (inq && tcp_epollin_ready(sk, INT_MAX))
		ktls_strp_queue_work(rx, 0);
}

/* sk_data_ready replacement installed while software RX is active. */
void ktls_strp_data_ready(struct sock *sk)
{
	struct tls_context *ctx = tls_get_ctx(sk);

	if (likely(ctx && ctx->priv_ctx_rx))
		ktls_strp_check(ktls_rx_priv(ctx));
}

/*
 * Copy the queued part of the head record out of the TCP queue.
 * Socket owned. Returns 0 or -errno (allocation or copy failure).
 */
static int ktls_strp_fill(struct ktls_rx *rx)
{
	struct sock *sk = rx->sk;
	int err = 0;
	u32 n;

	sock_owned_by_me(sk);
	ktls_strp_check(rx);
	if (rx->stopped)
		return 0;
	if (!rx->rec_len) {
		/* header incomplete: stash what is queued of it */
		n = min_t(u32, ktls_rxq_inq(sk), TLS_HEADER_SIZE - rx->stash_len);
		if (!n)
			return 0;
		err = ktls_rxq_peek(sk, 0, rx->stash + rx->stash_len, n);
		if (err)
			return err;
		rx->stash_len += n;
		err = ktls_rxq_eat(sk, n);
		if (err)
			return err;
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
		ktls_rx_dmap_reset(&rx->dmap);
		if (rx->stash_len) {
			/*
			 * Header bytes: whether a NIC marked them tells
			 * nothing (they are never encrypted), so their lost
			 * marks do not count (see struct ktls_rx_dmap).
			 */
			err = skb_store_bits(rx->cur, 0, rx->stash,
					     rx->stash_len);
			if (err)
				return err;
			rx->cur_have = rx->stash_len;
			rx->stash_len = 0;
		}
	}
	if (rx->cur_have >= rx->rec_len)
		return 0;
	n = min(ktls_rxq_inq(sk), rx->rec_len - rx->cur_have);
	if (!n)
		return 0;
	err = ktls_rxq_move(sk, n, rx->cur, rx->cur_have, &rx->dmap);
	if (!err)
		rx->cur_have += n;
	return err;
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
		    ktls_rxq_inq(rx->sk) >= rx->rec_len) {
			rec->skb = NULL;
			rec->len = rx->rec_len;
			rec->seq = tcp_sk(rx->sk)->copied_seq;
			rec->in_queue = true;
			rec->dev = false;
			rec->mixed = false;
			return 1;
		}
		WRITE_ONCE(rx->ready, false);
		return 0;
	}

	err = ktls_strp_fill(rx);
	if (err == -ENOMEM) {
		/* transient: this read fails, the stream goes on */
		WRITE_ONCE(rx->ready, false);
		ktls_strp_queue_work(rx, KTLS_STRP_RETRY_DELAY);
		return err;
	}
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
	/* every byte of it was taken off the queue */
	rec->seq = tcp_sk(rx->sk)->copied_seq - rx->rec_len;
	rec->in_queue = false;
	rec->dev = rx->dmap.seen && rx->dmap.first && !rx->dmap.nflip;
	rec->mixed = rx->dmap.nflip;
	rx->cur = NULL;
	rx->cur_have = 0;
	return 1;
}

/*
 * Done with the record of the last ktls_strp_take(): drop its bytes from
 * the TCP queue if they were read in place (this also returns receive
 * window to the peer), then look at the next record right away.
 */
void ktls_strp_consume(struct ktls_rx *rx, const struct ktls_rx_rec *rec)
{
	if (rec->in_queue && ktls_rxq_eat(rx->sk, rec->len))
		ktls_strp_abort(rx, -EPIPE);
	rx->rec_len = 0;
	WRITE_ONCE(rx->ready, false);
	ktls_strp_check(rx);
}

static void ktls_strp_work(struct work_struct *work)
{
	struct ktls_rx *rx = container_of(to_delayed_work(work),
					  struct ktls_rx, work);
	struct sock *sk = rx->sk;
	int err;

	lock_sock(sk);
	rx->work_queued = false;
	if (!rx->stopped) {
		err = ktls_strp_fill(rx);
		if (err == -ENOMEM)
			ktls_strp_queue_work(rx, KTLS_STRP_RETRY_DELAY);
		else if (err)
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
	INIT_DELAYED_WORK(&rx->work, ktls_strp_work);
}

/* Close path, socket owned: no more parsing, drop a queued work item. */
void ktls_strp_stop(struct ktls_rx *rx)
{
	rx->stopped = true;
	WRITE_ONCE(rx->ready, false);
	if (rx->work_queued && cancel_delayed_work(&rx->work)) {
		rx->work_queued = false;
		sock_put(rx->sk);
	}
}

/* Final teardown (process context, socket NOT owned by the caller). */
void ktls_strp_done(struct ktls_rx *rx)
{
	if (cancel_delayed_work_sync(&rx->work)) {
		/* was still queued: drop the reference it held */
		sock_put(rx->sk);
	}
	kfree_skb(rx->cur);
	rx->cur = NULL;
	ktls_rx_dmap_free(&rx->dmap);
}
