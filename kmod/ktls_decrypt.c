// SPDX-License-Identifier: GPL-2.0
/*
 * ktls RX: decryption of one complete record.
 *
 * The ciphertext is read where it lies: in the skbs of the TCP receive
 * queue, or in the parser's own skb in copy mode (see ktls_strp.c). The
 * plaintext goes, in order of preference:
 *  - straight into the reader's buffer ("zero-copy"), when the reader is
 *    not peeking, reads into user memory, has room for the whole record,
 *    and the record is application data. TLS 1.2 headers say so. TLS 1.3
 *    hides the type at the end of the plaintext, after optional padding:
 *    ktls guesses "data, no padding" (the content type byte goes to a
 *    scratch buffer), and on a wrong guess wipes what it wrote and
 *    decrypts the record again the other way. tls.ko guesses only when the
 *    application set TLS_RX_EXPECT_NO_PAD; ktls also guesses without it
 *    until the peer sends its first padded record, so common peers (which
 *    never pad) get zero-copy TLS 1.3 receive without asking;
 *  - otherwise into an skb (new pages, or in place in the copy-mode skb)
 *    that recvmsg copies from and may park on rx_list.
 *
 * Forged records: an AEAD only learns that a tag is wrong after it has
 * written the plaintext. tls.ko returns EBADMSG leaving that plaintext in
 * the reader's buffer; ktls wipes it first, so the caller's buffer never
 * holds plaintext of a record that failed authentication (another thread
 * reading the buffer during the recvmsg call can still see it, as with
 * any in-flight read).
 *
 * The AEAD call is synchronous (crypto_wait_req()): async-capable
 * algorithms may complete from another context, we just wait for them.
 *
 * Called with the socket owned.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <crypto/aead.h>

#include "ktls_rx.h"

/*
 * Most user pages one zero-copy record may land in: a maximal record
 * (16 KiB + 256) needs 6 pages when its buffer is contiguous; a buffer
 * split in many small iovecs is copied instead.
 */
#define KTLS_ZC_MAX_PAGES	16

/* TLS 1.3 content type byte of a zero-copy record (never in user memory) */
#define KTLS_TAIL_BUF_SIZE	8

/* Per-record work area: AEAD request, scatterlists, AAD, nonce, pages. */
struct ktls_dec {
	struct aead_request *req;
	size_t reqsize;			/* request + its context, aligned */
	struct scatterlist *src;	/* aad + ciphertext with tag */
	struct scatterlist *dst;	/* aad + plaintext */
	struct page **pages;		/* pinned user pages (zero-copy) */
	u8 *aad;
	u8 *nonce;
	u8 *tail;
};

/* The work area of the last record decrypted on each CPU (ktls_spare.c) */
static DEFINE_PER_CPU(struct ktls_spare, ktls_dec_spare);

static int ktls_dec_alloc(struct sock *sk, struct crypto_aead *aead,
			  struct ktls_dec *d, int nsrc, int ndst, int npages)
{
	size_t reqsize = ALIGN(sizeof(*d->req) + crypto_aead_reqsize(aead),
			       __alignof__(struct scatterlist));
	size_t size = reqsize + (nsrc + ndst) * sizeof(struct scatterlist) +
		      npages * sizeof(struct page *) + KTLS_AAD_BUF_SIZE +
		      KTLS_NONCE_BUF_SIZE + KTLS_TAIL_BUF_SIZE;
	void *mem = ktls_spare_get(&ktls_dec_spare, size);

	if (!mem) {
		mem = kmalloc(size, sk->sk_allocation);
		if (!mem)
			return -ENOMEM;
	}
	d->req = mem;
	d->reqsize = reqsize;
	d->src = mem + reqsize;
	d->dst = d->src + nsrc;
	d->pages = (struct page **)(d->dst + ndst);
	d->aad = (u8 *)(d->pages + npages);
	d->nonce = d->aad + KTLS_AAD_BUF_SIZE;
	d->tail = d->nonce + KTLS_NONCE_BUF_SIZE;
	return 0;
}

/*
 * The request context may hold cipher state (a one-time Poly1305 key):
 * clear it before the area is kept or freed.
 */
static void ktls_dec_free(struct ktls_dec *d)
{
	memzero_explicit(d->req, d->reqsize);
	ktls_spare_put(&ktls_dec_spare, d->req);
}

void ktls_dec_cache_drain(void)
{
	ktls_spare_drain(&ktls_dec_spare);
}

