/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Streaming AES-GCM as a NIC pipeline computes it: the CTR keystream can be
 * produced at any byte offset of a record, and GHASH is a running state fed
 * with ciphertext in arbitrary pieces (packet by packet).
 */
#ifndef _TLSSIM_GCM_H
#define _TLSSIM_GCM_H

#include <crypto/aes.h>
#include <crypto/gf128mul.h>

#define TLSSIM_GCM_BLOCK	16
#define TLSSIM_GCM_TAG		16
#define TLSSIM_GCM_NONCE	12

struct tlssim_gcm_key {
	struct crypto_aes_ctx aes;
	struct gf128mul_4k *htab;	/* GHASH multiplication table for H */
};

/* Per-record state; plain data, may be copied to snapshot a position. */
struct tlssim_gcm_stream {
	u8 j0[TLSSIM_GCM_BLOCK];	/* pre-counter block */
	u8 y[TLSSIM_GCM_BLOCK];		/* running GHASH */
	u8 blk[TLSSIM_GCM_BLOCK];	/* ciphertext not yet hashed */
	u32 blen;
	u64 aadlen;
	u64 ctlen;
};

int tlssim_gcm_key_init(struct tlssim_gcm_key *k, const u8 *key, unsigned int keylen);
void tlssim_gcm_key_destroy(struct tlssim_gcm_key *k);
void tlssim_gcm_start(const struct tlssim_gcm_key *k, struct tlssim_gcm_stream *s,
		      const u8 *nonce, const u8 *aad, unsigned int aadlen);
void tlssim_gcm_crypt(const struct tlssim_gcm_key *k, const struct tlssim_gcm_stream *s,
		      u32 offset, u8 *buf, unsigned int len);
void tlssim_gcm_hash(const struct tlssim_gcm_key *k, struct tlssim_gcm_stream *s,
		     const u8 *ct, unsigned int len);
void tlssim_gcm_tag(const struct tlssim_gcm_key *k, const struct tlssim_gcm_stream *s,
		    u8 *tag);
int tlssim_gcm_selftest(void);

#endif /* _TLSSIM_GCM_H */
