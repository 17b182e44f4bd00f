// SPDX-License-Identifier: GPL-2.0
/*
 * ktls RX: decryption of one complete record.
 *
 * The record skb was built by the parser from page frags we own, so it is
 * decrypted in place. The AEAD call is synchronous (crypto_wait_req()):
 * async-capable algorithms may still complete from another context, we
 * just wait for them, which keeps plaintext of a record that fails
 * authentication from ever being reachable by a reader.
 *
 * Called with the socket owned.
 */
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <crypto/aead.h>

#include "ktls_rx_int.h"

/*
 * Hook point for the device path: a record whose every byte a NIC already
 * decrypted (skb->decrypted on all source skbs) skips software crypto.
 * Software RX has no device, so the parser's answer is ignored until the
 * device path exists and its context says the NIC decrypts this flow.
 */
static bool ktls_rx_rec_device_decrypted(struct tls_context *ctx,
					 bool all_decrypted)
{
	return ctx->rx_conf == TLS_HW && all_decrypted;
}

/* Decrypt [prepend_size, skb->len) of @skb in place; 0 or -errno. */
static int ktls_decrypt_sw(struct sock *sk, struct tls_context *ctx,
			   struct sk_buff *skb, const u8 *hdr)
{
	struct tls_prot_info *prot = &ctx->prot_info;
	struct crypto_aead *aead = ktls_rx_sw(ctx)->aead_recv;
	u32 cipher_len = skb->len - prot->prepend_size;
	u32 inner_len = cipher_len - prot->tag_size;
	int nsg = skb_shinfo(skb)->nr_frags + 2;
	DECLARE_CRYPTO_WAIT(wait);
	struct aead_request *req;
	struct scatterlist *sg;
	size_t reqsize;
	u8 *aad, *nonce;
	void *mem;
	int n, err;

	if (skb_has_frag_list(skb))
		return -EINVAL;	/* parser skbs never have one */

	reqsize = ALIGN(sizeof(*req) + crypto_aead_reqsize(aead),
			__alignof__(struct scatterlist));
	mem = kmalloc(reqsize + nsg * sizeof(*sg) + KTLS_AAD_BUF_SIZE +
		      KTLS_NONCE_BUF_SIZE, sk->sk_allocation);
	if (!mem)
		return -ENOMEM;
	req = mem;
	sg = mem + reqsize;
	aad = (u8 *)(sg + nsg);
	nonce = aad + KTLS_AAD_BUF_SIZE;

	ktls_build_nonce(prot, ctx->rx.iv, ctx->rx.rec_seq, nonce);
	if (ktls_has_explicit_nonce(prot)) {
		err = skb_copy_bits(skb, TLS_HEADER_SIZE,
				    ktls_nonce_explicit(prot, nonce),
				    prot->iv_size);
		if (err)
			goto out;
	}
	if (prot->version == TLS_1_3_VERSION)
		ktls_build_aad(prot, aad, inner_len - prot->tail_size, 0, NULL);
	else
		ktls_build_aad(prot, aad, inner_len, hdr[0], ctx->rx.rec_seq);

	sg_init_table(sg, nsg);
	sg_set_buf(&sg[0], aad, prot->aad_size);
	n = skb_to_sgvec(skb, &sg[1], prot->prepend_size, cipher_len);
	if (n < 0) {
		err = n;
		goto out;
	}

	aead_request_set_tfm(req, aead);
	aead_request_set_ad(req, prot->aad_size);
	aead_request_set_crypt(req, sg, sg, cipher_len, nonce);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG,
				  crypto_req_done, &wait);
	err = crypto_wait_req(crypto_aead_decrypt(req), &wait);
out:
	kfree_sensitive(mem);
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
 * Decrypt the complete record @skb (header at offset 0) and describe its
 * plaintext in ktls_rx_msg(skb). On failure nothing of @skb may be shown
 * to the reader. Returns 0, -EBADMSG (authentication, TLS 1.3 without
 * content type) or another -errno.
 */
int ktls_decrypt_record(struct sock *sk, struct tls_context *ctx,
			struct sk_buff *skb, bool device_decrypted)
{
	struct tls_prot_info *prot = &ctx->prot_info;
	struct ktls_rx_msg *rxm = ktls_rx_msg(skb);
	u8 hdr[TLS_HEADER_SIZE];
	u8 type;
	int err;

	err = skb_copy_bits(skb, 0, hdr, sizeof(hdr));
	if (err)
		return err;

	if (!ktls_rx_rec_device_decrypted(ctx, device_decrypted)) {
		err = ktls_decrypt_sw(sk, ctx, skb, hdr);
		if (err) {
			if (err == -EBADMSG)
				KTLS_INC_STATS(sock_net(sk),
					       KTLS_MIB_DECRYPTERROR);
			return err;
		}
	}

	rxm->offset = prot->prepend_size;
	if (prot->version == TLS_1_3_VERSION) {
		int pos = ktls_find_inner_type(skb, prot->prepend_size,
					       skb->len - prot->tag_size,
					       &type);

		if (pos < 0)
			return pos;
		rxm->len = pos - prot->prepend_size;
	} else {
		type = hdr[0];
		rxm->len = skb->len - prot->overhead_size;
	}
	rxm->type = type;

	/* the sequence may not wrap: the next record could not be trusted */
	if (ktls_cipher_ctx_advance(prot, &ctx->rx))
		ktls_err_abort(sk, -EBADMSG);
	return 0;
}
