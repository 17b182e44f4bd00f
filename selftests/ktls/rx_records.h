/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rx_test: userspace mirror of the kernel's TLS record protection (cipher
 * variants, keys, TLS_RX installation, record building with OpenSSL EVP),
 * so that the tests control every byte of every record, and the
 * CHECK()/fail() helpers of the programs that include it (rx_test,
 * hostile, fuzz_records); not a library.
 */
#ifndef RX_RECORDS_H
#define RX_RECORDS_H

/* ---------- failing a case ---------- */

/* the case being run, for fail()'s message */
static const char *case_name = "?";

/* Print why the case failed, with errno, and end the case's process. */
static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "FAIL %s: ", case_name);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (errno %d %s)\n", errno, strerror(errno));
	va_end(ap);
	exit(1);
}

#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

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
	if (expl) {
		memcpy(nonce, k->salt, 4);
		memcpy(nonce + 4, seqb, 8);	/* explicit nonce = sequence */
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
	out[0] = t13 ? REC_DATA : type;
	out[1] = 3;
	out[2] = 3;
	out[3] = rlen >> 8;
	out[4] = rlen & 0xff;
	if (t13) {
		memcpy(aad, out, 5);
		aadlen = 5;
	} else {
		memcpy(aad, seqb, 8);
		aad[8] = type;
		aad[9] = 3;
		aad[10] = 3;
		aad[11] = len >> 8;
		aad[12] = len & 0xff;
		aadlen = 13;
	}
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
