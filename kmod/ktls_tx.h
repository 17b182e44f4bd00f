/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls software TX: private structures shared by ktls_tx.c (socket entry
 * points, setup, rekey, teardown) and ktls_tx_rec.c (record building,
 * encryption, transmission).
 *
 * Record life cycle:
 *   open (txc->open_rec, plaintext being appended in place, or
 *         referenced in the caller's pages: @pl, for sendfile/splice, and
 *         for user memory of a record that closes within the call)
 *   -> closed: header/type written, encrypted (in place, or out of place
 *      from @pl), rec_seq advanced, appended to txc->tx_list
 *   -> pushed to TCP page by page (rec->sent tracks partial progress)
 *   -> freed once TCP took every byte (TCP holds its own page references).
 *
 * Locking: everything below is touched only with ctx->tx_lock AND the
 * socket lock held, except txc->flags (atomic bitops, used by
 * sk_write_space in softirq context to schedule txc->work).
 *
 * Encryption is synchronous from the caller's point of view: an
 * asynchronous AEAD (-EINPROGRESS/-EBUSY) is waited for with a crypto_wait
 * before the record is queued, so no crypto request is ever outstanding
 * when a call returns. That keeps close and rekey simple: records already
 * closed are always fully encrypted with the key that was current then.
 */
#ifndef _KTLS_TX_H
#define _KTLS_TX_H

#include <linux/bvec.h>

#include "ktls.h"

/*
 * Most page references one record holds before its plaintext is copied
 * after all: a 16 KiB record spliced from the page cache needs 4 or 5.
 */
#define KTLS_TX_PL_MAX		8

struct ktls_tx_rec {
	struct list_head list;
	/* header | plaintext -> ciphertext | [TLS 1.3 type] | tag */
	struct sk_msg en;
	/*
	 * sendpage pages, or user pages of a record closed within the
	 * call: the plaintext is not copied into @en but referenced (page
	 * reference held) until the record is encrypted out of place into
	 * @en. A record is all referenced (@pl_n > 0) or all copied.
	 */
	struct bio_vec pl[KTLS_TX_PL_MAX];
	u8 pl_n;
	u32 data_len;		/* plaintext bytes in the record */
	u32 sent;		/* bytes of en already handed to TCP */
	int tx_flags;		/* MSG_* used when pushing this record */
	u8 type;		/* TLS content type */
	u16 reqsize;		/* of the AEAD request context after @req */
	u8 aad[KTLS_AAD_BUF_SIZE];
	u8 nonce[KTLS_NONCE_BUF_SIZE];
	/* CBC: the MAC and padding, the source of a referencing record's */
	u8 trailer[KTLS_CBC_TRAILER_MAX];
	/* aad + the en data region; one extra entry as end guard */
	struct scatterlist sg[MAX_MSG_FRAGS + 2];
	/* aad + @pl + TLS 1.3 type: the source of an out-of-place record */
	struct scatterlist sg_pl[KTLS_TX_PL_MAX + 2];
	/* must be last: the tfm's request context follows it */
	struct aead_request req;
};

/* txc->flags bits */
#define KTLS_TX_SCHEDULED	0	/* work queued to push tx_list */
#define KTLS_TX_CLOSING		1	/* socket closing: no new work */

struct ktls_tx_ctx {
	struct crypto_aead *aead;
	/*
	 * Written with WRITE_ONCE: splice_eof looks at it without locks to
	 * skip the locking when there is nothing to close (never through it).
	 */
	struct ktls_tx_rec *open_rec;
	/*
	 * The record sequence wrapped: no record may be encrypted with this
	 * key again (it would reuse a nonce), whatever happens to sk_err.
	 * Cleared by a TLS 1.3 rekey.
	 */
	bool seq_exhausted;
	struct list_head tx_list;	/* closed records, in sequence order */
	struct delayed_work work;
	struct sock *sk;
	unsigned long flags;
};

static inline struct ktls_tx_ctx *ktls_txc(const struct tls_context *ctx)
{
	return ctx->priv_ctx_tx;
}

/* ktls_tx.c: the send path under tx_lock and the socket lock */
int ktls_tx_send_iter(struct sock *sk, struct iov_iter *from, u8 type,
		      bool eor, bool by_ref, int flags);

/* ktls_tx_rec.c */
struct ktls_tx_rec *ktls_tx_rec_alloc(struct sock *sk, struct ktls_tx_ctx *txc,
				      u8 type);
void ktls_tx_rec_free(struct sock *sk, struct ktls_tx_rec *rec);
int ktls_tx_rec_append(struct sock *sk, struct tls_context *ctx,
		       struct ktls_tx_rec *rec, struct iov_iter *from,
		       size_t len, bool by_ref);
int ktls_tx_close_rec(struct sock *sk, struct tls_context *ctx, int flags);
/* write @len bytes of @buf into @m at byte @off (its memory is there) */
int ktls_tx_msg_write(struct sk_msg *m, u32 off, const void *buf, u32 len);
/*
 * rec->sg_pl, the source of a referencing record: the AAD, the caller's
 * pages, then @tail_len bytes at @tail (TLS 1.3's type, CBC's trailer)
 */
struct scatterlist *ktls_tx_rec_build_pl_sg(const struct tls_prot_info *prot,
					    struct ktls_tx_rec *rec,
					    void *tail, u32 tail_len);
/* rec->sg: the AAD, then @len bytes of rec->en after the header */
void ktls_tx_rec_build_sg(const struct tls_prot_info *prot,
			  struct ktls_tx_rec *rec, u32 len);

/* ktls_tx_cbc.c: MAC, pad and encrypt a closed CBC record */
int ktls_tx_cbc_seal(struct sock *sk, struct tls_context *ctx,
		     struct ktls_tx_rec *rec);
int ktls_tx_push(struct sock *sk, struct tls_context *ctx, int flags);
/* module exit: free the records kept for reuse */
void ktls_tx_rec_cache_drain(void);

#endif /* _KTLS_TX_H */
