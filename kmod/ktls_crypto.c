// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: cipher table and the record crypto helpers shared by TX and RX
 * (AEAD allocation, IV/rec_seq state, nonce, additional data, header).
 *
 * Nothing here takes locks; callers own the cipher_context they pass
 * (TX under tx_lock + lock_sock, RX under lock_sock).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/aead.h>

#include "ktls.h"

/* Byte 0 of the CCM IV: L' = (size of the length field) - 1 = 3 - 1. */
#define KTLS_CCM_B0_FLAGS	2

#define KTLS_CIPHER(_type, _struct, _alg, _nonce, _tls12_only)		\
	{								\
		.cipher_type = _type,					\
		.iv_size = sizeof_field(struct _struct, iv),		\
		.key_size = sizeof_field(struct _struct, key),		\
		.salt_size = sizeof_field(struct _struct, salt),	\
		.tag_size = TLS_TAG_SIZE,				\
		.rec_seq_size = sizeof_field(struct _struct, rec_seq),	\
		.iv_off = offsetof(struct _struct, iv),			\
		.key_off = offsetof(struct _struct, key),		\
		.salt_off = offsetof(struct _struct, salt),		\
		.rec_seq_off = offsetof(struct _struct, rec_seq),	\
		.crypto_info_size = sizeof(struct _struct),		\
		.nonce_size = _nonce,					\
		.tls12_only = _tls12_only,				\
		.alg_name = _alg,					\
	}

static const struct ktls_cipher ktls_ciphers[] = {
	KTLS_CIPHER(TLS_CIPHER_AES_GCM_128, tls12_crypto_info_aes_gcm_128,
		    "gcm(aes)", 8, false),
	KTLS_CIPHER(TLS_CIPHER_AES_GCM_256, tls12_crypto_info_aes_gcm_256,
		    "gcm(aes)", 8, false),
	KTLS_CIPHER(TLS_CIPHER_AES_CCM_128, tls12_crypto_info_aes_ccm_128,
		    "ccm(aes)", 8, false),
	KTLS_CIPHER(TLS_CIPHER_CHACHA20_POLY1305,
		    tls12_crypto_info_chacha20_poly1305,
		    "rfc7539(chacha20,poly1305)", 0, false),
	KTLS_CIPHER(TLS_CIPHER_SM4_GCM, tls12_crypto_info_sm4_gcm,
		    "gcm(sm4)", 8, false),
	KTLS_CIPHER(TLS_CIPHER_SM4_CCM, tls12_crypto_info_sm4_ccm,
		    "ccm(sm4)", 8, false),
	KTLS_CIPHER(TLS_CIPHER_ARIA_GCM_128, tls12_crypto_info_aria_gcm_128,
		    "gcm(aria)", 8, true),
	KTLS_CIPHER(TLS_CIPHER_ARIA_GCM_256, tls12_crypto_info_aria_gcm_256,
		    "gcm(aria)", 8, true),
};

const struct ktls_cipher *ktls_cipher_get(u16 cipher_type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ktls_ciphers); i++)
		if (ktls_ciphers[i].cipher_type == cipher_type)
			return &ktls_ciphers[i];
	return NULL;
}

static const u8 *ci_field(const struct tls_crypto_info *ci, u16 off)
{
	return (const u8 *)ci + off;
}

int ktls_aead_alloc(struct tls_context *ctx, const struct tls_crypto_info *ci,
		    struct crypto_aead **aead)
{
	const struct ktls_cipher *c = ktls_cipher_get(ci->cipher_type);
	struct crypto_aead *tfm;
	int rc;

	if (!c)
		return -EINVAL;

	tfm = crypto_alloc_aead(c->alg_name, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);

	rc = crypto_aead_setkey(tfm, ci_field(ci, c->key_off), c->key_size);
	if (!rc)
		rc = crypto_aead_setauthsize(tfm, c->tag_size);
	if (rc) {
		crypto_free_aead(tfm);
		return rc;
	}
	*aead = tfm;
	return 0;
}

