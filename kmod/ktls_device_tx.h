/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls device TX: private structures of ktls_device_tx.c (setup, rekey,
 * resync, teardown) and ktls_device_tx_send.c (framing records, pushing
 * them to TCP).
 *
 * The driver contract (include/net/tls.h, tls-offload.rst): ctx->priv_ctx_tx
 * is a struct tls_offload_context_tx with the driver's state after it.
 * Its records_list holds, in TCP sequence order, every record handed to TCP
 * and not yet ACKed, each a struct tls_record_info whose page frags hold
 * the record as it goes on the wire except that the payload is plaintext
 * and the tag is a placeholder: [header][plaintext][1.3 type][tag]. The
 * first entry is a zero-length start marker ending where offload began.
 * Drivers look records up with tls_get_record() under ctx->lock;
 * clean_acked (TCP's ACK processing) frees them under the same lock.
 *
 * A record is listed (end_seq fixed from tp->write_seq) only when the one
 * before it was taken by TCP entirely, so that end_seq is exact; the record
 * TCP has not taken all of yet is @push_rec.
 *
 * Locking: like software TX, ctx->tx_lock then the socket lock for
 * everything here, except @flags (atomic bits, sk_write_space) and the
 * records list and @keys, also under ctx->lock (spinlock, irqsave).
 */
#ifndef _KTLS_DEVICE_TX_H
#define _KTLS_DEVICE_TX_H

#include "ktls.h"
#include "ktls_abi.h"

/* key slots a device flow starts with; the table doubles when full */
#define KTLS_DTX_KEYS		4

/* dtx->flags bits */
#define KTLS_DTX_SCHEDULED	0	/* work queued to push */
#define KTLS_DTX_CLOSING	1	/* socket closing: no new work */

struct ktls_dtx {
	struct sock *sk;
	struct work_struct work;	/* pushes @push_rec on write space */
	unsigned long flags;
	/* listed, partly handed to TCP: @push_off bytes taken */
	struct tls_record_info *push_rec;
	u32 push_off;
	int push_flags;
	u8 open_type;		/* content type of the open record */
	/* tls_get_record()'s number of the next record to be listed */
	u64 next_sn;
	/* the record sequence wrapped: no record may use this key again */
	bool seq_exhausted;
	/*
	 * keys[0..cur], oldest first: keys[cur] is the current key, the
	 * others are kept while records framed under them are not ACKed.
	 * @nkeys slots; replaced (grown) under the offload context's lock.
	 */
	struct ktls_fb_key *keys;
	int cur;
	int nkeys;
};

static inline struct ktls_dtx *ktls_dtx(const struct tls_context *ctx)
{
	return ktls_ctx((struct tls_context *)ctx)->dtx;
}

static inline struct tls_offload_context_tx *
ktls_octx(const struct tls_context *ctx)
{
	return ctx->priv_ctx_tx;
}

/* ktls_device_tx_send.c */
int ktls_dtx_send(struct sock *sk, struct iov_iter *from, u8 type, bool eor,
		  bool zc, int flags);
int ktls_dtx_close_open(struct sock *sk, struct tls_context *ctx, int flags);
int ktls_dtx_push_pending(struct sock *sk, struct tls_context *ctx,
			  int flags);
void ktls_dtx_destroy_record(struct tls_record_info *rec);
void ktls_dtx_work(struct work_struct *work);

#endif /* _KTLS_DEVICE_TX_H */
