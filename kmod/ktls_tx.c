// SPDX-License-Identifier: GPL-2.0
/*
 * ktls software TX: socket entry points (sendmsg, sendpage/splice,
 * splice_eof), the TLS_SET_RECORD_TYPE cmsg, setup, TLS 1.3 rekey, the
 * deferred push worker and teardown.
 *
 * Lock order: ctx->tx_lock, then the socket lock. The worker follows the
 * same order, so close stops it (KTLS_TX_CLOSING + cancel) before taking
 * the socket lock and once more after releasing it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bvec.h>
#include <linux/sched/signal.h>
#include <linux/uio.h>
#include <linux/workqueue.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ktls_tx.h"

/*
 * Flags that a send on a TLS socket accepts (6.6+: MSG_EOR too); where
 * splice arrives as sendmsg, MSG_SPLICE_PAGES and MSG_SENDPAGE_NOPOLICY.
 */
#define KTLS_SENDMSG_FLAGS	(MSG_MORE | MSG_DONTWAIT | MSG_NOSIGNAL | \
				 MSG_CMSG_COMPAT | MSG_EOR | \
				 KTLS_SENDMSG_SPLICE_FLAGS)

/*
 * Smallest append that references pages (user pages, or a sendpage page)
 * instead of copying them. A reference costs a page-table walk (user
 * memory) and two atomics per page whatever the length, and makes the
 * record encrypt out of place; below a page the copy is cheaper (bench/ab.sh
 * against tls.ko: 1 KiB AES-GCM TX 1.04 copied, 0.93 pinned; 4 KiB 0.96
 * copied, 1.01 pinned; 1 KiB sendfile 1.07-1.18 copied, 0.98-1.08
 * referenced).
 */
#define KTLS_TX_ZC_MIN		PAGE_SIZE

static u16 ktls_tx_max_payload(struct tls_context *ctx)
{
	return READ_ONCE(ktls_ctx(ctx)->tx_max_payload_len);
}

/* The open record is dereferenced, so its owner must hold the socket. */
bool ktls_tx_sw_has_open_record(struct sock *sk, struct tls_context *ctx)
{
	struct ktls_tx_ctx *txc = ktls_txc(ctx);

	sock_owned_by_me(sk);
	return txc && txc->open_rec && txc->open_rec->data_len;
}

/* Close the open record (if it has data) and push everything queued. */
static int ktls_tx_flush(struct sock *sk, struct tls_context *ctx, int flags)
{
	int rc = ktls_tx_close_rec(sk, ctx, flags);

	if (rc)
		return rc;
	return ktls_tx_push(sk, ctx, flags);
}

/*
 * Feed @from into records of @type. @eor: close the last record when the
 * data is consumed. @by_ref: @from holds spliced pages (sendpage, or
 * sendmsg with MSG_SPLICE_PAGES) that records may
 * reference instead of copying (a page or more), even across calls.
 * @flags: MSG_* of the call (MSG_DONTWAIT, ...).
 *
 * User memory (a page or more) is referenced instead of copied only for a
 * record that is closed (encrypted) before this call returns: a full
 * record, or the last one of a send without MSG_MORE. The caller may reuse
 * its buffer once we return, so a record left open must own a copy.
 * Returns bytes accepted or -errno; like tls.ko, an error after some data
 * was accepted returns the count, except a sequence wrap (EBADMSG).
 */
