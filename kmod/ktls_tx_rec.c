// SPDX-License-Identifier: GPL-2.0
/*
 * ktls software TX: building records in place, encrypting them and handing
 * them to TCP. No socket-level policy lives here (see ktls_tx.c); the
 * device path can reuse the record building and push helpers.
 *
 * A record's memory is one sk_msg (socket page frags, charged to the
 * socket) laid out exactly as it goes on the wire:
 *   [header + explicit nonce][plaintext...][TLS 1.3 type][tag]
 * Plaintext that is closed into a record within the same call (a full
 * record, or the end of a send) is not copied: the record references the
 * caller's pages (user pages, or sendpage pages) and the AEAD encrypts
 * from them into the ciphertext area, as tls.ko does for synchronous
 * ciphers. Otherwise (an open MSG_MORE record) the data is copied into the
 * plaintext area and encrypted in place.
 *
 * Callers hold ctx->tx_lock and the socket lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/scatterlist.h>
#include <linux/uio.h>
#include <crypto/aead.h>
#include <net/tcp.h>

#include "ktls_tx.h"

/*
 * The last record freed on each CPU is kept for the next one
 * (ktls_spare.c). A kept record needs no clearing: sk_msg_free()
 * re-initialises @en, the page list is empty, and every other field is
 * written before it is read.
 */
static DEFINE_PER_CPU(struct ktls_spare, ktls_tx_spare);

struct ktls_tx_rec *ktls_tx_rec_alloc(struct sock *sk, struct ktls_tx_ctx *txc,
				      u8 type)
{
	/* a CBC suite has no AEAD (and needs no request context) */
	u16 reqsize = txc->aead ? crypto_aead_reqsize(txc->aead) : 0;
	size_t size = sizeof(struct ktls_tx_rec) + reqsize;
	struct ktls_tx_rec *rec = ktls_spare_get(&ktls_tx_spare, size);

	if (!rec) {
		rec = kzalloc(size, sk->sk_allocation);
		if (!rec)
			return NULL;
		sk_msg_init(&rec->en);
	}
	INIT_LIST_HEAD(&rec->list);
	rec->reqsize = reqsize;
	rec->data_len = 0;
	rec->sent = 0;
	rec->tx_flags = 0;
	rec->type = type;
	return rec;
}

static void rec_put_pl(struct ktls_tx_rec *rec)
{
	while (rec->pl_n)
		put_page(rec->pl[--rec->pl_n].bv_page);
}

/*
 * The AEAD request context (a one-time Poly1305 key, CCM MAC state), the
 * nonce and the AAD of the last record stay in @rec: wipe them before the
 * memory is kept for any socket (ktls_spare.c) or freed, as RX does.
 */
static void rec_wipe(struct ktls_tx_rec *rec)
{
	memzero_explicit(rec->aad, sizeof(rec->aad));
	memzero_explicit(rec->nonce, sizeof(rec->nonce));
	memzero_explicit(rec->trailer, sizeof(rec->trailer));
	memzero_explicit(&rec->req, sizeof(rec->req) + rec->reqsize);
}

void ktls_tx_rec_free(struct sock *sk, struct ktls_tx_rec *rec)
{
	rec_put_pl(rec);
	sk_msg_free(sk, &rec->en);
	rec_wipe(rec);
	ktls_spare_put(&ktls_tx_spare, rec);
}

void ktls_tx_rec_cache_drain(void)
{
	ktls_spare_drain(&ktls_tx_spare);
}

/* Copy @len bytes from @from into @m starting at byte offset @off. */
static int msg_copy_in(struct sk_msg *m, u32 off, struct iov_iter *from,
		       u32 len)
{
	u32 i = m->sg.start;

	while (len) {
		struct scatterlist *sge;
		u32 n;

		if (i == m->sg.end)
			return -EINVAL;
		sge = sk_msg_elem(m, i);
		sk_msg_iter_var_next(i);
		if (off >= sge->length) {
			off -= sge->length;
			continue;
		}
		n = min(len, sge->length - off);
		if (copy_page_from_iter(sg_page(sge), sge->offset + off, n,
					from) != n)
			return -EFAULT;
		len -= n;
		off = 0;
	}
	return 0;
}

int ktls_tx_msg_write(struct sk_msg *m, u32 off, const void *buf, u32 len)
{
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = len };
	struct iov_iter it;

	iov_iter_kvec(&it, ITER_SOURCE, &kv, 1, len);
	return msg_copy_in(m, off, &it, len);
}

