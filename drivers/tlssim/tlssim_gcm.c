// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming AES-GCM for the tlssim offload engine.
 *
 * A TLS NIC never sees a whole record at once: it sees TCP segments.  So
 * encryption is split into two independent operations:
 *  - tlssim_gcm_crypt(): XOR the CTR keystream for record payload offset
 *    @offset..@offset+len; stateless apart from J0, so a retransmitted
 *    segment can be handled by position alone;
 *  - tlssim_gcm_hash(): feed ciphertext bytes into the running GHASH, in
 *    any chunking; the caller must feed every byte exactly once, in order.
 * tlssim_gcm_tag() finishes a copy of the state, so it may be called while
 * the stream is still referenced.
 *
 * All functions are pure computations without locking; callers serialise
 * access to a stream with their own context lock.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/algapi.h>
#include "compat.h"
#include "tlssim_gcm.h"

int tlssim_gcm_key_init(struct tlssim_gcm_key *k, const u8 *key, unsigned int keylen)
{
	u8 h[TLSSIM_GCM_BLOCK] = {};
	int err;

	err = aes_expandkey(&k->aes, key, keylen);
	if (err)
		return err;
	aes_encrypt(&k->aes, h, h);
	k->htab = gf128mul_init_4k_lle((be128 *)h);
	memzero_explicit(h, sizeof(h));
	if (!k->htab) {
		memzero_explicit(&k->aes, sizeof(k->aes));
		return -ENOMEM;
	}
	return 0;
}

void tlssim_gcm_key_destroy(struct tlssim_gcm_key *k)
{
	memzero_explicit(&k->aes, sizeof(k->aes));
	kfree_sensitive(k->htab);
	k->htab = NULL;
}

static void ghash_block(const struct tlssim_gcm_key *k, u8 *y, const u8 *x)
{
	crypto_xor(y, x, TLSSIM_GCM_BLOCK);
	gf128mul_4k_lle((be128 *)y, k->htab);
}

void tlssim_gcm_start(const struct tlssim_gcm_key *k, struct tlssim_gcm_stream *s,
		      const u8 *nonce, const u8 *aad, unsigned int aadlen)
{
	u8 blk[TLSSIM_GCM_BLOCK];

	memset(s, 0, sizeof(*s));
	memcpy(s->j0, nonce, TLSSIM_GCM_NONCE);
	s->j0[15] = 1;
	s->aadlen = aadlen;
	while (aadlen) {
		unsigned int n = min_t(unsigned int, aadlen, TLSSIM_GCM_BLOCK);

		memset(blk, 0, sizeof(blk));
		memcpy(blk, aad, n);
		ghash_block(k, s->y, blk);
		aad += n;
		aadlen -= n;
	}
}

/* Keystream block for payload block @idx: E_K(J0 + 1 + idx) */
static void ctr_block(const struct tlssim_gcm_key *k, const struct tlssim_gcm_stream *s,
		      u32 idx, u8 *out)
{
	u8 ctr[TLSSIM_GCM_BLOCK];

	memcpy(ctr, s->j0, TLSSIM_GCM_BLOCK);
	put_unaligned_be32(get_unaligned_be32(s->j0 + 12) + 1 + idx, ctr + 12);
	aes_encrypt(&k->aes, out, ctr);
}

void tlssim_gcm_crypt(const struct tlssim_gcm_key *k, const struct tlssim_gcm_stream *s,
		      u32 offset, u8 *buf, unsigned int len)
{
	u8 ks[TLSSIM_GCM_BLOCK];

	while (len) {
		unsigned int in = offset % TLSSIM_GCM_BLOCK;
		unsigned int n = min_t(unsigned int, len, TLSSIM_GCM_BLOCK - in);

		ctr_block(k, s, offset / TLSSIM_GCM_BLOCK, ks);
		crypto_xor(buf, ks + in, n);
		buf += n;
		offset += n;
		len -= n;
	}
	memzero_explicit(ks, sizeof(ks));
}

void tlssim_gcm_hash(const struct tlssim_gcm_key *k, struct tlssim_gcm_stream *s,
		     const u8 *ct, unsigned int len)
{
	s->ctlen += len;
	if (s->blen) {
		unsigned int n = min_t(unsigned int, len, TLSSIM_GCM_BLOCK - s->blen);

		memcpy(s->blk + s->blen, ct, n);
		s->blen += n;
		ct += n;
		len -= n;
		if (s->blen < TLSSIM_GCM_BLOCK)
			return;
		ghash_block(k, s->y, s->blk);
		s->blen = 0;
	}
	while (len >= TLSSIM_GCM_BLOCK) {
		ghash_block(k, s->y, ct);
		ct += TLSSIM_GCM_BLOCK;
		len -= TLSSIM_GCM_BLOCK;
	}
	if (len) {
		memcpy(s->blk, ct, len);
		s->blen = len;
	}
}

void tlssim_gcm_tag(const struct tlssim_gcm_key *k, const struct tlssim_gcm_stream *s,
		    u8 *tag)
{
	u8 y[TLSSIM_GCM_BLOCK], blk[TLSSIM_GCM_BLOCK];

	memcpy(y, s->y, sizeof(y));
	if (s->blen) {
		memset(blk, 0, sizeof(blk));
		memcpy(blk, s->blk, s->blen);
		ghash_block(k, y, blk);
	}
	put_unaligned_be64(s->aadlen * 8, blk);
	put_unaligned_be64(s->ctlen * 8, blk + 8);
	ghash_block(k, y, blk);
	aes_encrypt(&k->aes, blk, s->j0);
	crypto_xor_cpy(tag, y, blk, TLSSIM_GCM_TAG);
}

