// SPDX-License-Identifier: GPL-2.0
/*
 * ktls device TX: framing plaintext records for the NIC and handing them
 * to TCP (sendmsg, splice/sendfile, splice_eof), and the deferred push once
 * TCP has room again.
 *
 * Record memory: page frags of the socket's page_frag (copied data, the
 * header, the TLS 1.3 type byte and the tag placeholder) or, with
 * TLS_TX_ZEROCOPY_RO, the spliced pages themselves. A record holds a page
 * reference per frag until it is ACKed; TCP takes its own references, as
 * the pages are spliced into skbs, not copied. Everything is given to TCP
 * with MSG_SENDPAGE_DECRYPTED (skb->decrypted): TCP never merges it with
 * other data, and it is encrypted by the device or by the fallback
 * (sk_validate_xmit_skb) before it leaves.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bvec.h>
#include <linux/highmem.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ktls_device_tx.h"

#define KTLS_DTX_SEND_FLAGS	(MSG_MORE | MSG_DONTWAIT | MSG_NOSIGNAL | \
				 MSG_CMSG_COMPAT | MSG_EOR | \
				 KTLS_SENDMSG_SPLICE_FLAGS)

/* frags a record may use for data: the last two take type and tag */
#define KTLS_DTX_DATA_FRAGS	(MAX_SKB_FRAGS - 2)

static u32 rec_data_len(const struct tls_prot_info *prot,
			const struct tls_record_info *rec)
{
	return rec->len - prot->prepend_size;
}

void ktls_dtx_destroy_record(struct tls_record_info *rec)
{
	int i;

	for (i = 0; i < rec->num_frags; i++)
		put_page(skb_frag_page(&rec->frags[i]));
	kfree(rec);
}

/* Append @size bytes at @page + @off; one page reference per frag. */
static void rec_add(struct tls_record_info *rec, struct page *page, u32 off,
		    u32 size)
{
	skb_frag_t *frag = rec->num_frags ? &rec->frags[rec->num_frags - 1] :
					    NULL;

	if (frag && skb_frag_page(frag) == page &&
	    skb_frag_off(frag) + skb_frag_size(frag) == off) {
		skb_frag_size_add(frag, size);
	} else {
		frag = &rec->frags[rec->num_frags++];
		ktls_frag_fill(frag, page, off, size);
		get_page(page);
	}
	rec->len += size;
}

/* Take @size bytes of the page_frag (at least 32 are free after refill). */
static u8 *pfrag_take(struct tls_record_info *rec, struct page_frag *pfrag,
		      u32 size)
{
	u8 *p = page_address(pfrag->page) + pfrag->offset;

	rec_add(rec, pfrag->page, pfrag->offset, size);
	pfrag->offset += size;
	return p;
}

static int rec_open(struct sock *sk, struct tls_context *ctx,
		    struct page_frag *pfrag, u8 type)
{
	struct tls_record_info *rec;

	rec = kmalloc(sizeof(*rec), sk->sk_allocation);
	if (!rec)
		return -ENOMEM;
	if (!sk_page_frag_refill(sk, pfrag)) {
		kfree(rec);
		return -ENOMEM;
	}
	rec->num_frags = 0;
	rec->len = 0;
	/* the header is written when the record closes */
	pfrag_take(rec, pfrag, ctx->prot_info.prepend_size);
	ktls_octx(ctx)->open_record = rec;
	ktls_dtx(ctx)->open_type = type;
	return 0;
}

/* Copy up to @len bytes; bytes copied, or -ENOMEM (wait) or -EFAULT. */
static ssize_t rec_copy_in(struct sock *sk, struct tls_record_info *rec,
			   struct page_frag *pfrag, struct iov_iter *from,
			   size_t len)
{
	size_t n;

	if (!sk_page_frag_refill(sk, pfrag))
		return -ENOMEM;
	n = min_t(size_t, len, pfrag->size - pfrag->offset);
	if (copy_from_iter(page_address(pfrag->page) + pfrag->offset, n,
			   from) != n)
		return -EFAULT;
	pfrag_take(rec, pfrag, n);
	return n;
}

/* TLS_TX_ZEROCOPY_RO: reference spliced pages instead of copying them. */
static ssize_t rec_ref_in(struct tls_record_info *rec, struct iov_iter *from,
			  size_t len)
{
	struct page *pages[4];
	unsigned int maxp;
	size_t start;
	ssize_t n, left;
	int i;

	maxp = min_t(unsigned int, ARRAY_SIZE(pages),
		     KTLS_DTX_DATA_FRAGS - rec->num_frags);
	if (!maxp)
		return 0;
	n = iov_iter_get_pages2(from, pages, len, maxp, &start);
	if (n <= 0)
		return n ? n : -EFAULT;
	for (i = 0, left = n; left; i++) {
		u32 chunk = min_t(size_t, left, PAGE_SIZE - start);

		rec_add(rec, pages[i], start, chunk);
		/* rec_add() took its own reference, or merged */
		put_page(pages[i]);
		left -= chunk;
		start = 0;
	}
	return n;
}

