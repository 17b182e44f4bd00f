// SPDX-License-Identifier: GPL-2.0
/*
 * ktls software receive path: setup/teardown, recvmsg, poll, and the
 * reader lock and record steps that ktls_rx_skb.c (splice_read, read_sock)
 * shares.
 *
 * Records come off the TCP stream through the parser (ktls_strp.c), are
 * decrypted whole (ktls_decrypt.c) and copied to the reader. A record that
 * is only partly read, or was peeked, stays decrypted on sw->rx_list and
 * is served from there first, so the stream order is always:
 * rx_list records, then the record at the head of the TCP queue.
 *
 * Everything runs with the socket owned (lock_sock); sk_wait_event() drops
 * the lock while sleeping, so every wait re-checks the state. Because of
 * those waits the socket lock alone does not keep two readers apart: a
 * reader that sleeps would let another take the record it is halfway
 * through. Readers (recvmsg, splice_read, read_sock) therefore also hold
 * the reader lock below for the whole call, as tls.ko does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/splice.h>
#include <net/inet_common.h>
#include <net/tcp.h>

#include "ktls_rx.h"

/*
 * Take the reader lock (sw->reader_present, waiters on sw->wq) on a socket
 * the caller owns. Returns 0 with it held, or -errno (timeout, signal).
 */
int ktls_rx_reader_acquire(struct sock *sk, struct tls_sw_context_rx *sw,
			   bool nonblock)
{
	long timeo = sock_rcvtimeo(sk, nonblock);

	sock_owned_by_me(sk);
	while (unlikely(sw->reader_present)) {
		DEFINE_WAIT_FUNC(wait, woken_wake_function);

		if (!timeo)
			return -EAGAIN;
		if (signal_pending(current))
			return sock_intr_errno(timeo);
		sw->reader_contended = 1;
		add_wait_queue(&sw->wq, &wait);
		sk_wait_event(sk, &timeo, !READ_ONCE(sw->reader_present),
			      &wait);
		remove_wait_queue(&sw->wq, &wait);
	}
	WRITE_ONCE(sw->reader_present, 1);
	return 0;
}

void ktls_rx_reader_release(struct sock *sk, struct tls_sw_context_rx *sw)
{
	sock_owned_by_me(sk);
	WRITE_ONCE(sw->reader_present, 0);
	if (unlikely(sw->reader_contended)) {
		if (wq_has_sleeper(&sw->wq))
			wake_up(&sw->wq);
		else
			sw->reader_contended = 0;
	}
}

/*
 * Take the socket and the reader lock. Returns 0 with both held, or
 * -errno (timeout, signal) with neither.
 */
int ktls_rx_reader_lock(struct sock *sk, struct tls_sw_context_rx *sw,
			bool nonblock)
{
	int err;

	lock_sock(sk);
	err = ktls_rx_reader_acquire(sk, sw, nonblock);
	if (err) {
		release_sock(sk);
		return err;
	}
	ktls_bpf_deliver(sk, tls_get_ctx(sk));
	return 0;
}

void ktls_rx_reader_unlock(struct sock *sk, struct tls_sw_context_rx *sw)
{
	ktls_rx_reader_release(sk, sw);
	release_sock(sk);
}

/*
 * Decide whether a record of @type may join this read. The first record
 * fixes the type of the read and reports it in a TLS_GET_RECORD_TYPE cmsg;
 * a non-data record that cannot be reported is refused with EIO. Returns
 * 1 (go on), 0 (type change: stop) or -errno.
 */
static int ktls_rx_content_type(struct msghdr *msg, u8 type, u8 *control)
{
	int err;

	if (*control)
		return *control == type;
	if (!type)
		return -EBADMSG;

	*control = type;
	err = put_cmsg(msg, SOL_TLS, TLS_GET_RECORD_TYPE, sizeof(type), &type);
	if (type != KTLS_RECORD_TYPE_DATA &&
	    (err || (msg->msg_flags & MSG_CTRUNC)))
		return -EIO;
	return 1;
}

