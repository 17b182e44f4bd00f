/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls software receive path: private state shared by the RX files
 * (ktls_rx.c, ktls_strp.c, ktls_rx_rec.c, ktls_decrypt.c). The RX entry
 * points the rest of ktls calls are declared in ktls.h.
 *
 * Memory layout of ctx->priv_ctx_rx (one allocation):
 *
 *   struct tls_offload_context_rx      (its first member is the kernel's
 *                                       struct tls_sw_context_rx, so the
 *                                       kernel's tls_sw_ctx_rx() and
 *                                       tls_offload_ctx_rx() both work)
 *   TLS_DRIVER_STATE_SIZE_RX bytes     (driver_state[], __tls_driver_ctx())
 *   struct ktls_rx                     (ktls private RX state)
 *
 * so a later device path can hand the same context to NIC drivers.
 *
 * Locking: all parser and record state in struct ktls_rx is touched only
 *  - by the socket owner (lock_sock held), or
 *  - from sk_data_ready, which TCP calls either with bh_lock_sock held while
 *    the socket is not owned, or from the owner's backlog processing.
 * These never run concurrently. poll() and sock_is_readable() read
 * @ready, @key_update_pending and rx_list emptiness locklessly.
 */
#ifndef _KTLS_RX_H
#define _KTLS_RX_H

#include <linux/scatterlist.h>
#include <linux/uio.h>
#include <linux/workqueue.h>
#include "ktls.h"

/* TLS 1.3 handshake message type of a KeyUpdate (RFC 8446, 4.6.3) */
#define KTLS_HANDSHAKE_KEYUPDATE	24

/*
 * Per decrypted record, kept in skb->cb of the record skbs on rx_list:
 * the plaintext still to be read is [offset, offset + len) of the skb.
 */
struct ktls_rx_msg {
	u32 offset;
	u32 len;
	u32 full;	/* the record's plaintext bytes (TLS_GET_RECORD) */
	u8 type;	/* content type (inner type for TLS 1.3) */
};

static inline struct ktls_rx_msg *ktls_rx_msg(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct ktls_rx_msg) > sizeof(skb->cb));
	return (struct ktls_rx_msg *)skb->cb;
}

/*
 * Which bytes of the record being copied out (ktls_rx::cur) came from skbs
 * a NIC had decrypted (device RX). The state of the first byte copied
 * from the TCP queue, then every record offset where it flips; header
 * bytes stashed before the record was allocated count as "don't care"
 * (a header is clear text either way). @flip grows on demand and is kept
 * from record to record.
 */
struct ktls_rx_dmap {
	u32 *flip;
	u32 nflip;
	u32 cap;
	bool seen;	/* at least one byte with a known state */
	bool first;	/* state of the first byte */
	bool last;	/* state of the latest byte */
};

/* Device RX state of a flow (ktls_device_rx.c); unused by software RX */
struct ktls_rx_dev {
	/* the NIC decrypting this flow; NULL once released or gone down */
	struct net_device __rcu *netdev;
	/*
	 * TLS 1.3 rekey: records the NIC saw before the new key reached it
	 * may hold bytes it decrypted with the old key. Their keystream is
	 * restored with the old key (@old_aead, @old_iv), the old record
	 * number being @old_sn_base + (new number - @new_sn_base), for
	 * records that start before @old_until (TCP sequence). The NIC gets
	 * the new key once software is past them (@readd, held, under
	 * ktls_device_rx.c's mutex): marks before that are all old-key ones.
	 */
	struct net_device *readd;
	struct crypto_aead *old_aead;
	char *old_iv;
	u64 old_sn_base;
	u64 new_sn_base;
	u32 old_until;
};

struct ktls_rx {
	struct sock *sk;
	struct tls_context *ctx;

	/*
	 * Record parser. @rec_len is the full length (header included) of
	 * the record at the head of the stream once its header has been
	 * seen, else 0. @cur (if not NULL) holds the first @cur_have bytes
	 * of that record, already taken off the TCP queue ("copy mode");
	 * the rest is still in sk_receive_queue. @ready: the whole record
	 * is available (cur_have + tcp_inq() >= rec_len).
	 */
	struct sk_buff *cur;
	u32 cur_have;
	u32 rec_len;
	/*
	 * The first bytes of a header that TCP could not complete: taken
	 * off the queue (copy mode for the header) because the skb holding
	 * them kept the receive window shut. Moved into @cur once the
	 * header is whole.
	 */
	u8 stash[TLS_HEADER_SIZE];
	u8 stash_len;
	bool ready;
	bool stopped;		/* parser stopped: bad header or release */
	/* decrypted state of the bytes of @cur (device RX) */
	struct ktls_rx_dmap dmap;
	bool work_queued;	/* @work holds a socket reference */

	/*
	 * TLS 1.3: the peer sent a padded record, so stop guessing that the
	 * last plaintext byte is the content type (ktls_decrypt.c)
	 */
	bool peer_pads;
	/* a TLS 1.3 KeyUpdate was received; RX waits for new keys */
	bool key_update_pending;
	/* fatal decrypt/parse error returned by every later read */
	int sticky_err;

	/* copies a record out under pressure; retried later on ENOMEM */
	struct delayed_work work;

	struct ktls_rx_dev dev;
};

#define KTLS_RX_PRIV_OFF						\
	ALIGN(sizeof(struct tls_offload_context_rx) +			\
	      TLS_DRIVER_STATE_SIZE_RX, 8)

static inline struct tls_sw_context_rx *ktls_rx_sw(struct tls_context *ctx)
{
	return ctx->priv_ctx_rx;
}