/*
 * Reference up to @len bytes of @from instead of copying them: the pages
 * of a sendpage bvec, or the caller's user pages (taken with
 * get_user_pages_fast, read-only). Returns the bytes referenced, which is
 * less than @len when the record has no slot left or a page cannot be
 * taken; the caller copies the rest. A record that already holds copied
 * data takes no references (it is all referenced or all copied).
 */
static size_t rec_ref_in(struct ktls_tx_rec *rec, struct iov_iter *from,
			 size_t len)
{
	size_t done = 0;

	if (!rec->pl_n && rec->data_len)
		return 0;
	while (done < len && rec->pl_n < KTLS_TX_PL_MAX) {
		struct page *pages[KTLS_TX_PL_MAX];
		size_t start;
		ssize_t n;
		int i;

		n = iov_iter_get_pages2(from, pages, len - done,
					KTLS_TX_PL_MAX - rec->pl_n, &start);
		if (n <= 0)
			break;
		done += n;
		for (i = 0; n; i++) {
			u32 chunk = min_t(size_t, n, PAGE_SIZE - start);

			rec->pl[rec->pl_n++] = (struct bio_vec) {
				.bv_page = pages[i],
				.bv_offset = start,
				.bv_len = chunk,
			};
			n -= chunk;
			start = 0;
		}
	}
	return done;
}

/* Turn a referencing record into a copied one (mixed sources). */
static int rec_copy_pl(struct ktls_tx_rec *rec, u32 prepend)
{
	u32 off = prepend;
	struct iov_iter it;
	int i, rc;

	for (i = 0; i < rec->pl_n; i++) {
		iov_iter_bvec(&it, ITER_SOURCE, &rec->pl[i], 1,
			      rec->pl[i].bv_len);
		rc = msg_copy_in(&rec->en, off, &it, rec->pl[i].bv_len);
		if (rc)
			return rc;
		off += rec->pl[i].bv_len;
	}
	rec_put_pl(rec);
	return 0;
}

/*
 * Append up to @len bytes of @from to the open record @rec. @by_ref: the
 * bytes may be referenced rather than copied (see rec_ref_in; the caller
 * guarantees the pages stay valid until the record is encrypted). Returns
 * the number of bytes appended (less than @len when the record ran out of
 * sk_msg slots: it is then full), or -ENOMEM (nothing changed, wait for
 * memory), or -EFAULT.
 */
int ktls_tx_rec_append(struct sock *sk, struct tls_context *ctx,
		       struct ktls_tx_rec *rec, struct iov_iter *from,
		       size_t len, bool by_ref)
{
	const struct tls_prot_info *prot = &ctx->prot_info;
	u32 base = prot->overhead_size + rec->data_len;
	size_t done = 0;
	int rc;

	/* room for the ciphertext, which is always built in @en */
	rc = sk_msg_alloc(sk, &rec->en, base + len, 0);
	if (rc == -ENOSPC) {
		/* out of slots: keep what fits, the record is then full */
		if (rec->en.sg.size < base)
			return -ENOMEM;	/* cannot even hold the overhead */
		len = rec->en.sg.size - base;
		if (!len)
			return 0;
	} else if (rc) {
		return rc;
	}

	if (by_ref) {
		done = rec_ref_in(rec, from, len);
		rec->data_len += done;
		if (done == len)
			return len;
	}
	/* copy the rest; references taken so far become copies too */
	rc = rec->pl_n ? rec_copy_pl(rec, prot->prepend_size) : 0;
	if (!rc)
		rc = msg_copy_in(&rec->en, prot->prepend_size + rec->data_len,
				 from, len - done);
	if (rc) {
		sk_msg_trim(sk, &rec->en, prot->overhead_size + rec->data_len);
		return done ? done : rc;
	}
	rec->data_len += len - done;
	return len;
}

void ktls_tx_rec_build_sg(const struct tls_prot_info *prot,
			  struct ktls_tx_rec *rec, u32 len)
{
	u32 off = prot->prepend_size;
	struct sk_msg *m = &rec->en;
	u32 i = m->sg.start;
	int n = 1;