/*
 * Serve the already decrypted records on rx_list. Sets *@stop when the
 * read must end here (type change or copy error). Returns bytes copied,
 * or -errno when nothing was copied.
 */
static int ktls_rx_list_copy(struct tls_sw_context_rx *sw, struct msghdr *msg,
			     u8 *control, size_t len, bool peek, bool *stop)
{
	struct sk_buff *skb = skb_peek(&sw->rx_list);
	ssize_t copied = 0;
	int err = 0;

	while (len && skb) {
		struct ktls_rx_msg *rxm = ktls_rx_msg(skb);
		size_t chunk = min_t(size_t, rxm->len, len);
		struct sk_buff *next;

		err = ktls_rx_content_type(msg, rxm->type, control);
		if (err <= 0) {
			*stop = true;
			break;
		}
		err = skb_copy_datagram_msg(skb, rxm->offset, msg, chunk);
		if (err < 0) {
			*stop = true;
			break;
		}
		len -= chunk;
		copied += chunk;

		if (!peek) {
			rxm->offset += chunk;
			rxm->len -= chunk;
			if (rxm->len)
				break;
		}
		msg->msg_flags |= MSG_EOR;

		next = skb_peek_next(skb, &sw->rx_list);
		if (!peek) {
			__skb_unlink(skb, &sw->rx_list);
			consume_skb(skb);
		}
		skb = next;
	}
	return copied ? : min(err, 0);
}

/*
 * Wait until a whole record is available. Returns 1 if one is, 0 at end
 * of stream, or -errno (sticky decrypt error, pending KeyUpdate, socket
 * error, timeout/EAGAIN, signal).
 */
int ktls_rx_rec_wait(struct sock *sk, struct ktls_rx *rx, bool nonblock)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	long timeo = sock_rcvtimeo(sk, nonblock);

	sock_owned_by_me(sk);
	while (!rx->ready) {
		if (rx->sticky_err) {
			sock_error(sk);
			return rx->sticky_err;
		}
		if (READ_ONCE(rx->key_update_pending))
			return -EKEYEXPIRED;
		if (sk->sk_err)
			return sock_error(sk);
		if (!skb_queue_empty(&sk->sk_receive_queue)) {
			ktls_strp_check(rx);
			if (rx->ready)
				break;
		}
		if (sk->sk_shutdown & RCV_SHUTDOWN)
			return 0;
		if (sock_flag(sk, SOCK_DONE))
			return 0;
		if (!timeo)
			return -EAGAIN;

		add_wait_queue(sk_sleep(sk), &wait);
		sk_set_bit(SOCKWQ_ASYNC_WAITDATA, sk);
		sk_wait_event(sk, &timeo,
			      READ_ONCE(rx->ready) || READ_ONCE(sk->sk_err) ||
			      (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN),
			      &wait);
		sk_clear_bit(SOCKWQ_ASYNC_WAITDATA, sk);
		remove_wait_queue(sk_sleep(sk), &wait);

		if (signal_pending(current))
			return sock_intr_errno(timeo);
	}
	/* records encrypted with the next key must wait for TLS_RX */
	if (rx->sticky_err) {
		sock_error(sk);
		return rx->sticky_err;
	}
	if (READ_ONCE(rx->key_update_pending))
		return -EKEYEXPIRED;
	return 1;
}

/* TLS 1.3: a KeyUpdate pauses RX until new keys are installed. */
static void ktls_rx_check_keyupdate(struct sock *sk, struct tls_context *ctx,
				    struct ktls_rx *rx, struct sk_buff *skb)
{
	struct ktls_rx_msg *rxm = ktls_rx_msg(skb);
	u8 hs_type;

