// SPDX-License-Identifier: GPL-2.0
/*
 * Fixed test keys, kernel key installation and userspace TLS record
 * protection with OpenSSL EVP (the "userspace OpenSSL" provider, the
 * generator of precomputed records and the checker of kernel output).
 *
 * Nonces and AAD follow RFC 5288/7905 (TLS 1.2) and RFC 8446 (TLS 1.3):
 * AES-GCM under 1.2 carries an 8-byte explicit nonce in the record (we
 * write the sequence number there); every other case XORs the sequence
 * number into the 12-byte IV.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/ktls.h>
#include "bench.h"

const char *cipher_name(enum cipher c)
{
	return c == CIPH_CHACHA ? "chacha20poly1305" : "aes128gcm";
}

/* Deterministic, distinct per direction: never use these for real. */
void bench_keys(int dir, const struct tlscfg *cfg, struct dirkey *k)
{
	unsigned int i;

	for (i = 0; i < sizeof(k->key); i++)
		k->key[i] = (u8)(0x11 * (dir + 1) + 7 * i + cfg->cipher);
	for (i = 0; i < sizeof(k->iv); i++)
		k->iv[i] = (u8)(0xa5 ^ (dir * 0x3c) ^ (13 * i));
}

/* Install one direction; the sequence number starts at 0. */
int ktls_install(int fd, const struct tlscfg *cfg, int dir_tx, int keydir)
{
	int type = cfg->cipher == CIPH_AES128GCM ? TLS_CIPHER_AES_GCM_128 :
						   TLS_CIPHER_CHACHA20_POLY1305;
	const struct ktls_cipher *c = ktls_cipher(type);
	struct dirkey k;
	int ret;

	bench_keys(keydir, cfg, &k);
	/* k.iv is salt || iv for AES-GCM, the whole iv for ChaCha20 */
	ret = ktls_set_key(fd, dir_tx ? TLS_TX : TLS_RX,
			   cfg->ver == 13 ? TLS_1_3_VERSION : TLS_1_2_VERSION,
			   type, k.key, k.iv + c->salt, k.iv, NULL);
	memset(&k, 0, sizeof(k));
	return ret;
}

static size_t explicit_len(const struct tlscfg *cfg)
{
	return cfg->ver == 12 && cfg->cipher == CIPH_AES128GCM ? 8 : 0;
}

/* Bytes a record adds to its payload. */
size_t rec_overhead(const struct tlscfg *cfg)
{
	return REC_HDR + explicit_len(cfg) + REC_TAG + (cfg->ver == 13);
}