	sg_init_table(rec->sg, ARRAY_SIZE(rec->sg));
	sg_set_buf(&rec->sg[0], rec->aad, prot->aad_size);
	while (len && i != m->sg.end) {
		struct scatterlist *sge = sk_msg_elem(m, i);
		u32 chunk;

		sk_msg_iter_var_next(i);
		if (off >= sge->length) {
			off -= sge->length;
			continue;
		}
		chunk = min(len, sge->length - off);
		sg_set_page(&rec->sg[n++], sg_page(sge), chunk,
			    sge->offset + off);
		len -= chunk;
		off = 0;
	}
	sg_mark_end(&rec->sg[n - 1]);
}

struct scatterlist *ktls_tx_rec_build_pl_sg(const struct tls_prot_info *prot,
					    struct ktls_tx_rec *rec,
					    void *tail, u32 tail_len)
{
	struct scatterlist *sg = rec->sg_pl;
	int i, n = 1;

	sg_init_table(sg, ARRAY_SIZE(rec->sg_pl));
	sg_set_buf(&sg[0], rec->aad, prot->aad_size);
	for (i = 0; i < rec->pl_n; i++)
		sg_set_page(&sg[n++], rec->pl[i].bv_page, rec->pl[i].bv_len,
			    rec->pl[i].bv_offset);
	if (tail_len)
		sg_set_buf(&sg[n++], tail, tail_len);
	sg_mark_end(&sg[n - 1]);
	return sg;
}

static int rec_encrypt(struct sock *sk, struct tls_context *ctx,
		       struct ktls_tx_rec *rec)
{
	const struct tls_prot_info *prot = &ctx->prot_info;
	u8 hdr[TLS_HEADER_SIZE + KTLS_NONCE_BUF_SIZE];
	DECLARE_CRYPTO_WAIT(wait);
	int rc;

	if (ktls_prot_is_cbc(prot)) {
		rc = ktls_tx_cbc_seal(sk, ctx, rec);
		rec_put_pl(rec);
		return rc;
	}
	ktls_build_nonce(prot, ctx->tx.iv, ctx->tx.rec_seq, rec->nonce);
	ktls_build_aad(prot, rec->aad, rec->data_len, rec->type,
		       ctx->tx.rec_seq);
	ktls_build_header(prot, hdr, rec->data_len, rec->type, rec->nonce);

	rc = ktls_tx_msg_write(&rec->en, 0, hdr, prot->prepend_size);
	if (!rc && prot->tail_size)
		rc = ktls_tx_msg_write(&rec->en,
				       prot->prepend_size + rec->data_len,
				       &rec->type, 1);
	if (rc)
		return rc;

	ktls_tx_rec_build_sg(prot, rec, rec->data_len + prot->tail_size +
			     prot->tag_size);
	aead_request_set_tfm(&rec->req, ktls_txc(ctx)->aead);
	/*
	 * No CRYPTO_TFM_REQ_MAY_SLEEP (tls.ko sets none either): with it the
	 * skcipher walk of template AEADs (rfc7539 ChaCha20-Poly1305) calls
	 * cond_resched() after every page of the record, while we hold the
	 * socket lock. Measured: ChaCha TX and sendfile 2-3 % faster without.
	 */
	aead_request_set_callback(&rec->req, CRYPTO_TFM_REQ_MAY_BACKLOG,
				  crypto_req_done, &wait);
	aead_request_set_ad(&rec->req, prot->aad_size);
	aead_request_set_crypt(&rec->req, rec->pl_n ?
			       ktls_tx_rec_build_pl_sg(prot, rec, &rec->type,
						       prot->tail_size) :
			       rec->sg, rec->sg,
			       rec->data_len + prot->tail_size, rec->nonce);
	/* async implementations: wait here, nothing stays in flight */
	rc = crypto_wait_req(crypto_aead_encrypt(&rec->req), &wait);
	/* the ciphertext is in @en: the caller's pages are not needed */
	rec_put_pl(rec);
	return rc;
}

/*
 * Close the open record: encrypt it with the current key, advance the
 * sequence and queue it on tx_list (not pushed). An empty open record is
 * simply dropped. Errors are fatal for the socket (ktls_err_abort).
 */
