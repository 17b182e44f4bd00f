// SPDX-License-Identifier: GPL-2.0
/*
 * ktls per-record receive (TLS_RX_RECORD): FreeBSD's receive model on the
 * Linux socket. Each recvmsg returns bytes of one record only, with a
 * TLS_GET_RECORD cmsg (struct tls_get_record: type, version as on the
 * wire, the record's plaintext length) on every call, and MSG_EOR on the
 * call that returns the record's last byte. A buffer smaller than the
 * record gets its first part; the next call continues the same record.
 *
 * Beside tls.ko's stream model, which stays the default: records are
 * decrypted into the record skb (no zero-copy into the reader's buffer),
 * MSG_WAITALL and SO_RCVLOWAT do not join records, empty data records
 * are skipped (a zero return would read as end of stream), and the
 * errnos are FreeBSD's (the header's in ktls_strp.c, and EMSGSIZE for an
 * end of stream inside a record). A record that fails its tag is EBADMSG and
 * fatal, as in stream mode (FreeBSD drops only that record).
 * splice and read_sock keep stream semantics.
 *
 * The socket's recvmsg is here: it picks this model or the stream one
 * (ktls_rx.c), so the RX files still call in one direction only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/sock.h>

#include "ktls_rx.h"

/* End of stream: inside a record, FreeBSD's EMSGSIZE; else 0. */
static int ktls_rx_record_eof(struct sock *sk, struct ktls_rx *rx)
{
	if (rx->rec_len || rx->cur_have || rx->stash_len || ktls_rxq_inq(sk))
		return -EMSGSIZE;
	return 0;
}

/*
 * The record to read from: the one a shorter read or a peek left on
 * rx_list, else the next one off the stream. 1 with *@skbp, or 0 (end of
 * stream) or -errno.
 */
static int ktls_rx_record_next(struct sock *sk, struct tls_context *ctx,
			       bool nonblock, struct sk_buff **skbp)
{
	struct tls_sw_context_rx *sw = ktls_rx_sw(ctx);
	struct ktls_rx *rx = ktls_rx_priv(ctx);
	struct ktls_rx_msg *rxm;
	struct sk_buff *skb;
	int err;

	sock_owned_by_me(sk);
	for (;;) {
		skb = skb_peek(&sw->rx_list);
		if (skb) {
			*skbp = skb;
			return 1;
		}
		err = ktls_rx_rec_wait(sk, rx, nonblock);
		if (err < 0)
			return err;
		if (!err)
			return ktls_rx_record_eof(sk, rx);
		err = ktls_rx_next_record(sk, ctx, rx, NULL, 0, &skb);
		if (err < 0)
			return err;
		if (!skb)
			continue;
		rxm = ktls_rx_msg(skb);
		if (!rxm->len && rxm->type == KTLS_RECORD_TYPE_DATA) {
			consume_skb(skb);
			if (signal_pending(current))
				return sock_intr_errno(sock_rcvtimeo(sk, nonblock));
			cond_resched();
			continue;
		}
		__skb_queue_tail(&sw->rx_list, skb);
	}
}

static int ktls_rx_record_recvmsg(struct sock *sk, struct msghdr *msg,
				  size_t len, int flags)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	struct tls_sw_context_rx *sw = ktls_rx_sw(ctx);
	struct tls_get_record info = {};
	struct ktls_rx_msg *rxm;
	struct sk_buff *skb;
	size_t chunk;
	int err;

	err = ktls_rx_reader_lock(sk, sw, flags & MSG_DONTWAIT);
	if (err)
		return err;
	err = ktls_rx_record_next(sk, ctx, flags & MSG_DONTWAIT, &skb);
	if (err <= 0)
		goto out;
	rxm = ktls_rx_msg(skb);

	info.tls_type = rxm->type;
	info.tls_vmajor = TLS_1_2_VERSION_MAJOR;
	/* on the wire TLS 1.3 records carry 3,3 too; CBC's 1.1 carries 3,2 */
	info.tls_vminor = ktls_wire_minor(&ctx->prot_info);
	info.tls_length = htons(rxm->full);
	err = put_cmsg(msg, SOL_TLS, TLS_GET_RECORD, sizeof(info), &info);
	if (err)
		goto out;

	chunk = min_t(size_t, len, rxm->len);
	err = skb_copy_datagram_msg(skb, rxm->offset, msg, chunk);
	if (err)
		goto out;
	err = chunk;
	if (chunk == rxm->len)
		msg->msg_flags |= MSG_EOR;
	if (flags & MSG_PEEK)
		goto out;
	rxm->offset += chunk;
	rxm->len -= chunk;
	if (!rxm->len) {
		__skb_unlink(skb, &sw->rx_list);
		consume_skb(skb);
	}
out:
	ktls_rx_reader_unlock(sk, sw);
	return err;
}

int ktls_rx_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		    int flags, int *addr_len)
{
	struct tls_context *ctx = tls_get_ctx(sk);

	if (unlikely(flags & MSG_ERRQUEUE))
		return sock_recv_errqueue(sk, msg, len, SOL_IP, IP_RECVERR);
	if (unlikely(READ_ONCE(ktls_ctx(ctx)->rx_record)))
		return ktls_rx_record_recvmsg(sk, msg, len, flags);
	return ktls_rx_stream_recvmsg(sk, msg, len, flags);
}
