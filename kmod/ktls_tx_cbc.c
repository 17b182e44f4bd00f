// SPDX-License-Identifier: GPL-2.0
/*
 * ktls software TX of the AES-CBC + HMAC suites: seal one closed record
 * (ktls_tx_rec.c built it; ktls_cbc.c has the crypto). The record's
 * memory was sized for the longest trailer (prot->tag_size: the MAC and a
 * block of padding) and is trimmed here to the minimal padding the
 * plaintext length needs, so the building and pushing code is the AEAD's.
 *
 * Callers hold ctx->tx_lock and the socket lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/scatterlist.h>

#include "ktls_tx.h"

int ktls_tx_cbc_seal(struct sock *sk, struct tls_context *ctx,
		     struct ktls_tx_rec *rec)
{
	const struct tls_prot_info *prot = &ctx->prot_info;
	struct ktls_cbc *cbc = ktls_ctx(ctx)->cbc[KTLS_COUNT_TX];
	u32 trailer = ktls_cbc_trailer(cbc, rec->data_len);
	u32 clen = rec->data_len + trailer;
	u8 hdr[TLS_HEADER_SIZE + TLS_CIPHER_AES_CBC_IV_SIZE];
	u8 iv[TLS_CIPHER_AES_CBC_IV_SIZE];
	struct scatterlist *src;
	int rc;

	lockdep_assert_held(&ctx->tx_lock);
	/* the memory for the longest trailer was taken; keep what is used */
	sk_msg_trim(sk, &rec->en, prot->prepend_size + clen);

	hdr[0] = rec->type;
	hdr[1] = TLS_1_2_VERSION_MAJOR;
	hdr[2] = ktls_wire_minor(prot);
	hdr[3] = (prot->iv_size + clen) >> 8;
	hdr[4] = (prot->iv_size + clen) & 0xff;
	if (prot->iv_size) {
		/* TLS 1.1, 1.2: a fresh random IV, sent before the record */
		ktls_cbc_new_iv(hdr + TLS_HEADER_SIZE);
		memcpy(iv, hdr + TLS_HEADER_SIZE, sizeof(iv));
	} else {
		/* TLS 1.0: the last ciphertext block of the previous record */
		memcpy(iv, ctx->tx.iv, sizeof(iv));
	}
	rc = ktls_tx_msg_write(&rec->en, 0, hdr, prot->prepend_size);
	if (rc)
		return rc;

	ktls_build_aad(prot, rec->aad, rec->data_len, rec->type,
		       ctx->tx.rec_seq);
	ktls_tx_rec_build_sg(prot, rec, clen);
	/* the AAD and plaintext feed the MAC, all after the AAD the cipher */
	src = rec->pl_n ? ktls_tx_rec_build_pl_sg(prot, rec, rec->trailer,
						  trailer) : rec->sg;

	/* MAC-then-encrypt: the MAC covers the plaintext, not the padding */
	rc = ktls_cbc_mac_sg(cbc, src, prot->aad_size + rec->data_len,
			     rec->trailer);
	if (rc)
		return rc;
	ktls_cbc_fill_trailer(cbc, rec->trailer, rec->data_len);
	if (!rec->pl_n) {
		rc = ktls_tx_msg_write(&rec->en,
				       prot->prepend_size + rec->data_len,
				       rec->trailer, trailer);
		if (rc)
			return rc;
	}
	rc = ktls_cbc_crypt(cbc, &src[1], &rec->sg[1], clen, iv, true);
	if (rc)
		return rc;
	if (!prot->iv_size &&
	    sg_pcopy_to_buffer(&rec->sg[1], sg_nents(&rec->sg[1]), ctx->tx.iv,
			       TLS_CIPHER_AES_CBC_IV_SIZE,
			       clen - TLS_CIPHER_AES_CBC_IV_SIZE) !=
	    TLS_CIPHER_AES_CBC_IV_SIZE)
		return -EINVAL;
	return 0;
}