int ktls_cipher_ctx_init(struct tls_prot_info *prot, struct cipher_context *cctx,
			 const struct tls_crypto_info *ci)
{
	const struct ktls_cipher *c = ktls_cipher_get(ci->cipher_type);
	bool tls13 = ci->version == TLS_1_3_VERSION;
	u8 iv[KTLS_NONCE_BUF_SIZE];
	int rc;

	if (!c || c->salt_size + c->iv_size > sizeof(iv))
		return -EINVAL;

	/* cctx->iv is salt || iv, exactly what the nonce is derived from */
	memcpy(iv, ci_field(ci, c->salt_off), c->salt_size);
	memcpy(iv + c->salt_size, ci_field(ci, c->iv_off), c->iv_size);
	/* Replace (rekey) or install; the old key material is wiped. */
	rc = ktls_cctx_store(cctx, iv, c->salt_size + c->iv_size,
			     ci_field(ci, c->rec_seq_off), c->rec_seq_size);
	memzero_explicit(iv, sizeof(iv));
	if (rc)
		return rc;

	prot->version = ci->version;
	prot->cipher_type = ci->cipher_type;
	prot->tag_size = c->tag_size;
	prot->iv_size = c->iv_size;
	prot->salt_size = c->salt_size;
	prot->rec_seq_size = c->rec_seq_size;
	prot->prepend_size = TLS_HEADER_SIZE + (tls13 ? 0 : c->nonce_size);
	prot->tail_size = tls13 ? 1 : 0;
	prot->overhead_size = prot->prepend_size + prot->tag_size +
			      prot->tail_size;
	prot->aad_size = tls13 ? TLS_HEADER_SIZE : TLS_AAD_SPACE_SIZE;
	return 0;
}

void ktls_cipher_ctx_free(struct cipher_context *cctx)
{
	ktls_cctx_wipe(cctx);
}

static unsigned int nonce_offset(const struct tls_prot_info *prot)
{
	return (prot->cipher_type == TLS_CIPHER_AES_CCM_128 ||
		prot->cipher_type == TLS_CIPHER_SM4_CCM) ? 1 : 0;
}

void ktls_build_nonce(const struct tls_prot_info *prot, const char *iv,
		      const char *rec_seq, u8 *nonce)
{
	unsigned int off = nonce_offset(prot);
	unsigned int len = prot->salt_size + prot->iv_size;
	unsigned int i;

	memset(nonce, 0, KTLS_NONCE_BUF_SIZE);
	if (off)
		nonce[0] = KTLS_CCM_B0_FLAGS;
	memcpy(nonce + off, iv, len);

	if (ktls_has_explicit_nonce(prot))
		return;

	/* RFC 8446 5.3 / RFC 7905: the 64-bit sequence is XORed right-aligned */
	for (i = 0; i < prot->rec_seq_size; i++)
		nonce[off + len - prot->rec_seq_size + i] ^= rec_seq[i];
}

u8 *ktls_nonce_explicit(const struct tls_prot_info *prot, u8 *nonce)
{
	return nonce + nonce_offset(prot) + prot->salt_size;
}

void ktls_nonce_set_explicit(const struct tls_prot_info *prot, u8 *nonce,
			     const u8 *explicit)
{
	memcpy(ktls_nonce_explicit(prot, nonce), explicit, prot->iv_size);
}

void ktls_build_aad(const struct tls_prot_info *prot, u8 *aad,
		    size_t plaintext_len, u8 type, const char *rec_seq)
{
	size_t len = plaintext_len;

	if (prot->version == TLS_1_3_VERSION) {
		/* AAD = the record header of the encrypted record */
		len += prot->tail_size + prot->tag_size;
		type = KTLS_RECORD_TYPE_DATA;
	} else {
		memcpy(aad, rec_seq, prot->rec_seq_size);
		aad += prot->rec_seq_size;
	}
	aad[0] = type;
	aad[1] = TLS_1_2_VERSION_MAJOR;
	aad[2] = ktls_wire_minor(prot);
	aad[3] = len >> 8;
	aad[4] = len & 0xff;
}

/* Big-endian increment of @len bytes; true when the value wrapped to 0. */
static bool be_inc(u8 *p, unsigned int len)
{
	while (len--) {
		if (++p[len])
			return false;
	}
	return true;
}

bool ktls_rec_seq_inc(const struct tls_prot_info *prot, char *rec_seq)
{
	return be_inc((u8 *)rec_seq, prot->rec_seq_size);
}

bool ktls_cipher_ctx_advance(const struct tls_prot_info *prot,
			     struct cipher_context *cctx)
{
	if (ktls_has_explicit_nonce(prot))
		be_inc((u8 *)cctx->iv + prot->salt_size, prot->iv_size);
	return ktls_rec_seq_inc(prot, cctx->rec_seq);
}

void ktls_build_header(const struct tls_prot_info *prot, u8 *buf,
		       size_t plaintext_len, u8 type, const u8 *nonce)
{
	size_t len = plaintext_len + prot->overhead_size - TLS_HEADER_SIZE;

	buf[0] = prot->version == TLS_1_3_VERSION ? KTLS_RECORD_TYPE_DATA : type;
	buf[1] = TLS_1_2_VERSION_MAJOR;
	buf[2] = ktls_wire_minor(prot);
	buf[3] = len >> 8;
	buf[4] = len & 0xff;
	if (ktls_has_explicit_nonce(prot))
		memcpy(buf + TLS_HEADER_SIZE,
		       nonce + nonce_offset(prot) + prot->salt_size,
		       prot->iv_size);
}
