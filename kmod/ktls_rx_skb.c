// SPDX-License-Identifier: GPL-2.0
/*
 * ktls software receive for readers that take the decrypted skbs rather
 * than a user buffer: splice_read (a pipe) and read_sock (in-kernel
 * consumers such as nvme-tcp, 6.12's tls.ko has it; 6.1's leaves TCP's,
 * which hands such a consumer the ciphertext).
 *
 * Both go through the same steps as recvmsg (ktls_rx.c): the reader lock,
 * rx_list first, then one record at a time off the stream. Neither can
 * carry a record type, so a non-data record stops them with EINVAL and
 * stays queued for recvmsg.
 */
#include <linux/net.h>
#include <linux/skmsg.h>
#include <linux/splice.h>
#include <net/tcp.h>

#include "ktls_rx.h"

ssize_t ktls_rx_splice_read(struct socket *sock, loff_t *ppos,
			    struct pipe_inode_info *pipe, size_t len,
			    unsigned int flags)
{
	struct sock *sk = sock->sk;
	struct tls_context *ctx = tls_get_ctx(sk);
	struct tls_sw_context_rx *sw = ktls_rx_sw(ctx);
	struct ktls_rx *rx = ktls_rx_priv(ctx);
	struct ktls_rx_msg *rxm;
	struct sk_buff *skb;
	ssize_t copied = 0;
	int err = 0;

	err = ktls_rx_reader_lock(sk, sw, flags & SPLICE_F_NONBLOCK);
	if (err)
		return err;

	skb = __skb_dequeue(&sw->rx_list);
	/* no record after all (or an empty one) is not the end of stream */
	while (!skb || (!ktls_rx_msg(skb)->len &&
			ktls_rx_msg(skb)->type == KTLS_RECORD_TYPE_DATA)) {
		consume_skb(skb);
		skb = NULL;
		err = ktls_rx_rec_wait(sk, rx, flags & SPLICE_F_NONBLOCK);
		if (err <= 0)
			goto end;
		err = ktls_rx_next_record(sk, ctx, rx, NULL, 0, &skb);
		if (err < 0)
			goto end;
		if (signal_pending(current)) {
			consume_skb(skb);
			err = sock_intr_errno(sock_rcvtimeo(sk, flags &
							    SPLICE_F_NONBLOCK));
			goto end;
		}
	}
	rxm = ktls_rx_msg(skb);

	/* a pipe cannot carry the record type */
	if (rxm->type != KTLS_RECORD_TYPE_DATA) {
		err = -EINVAL;
		goto requeue;
	}

	copied = skb_splice_bits(skb, sk, rxm->offset, pipe,
				 min_t(size_t, rxm->len, len), flags);
	if (copied < 0) {
		err = copied;
		copied = 0;
		goto requeue;
	}
	if (copied < rxm->len) {
		rxm->offset += copied;
		rxm->len -= copied;
		goto requeue;
	}
	consume_skb(skb);
end:
	ktls_rx_reader_unlock(sk, sw);
	return copied ? : err;
requeue:
	__skb_queue_head(&sw->rx_list, skb);
	goto end;
}

/*
 * Hand decrypted data records to @actor until it has taken desc->count
 * bytes, stops taking, or no whole record is left. The caller owns the
 * socket (nvme-tcp calls this under lock_sock), so nothing here sleeps:
 * the reader lock and the record wait are non-blocking. Returns the bytes
 * taken, else the error that stopped the first record.
 */
int ktls_rx_read_sock(struct sock *sk, read_descriptor_t *desc,
		      sk_read_actor_t actor)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	struct tls_sw_context_rx *sw = ktls_rx_sw(ctx);
	struct ktls_rx *rx = ktls_rx_priv(ctx);
	struct ktls_rx_msg *rxm;
	struct sk_buff *skb;
	bool psock;
	ssize_t copied = 0;
	int err, used;

	sock_owned_by_me(sk);
	/* a sockmap verdict program owns the plaintext, as for tls.ko */
	rcu_read_lock();
	psock = !!sk_psock(sk);
	rcu_read_unlock();
	if (psock)
		return -EINVAL;

	err = ktls_rx_reader_acquire(sk, sw, true);
	if (err)
		return err;

	while (desc->count) {
		skb = __skb_dequeue(&sw->rx_list);
		if (!skb) {
			err = ktls_rx_rec_wait(sk, rx, true);
			if (err <= 0)
				break;
			err = ktls_rx_next_record(sk, ctx, rx, NULL, 0, &skb);
			if (err < 0)
				break;
			if (!skb)
				continue;
		}
		rxm = ktls_rx_msg(skb);

		if (rxm->type != KTLS_RECORD_TYPE_DATA) {
			err = -EINVAL;
			__skb_queue_head(&sw->rx_list, skb);
			break;
		}
		/*
		 * An empty record (TLS 1.3 allows them) would look like an
		 * actor that takes nothing and stall every record behind it.
		 */
		if (!rxm->len) {
			consume_skb(skb);
			continue;
		}

		used = actor(desc, skb, rxm->offset, rxm->len);
		if (used <= 0) {
			err = used;
			__skb_queue_head(&sw->rx_list, skb);
			break;
		}
		copied += used;
		if (used < rxm->len) {
			rxm->offset += used;
			rxm->len -= used;
			__skb_queue_head(&sw->rx_list, skb);
			continue;
		}
		consume_skb(skb);
	}
	ktls_rx_reader_release(sk, sw);
	return copied ? : err;
}
