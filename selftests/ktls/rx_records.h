/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rx_test: userspace mirror of the kernel's TLS record protection (cipher
 * variants, keys, TLS_RX installation, record building with OpenSSL EVP),
 * so that the tests control every byte of every record, for the programs
 * that include it (rx_test, hostile, fuzz_records); not a library.
 */
#ifndef RX_RECORDS_H
#define RX_RECORDS_H

#include "check.h"

/* ---------- cipher state (userspace mirror of the kernel's) ---------- */

struct var {
	const char *name;
	uint16_t version, cipher;
	int keylen, ivlen, saltlen;	/* UAPI sizes */
	const EVP_CIPHER *(*evp)(void);
	bool ccm;
};

static const struct var vars[] = {
	{ "12gcm", TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128, 16, 8, 4, EVP_aes_128_gcm, false },
	{ "12gcm256", TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_256, 32, 8, 4, EVP_aes_256_gcm, false },
	{ "12ccm", TLS_1_2_VERSION, TLS_CIPHER_AES_CCM_128, 16, 8, 4, EVP_aes_128_ccm, true },
	{ "12chacha", TLS_1_2_VERSION, TLS_CIPHER_CHACHA20_POLY1305, 32, 12, 0,
	  EVP_chacha20_poly1305, false },
	{ "13gcm", TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128, 16, 8, 4, EVP_aes_128_gcm, false },
	{ "13gcm256", TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_256, 32, 8, 4, EVP_aes_256_gcm, false },
	{ "13chacha", TLS_1_3_VERSION, TLS_CIPHER_CHACHA20_POLY1305, 32, 12, 0,
	  EVP_chacha20_poly1305, false },
	{ "13ccm", TLS_1_3_VERSION, TLS_CIPHER_AES_CCM_128, 16, 8, 4, EVP_aes_128_ccm, true },
};

struct keys {
	const struct var *v;
	uint8_t key[32], iv[12], salt[4];
	uint64_t seq;		/* next record sequence number */
};

static void keys_init(struct keys *k, const struct var *v, int gen)
{
	int i;

	memset(k, 0, sizeof(*k));
	k->v = v;
	for (i = 0; i < 32; i++)
		k->key[i] = 0x11 * gen + i;
	for (i = 0; i < 12; i++)
		k->iv[i] = 0x40 + gen + i;
	for (i = 0; i < 4; i++)
		k->salt[i] = 0xa0 + gen + i;
}

/* Install @k as TLS_RX on @fd (rec_seq 0). */
static int set_rx(int fd, const struct keys *k)
{
	return ktls_set_key(fd, TLS_RX, k->v->version, k->v->cipher, k->key,
			    k->iv, k->salt, NULL);
}

/*
 * The nonce and additional data of the record with header @hdr and the
 * sequence number k->seq: @explicit, the TLS 1.2 explicit nonce (AES),
 * @type and @len, the TLS 1.2 content type and plaintext length. Returns
 * the AAD's length.
 */
static int rec_nonce_aad(const struct keys *k, const uint8_t *explicit,
			 const uint8_t *hdr, uint8_t type, int len,
			 uint8_t *nonce, uint8_t *aad)
{
	const struct var *v = k->v;
	bool t13 = v->version == TLS_1_3_VERSION;
	uint8_t seqb[8];
	int i;

	for (i = 0; i < 8; i++)
		seqb[i] = k->seq >> (56 - 8 * i);
	if (!t13 && v->cipher != TLS_CIPHER_CHACHA20_POLY1305) {
		memcpy(nonce, k->salt, 4);
		memcpy(nonce + 4, explicit, 8);
	} else {
		if (v->saltlen) {
			memcpy(nonce, k->salt, 4);
			memcpy(nonce + 4, k->iv, 8);
		} else {
			memcpy(nonce, k->iv, 12);
		}
		for (i = 0; i < 8; i++)
			nonce[4 + i] ^= seqb[i];
	}
	if (t13) {
		memcpy(aad, hdr, 5);
		return 5;
	}
	memcpy(aad, seqb, 8);
	aad[8] = type;
	aad[9] = 3;
	aad[10] = 3;
	aad[11] = len >> 8;
	aad[12] = len & 0xff;
	return 13;
}

/*
 * Build one record into @out: type @type, @len bytes of @pt, TLS 1.3 @pad
 * zero bytes of padding. Returns the record length.
 */
