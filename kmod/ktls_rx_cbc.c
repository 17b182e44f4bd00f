// SPDX-License-Identifier: GPL-2.0
/*
 * ktls software RX of the AES-CBC + HMAC suites: open one complete record
 * (the parser checked its length with ktls_cbc_check_len()). The
 * ciphertext is copied into the direction's record buffer, decrypted and
 * checked there in constant time (ktls_cbc.c), and only a record that
 * passed is copied into a new plaintext skb: a record that fails is never
 * visible, as with the AEADs. No zero-copy: CBC is for peers that cannot
 * do better, not for speed.
 *
 * Called under the socket lock, from ktls_decrypt_record().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "ktls_rx.h"

int ktls_rx_cbc_open(struct sock *sk, struct tls_context *ctx,
		     struct ktls_rx_rec *rec, const u8 *hdr,
		     struct sk_buff **out)
{
	struct tls_prot_info *prot = &ctx->prot_info;
	struct ktls_cbc *cbc = ktls_ctx(ctx)->cbc[KTLS_COUNT_RX];
	u32 len = rec->len - prot->prepend_size, data_len;
	u8 iv[TLS_CIPHER_AES_CBC_IV_SIZE];
	struct ktls_rx_msg *rxm;
	struct sk_buff *skb;
	int err;

	sock_owned_by_me(sk);
	/* TLS 1.0 is refused at TLS_RX: every record has its own IV */
	err = ktls_rx_rec_read(sk, rec, TLS_HEADER_SIZE, iv, sizeof(iv));
	if (!err)
		err = ktls_rx_rec_read(sk, rec, prot->prepend_size, cbc->buf,
				       len);
	if (err)
		return err;
	err = ktls_cbc_open(cbc, prot, hdr[0], ctx->rx.rec_seq, cbc->buf, len,
			    iv, &data_len);
	if (err)
		goto wipe;

	skb = alloc_skb_with_frags(0, data_len, PAGE_ALLOC_COSTLY_ORDER, &err,
				   sk->sk_allocation);
	if (!skb)
		goto wipe;
	skb->len = data_len;
	skb->data_len = data_len;
	err = skb_store_bits(skb, 0, cbc->buf, data_len);
	if (err) {
		kfree_skb(skb);
		goto wipe;
	}
	rxm = ktls_rx_msg(skb);
	rxm->offset = 0;
	rxm->len = data_len;
	rxm->full = data_len;
	rxm->type = hdr[0];
	*out = skb;
wipe:
	/* the plaintext of the record stays in the skb only */
	memzero_explicit(cbc->buf, len);
	return err;
}