	if (ctx->prot_info.version != TLS_1_3_VERSION ||
	    rxm->type != KTLS_RECORD_TYPE_HANDSHAKE || rxm->len < 1)
		return;
	if (skb_copy_bits(skb, rxm->offset, &hs_type, 1))
		return;
	if (hs_type == KTLS_HANDSHAKE_KEYUPDATE) {
		WRITE_ONCE(rx->key_update_pending, true);
		KTLS_INC_STATS(sock_net(sk), KTLS_MIB_RXREKEYRECEIVED);
	}
}

/*
 * Take the next complete record off the stream and decrypt it, straight
 * into @to when it can (see ktls_decrypt.c; @to NULL: never). Returns the
 * bytes placed in @to, or 0 with *@skbp the record (plaintext described by
 * ktls_rx_msg()) or NULL (no complete record after all), or -errno. A
 * failed record is freed here, unread, and makes every later read fail
 * with EBADMSG.
 */
int ktls_rx_next_record(struct sock *sk, struct tls_context *ctx,
			struct ktls_rx *rx, struct iov_iter *to,
			size_t room, struct sk_buff **skbp)
{
	struct ktls_rx_rec rec = {};
	int err;

	*skbp = NULL;
	err = ktls_strp_take(rx, &rec);
	if (err <= 0)
		return err;

	err = ktls_decrypt_record(sk, ctx, &rec, to, room, skbp);
	/*
	 * Stop the parser before consuming: it would look at the bytes
	 * after a forged record, and their (garbage) header must not
	 * replace EBADMSG as the stream's error.
	 */
	if (err < 0 || rec.last)
		ktls_strp_abort(rx, -EBADMSG);
	ktls_strp_consume(rx, &rec);
	if (err < 0)
		return -EBADMSG;
	if (*skbp)
		ktls_rx_check_keyupdate(sk, ctx, rx, *skbp);
	return err;
}

int ktls_rx_stream_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			   int flags)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	struct tls_sw_context_rx *sw = ktls_rx_sw(ctx);
	struct ktls_rx *rx = ktls_rx_priv(ctx);
	bool is_peek = flags & MSG_PEEK;
	/* plaintext may go straight to a user buffer, never to a peek */
	bool zc_ok = !is_peek && user_backed_iter(&msg->msg_iter);
	ssize_t copied = 0, decrypted = 0;
	bool stop = false;
	u8 control = 0;
	int target, err;

	err = ktls_rx_reader_lock(sk, sw, flags & MSG_DONTWAIT);
	if (err)
		return err;

	err = ktls_rx_list_copy(sw, msg, &control, len, is_peek, &stop);
	if (err < 0)
		goto end;
	copied = err;
	if (len <= copied || stop ||
	    (control && control != KTLS_RECORD_TYPE_DATA))
		goto end;

	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	len -= copied;

	while (len && (decrypted + copied < target || READ_ONCE(rx->ready))) {
		struct ktls_rx_msg *rxm;
		struct sk_buff *skb;
		size_t chunk;
		bool partial;

		err = ktls_rx_rec_wait(sk, rx, flags & MSG_DONTWAIT);
		if (err <= 0)
			break;

		err = ktls_rx_next_record(sk, ctx, rx,
					  zc_ok ? &msg->msg_iter : NULL, len,
					  &skb);
		if (err > 0) {
			/* application data, already in the reader's buffer */
			ktls_rx_content_type(msg, KTLS_RECORD_TYPE_DATA,
					     &control);
			decrypted += err;
			len -= err;
			msg->msg_flags |= MSG_EOR;
			goto next;
		}
		if (!skb) {
			if (err)
				break;
			continue;
		}
		rxm = ktls_rx_msg(skb);

		/*
		 * Empty records carry nothing and a peer may send them
		 * without end: do not let them keep a signal waiting.
		 */
		if (unlikely(!rxm->len) && rxm->type == KTLS_RECORD_TYPE_DATA) {
			consume_skb(skb);
			if (signal_pending(current)) {
				err = sock_intr_errno(sock_rcvtimeo(sk, flags &
								    MSG_DONTWAIT));
				break;
			}
			cond_resched();
			goto next;
		}

		err = ktls_rx_content_type(msg, rxm->type, &control);
		if (err <= 0) {
			__skb_queue_tail(&sw->rx_list, skb);
			break;
		}

		chunk = rxm->len;
		partial = chunk > len;
		if (partial)
			chunk = len;
		err = skb_copy_datagram_msg(skb, rxm->offset, msg, chunk);
		if (err < 0) {
			__skb_queue_tail(&sw->rx_list, skb);
			break;
		}
		decrypted += chunk;
		len -= chunk;

		if (is_peek || partial) {
			if (!is_peek) {
				rxm->offset += chunk;
				rxm->len -= chunk;
			}
			__skb_queue_tail(&sw->rx_list, skb);
		} else {
			consume_skb(skb);
			/* whole record returned before another type may start */
			msg->msg_flags |= MSG_EOR;
		}
		if (control != KTLS_RECORD_TYPE_DATA)
			break;
next:
		/* let TCP process what queued up while we held the socket */
		if (len && !rx->ready)
			sk_flush_backlog(sk);
	}
	copied += decrypted;