static void dtx_resync(struct sock *sk, struct tls_context *ctx)
{
	struct sk_buff *skb;

	/* the device restarts at a record boundary: no skb may straddle it */
	skb = tcp_write_queue_tail(sk) ?: tcp_rtx_queue_tail(sk);
	if (skb)
		TCP_SKB_CB(skb)->eor = 1;
	if (!ktls_device_resync(sk, ctx, tcp_sk(sk)->write_seq,
				ctx->tx.rec_seq, TLS_OFFLOAD_CTX_DIR_TX)) {
		clear_bit_unlock(TLS_TX_SYNC_SCHED, &ctx->flags);
		ktls_event_note(ctx, KTLS_EV_TX_RESYNC);
	}
}

/*
 * Close the open record: type byte and tag placeholder, header, list it
 * (its end_seq is final: nothing is pending before it) and make it the
 * record to push. -ENOMEM: nothing changed, wait for memory and retry.
 */
static int rec_close(struct sock *sk, struct tls_context *ctx,
		     struct page_frag *pfrag, int flags)
{
	const struct tls_prot_info *prot = &ctx->prot_info;
	struct tls_offload_context_tx *octx = ktls_octx(ctx);
	struct ktls_dtx *dtx = ktls_dtx(ctx);
	struct tls_record_info *rec = octx->open_record;
	u8 nonce[KTLS_NONCE_BUF_SIZE];
	unsigned long irqf;
	skb_frag_t *hdr;
	u8 *p;

	if (!sk_page_frag_refill(sk, pfrag))
		return -ENOMEM;
	p = pfrag_take(rec, pfrag, prot->tail_size + prot->tag_size);
	if (prot->tail_size)
		*p++ = dtx->open_type;
	/* the device writes the tag; no stale kernel bytes meanwhile */
	memset(p, 0, prot->tag_size);

	hdr = &rec->frags[0];
	ktls_build_nonce(prot, ctx->tx.iv, ctx->tx.rec_seq, nonce);
	ktls_build_header(prot, (u8 *)page_address(skb_frag_page(hdr)) +
			  skb_frag_off(hdr),
			  rec->len - prot->overhead_size, dtx->open_type,
			  nonce);
	octx->open_record = NULL;

	spin_lock_irqsave(&octx->lock, irqf);
	rec->end_seq = tcp_sk(sk)->write_seq + rec->len;
	list_add_tail_rcu(&rec->list, &octx->records_list);
	spin_unlock_irqrestore(&octx->lock, irqf);
	dtx->next_sn++;
	ktls_count_rec(ctx, KTLS_COUNT_TX, rec->len - prot->overhead_size);

	/* the driver asked where records start: tell it before this one */
	if (test_bit(TLS_TX_SYNC_SCHED, &ctx->flags))
		dtx_resync(sk, ctx);
	/* a sequence number is never used twice with one key */
	if (ktls_cipher_ctx_advance(prot, &ctx->tx))
		dtx->seq_exhausted = true;

	WRITE_ONCE(dtx->push_rec, rec);
	dtx->push_off = 0;
	dtx->push_flags = flags;
	return 0;
}

/*
 * Hand the rest of the pending record to TCP. 0 when TCP took all of it
 * (or nothing was pending), else what TCP returned (-EAGAIN: no room).
 */
static int dtx_push(struct sock *sk, struct tls_context *ctx, int flags)
{
	struct ktls_dtx *dtx = ktls_dtx(ctx);
	struct tls_record_info *rec = dtx->push_rec;
	u32 off = dtx->push_off;
	int rc = 0;

	if (!rec)
		return 0;
	flags = (flags & (MSG_MORE | MSG_DONTWAIT | MSG_NOSIGNAL)) |
		MSG_SENDPAGE_DECRYPTED;
	/* TCP may wait for memory: sk_write_space must not re-enter us */
	ktls_ctx_set_in_tcp_send(ctx, true);
	while (off < rec->len) {
		u32 foff = off, n;
		skb_frag_t *frag;
		ssize_t ret;
		int i;

		for (i = 0; foff >= skb_frag_size(&rec->frags[i]); i++)
			foff -= skb_frag_size(&rec->frags[i]);
		frag = &rec->frags[i];
		n = skb_frag_size(frag) - foff;

		tcp_rate_check_app_limited(sk);
		ret = ktls_tcp_send_page(sk, skb_frag_page(frag),
					 skb_frag_off(frag) + foff, n, flags,
					 off + n != rec->len);
		if (ret <= 0) {
			rc = ret ? ret : -EAGAIN;
			break;
		}
		off += ret;
	}
	ktls_ctx_set_in_tcp_send(ctx, false);
	dtx->push_off = off;
	if (off == rec->len)
		WRITE_ONCE(dtx->push_rec, NULL);
	return rc;
}