/*
 * Known-answer tests: GCM specification (McGrew/Viega) test cases 4 (AES-128,
 * AAD, 60-byte plaintext) and 16 (AES-256, same data).  Each is run twice:
 * in one go, and split into odd pieces at odd offsets, which is how the
 * engine uses it.
 */
static const u8 kat_pt[60] = {
	0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5, 0xa5, 0x59, 0x09, 0xc5,
	0xaf, 0xf5, 0x26, 0x9a, 0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda,
	0x2e, 0x4c, 0x30, 0x3d, 0x8a, 0x31, 0x8a, 0x72, 0x1c, 0x3c, 0x0c, 0x95,
	0x95, 0x68, 0x09, 0x53, 0x2f, 0xcf, 0x0e, 0x24, 0x49, 0xa6, 0xb5, 0x25,
	0xb1, 0x6a, 0xed, 0xf5, 0xaa, 0x0d, 0xe6, 0x57, 0xba, 0x63, 0x7b, 0x39,
};

static const u8 kat_aad[20] = {
	0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xfe, 0xed, 0xfa, 0xce,
	0xde, 0xad, 0xbe, 0xef, 0xab, 0xad, 0xda, 0xd2,
};

static const u8 kat_iv[12] = {
	0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88,
};

static const u8 kat_key[32] = {
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94,
	0x67, 0x30, 0x83, 0x08, 0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c,
	0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08,
};

static const u8 kat_ct128[60] = {
	0x42, 0x83, 0x1e, 0xc2, 0x21, 0x77, 0x74, 0x24, 0x4b, 0x72, 0x21, 0xb7,
	0x84, 0xd0, 0xd4, 0x9c, 0xe3, 0xaa, 0x21, 0x2f, 0x2c, 0x02, 0xa4, 0xe0,
	0x35, 0xc1, 0x7e, 0x23, 0x29, 0xac, 0xa1, 0x2e, 0x21, 0xd5, 0x14, 0xb2,
	0x54, 0x66, 0x93, 0x1c, 0x7d, 0x8f, 0x6a, 0x5a, 0xac, 0x84, 0xaa, 0x05,
	0x1b, 0xa3, 0x0b, 0x39, 0x6a, 0x0a, 0xac, 0x97, 0x3d, 0x58, 0xe0, 0x91,
};

static const u8 kat_tag128[16] = {
	0x5b, 0xc9, 0x4f, 0xbc, 0x32, 0x21, 0xa5, 0xdb, 0x94, 0xfa, 0xe9, 0x5a,
	0xe7, 0x12, 0x1a, 0x47,
};

static const u8 kat_ct256[60] = {
	0x52, 0x2d, 0xc1, 0xf0, 0x99, 0x56, 0x7d, 0x07, 0xf4, 0x7f, 0x37, 0xa3,
	0x2a, 0x84, 0x42, 0x7d, 0x64, 0x3a, 0x8c, 0xdc, 0xbf, 0xe5, 0xc0, 0xc9,
	0x75, 0x98, 0xa2, 0xbd, 0x25, 0x55, 0xd1, 0xaa, 0x8c, 0xb0, 0x8e, 0x48,
	0x59, 0x0d, 0xbb, 0x3d, 0xa7, 0xb0, 0x8b, 0x10, 0x56, 0x82, 0x88, 0x38,
	0xc5, 0xf6, 0x1e, 0x63, 0x93, 0xba, 0x7a, 0x0a, 0xbc, 0xc9, 0xf6, 0x62,
};

static const u8 kat_tag256[16] = {
	0x76, 0xfc, 0x6e, 0xce, 0x0f, 0x4e, 0x17, 0x68, 0xcd, 0xdf, 0x88, 0x53,
	0xbb, 0x2d, 0x55, 0x1b,
};

static int kat_one(unsigned int keylen, const u8 *ct, const u8 *tag, unsigned int chunk)
{
	struct tlssim_gcm_stream s;
	struct tlssim_gcm_key k;
	u8 buf[sizeof(kat_pt)], t[TLSSIM_GCM_TAG];
	unsigned int off, n;
	int err;

	err = tlssim_gcm_key_init(&k, kat_key, keylen);
	if (err)
		return err;
	memcpy(buf, kat_pt, sizeof(buf));
	tlssim_gcm_start(&k, &s, kat_iv, kat_aad, sizeof(kat_aad));
	for (off = 0; off < sizeof(buf); off += n) {
		n = min_t(unsigned int, chunk, sizeof(buf) - off);
		tlssim_gcm_crypt(&k, &s, off, buf + off, n);
		tlssim_gcm_hash(&k, &s, buf + off, n);
	}
	tlssim_gcm_tag(&k, &s, t);
	err = 0;
	if (memcmp(buf, ct, sizeof(buf)) || memcmp(t, tag, sizeof(t)))
		err = -EINVAL;
	/* and back: decrypting restores the plaintext */
	tlssim_gcm_crypt(&k, &s, 0, buf, sizeof(buf));
	if (memcmp(buf, kat_pt, sizeof(buf)))
		err = -EINVAL;
	tlssim_gcm_key_destroy(&k);
	return err;
}

int tlssim_gcm_selftest(void)
{
	static const unsigned int chunks[] = { 60, 1, 7, 16, 23 };
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		err = kat_one(AES_KEYSIZE_128, kat_ct128, kat_tag128, chunks[i]);
		if (!err)
			err = kat_one(AES_KEYSIZE_256, kat_ct256, kat_tag256, chunks[i]);
		if (err)
			return err;
	}
	return 0;
}