int ktls_tx_send_iter(struct sock *sk, struct iov_iter *from, u8 type,
		      bool eor, bool by_ref, int flags)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	struct ktls_tx_ctx *txc = ktls_txc(ctx);
	long timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	size_t copied = 0;
	int rc = 0;

	while (iov_iter_count(from)) {
		struct ktls_tx_rec *rec = txc->open_rec;
		size_t room, len;
		bool full;

		if (sk->sk_err) {
			rc = -sk->sk_err;
			break;
		}
		/* sk_err may have been read and cleared: this stays */
		if (txc->seq_exhausted) {
			rc = -EBADMSG;
			break;
		}

		/* never mix content types inside one record */
		if (rec && rec->type != type && rec->data_len) {
			rc = ktls_tx_flush(sk, ctx, flags);
			if (rc && rc != -EAGAIN)
				break;
			rec = NULL;
		}
		if (!rec) {
			rec = ktls_tx_rec_alloc(sk, txc, type);
			if (!rec) {
				rc = -ENOMEM;
				break;
			}
			WRITE_ONCE(txc->open_rec, rec);
		}
		rec->type = type;

		room = ktls_tx_max_payload(ctx);
		room = room > rec->data_len ? room - rec->data_len : 0;
		len = min(iov_iter_count(from), room);
		full = len == room;

		if (!sk_stream_memory_free(sk))
			goto wait_for_memory;
		if (len) {
			bool ref = len >= KTLS_TX_ZC_MIN &&
				   (by_ref || (user_backed_iter(from) &&
				    (full || (eor && len == iov_iter_count(from)))));

			rc = ktls_tx_rec_append(sk, ctx, rec, from, len, ref);
			if (rc == -ENOMEM)
				goto wait_for_memory;
			if (rc < 0)
				break;
			if (rc < len)
				full = true;
			copied += rc;
		}

		if (full || (eor && !iov_iter_count(from))) {
			rc = ktls_tx_flush(sk, ctx, flags);
			if (rc == -EAGAIN && (flags & MSG_DONTWAIT)) {
				/* queued; the worker pushes it on write space */
				rc = 0;
				continue;
			}
			if (rc)
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
	if (txc->open_rec && !txc->open_rec->data_len) {
		ktls_tx_rec_free(sk, txc->open_rec);
		WRITE_ONCE(txc->open_rec, NULL);
	}
	if (rc == -EBADMSG)
		return rc;
	if (copied)
		return copied;
	return sk_stream_error(sk, flags, rc);
}

static int ktls_tx_sendmsg_locked(struct sock *sk, struct msghdr *msg)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	bool eor = !(msg->msg_flags & MSG_MORE);
	u8 type = KTLS_RECORD_TYPE_DATA;
	int rc;

	/* MSG_EOR closes the record; asking for both is contradictory */
	if (!eor && (msg->msg_flags & MSG_EOR))
		return -EINVAL;

	if (unlikely(msg->msg_controllen)) {
		rc = ktls_tx_cmsg_record_type(sk, ctx, msg, &type, ktls_tx_flush);
		if (rc && rc != -EAGAIN)
			return sk_stream_error(sk, msg->msg_flags, rc);
	}

	/* an empty send with MSG_EOR still closes an open record */
	if (!msg_data_left(msg)) {
		if (!(msg->msg_flags & MSG_EOR) ||
		    !ktls_tx_sw_has_open_record(sk, ctx))
			return 0;
		rc = ktls_tx_flush(sk, ctx, msg->msg_flags);
		if (rc == -EAGAIN && (msg->msg_flags & MSG_DONTWAIT))
			rc = 0;
		return rc ? sk_stream_error(sk, msg->msg_flags, rc) : 0;
	}

	/* spliced pages (sendfile, splice) may be referenced, not copied */
	return ktls_tx_send_iter(sk, &msg->msg_iter, type, eor,
				 msg->msg_flags & KTLS_MSG_SPLICE_PAGES,
				 msg->msg_flags);
}

int ktls_tx_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	int rc;

	if (msg->msg_flags & ~KTLS_SENDMSG_FLAGS)
		return -EOPNOTSUPP;

	rc = mutex_lock_interruptible(&ctx->tx_lock);
	if (rc)
		return rc;
	lock_sock(sk);
	ktls_bpf_deliver(sk, ctx);
	rc = ktls_tx_sendmsg_locked(sk, msg);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
	return rc;
}