int ktls_dtx_push_pending(struct sock *sk, struct tls_context *ctx, int flags)
{
	lockdep_assert_held(&ctx->tx_lock);
	sock_owned_by_me(sk);
	return dtx_push(sk, ctx, flags);
}

/*
 * Close the open record (if it holds data) and push it. The pending
 * record must have been pushed already. -EAGAIN: the record is accepted
 * and listed, TCP will take the rest later (write space).
 */
int ktls_dtx_close_open(struct sock *sk, struct tls_context *ctx, int flags)
{
	struct tls_offload_context_tx *octx = ktls_octx(ctx);
	struct tls_record_info *rec = octx->open_record;
	int rc;

	lockdep_assert_held(&ctx->tx_lock);
	sock_owned_by_me(sk);
	if (!rec)
		return 0;
	if (ktls_dtx(ctx)->push_rec)
		return -EAGAIN;
	if (!rec_data_len(&ctx->prot_info, rec)) {
		octx->open_record = NULL;
		ktls_dtx_destroy_record(rec);
		return 0;
	}
	rc = rec_close(sk, ctx, sk_page_frag(sk), flags);
	if (rc)
		return rc;
	return dtx_push(sk, ctx, flags);
}

static u16 dtx_max_payload(struct tls_context *ctx)
{
	return READ_ONCE(ktls_ctx(ctx)->tx_max_payload_len);
}

/*
 * Feed @from into records of @type, as ktls_tx_send_iter() does for
 * software TX: @eor closes the last record, @zc references spliced pages.
 * Returns bytes accepted or -errno.
 */
int ktls_dtx_send(struct sock *sk, struct iov_iter *from, u8 type, bool eor,
		  bool zc, int flags)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	const struct tls_prot_info *prot = &ctx->prot_info;
	struct tls_offload_context_tx *octx = ktls_octx(ctx);
	struct ktls_dtx *dtx = ktls_dtx(ctx);
	struct page_frag *pfrag = sk_page_frag(sk);
	long timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	u32 max = dtx_max_payload(ctx);
	size_t copied = 0;
	int rc;

	lockdep_assert_held(&ctx->tx_lock);
	sock_owned_by_me(sk);
	if (sk->sk_err)
		return -sk->sk_err;
	/* what an earlier call left to TCP goes first */
	rc = dtx_push(sk, ctx, flags);
	if (rc)
		return sk_stream_error(sk, flags, rc);

	for (;;) {
		struct tls_record_info *rec = octx->open_record;
		size_t left = iov_iter_count(from);
		bool full = false;
		ssize_t n;

		if (sk->sk_err) {
			rc = -sk->sk_err;
			break;
		}
		if (dtx->seq_exhausted) {
			rc = -EBADMSG;
			break;
		}
		/* never mix content types inside one record */
		if (rec && dtx->open_type != type &&
		    rec_data_len(prot, rec)) {
			rc = ktls_dtx_close_open(sk, ctx, flags);
			if (rc == -ENOMEM)
				goto wait_for_memory;
			if (rc)
				break;
			continue;
		}
		if (rec && !rec_data_len(prot, rec))
			dtx->open_type = type;
		if (!rec) {
			if (!left)
				break;
			rc = rec_open(sk, ctx, pfrag, type);
			if (rc == -ENOMEM)
				goto wait_for_memory;
			if (rc)
				break;
			rec = octx->open_record;
		} else if (!left && !eor) {
			break;
		}

		if (left && rec_data_len(prot, rec) < max &&
		    rec->num_frags < KTLS_DTX_DATA_FRAGS) {
			size_t room = max - rec_data_len(prot, rec);

			if (!sk_stream_memory_free(sk))
				goto wait_for_memory;
			n = zc ? rec_ref_in(rec, from, min(left, room)) :
				 rec_copy_in(sk, rec, pfrag, from,
					     min(left, room));
			if (n == -ENOMEM)
				goto wait_for_memory;
			if (n < 0) {
				rc = n;
				break;
			}
			copied += n;
			left -= n;
		}
		full = rec_data_len(prot, rec) >= max ||
		       rec->num_frags >= KTLS_DTX_DATA_FRAGS;

		if (full || (!left && eor)) {
			/* more records follow within this call: keep TCP corked */
			int pflags = left ? flags | MSG_MORE : flags;

			rc = ktls_dtx_close_open(sk, ctx, pflags);
			if (rc == -ENOMEM)
				goto wait_for_memory;
			if (rc == -EAGAIN) {
				/* accepted; TCP takes the rest on write space */
				rc = 0;
				break;
			}
			if (rc)
				break;
			if (!left)
				break;
		}
		rc = 0;
		continue;

wait_for_memory:
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		rc = sk_stream_wait_memory(sk, &timeo);
		if (rc)
			break;
	}

	/* an open record left empty by an error is not a record */
	if (octx->open_record && !rec_data_len(prot, octx->open_record)) {
		ktls_dtx_destroy_record(octx->open_record);
		octx->open_record = NULL;
	}
	if (rc == -EBADMSG)
		return rc;
	if (copied)
		return copied;
	return rc ? sk_stream_error(sk, flags, rc) : 0;
}