static int build_record(struct keys *k, uint8_t type, const uint8_t *pt, int len,
			int pad, uint8_t *out)
{
	const struct var *v = k->v;
	bool t13 = v->version == TLS_1_3_VERSION;
	bool expl = !t13 && v->cipher != TLS_CIPHER_CHACHA20_POLY1305;
	uint8_t nonce[12], aad[13], seqb[8], *ct;
	int inner = len + (t13 ? 1 + pad : 0);
	int rlen = (expl ? 8 : 0) + inner + 16;
	EVP_CIPHER_CTX *c;
	int i, outl, aadlen;
	uint8_t *in;

	for (i = 0; i < 8; i++)
		seqb[i] = k->seq >> (56 - 8 * i);
	out[0] = t13 ? REC_DATA : type;
	out[1] = 3;
	out[2] = 3;
	out[3] = rlen >> 8;
	out[4] = rlen & 0xff;
	/* the explicit nonce is the sequence */
	aadlen = rec_nonce_aad(k, seqb, out, type, len, nonce, aad);
	ct = out + 5;
	if (expl) {
		memcpy(ct, seqb, 8);
		ct += 8;
	}
	in = malloc(inner + 1);
	memcpy(in, pt, len);
	if (t13) {
		in[len] = type;
		memset(in + len + 1, 0, pad);
	}

	c = EVP_CIPHER_CTX_new();
	EVP_EncryptInit_ex(c, v->evp(), NULL, NULL, NULL);
	EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL);
	if (v->ccm)
		EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, NULL);
	EVP_EncryptInit_ex(c, NULL, NULL, k->key, nonce);
	if (v->ccm)
		EVP_EncryptUpdate(c, NULL, &outl, NULL, inner);
	EVP_EncryptUpdate(c, NULL, &outl, aad, aadlen);
	outl = 0;
	/* CCM computes its tag in this call, even for no data at all */
	if (inner || v->ccm)
		EVP_EncryptUpdate(c, ct, &outl, in, inner);
	EVP_EncryptFinal_ex(c, ct + outl, &outl);
	EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, ct + inner);
	EVP_CIPHER_CTX_free(c);
	free(in);
	k->seq++;
	return 5 + rlen;
}

/*
 * Open the record at @rec (@avail bytes there) sealed with @k's key and
 * the next sequence number: check the header (3.3, TLS 1.3 outer type
 * 23), decrypt and authenticate, strip TLS 1.3's padding. Returns the
 * record's length or -1 (not whole, or it does not open); the plaintext
 * in @pt/@ptlen, the (inner) type in @type.
 */
static inline int open_record(struct keys *k, const uint8_t *rec, int avail,
			      uint8_t *type, uint8_t *pt, int *ptlen)
{
	const struct var *v = k->v;
	bool t13 = v->version == TLS_1_3_VERSION;
	bool expl = !t13 && v->cipher != TLS_CIPHER_CHACHA20_POLY1305;
	uint8_t nonce[12], aad[13];
	int rlen, clen, i, outl, ok, aadlen;
	const uint8_t *ct;
	EVP_CIPHER_CTX *c;

	if (avail < 5)
		return -1;
	rlen = rec[3] << 8 | rec[4];
	clen = rlen - (expl ? 8 : 0) - 16;
	if (avail < 5 + rlen || clen < 0 || rec[1] != 3 || rec[2] != 3 ||
	    (t13 && rec[0] != REC_DATA))
		return -1;
	aadlen = rec_nonce_aad(k, rec + 5, rec, rec[0], clen, nonce, aad);
	ct = rec + 5 + (expl ? 8 : 0);
	c = EVP_CIPHER_CTX_new();
	EVP_DecryptInit_ex(c, v->evp(), NULL, NULL, NULL);
	EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL);
	if (v->ccm)
		EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, (void *)(ct + clen));
	EVP_DecryptInit_ex(c, NULL, NULL, k->key, nonce);
	if (v->ccm)
		EVP_DecryptUpdate(c, NULL, &outl, NULL, clen);
	EVP_DecryptUpdate(c, NULL, &outl, aad, aadlen);
	outl = 0;
	ok = !clen && !v->ccm ? 1 : EVP_DecryptUpdate(c, pt, &outl, ct, clen);
	if (!v->ccm) {
		EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, (void *)(ct + clen));
		ok = ok && EVP_DecryptFinal_ex(c, pt + outl, &i) == 1;
	}
	EVP_CIPHER_CTX_free(c);
	if (!ok)
		return -1;
	*type = rec[0];
	*ptlen = clen;
	if (t13) {
		while (*ptlen && !pt[*ptlen - 1])
			(*ptlen)--;
		if (!*ptlen)
			return -1;
		*type = pt[--(*ptlen)];
	}
	k->seq++;
	return 5 + rlen;
}

/* recvmsg with a record-type cmsg; returns bytes, *type the record type
 * (-1 when none came). */
static inline ssize_t recv_type(int fd, void *buf, size_t len, int flags,
				int *type)
{
	char cbuf[CMSG_SPACE(1)];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;

	*type = -1;
	n = recvmsg(fd, &m, flags);
	if (n < 0)
		return n;
	c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_level == SOL_TLS && c->cmsg_type == TLS_GET_RECORD_TYPE)
		*type = *(unsigned char *)CMSG_DATA(c);
	return n;
}

#endif /* RX_RECORDS_H */