/*
 * A splice ended without SPLICE_F_MORE: close and send the open record.
 * The unlocked look only skips the locks when no record is open; the
 * record itself may be freed by a concurrent sendmsg at any time, so it
 * is looked into only with both locks held.
 */
void ktls_tx_splice_eof(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct tls_context *ctx = tls_get_ctx(sk);

	if (!READ_ONCE(ktls_txc(ctx)->open_rec))
		return;

	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	if (ktls_tx_sw_has_open_record(sk, ctx))
		ktls_tx_flush(sk, ctx, MSG_DONTWAIT | MSG_NOSIGNAL);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
}

/* Deferred push of queued records once TCP has room again. */
static void ktls_tx_work(struct work_struct *work)
{
	struct ktls_tx_ctx *txc = container_of(to_delayed_work(work),
					       struct ktls_tx_ctx, work);
	struct sock *sk = txc->sk;
	struct tls_context *ctx;

	if (test_bit(KTLS_TX_CLOSING, &txc->flags))
		return;
	ctx = tls_get_ctx(sk);

	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	if (test_and_clear_bit(KTLS_TX_SCHEDULED, &txc->flags) &&
	    !test_bit(KTLS_TX_CLOSING, &txc->flags))
		ktls_tx_push(sk, ctx, MSG_DONTWAIT | MSG_NOSIGNAL);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
}

/* sk_write_space (softirq or process context, socket spinlock held) */
static void ktls_tx_sw_write_space(struct sock *sk, struct tls_context *ctx)
{
	struct ktls_tx_ctx *txc = ktls_txc(ctx);

	if (!txc || list_empty(&txc->tx_list) ||
	    test_bit(KTLS_TX_CLOSING, &txc->flags))
		return;
	if (!test_and_set_bit(KTLS_TX_SCHEDULED, &txc->flags))
		schedule_delayed_work(&txc->work, 0);
}

/* sk_write_space while TX is configured: let TX flush, then wake writers. */
static void ktls_write_space(struct sock *sk)
{
	struct tls_context *ctx = tls_get_ctx(sk);

	/*
	 * While TX itself is pushing into TCP (in_tcp_sendpages), TCP may
	 * wait for memory: only wake it, do not re-enter TX.
	 */
	if (!ktls_ctx_in_tcp_send(ctx)) {
		if (ctx->tx_conf == TLS_SW)
			ktls_tx_sw_write_space(sk, ctx);
		else if (ctx->tx_conf == TLS_HW)
			ktls_device_tx_write_space(sk, ctx);
	}
	ctx->sk_write_space(sk);
}

void ktls_tx_install_write_space(struct sock *sk, struct tls_context *ctx)
{
	sock_owned_by_me(sk);
	ctx->sk_write_space = sk->sk_write_space;
	sk->sk_write_space = ktls_write_space;
}

void ktls_tx_restore_write_space(struct sock *sk, struct tls_context *ctx)
{
	lockdep_assert_held_write(&sk->sk_callback_lock);
	if (sk->sk_write_space == ktls_write_space)
		sk->sk_write_space = ctx->sk_write_space;
}