end:
	ktls_rx_reader_unlock(sk, sw);
	return copied ? : err;
}

bool ktls_rx_sock_is_readable(struct sock *sk)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	struct ktls_rx *rx;

	if (!ctx || !ctx->priv_ctx_rx)
		return false;
	rx = ktls_rx_priv(ctx);
	if (READ_ONCE(rx->key_update_pending))
		return false;
	return READ_ONCE(rx->ready) ||
	       !skb_queue_empty_lockless(&ktls_rx_sw(ctx)->rx_list);
}

__poll_t ktls_rx_poll(struct file *file, struct socket *sock,
		      struct poll_table_struct *wait)
{
	struct sock *sk = sock->sk;
	struct tls_context *ctx;
	struct ktls_rx *rx;
	__poll_t mask;

	mask = tcp_poll(file, sock, wait);

	if (inet_sk_state_load(sk) != TCP_ESTABLISHED ||
	    (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN))
		return mask;
	ctx = tls_get_ctx(sk);
	if (!ctx || !ctx->priv_ctx_rx)
		return mask;
	rx = ktls_rx_priv(ctx);
	/* a broken stream stays readable: every read returns its error */
	if (READ_ONCE(rx->sticky_err))
		return mask | EPOLLERR | EPOLLIN | EPOLLRDNORM;

	/* readable means: a whole record (or decrypted leftovers) is there */
	if (ktls_rx_sock_is_readable(sk))
		mask |= EPOLLIN | EPOLLRDNORM;
	else
		mask &= ~(EPOLLIN | EPOLLRDNORM);
	return mask;
}

/* TLS 1.3 KeyUpdate: new key/iv/rec_seq, then resume reading. */
static int ktls_rx_rekey(struct sock *sk, struct tls_context *ctx,
			 const struct tls_crypto_info *ci)
{
	struct tls_sw_context_rx *sw = ktls_rx_sw(ctx);
	struct ktls_rx *rx = ktls_rx_priv(ctx);
	struct tls_prot_info *prot = &ctx->prot_info;
	struct crypto_aead *aead, *old;
	char *old_iv = NULL;
	__be64 old_sn;
	int err;

	if (!sw)
		return -EINVAL;
	err = ktls_aead_alloc(ctx, ci, &aead);
	if (err)
		return err;
	if (ctx->rx_conf == TLS_HW) {
		/* a NIC may have used the old key on the new records */
		old_iv = kmemdup(ctx->rx.iv, prot->salt_size + prot->iv_size,
				 GFP_KERNEL);
		memcpy(&old_sn, ctx->rx.rec_seq, sizeof(old_sn));
		if (!old_iv) {
			crypto_free_aead(aead);
			return -ENOMEM;
		}
	}
	err = ktls_cipher_ctx_init(prot, &ctx->rx, ci);
	if (err) {
		kfree_sensitive(old_iv);
		crypto_free_aead(aead);
		return err;
	}
	old = sw->aead_recv;
	sw->aead_recv = aead;
	if (ctx->rx_conf == TLS_HW)
		ktls_device_rx_rekey(sk, ctx, old, old_iv, be64_to_cpu(old_sn));
	else
		crypto_free_aead(old);

	WRITE_ONCE(rx->key_update_pending, false);
	ktls_strp_check(rx);
	/* readers and pollers parked on the old key can go on */
	if (READ_ONCE(rx->ready) || !skb_queue_empty(&sw->rx_list))
		sw->saved_data_ready(sk);
	return 0;
}