/*
 * Allocate the work area for @rec (@ndst destination entries, @npages
 * user pages) and fill in what every way of decrypting shares: nonce,
 * AAD, the source scatterlist (the AAD, then the ciphertext and tag) and,
 * if @ndst, the destination table with its AAD entry. On error nothing is
 * left allocated.
 */
static int ktls_dec_setup(struct sock *sk, struct tls_context *ctx,
			  const struct ktls_rx_rec *rec, const u8 *hdr,
			  struct ktls_dec *d, int ndst, int npages)
{
	struct tls_prot_info *prot = &ctx->prot_info;
	u32 cipher_len = rec->len - prot->prepend_size;
	u32 plain_len = cipher_len - prot->tag_size;
	int nsrc, n, err;

	nsrc = ktls_rx_rec_sg(sk, rec, prot->prepend_size, cipher_len, NULL);
	if (nsrc < 0)
		return nsrc;
	nsrc++;
	err = ktls_dec_alloc(sk, ktls_rx_sw(ctx)->aead_recv, d, nsrc, ndst,
			     npages);
	if (err)
		return err;

	ktls_build_nonce(prot, ctx->rx.iv, ctx->rx.rec_seq, d->nonce);
	if (ktls_has_explicit_nonce(prot)) {
		err = ktls_rx_rec_read(sk, rec, TLS_HEADER_SIZE,
				       ktls_nonce_explicit(prot, d->nonce),
				       prot->iv_size);
		if (err)
			goto fail;
	}
	if (prot->version == TLS_1_3_VERSION) {
		ktls_build_aad(prot, d->aad, plain_len - prot->tail_size, 0,
			       NULL);
		/*
		 * RFC 8446 5.2: the AAD is the record header as received.
		 * tls.ko puts 23 there whatever the header says, so a
		 * record whose outer type was changed on the way still
		 * authenticates; with the received byte it does not.
		 */
		d->aad[0] = hdr[0];
	} else {
		ktls_build_aad(prot, d->aad, plain_len, hdr[0],
			       ctx->rx.rec_seq);
	}

	sg_init_table(d->src, nsrc);
	sg_set_buf(&d->src[0], d->aad, prot->aad_size);
	n = ktls_rx_rec_sg(sk, rec, prot->prepend_size, cipher_len, &d->src[1]);
	if (n < 0) {
		err = n;
		goto fail;
	}
	sg_mark_end(&d->src[n]);

	if (ndst) {
		sg_init_table(d->dst, ndst);
		sg_set_buf(&d->dst[0], d->aad, prot->aad_size);
	}
	return 0;
fail:
	ktls_dec_free(d);
	return err;
}

static int ktls_dec_run(struct tls_context *ctx, struct ktls_dec *d,
			struct scatterlist *dst, u32 cipher_len)
{
	DECLARE_CRYPTO_WAIT(wait);

	aead_request_set_tfm(d->req, ktls_rx_sw(ctx)->aead_recv);
	aead_request_set_ad(d->req, ctx->prot_info.aad_size);
	aead_request_set_crypt(d->req, d->src, dst, cipher_len, d->nonce);
	aead_request_set_callback(d->req, CRYPTO_TFM_REQ_MAY_BACKLOG,
				  crypto_req_done, &wait);
	return crypto_wait_req(crypto_aead_decrypt(d->req), &wait);
}

/*
 * Decrypt @rec into @skb (NULL: in place in rec->skb, copy mode). The
 * plaintext starts at offset 0 of a new @skb, at prepend_size in place.
 */
static int ktls_decrypt_to_skb(struct sock *sk, struct tls_context *ctx,
			       const struct ktls_rx_rec *rec, const u8 *hdr,
			       struct sk_buff *skb)
{
	struct tls_prot_info *prot = &ctx->prot_info;
	u32 cipher_len = rec->len - prot->prepend_size;
	int n, err;
	struct ktls_dec d;

	err = ktls_dec_setup(sk, ctx, rec, hdr, &d,
			     skb ? skb_shinfo(skb)->nr_frags + 1 : 0, 0);
	if (err)
		return err;
	if (skb) {
		n = skb_to_sgvec_nomark(skb, &d.dst[1], 0,
					cipher_len - prot->tag_size);
		if (n < 0) {
			err = n;
			goto out;
		}
		sg_mark_end(&d.dst[n]);
	}
	err = ktls_dec_run(ctx, &d, skb ? d.dst : d.src, cipher_len);
out:
	ktls_dec_free(&d);
	return err;
}