static inline struct ktls_rx *ktls_rx_priv(struct tls_context *ctx)
{
	return (struct ktls_rx *)((u8 *)ctx->priv_ctx_rx + KTLS_RX_PRIV_OFF);
}

/*
 * A complete record handed from the parser to the decrypt step:
 * @in_queue: the record is the first @len bytes of the TCP receive queue
 * (from copied_seq), read in place; else @skb holds it (copy mode, header
 * at offset 0) and belongs to whoever took it (the decrypt step takes it
 * over and clears @skb). Only known in copy mode (rx->dmap): @dev: a
 * device decrypted every byte; @mixed: it decrypted some of them.
 * @seq: TCP sequence of the record's first byte.
 */
struct ktls_rx_rec {
	struct sk_buff *skb;
	u32 len;
	u32 seq;
	bool in_queue;
	bool dev;
	bool mixed;
	/* set by decryption: the sequence wrapped, no record may follow */
	bool last;
};

/* ktls_rx.c: the steps every reader takes (see ktls_rx_skb.c) */
int ktls_rx_reader_acquire(struct sock *sk, struct tls_sw_context_rx *sw,
			   bool nonblock);
void ktls_rx_reader_release(struct sock *sk, struct tls_sw_context_rx *sw);
int ktls_rx_reader_lock(struct sock *sk, struct tls_sw_context_rx *sw,
			bool nonblock);
void ktls_rx_reader_unlock(struct sock *sk, struct tls_sw_context_rx *sw);
int ktls_rx_rec_wait(struct sock *sk, struct ktls_rx *rx, bool nonblock);
int ktls_rx_next_record(struct sock *sk, struct tls_context *ctx,
			struct ktls_rx *rx, struct iov_iter *to,
			size_t room, struct sk_buff **skbp);

/* ktls_rx_rec.c: the TCP receive queue (rxq) and a record's bytes */
u32 ktls_rxq_inq(const struct sock *sk);
int ktls_rxq_eat(struct sock *sk, u32 len);
int ktls_rxq_peek(struct sock *sk, u32 off, u8 *buf, u32 len);
int ktls_rxq_sg(struct sock *sk, u32 off, u32 len, struct scatterlist *sg);
int ktls_rxq_move(struct sock *sk, u32 len, struct sk_buff *dst, u32 doff,
		  struct ktls_rx_dmap *map);
void ktls_rx_dmap_reset(struct ktls_rx_dmap *map);
void ktls_rx_dmap_free(struct ktls_rx_dmap *map);
int ktls_rx_rec_read(struct sock *sk, const struct ktls_rx_rec *rec, u32 off,
		     u8 *buf, u32 len);
/*
 * ktls_rx_cbc.c: decrypt and check a CBC record into a new *@out
 * (described by ktls_rx_msg()); -EBADMSG for a bad MAC or padding.
 */
int ktls_rx_cbc_open(struct sock *sk, struct tls_context *ctx,
		     struct ktls_rx_rec *rec, const u8 *hdr,
		     struct sk_buff **out);
int ktls_rx_rec_sg(struct sock *sk, const struct ktls_rx_rec *rec, u32 off,
		   u32 len, struct scatterlist *sg);

/* ktls_rx.c: recvmsg in tls.ko's stream model (ktls_rx_recvmsg picks it) */
int ktls_rx_stream_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			   int flags);

/* ktls_strp.c */
void ktls_strp_data_ready(struct sock *sk);
void ktls_strp_check(struct ktls_rx *rx);
int ktls_strp_take(struct ktls_rx *rx, struct ktls_rx_rec *rec);
void ktls_strp_consume(struct ktls_rx *rx, const struct ktls_rx_rec *rec);
void ktls_strp_abort(struct ktls_rx *rx, int err);
void ktls_strp_init(struct ktls_rx *rx, struct sock *sk,
		    struct tls_context *ctx);
void ktls_strp_stop(struct ktls_rx *rx);
void ktls_strp_done(struct ktls_rx *rx);

/* ktls_decrypt.c; module exit: free the work areas kept for reuse */
void ktls_dec_cache_drain(void);
int ktls_decrypt_record(struct sock *sk, struct tls_context *ctx,
			struct ktls_rx_rec *rec, struct iov_iter *to,
			size_t room, struct sk_buff **out);
int ktls_decrypt_keystream(struct sock *sk, struct tls_context *ctx,
			   const struct ktls_rx_rec *rec, const u8 *hdr,
			   struct crypto_aead *aead, const char *iv,
			   const char *rec_seq, u8 *buf);

/*
 * ktls_device_rx.c, called by the RX path of a flow with rx_conf TLS_HW.
 * ktls_device_rx_new_rec(): the parser found the header of a record of
 * @rec_len bytes at TCP sequence @seq (sk_data_ready or socket owned),
 * the point where the resync protocols answer the NIC.
 * ktls_device_rx_rec(): a copy-mode record is about to be decrypted
 * (socket owned). Returns 1 if the NIC decrypted and authenticated all
 * of it (skip software crypto), 0 if software must decrypt it (the parts
 * the NIC decrypted were encrypted again), or -errno.
 */
void ktls_device_rx_new_rec(struct ktls_rx *rx, u32 rec_len, u32 seq);
void ktls_device_rx_rekey(struct sock *sk, struct tls_context *ctx,
			  struct crypto_aead *old_aead, char *old_iv,
			  u64 old_sn);
int ktls_device_rx_rec(struct sock *sk, struct tls_context *ctx,
		       const struct ktls_rx_rec *rec, const u8 *hdr);

#endif /* _KTLS_RX_H */