int ktls_rx_sw_init(struct sock *sk, struct tls_context *ctx,
		    const struct tls_crypto_info *ci, bool rekey)
{
	struct tls_sw_context_rx *sw;
	struct crypto_aead *aead;
	struct ktls_rx *rx;
	void *mem;
	int err;

	if (rekey)
		return ktls_rx_rekey(sk, ctx, ci);
	if (ctx->priv_ctx_rx)
		return -EBUSY;

	mem = kzalloc(KTLS_RX_PRIV_OFF + sizeof(*rx), GFP_KERNEL);
	if (!mem)
		return -ENOMEM;
	if (ktls_cipher_is_cbc(ci->cipher_type)) {
		/* no AEAD: ktls_rx_cbc.c opens the records */
		aead = NULL;
		err = ktls_cbc_init(ktls_ctx(ctx)->cbc[KTLS_COUNT_RX],
				    &ctx->prot_info, &ctx->rx, true);
	} else {
		err = ktls_aead_alloc(ctx, ci, &aead);
		if (err)
			goto free_mem;
		err = ktls_cipher_ctx_init(&ctx->prot_info, &ctx->rx, ci);
	}
	if (err)
		goto free_aead;

	sw = mem;
	sw->aead_recv = aead;
	crypto_init_wait(&sw->async_wait);
	skb_queue_head_init(&sw->rx_list);
	skb_queue_head_init(&sw->async_hold);
	init_waitqueue_head(&sw->wq);
	atomic_set(&sw->decrypt_pending, 1);
	sw->strp.sk = sk;

	ctx->priv_ctx_rx = mem;
	rx = ktls_rx_priv(ctx);
	ktls_strp_init(rx, sk, ctx);

	write_lock_bh(&sk->sk_callback_lock);
	sw->saved_data_ready = sk->sk_data_ready;
	sk->sk_data_ready = ktls_strp_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);

	/* records may already sit in the TCP queue */
	ktls_strp_check(rx);
	return 0;

free_aead:
	crypto_free_aead(aead);
free_mem:
	kfree(mem);
	return err;
}

void ktls_rx_sw_release(struct sock *sk, struct tls_context *ctx)
{
	struct tls_sw_context_rx *sw = ktls_rx_sw(ctx);
	struct ktls_rx *rx;

	if (!sw)
		return;
	rx = ktls_rx_priv(ctx);

	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_data_ready == ktls_strp_data_ready)
		sk->sk_data_ready = sw->saved_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);

	ktls_strp_stop(rx);
	__skb_queue_purge(&sw->rx_list);
}

void ktls_rx_sw_free(struct tls_context *ctx)
{
	struct tls_sw_context_rx *sw = ktls_rx_sw(ctx);

	if (!sw)
		return;
	ktls_strp_done(ktls_rx_priv(ctx));
	__skb_queue_purge(&sw->rx_list);
	crypto_free_aead(sw->aead_recv);
	ktls_cipher_ctx_free(&ctx->rx);
	ctx->priv_ctx_rx = NULL;
	kfree_sensitive(sw);
}

/* Module exit: free the decrypt work areas kept for reuse. */
void ktls_rx_exit(void)
{
	ktls_dec_cache_drain();
}