/* Could @rec go straight to the reader's buffer @to (room @room)? */
static bool ktls_zc_ok(struct tls_context *ctx, const u8 *hdr, u32 data_len,
		       struct iov_iter *to, size_t room)
{
	struct tls_prot_info *prot = &ctx->prot_info;

	if (!to || !data_len || data_len > room ||
	    data_len > iov_iter_count(to))
		return false;
	if (prot->version == TLS_1_3_VERSION)
		return ctx->rx_no_pad || !ktls_rx_priv(ctx)->peer_pads;
	return hdr[0] == KTLS_RECORD_TYPE_DATA;
}

/* Zero what the AEAD wrote to the user pages d->dst[1..@n]. */
static void ktls_zc_wipe(struct ktls_dec *d, int n)
{
	int i;

	for (i = 1; i <= n; i++)
		memzero_page(sg_page(&d->dst[i]), d->dst[i].offset,
			     d->dst[i].length);
}

/*
 * Pin the user pages behind the first @len bytes of @to (advancing it)
 * into d->pages and d->dst[1...]. Returns the entries used or -errno;
 * *@np pages and *@bytes bytes are pinned either way.
 */
static int ktls_zc_pin(struct iov_iter *to, u32 len, struct ktls_dec *d,
		       int npages, int *np, size_t *bytes)
{
	while (len) {
		size_t start;
		ssize_t got = iov_iter_get_pages2(to, d->pages + *np, len,
						  npages - *np, &start);

		if (got <= 0)
			return got ? got : -EFAULT;
		len -= got;
		*bytes += got;
		while (got) {
			u32 chunk = min_t(size_t, got, PAGE_SIZE - start);

			sg_set_page(&d->dst[1 + *np], d->pages[*np], chunk,
				    start);
			(*np)++;
			got -= chunk;
			start = 0;
		}
	}
	return *np;
}

/*
 * Zero-copy: decrypt @rec straight into the reader's buffer. Returns the
 * bytes placed there (the iterator advanced), 0 when the record must take
 * the skb path instead (nothing placed, iterator unchanged), or -errno
 * (-EBADMSG: forged; the buffer was wiped).
 */
static int ktls_decrypt_zc(struct sock *sk, struct tls_context *ctx,
			   const struct ktls_rx_rec *rec, const u8 *hdr,
			   struct iov_iter *to, u32 data_len)
{
	struct tls_prot_info *prot = &ctx->prot_info;
	u32 cipher_len = rec->len - prot->prepend_size;
	int npages, np, pinned = 0, i, err;
	bool wrote = false;
	size_t bytes = 0;
	struct ktls_dec d;
	u8 type;

	npages = iov_iter_npages_cap(to, KTLS_ZC_MAX_PAGES + 1, data_len);
	if (npages > KTLS_ZC_MAX_PAGES)
		return 0;
	/* destination: aad, pages, TLS 1.3 content type */
	err = ktls_dec_setup(sk, ctx, rec, hdr, &d, npages + 2, npages);
	if (err)
		return err;

	np = ktls_zc_pin(to, data_len, &d, npages, &pinned, &bytes);
	if (np < 0) {
		/* unreadable buffer: the copy path reports it (EFAULT) */
		err = 0;
		goto unpin;
	}
	if (prot->tail_size) {
		sg_set_buf(&d.dst[1 + np], d.tail, prot->tail_size);
		np++;
	}
	sg_mark_end(&d.dst[np]);

	err = ktls_dec_run(ctx, &d, d.dst, cipher_len);
	wrote = true;
	if (err == -EBADMSG)
		ktls_zc_wipe(&d, np);
	if (err)
		goto unpin;

	if (prot->version == TLS_1_3_VERSION) {
		/* the guess: no padding, and the last byte says "data" */
		type = d.tail[0];
		if (type != KTLS_RECORD_TYPE_DATA) {
			/* not for this reader (yet): leave nothing behind */
			ktls_zc_wipe(&d, np);
			if (!type) {
				ktls_rx_priv(ctx)->peer_pads = true;
				if (ctx->rx_no_pad)
					KTLS_INC_STATS(sock_net(sk),
						       KTLS_MIB_RXNOPADVIOL);
			}
			KTLS_INC_STATS(sock_net(sk), KTLS_MIB_DECRYPTRETRY);
			err = 0;
			goto unpin;
		}
	}
	err = data_len;
	goto put;

unpin:
	iov_iter_revert(to, bytes);
put:
	for (i = 0; i < pinned; i++) {
		/*
		 * Written through the kernel mapping: tell the page cache and
		 * reclaim (a clean swap-cache or file page would otherwise be
		 * dropped with our bytes), as direct I/O does.
		 */
		if (wrote)
			set_page_dirty_lock(d.pages[i]);
		put_page(d.pages[i]);
	}
	ktls_dec_free(&d);
	return err;
}