int rc_init(struct rcrypt *rc, const struct tlscfg *cfg, int keydir, int enc)
{
	const EVP_CIPHER *c = cfg->cipher == CIPH_CHACHA ?
		EVP_chacha20_poly1305() : EVP_aes_128_gcm();

	memset(rc, 0, sizeof(*rc));
	rc->cfg = *cfg;
	rc->enc = enc;
	bench_keys(keydir, cfg, &rc->k);
	rc->ctx = EVP_CIPHER_CTX_new();
	if (!rc->ctx)
		return -ENOMEM;
	if (EVP_CipherInit_ex(rc->ctx, c, NULL, NULL, NULL, enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(rc->ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) != 1 ||
	    EVP_CipherInit_ex(rc->ctx, NULL, NULL, rc->k.key, NULL, enc) != 1) {
		EVP_CIPHER_CTX_free(rc->ctx);
		rc->ctx = NULL;
		return -EINVAL;
	}
	return 0;
}

void rc_free(struct rcrypt *rc)
{
	EVP_CIPHER_CTX_free(rc->ctx);
	rc->ctx = NULL;
}

static void put_be64(u8 *p, u64 v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (u8)v;
}

/* Nonce for record `seq`; `expl` is the record's explicit nonce (1.2 GCM). */
static void rc_nonce(const struct rcrypt *rc, const u8 *expl, u8 *nonce)
{
	u8 s[8];
	int i;

	memcpy(nonce, rc->k.iv, 12);
	if (explicit_len(&rc->cfg)) {
		memcpy(nonce + 4, expl, 8);
		return;
	}
	put_be64(s, rc->seq);
	for (i = 0; i < 8; i++)
		nonce[4 + i] ^= s[i];
}

static void rc_aad(const struct rcrypt *rc, const u8 *hdr, size_t ptlen,
		   u8 *aad, int *aadlen)
{
	if (rc->cfg.ver == 13) {
		memcpy(aad, hdr, REC_HDR);
		*aadlen = REC_HDR;
		return;
	}
	put_be64(aad, rc->seq);
	aad[8] = hdr[0];
	aad[9] = 3;
	aad[10] = 3;
	aad[11] = (u8)(ptlen >> 8);
	aad[12] = (u8)ptlen;
	*aadlen = 13;
}

/* Build one application-data record of n payload bytes into out. */
size_t rc_seal(struct rcrypt *rc, const u8 *pt, size_t n, u8 *out)
{
	size_t ex = explicit_len(&rc->cfg), body;
	u8 nonce[12], aad[13], inner = 23;
	u8 *ct;
	int aadlen, l;

	body = ex + n + (rc->cfg.ver == 13) + REC_TAG;
	out[0] = 23;
	out[1] = 3;
	out[2] = 3;
	out[3] = (u8)(body >> 8);
	out[4] = (u8)body;
	if (ex)
		put_be64(out + REC_HDR, rc->seq);
	rc_nonce(rc, out + REC_HDR, nonce);
	rc_aad(rc, out, n, aad, &aadlen);
	ct = out + REC_HDR + ex;
	EVP_EncryptInit_ex(rc->ctx, NULL, NULL, NULL, nonce);
	EVP_EncryptUpdate(rc->ctx, NULL, &l, aad, aadlen);
	EVP_EncryptUpdate(rc->ctx, ct, &l, pt, (int)n);
	ct += l;
	if (rc->cfg.ver == 13) {
		EVP_EncryptUpdate(rc->ctx, ct, &l, &inner, 1);
		ct += l;
	}
	EVP_EncryptFinal_ex(rc->ctx, ct, &l);
	ct += l;
	EVP_CIPHER_CTX_ctrl(rc->ctx, EVP_CTRL_AEAD_GET_TAG, REC_TAG, ct);
	rc->seq++;
	return REC_HDR + body;
}

/*
 * Open the complete record rec[0..len) in place. Returns 0 with the
 * payload in *pt, or -EBADMSG (bad framing or tag, wrong inner type).
 */
int rc_open(struct rcrypt *rc, u8 *rec, size_t len, u8 **pt, size_t *ptlen)
{
	size_t ex = explicit_len(&rc->cfg), n;
	u8 nonce[12], aad[13];
	u8 *ct;
	int aadlen, l;

	if (len < REC_HDR + ex + REC_TAG + (rc->cfg.ver == 13) ||
	    rec[0] != 23 || rec[1] != 3 || rec[2] != 3)
		return -EBADMSG;
	n = len - REC_HDR - ex - REC_TAG;
	ct = rec + REC_HDR + ex;
	rc_nonce(rc, rec + REC_HDR, nonce);
	rc_aad(rc, rec, n, aad, &aadlen);
	if (EVP_DecryptInit_ex(rc->ctx, NULL, NULL, NULL, nonce) != 1 ||
	    EVP_CIPHER_CTX_ctrl(rc->ctx, EVP_CTRL_AEAD_SET_TAG, REC_TAG,
				ct + n) != 1 ||
	    EVP_DecryptUpdate(rc->ctx, NULL, &l, aad, aadlen) != 1 ||
	    EVP_DecryptUpdate(rc->ctx, ct, &l, ct, (int)n) != 1 ||
	    EVP_DecryptFinal_ex(rc->ctx, ct + l, &l) != 1)
		return -EBADMSG;
	if (rc->cfg.ver == 13) {
		/* No padding is ever produced by our peers. */
		if (ct[n - 1] != 23)
			return -EBADMSG;
		n--;
	}
	rc->seq++;
	*pt = ct;
	*ptlen = n;
	return 0;
}

/*
 * OpenSSL fetches and initialises an algorithm on first use, which under
 * emulation takes long enough to distort a timed run: do it before the
 * fork, so both ends inherit it.
 */
void rc_warm(const struct tlscfg *cfg)
{
	u8 pt[16] = { 0 }, rec[64];
	struct rcrypt rc;

	if (rc_init(&rc, cfg, 0, 1))
		die("OpenSSL cannot initialise %s", cipher_name(cfg->cipher));
	rc_seal(&rc, pt, sizeof(pt), rec);
	rc_free(&rc);
}