/* TLS 1.3 rekey: everything written so far goes out under the old key. */
static int ktls_tx_rekey(struct sock *sk, struct tls_context *ctx,
			 const struct tls_crypto_info *ci)
{
	struct ktls_tx_ctx *txc = ktls_txc(ctx);
	struct crypto_aead *aead, *old;
	int rc;

	rc = ktls_aead_alloc(ctx, ci, &aead);
	if (rc)
		return rc;

	/* data of an open (MSG_MORE) record was sent before the rekey */
	rc = ktls_tx_close_rec(sk, ctx, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (rc)
		goto err;

	rc = ktls_cipher_ctx_init(&ctx->prot_info, &ctx->tx, ci);
	if (rc)
		goto err;
	old = txc->aead;
	txc->aead = aead;
	crypto_free_aead(old);
	/* a new key starts a new sequence */
	txc->seq_exhausted = false;

	/* best effort: queued records keep their (old-key) ciphertext */
	ktls_tx_push(sk, ctx, MSG_DONTWAIT | MSG_NOSIGNAL);
	return 0;
err:
	crypto_free_aead(aead);
	return rc;
}

int ktls_tx_sw_init(struct sock *sk, struct tls_context *ctx,
		    const struct tls_crypto_info *ci, bool rekey)
{
	struct ktls_tx_ctx *txc;
	int rc;

	if (rekey)
		return ktls_tx_rekey(sk, ctx, ci);

	txc = kzalloc(sizeof(*txc), GFP_KERNEL);
	if (!txc)
		return -ENOMEM;
	INIT_LIST_HEAD(&txc->tx_list);
	INIT_DELAYED_WORK(&txc->work, ktls_tx_work);
	txc->sk = sk;

	if (ktls_cipher_is_cbc(ci->cipher_type)) {
		/* no AEAD: ktls_tx_cbc.c seals the records */
		rc = ktls_cbc_init(ktls_ctx(ctx)->cbc[KTLS_COUNT_TX],
				   &ctx->prot_info, &ctx->tx, false);
		if (rc)
			goto err_free;
		ctx->priv_ctx_tx = txc;
		return 0;
	}
	rc = ktls_aead_alloc(ctx, ci, &txc->aead);
	if (rc)
		goto err_free;
	rc = ktls_cipher_ctx_init(&ctx->prot_info, &ctx->tx, ci);
	if (rc)
		goto err_aead;

	ctx->priv_ctx_tx = txc;
	return 0;

err_aead:
	crypto_free_aead(txc->aead);
err_free:
	kfree(txc);
	return rc;
}

void ktls_tx_sw_cancel_work(struct tls_context *ctx)
{
	struct ktls_tx_ctx *txc = ktls_txc(ctx);

	set_bit(KTLS_TX_CLOSING, &txc->flags);
	cancel_delayed_work_sync(&txc->work);
}

/* Bytes of the queued records that TCP has not taken yet. */
static u32 ktls_tx_unsent(struct ktls_tx_ctx *txc)
{
	struct ktls_tx_rec *rec;
	u32 n = 0;

	list_for_each_entry(rec, &txc->tx_list, list)
		n += rec->en.sg.size - rec->sent;
	return n;
}

/*
 * Close must neither lose what send() accepted nor hang on a peer that
 * stopped reading. TCP's own close hands its write queue to the orphaned
 * socket and returns; ktls does the same with the records TCP has not
 * taken yet. The open (MSG_MORE) record is closed too, as TCP flushes
 * corked data on close (tls.ko drops it). So that TCP takes every record
 * now, its send buffer is raised by what remains: those bytes are already
 * charged to the socket as record memory, which is freed as TCP takes
 * them. Only if TCP still refuses (global TCP memory pressure,
 * TCP_NOTSENT_LOWAT) does close wait for room: within the linger time
 * with SO_LINGER, else within SO_SNDTIMEO and at most KTLS_CLOSE_WAIT,
 * and while no signal is pending. SO_LINGER with a zero time resets the
 * connection, so nothing is pushed then.
 */
#define KTLS_CLOSE_WAIT		(5 * HZ)

static void ktls_tx_close_push(struct sock *sk, struct tls_context *ctx,
			       long timeout)
{
	struct ktls_tx_ctx *txc = ktls_txc(ctx);
	const int flags = MSG_DONTWAIT | MSG_NOSIGNAL;
	long timeo;
	u32 unsent;

	if (sk->sk_err || (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime))
		return;
	if (ktls_tx_close_rec(sk, ctx, flags))
		return;
	unsent = ktls_tx_unsent(txc);
	if (!unsent)
		return;
	WRITE_ONCE(sk->sk_sndbuf,
		   max_t(u64, READ_ONCE(sk->sk_sndbuf),
			 min_t(u64, INT_MAX / 2,
			       (u64)sk->sk_wmem_queued + 2ULL * unsent +
			       SKB_TRUESIZE(SKB_MAX_HEAD(0)))));

	timeo = sock_flag(sk, SOCK_LINGER) ? timeout :
		min_t(long, sk->sk_sndtimeo, KTLS_CLOSE_WAIT);
	while (ktls_tx_push(sk, ctx, flags) == -EAGAIN) {
		if (!timeo || signal_pending(current))
			break;
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		if (sk_stream_wait_memory(sk, &timeo))
			break;
	}
}

/*
 * Close, socket and tx_lock held: push what is left (above), then free
 * whatever TCP did not take.
 */
void ktls_tx_sw_release(struct sock *sk, struct tls_context *ctx, long timeout)
{
	struct ktls_tx_ctx *txc = ktls_txc(ctx);
	struct ktls_tx_rec *rec, *tmp;

	lockdep_assert_held(&ctx->tx_lock);
	sock_owned_by_me(sk);
	ktls_tx_close_push(sk, ctx, timeout);

	list_for_each_entry_safe(rec, tmp, &txc->tx_list, list) {
		list_del(&rec->list);
		ktls_tx_rec_free(sk, rec);
	}
	if (txc->open_rec) {
		ktls_tx_rec_free(sk, txc->open_rec);
		WRITE_ONCE(txc->open_rec, NULL);
	}
	crypto_free_aead(txc->aead);
	txc->aead = NULL;
	ktls_cipher_ctx_free(&ctx->tx);
}

/* After the socket lock is dropped: no sk_write_space can reach us now. */
void ktls_tx_sw_free(struct tls_context *ctx)
{
	struct ktls_tx_ctx *txc = ktls_txc(ctx);

	cancel_delayed_work_sync(&txc->work);
	ctx->priv_ctx_tx = NULL;
	kfree(txc);
}

int ktls_tx_sw_drain(struct sock *sk, struct tls_context *ctx, long timeo)
{
	const int flags = MSG_DONTWAIT | MSG_NOSIGNAL;
	int rc;

	lockdep_assert_held(&ctx->tx_lock);
	sock_owned_by_me(sk);
	rc = ktls_tx_close_rec(sk, ctx, flags);
	if (rc)
		return rc;
	while ((rc = ktls_tx_push(sk, ctx, flags)) == -EAGAIN) {
		if (!timeo)
			return -EAGAIN;
		if (signal_pending(current))
			return sock_intr_errno(timeo);
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		rc = sk_stream_wait_memory(sk, &timeo);
		if (rc)
			return rc;
	}
	return rc;
}

void *ktls_tx_sw_detach(struct tls_context *ctx)
{
	struct ktls_tx_ctx *txc = ktls_txc(ctx);

	lockdep_assert_held(&ctx->tx_lock);
	/* the worker may wait for tx_lock: it finds nothing to do */
	set_bit(KTLS_TX_CLOSING, &txc->flags);
	ctx->priv_ctx_tx = NULL;
	return txc;
}

void ktls_tx_sw_reattach(struct tls_context *ctx, void *p)
{
	struct ktls_tx_ctx *txc = p;

	lockdep_assert_held(&ctx->tx_lock);
	ctx->priv_ctx_tx = txc;
	clear_bit(KTLS_TX_CLOSING, &txc->flags);
}

void ktls_tx_sw_free_detached(void *p)
{
	struct ktls_tx_ctx *txc = p;

	cancel_delayed_work_sync(&txc->work);
	crypto_free_aead(txc->aead);
	kfree(txc);
}

/* Module exit: free the records kept for reuse. */
void ktls_tx_exit(void)
{
	ktls_tx_rec_cache_drain();
}