/*
 * TLS 1.3: the plaintext is content || type || zeros. Find the last
 * non-zero byte of [start, end); return its offset or -EBADMSG.
 */
static int ktls_find_inner_type(struct sk_buff *skb, u32 start, u32 end,
				u8 *type)
{
	u8 buf[64];
	u32 pos = end;

	while (pos > start) {
		u32 n = min_t(u32, pos - start, sizeof(buf));
		int i;

		if (skb_copy_bits(skb, pos - n, buf, n))
			return -EBADMSG;
		for (i = n - 1; i >= 0; i--) {
			if (buf[i]) {
				*type = buf[i];
				return pos - n + i;
			}
		}
		pos -= n;
	}
	return -EBADMSG;
}

/*
 * Device RX: did a NIC already decrypt (and authenticate) every byte of
 * this copy-mode record? 1: skip software crypto; 0: decrypt in software
 * (bytes the NIC decrypted were encrypted again); -errno. Records read in
 * place never have marks (device flows always take the copy path).
 */
static int ktls_rx_rec_device_decrypted(struct sock *sk,
					struct tls_context *ctx,
					const struct ktls_rx_rec *rec,
					const u8 *hdr)
{
	if (ctx->rx_conf != TLS_HW || !rec->skb)
		return 0;
	return ktls_device_rx_rec(sk, ctx, rec, hdr);
}

/*
 * Run the AEAD over @buf, a copy of the record's ciphertext and tag
 * (rec->len - prepend_size bytes), in place, with @aead, the IV @iv and
 * record number @rec_seq. For the counter-mode ciphers a NIC offloads
 * (AES-GCM) this XORs the record's keystream into @buf: ciphertext turns
 * into clear text and, what the device path wants, bytes a NIC decrypted
 * turn back into ciphertext. The tag does not match a record that is
 * part clear text, which is expected here and not an error.
 */
int ktls_decrypt_keystream(struct sock *sk, struct tls_context *ctx,
			   const struct ktls_rx_rec *rec, const u8 *hdr,
			   struct crypto_aead *aead, const char *iv,
			   const char *rec_seq, u8 *buf)
{
	struct tls_prot_info *prot = &ctx->prot_info;
	u32 cipher_len = rec->len - prot->prepend_size;
	DECLARE_CRYPTO_WAIT(wait);
	struct scatterlist sg[2];
	struct ktls_dec d;
	int err;

	err = ktls_dec_alloc(sk, aead, &d, 0, 0, 0);
	if (err)
		return err;
	ktls_build_nonce(prot, iv, rec_seq, d.nonce);
	if (ktls_has_explicit_nonce(prot)) {
		err = ktls_rx_rec_read(sk, rec, TLS_HEADER_SIZE,
				       ktls_nonce_explicit(prot, d.nonce),
				       prot->iv_size);
		if (err)
			goto out;
	}
	/* the additional data only feeds the tag, which is ignored */
	memset(d.aad, 0, prot->aad_size);
	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], d.aad, prot->aad_size);
	sg_set_buf(&sg[1], buf, cipher_len);
	aead_request_set_tfm(d.req, aead);
	aead_request_set_ad(d.req, prot->aad_size);
	aead_request_set_crypt(d.req, sg, sg, cipher_len, d.nonce);
	aead_request_set_callback(d.req, CRYPTO_TFM_REQ_MAY_BACKLOG,
				  crypto_req_done, &wait);
	err = crypto_wait_req(crypto_aead_decrypt(d.req), &wait);
	if (err == -EBADMSG)
		err = 0;
out:
	ktls_dec_free(&d);
	return err;
}

/* Plaintext skb for a record read in place from the TCP queue. */
static struct sk_buff *ktls_plain_skb(struct sock *sk, u32 len, int *err)
{
	struct sk_buff *skb;

