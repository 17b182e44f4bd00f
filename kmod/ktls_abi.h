/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls: what the files exporting tls.ko's symbols (ktls_tx_offload.c,
 * ktls_tx_fallback.c) need from the rest of ktls.
 *
 * Those files must see exactly the type definitions upstream's exporting
 * files see, or the symbol CRCs change (see their headers). So this header
 * holds prototypes only, over types <net/tls.h> already defines or that
 * are merely named: it adds no type definition.
 */
#ifndef _KTLS_ABI_H
#define _KTLS_ABI_H

struct sock;
struct sk_buff;
struct net_device;
struct tls_prot_info;
struct tls_context;
struct crypto_aead;

/*
 * One TX key of a device flow, for the software fallback: the key of the
 * records from TCP sequence @start_seq on (until the next key's). A TLS 1.3
 * rekey adds a key; the fallback picks a record's key by its start.
 * Record number @sn (tls_get_record's count) has the TLS sequence
 * @seq0 + (@sn - @sn_base) under this key.
 */
struct ktls_fb_key {
	struct crypto_aead *aead;
	char iv[20];		/* salt || iv, as cipher_context.iv */
	u32 start_seq;
	u64 sn_base;
	u64 seq0;
};

/*
 * ktls_device_tx.c: the key of the record starting at TCP sequence
 * @rec_start, or NULL. Called with the offload context's lock held, which
 * keeps the key alive.
 */
const struct ktls_fb_key *ktls_dtx_key_for(struct tls_context *ctx,
					   u32 rec_start);

/* ktls_device.c */
void ktls_device_sk_destruct(struct sock *sk);

/*
 * ktls_device_tx.c: an offloaded skb of @sk leaves by another device than
 * the flow's: TX moves to software for good (counted, BPF told once).
 * Softirq.
 */
void ktls_dtx_route_moved(struct sock *sk);

/* ktls_device_tx.c: compat.h's ktls_skb_clear_decrypted() */
void ktls_fb_clear_decrypted(struct sk_buff *skb);

/* ktls_tx_fallback.c: sk_validate_xmit_skb once the device is gone */
struct sk_buff *ktls_validate_xmit_skb_sw(struct sock *sk,
					  struct net_device *dev,
					  struct sk_buff *skb);

/* ktls_crypto.c (ktls.h has the documentation) */
void ktls_build_nonce(const struct tls_prot_info *prot, const char *iv,
		      const char *rec_seq, u8 *nonce);
void ktls_nonce_set_explicit(const struct tls_prot_info *prot, u8 *nonce,
			     const u8 *explicit);
void ktls_build_aad(const struct tls_prot_info *prot, u8 *aad,
		    size_t plaintext_len, u8 type, const char *rec_seq);

#define KTLS_ABI_NONCE_BUF_SIZE		16	/* KTLS_NONCE_BUF_SIZE */

#endif /* _KTLS_ABI_H */