/* Before a TLS_SET_RECORD_TYPE record: end what MSG_MORE sends left open. */
static int dtx_close_for_type(struct sock *sk, struct tls_context *ctx,
			      int flags)
{
	int rc = ktls_dtx_push_pending(sk, ctx, flags);

	return rc ? rc : ktls_dtx_close_open(sk, ctx, flags);
}

int ktls_device_tx_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	int flags = msg->msg_flags;
	bool eor = !(flags & MSG_MORE);
	u8 type = KTLS_RECORD_TYPE_DATA;
	int rc;

	if (flags & ~KTLS_DTX_SEND_FLAGS)
		return -EOPNOTSUPP;
	/* MSG_EOR closes the record; asking for both is contradictory */
	if (!eor && (flags & MSG_EOR))
		return -EINVAL;

	rc = mutex_lock_interruptible(&ctx->tx_lock);
	if (rc)
		return rc;
	lock_sock(sk);
	ktls_bpf_deliver(sk, ctx);
	if (unlikely(msg->msg_controllen)) {
		rc = ktls_tx_cmsg_record_type(sk, ctx, msg, &type,
					      dtx_close_for_type);
		if (rc && rc != -EAGAIN) {
			rc = sk_stream_error(sk, flags, rc);
			goto out;
		}
	}
	rc = ktls_dtx_send(sk, &msg->msg_iter, type, eor,
			   (flags & KTLS_MSG_SPLICE_PAGES) &&
			   ctx->zerocopy_sendfile, flags);
out:
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
	return rc;
}

/* A splice ended without SPLICE_F_MORE: close and send the open record. */
void ktls_device_tx_splice_eof(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct tls_context *ctx = tls_get_ctx(sk);
	const int flags = MSG_DONTWAIT | MSG_NOSIGNAL;

	if (!READ_ONCE(ktls_octx(ctx)->open_record))
		return;
	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	if (!ktls_dtx_push_pending(sk, ctx, flags))
		ktls_dtx_close_open(sk, ctx, flags);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
}

bool ktls_device_tx_has_open_record(struct sock *sk, struct tls_context *ctx)
{
	struct tls_record_info *rec = ktls_octx(ctx)->open_record;

	sock_owned_by_me(sk);
	return rec && rec_data_len(&ctx->prot_info, rec);
}

/* Deferred push of the pending record once TCP has room. */
void ktls_dtx_work(struct work_struct *work)
{
	struct ktls_dtx *dtx = container_of(work, struct ktls_dtx, work);
	struct sock *sk = dtx->sk;
	struct tls_context *ctx;

	if (test_bit(KTLS_DTX_CLOSING, &dtx->flags))
		return;
	ctx = tls_get_ctx(sk);
	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	if (test_and_clear_bit(KTLS_DTX_SCHEDULED, &dtx->flags) &&
	    !test_bit(KTLS_DTX_CLOSING, &dtx->flags))
		dtx_push(sk, ctx, MSG_DONTWAIT | MSG_NOSIGNAL);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
}

/* sk_write_space (softirq or process context): TCP has room again. */
void ktls_device_tx_write_space(struct sock *sk, struct tls_context *ctx)
{
	struct ktls_dtx *dtx = ktls_dtx(ctx);

	if (!dtx || !READ_ONCE(dtx->push_rec) ||
	    test_bit(KTLS_DTX_CLOSING, &dtx->flags))
		return;
	if (!test_and_set_bit(KTLS_DTX_SCHEDULED, &dtx->flags))
		schedule_work(&dtx->work);
}