	skb = alloc_skb_with_frags(0, len, PAGE_ALLOC_COSTLY_ORDER, err,
				   sk->sk_allocation);
	if (!skb)
		return NULL;
	/* the frags are attached, but the lengths are left to us */
	skb->len = len;
	skb->data_len = len;
	return skb;
}

/*
 * Decrypt the complete record @rec. A copy-mode rec->skb is taken over
 * (decrypted in place and returned, or freed) and rec->skb cleared. With
 * @to (the reader's buffer, @room bytes wanted) the plaintext may go
 * straight there. Returns:
 *   > 0  that many bytes of application data were placed in @to;
 *   0    *@out is the record's plaintext, described by ktls_rx_msg();
 *   < 0  -EBADMSG (authentication, TLS 1.3 without content type) or
 *        another errno; nothing of the record is visible anywhere.
 */
int ktls_decrypt_record(struct sock *sk, struct tls_context *ctx,
			struct ktls_rx_rec *rec, struct iov_iter *to,
			size_t room, struct sk_buff **out)
{
	struct tls_prot_info *prot = &ctx->prot_info;
	u32 plain_len = rec->len - prot->overhead_size + prot->tail_size;
	u32 data_len = plain_len - prot->tail_size;
	struct sk_buff *skb = NULL;
	struct ktls_rx_msg *rxm;
	u8 hdr[TLS_HEADER_SIZE];
	u32 off = 0;
	u8 type;
	int err;

	*out = NULL;
	/*
	 * A TLS 1.3 record of a tag alone has no room for its content type
	 * (plain_len 0, data_len would wrap): forged, as tls.ko finds after
	 * decrypting it.
	 */
	if (unlikely(plain_len < prot->tail_size)) {
		err = -EBADMSG;
		goto fail;
	}
	err = ktls_rx_rec_read(sk, rec, 0, hdr, sizeof(hdr));
	if (err)
		goto fail;

	if (ktls_prot_is_cbc(prot)) {
		err = ktls_rx_cbc_open(sk, ctx, rec, hdr, out);
		kfree_skb(rec->skb);
		rec->skb = NULL;
		if (err)
			goto fail;
		goto advance;
	}
	if (rec->skb) {
		/* copy mode: the record is in our own pages, decrypt in place */
		off = prot->prepend_size;
		err = ktls_rx_rec_device_decrypted(sk, ctx, rec, hdr);
		if (!err)
			err = ktls_decrypt_to_skb(sk, ctx, rec, hdr, NULL);
		else if (err > 0)
			err = 0;	/* the NIC checked the tag */
		skb = rec->skb;
		rec->skb = NULL;
		if (err)
			goto fail;
		goto describe;
	}

	if (ktls_zc_ok(ctx, hdr, data_len, to, room)) {
		err = ktls_decrypt_zc(sk, ctx, rec, hdr, to, data_len);
		if (err > 0)
			goto advance;
		if (err < 0)
			goto fail;
	}

	skb = ktls_plain_skb(sk, plain_len, &err);
	if (!skb)
		goto fail;
	err = ktls_decrypt_to_skb(sk, ctx, rec, hdr, skb);
	if (err)
		goto fail;

describe:
	rxm = ktls_rx_msg(skb);
	rxm->offset = off;
	if (prot->version == TLS_1_3_VERSION) {
		int pos = ktls_find_inner_type(skb, off, off + plain_len, &type);

		if (pos < 0) {
			err = pos;
			goto fail;
		}
		rxm->len = pos - off;
	} else {
		type = hdr[0];
		rxm->len = plain_len;
	}
	rxm->type = type;
	rxm->full = rxm->len;
	*out = skb;
	err = 0;

advance:
	ktls_count_rec(ctx, KTLS_COUNT_RX,
		       err > 0 ? err : ktls_rx_msg(*out)->len);
	/*
	 * The sequence may not wrap: the next record could not be trusted.
	 * This record is good; every later read fails.
	 */
	if (ktls_cipher_ctx_advance(prot, &ctx->rx))
		rec->last = true;
	return err;

fail:
	if (err == -EBADMSG) {
		KTLS_INC_STATS(sock_net(sk), KTLS_MIB_DECRYPTERROR);
		KTLS_INC_STATS(sock_net(sk), KTLS_MIB_CORRUPTEDRECORDS);
		ktls_event_note(ctx, KTLS_EV_DECRYPT_ERROR);
	}
	kfree_skb(skb);
	kfree_skb(rec->skb);
	rec->skb = NULL;
	return err;
}