int ktls_tx_close_rec(struct sock *sk, struct tls_context *ctx, int flags)
{
	struct ktls_tx_ctx *txc = ktls_txc(ctx);
	struct ktls_tx_rec *rec = txc->open_rec;
	int rc;

	lockdep_assert_held(&ctx->tx_lock);
	sock_owned_by_me(sk);
	if (!rec)
		return 0;
	WRITE_ONCE(txc->open_rec, NULL);
	if (!rec->data_len) {
		ktls_tx_rec_free(sk, rec);
		return 0;
	}
	/* the data stays unsent: the socket has no usable sequence left */
	if (txc->seq_exhausted) {
		ktls_tx_rec_free(sk, rec);
		ktls_err_abort(sk, -EBADMSG);
		return -EBADMSG;
	}

	rec->tx_flags = flags;
	rc = rec_encrypt(sk, ctx, rec);
	if (rc) {
		ktls_tx_rec_free(sk, rec);
		ktls_err_abort(sk, rc);
		return rc;
	}
	list_add_tail(&rec->list, &txc->tx_list);
	ktls_count_rec(ctx, KTLS_COUNT_TX, rec->data_len);

	/* a sequence number must never be reused with the same key */
	if (ktls_cipher_ctx_advance(&ctx->prot_info, &ctx->tx)) {
		txc->seq_exhausted = true;
		ktls_err_abort(sk, -EBADMSG);
		return -EBADMSG;
	}
	return 0;
}

/* Hand the unsent part of @rec to TCP. 0 when all of it was taken. */
static int push_rec(struct sock *sk, struct tls_context *ctx,
		    struct ktls_tx_rec *rec, int flags)
{
	struct sk_msg *m = &rec->en;
	u32 total = m->sg.size;
	int rc = 0;

	flags &= MSG_MORE | MSG_DONTWAIT | MSG_NOSIGNAL;
	/* TCP may wait for memory: sk_write_space must not re-enter TX */
	ktls_ctx_set_in_tcp_send(ctx, true);
	while (rec->sent < total) {
		struct scatterlist *sge = NULL;
		u32 off = rec->sent, i = m->sg.start;
		ssize_t ret;
		u32 n;

		while (i != m->sg.end) {
			sge = sk_msg_elem(m, i);
			if (off < sge->length)
				break;
			off -= sge->length;
			sk_msg_iter_var_next(i);
		}
		if (i == m->sg.end) {
			rc = -EINVAL;
			break;
		}
		n = sge->length - off;

		tcp_rate_check_app_limited(sk);
		ret = ktls_tcp_send_page(sk, sg_page(sge), sge->offset + off, n,
					 flags, rec->sent + n != total);
		if (ret <= 0) {
			rc = ret ? ret : -EAGAIN;
			break;
		}
		rec->sent += ret;
	}
	ktls_ctx_set_in_tcp_send(ctx, false);
	return rc;
}

/*
 * Push closed records in order. @flags < 0: use each record's own flags.
 * Returns 0 when tx_list is empty, else the error that stopped it; errors
 * other than "try again later" are fatal for the socket.
 */
int ktls_tx_push(struct sock *sk, struct tls_context *ctx, int flags)
{
	struct ktls_tx_ctx *txc = ktls_txc(ctx);
	struct ktls_tx_rec *rec;
	int rc = 0;

	lockdep_assert_held(&ctx->tx_lock);
	sock_owned_by_me(sk);
	while (!list_empty(&txc->tx_list)) {
		rec = list_first_entry(&txc->tx_list, struct ktls_tx_rec, list);
		rc = push_rec(sk, ctx, rec, flags < 0 ? rec->tx_flags : flags);
		if (rc)
			break;
		list_del(&rec->list);
		ktls_tx_rec_free(sk, rec);
	}
	if (rc < 0 && rc != -EAGAIN && rc != -EINTR && rc != -ERESTARTSYS)
		ktls_err_abort(sk, rc);
	return rc;
}

int ktls_tx_cmsg_record_type(struct sock *sk, struct tls_context *ctx,
			     struct msghdr *msg, u8 *type,
			     int (*close)(struct sock *sk,
					  struct tls_context *ctx, int flags))
{
	struct cmsghdr *cmsg;
	int rc = -EINVAL;

	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return -EINVAL;
		if (cmsg->cmsg_level != SOL_TLS)
			continue;
		if (cmsg->cmsg_type != TLS_SET_RECORD_TYPE)
			return -EINVAL;
		if (cmsg->cmsg_len < CMSG_LEN(sizeof(*type)))
			return -EINVAL;
		if (msg->msg_flags & MSG_MORE)
			return -EINVAL;
		*type = *(u8 *)CMSG_DATA(cmsg);
		rc = close(sk, ctx, msg->msg_flags);
	}
	return rc;
}
