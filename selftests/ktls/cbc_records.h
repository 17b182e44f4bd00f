/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AES-CBC + HMAC record codec of the tests (cbc_test, freebsd_ktls):
 * FreeBSD's ten CBC suites with ktls.ko's UAPI numbers, keys, TLS_TX /
 * TLS_RX installation, and sealing and opening records with OpenSSL EVP
 * and HMAC, MAC-then-encrypt (RFC 5246 6.2.3.2). Include after check.h;
 * not a library.
 */
#ifndef KTLS_SELFTESTS_CBC_RECORDS_H
#define KTLS_SELFTESTS_CBC_RECORDS_H

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

/* one of ktls.ko's TLS_CIPHER_AES_CBC_* */
static inline bool cbc_cipher(uint16_t cipher)
{
	return cipher >= TLS_CIPHER_AES_CBC_128_SHA1 &&
	       cipher <= TLS_CIPHER_AES_CBC_256_SHA384;
}

struct cbc_var {
	const char *name;
	uint16_t version, cipher;
	int keylen, maclen;
	const EVP_CIPHER *(*evp)(void);
	const EVP_MD *(*md)(void);
};

static const struct cbc_var cbc_vars[] = {
	{ "aes128_cbc_1_0_sha1", TLS_1_0_VERSION, TLS_CIPHER_AES_CBC_128_SHA1, 16, 20,
	  EVP_aes_128_cbc, EVP_sha1 },
	{ "aes256_cbc_1_0_sha1", TLS_1_0_VERSION, TLS_CIPHER_AES_CBC_256_SHA1, 32, 20,
	  EVP_aes_256_cbc, EVP_sha1 },
	{ "aes128_cbc_1_1_sha1", TLS_1_1_VERSION, TLS_CIPHER_AES_CBC_128_SHA1, 16, 20,
	  EVP_aes_128_cbc, EVP_sha1 },
	{ "aes256_cbc_1_1_sha1", TLS_1_1_VERSION, TLS_CIPHER_AES_CBC_256_SHA1, 32, 20,
	  EVP_aes_256_cbc, EVP_sha1 },
	{ "aes128_cbc_1_2_sha1", TLS_1_2_VERSION, TLS_CIPHER_AES_CBC_128_SHA1, 16, 20,
	  EVP_aes_128_cbc, EVP_sha1 },
	{ "aes256_cbc_1_2_sha1", TLS_1_2_VERSION, TLS_CIPHER_AES_CBC_256_SHA1, 32, 20,
	  EVP_aes_256_cbc, EVP_sha1 },
	{ "aes128_cbc_1_2_sha256", TLS_1_2_VERSION, TLS_CIPHER_AES_CBC_128_SHA256, 16, 32,
	  EVP_aes_128_cbc, EVP_sha256 },
	{ "aes256_cbc_1_2_sha256", TLS_1_2_VERSION, TLS_CIPHER_AES_CBC_256_SHA256, 32, 32,
	  EVP_aes_256_cbc, EVP_sha256 },
	{ "aes128_cbc_1_2_sha384", TLS_1_2_VERSION, TLS_CIPHER_AES_CBC_128_SHA384, 16, 48,
	  EVP_aes_128_cbc, EVP_sha384 },
	{ "aes256_cbc_1_2_sha384", TLS_1_2_VERSION, TLS_CIPHER_AES_CBC_256_SHA384, 32, 48,
	  EVP_aes_256_cbc, EVP_sha384 },
};

struct cbc_keys {
	const struct cbc_var *v;
	uint8_t key[32], mac[48], iv[16];	/* iv: TLS 1.0's next IV */
	uint64_t seq;
};

static void cbc_keys_init(struct cbc_keys *k, const struct cbc_var *v, int gen)
{
	int i;

	memset(k, 0, sizeof(*k));
	k->v = v;
	for (i = 0; i < 32; i++)
		k->key[i] = 0x21 * gen + i;
	for (i = 0; i < 48; i++)
		k->mac[i] = 0x90 + gen + i;
	for (i = 0; i < 16; i++)
		k->iv[i] = 0x50 + gen + i;
}

static int cbc_set_key(int fd, int opt, const struct cbc_keys *k, uint16_t version,
		   uint16_t cipher, socklen_t len)
{
	struct tls_crypto_info_aes_cbc_hmac ci;

	memset(&ci, 0, sizeof(ci));
	ci.info.version = version;
	ci.info.cipher_type = cipher;
	memcpy(ci.iv, k->iv, sizeof(ci.iv));
	memcpy(ci.key, k->key, sizeof(ci.key));
	memcpy(ci.mac_key, k->mac, sizeof(ci.mac_key));
	return setsockopt(fd, SOL_TLS, opt, &ci, len);
}

static int cbc_install(int fd, int opt, const struct cbc_keys *k)
{
	return cbc_set_key(fd, opt, k, k->v->version, k->v->cipher,
		       sizeof(struct tls_crypto_info_aes_cbc_hmac));
}

static uint8_t cbc_minor(const struct cbc_var *v)
{
	return v->version & 0xff;
}

static void cbc_mac_of(const struct cbc_keys *k, uint8_t type, const uint8_t *pt,
		   int len, uint8_t *out)
{
	uint8_t *in = malloc(13 + len);
	unsigned int outl;
	int i;

	for (i = 0; i < 8; i++)
		in[i] = k->seq >> (56 - 8 * i);
	in[8] = type;
	in[9] = 3;
	in[10] = cbc_minor(k->v);
	in[11] = len >> 8;
	in[12] = len & 0xff;
	memcpy(in + 13, pt, len);
	HMAC(k->v->md(), k->mac, k->v->maclen, in, 13 + len, out, &outl);
	free(in);
}

static void cbc_crypt(const struct cbc_keys *k, bool enc, const uint8_t *iv,
		const uint8_t *in, int len, uint8_t *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int outl;

	EVP_CipherInit_ex(c, k->v->evp(), NULL, k->key, iv, enc);
	EVP_CIPHER_CTX_set_padding(c, 0);
	EVP_CipherUpdate(c, out, &outl, in, len);
	EVP_CIPHER_CTX_free(c);
}

/* How a sealed record is spoiled (rx_bad_* cases). */
enum cbc_spoil { CBC_GOOD, CBC_BAD_DATA, CBC_BAD_MAC, CBC_BAD_PAD, CBC_BAD_PAD_MID, CBC_BAD_IV };

/*
 * Seal one record into @out: @len bytes of @pt, minimal padding plus
 * @extra bytes (a multiple of 16, total padding at most 256), spoiled as
 * @how. Returns the record length.
 */
static int cbc_seal(struct cbc_keys *k, uint8_t type, const uint8_t *pt, int len,
		int extra, enum cbc_spoil how, uint8_t *out)
{
	const struct cbc_var *v = k->v;
	bool expl = v->version != TLS_1_0_VERSION;
	int pad = 16 - (len + v->maclen) % 16 + extra;	/* with its length byte */
	int clen = len + v->maclen + pad, rlen = (expl ? 16 : 0) + clen;
	uint8_t *plain = malloc(clen), iv[16];

	memcpy(plain, pt, len);
	cbc_mac_of(k, type, pt, len, plain + len);
	memset(plain + len + v->maclen, pad - 1, pad);
	if (how == CBC_BAD_MAC)
		plain[len] ^= 1;
	if (how == CBC_BAD_PAD)
		plain[clen - 1] ^= 1;
	if (how == CBC_BAD_PAD_MID && pad > 2)
		plain[clen - 2] ^= 0x40;
	if (expl)
		RAND_bytes(iv, 16);
	else
		memcpy(iv, k->iv, 16);
	out[0] = type;
	out[1] = 3;
	out[2] = cbc_minor(v);
	out[3] = rlen >> 8;
	out[4] = rlen & 0xff;
	if (expl)
		memcpy(out + 5, iv, 16);
	cbc_crypt(k, true, iv, plain, clen, out + 5 + (expl ? 16 : 0));
	if (!expl)
		memcpy(k->iv, out + 5 + clen - 16, 16);
	if (how == CBC_BAD_DATA)
		out[5 + (expl ? 16 : 0)] ^= 1;
	if (how == CBC_BAD_IV)
		out[5] ^= 1;
	free(plain);
	k->seq++;
	return 5 + rlen;
}

/*
 * Open the record at @rec (@avail bytes there): check the header, the
 * padding (minimal: the kernel sends no more), the MAC; TLS 1.0's IV
 * chain. Returns the record's length, its plaintext in @pt/@ptlen.
 */
static int cbc_open(struct cbc_keys *k, const uint8_t *rec, int avail, uint8_t *type,
		    uint8_t *pt, int *ptlen, uint8_t *iv_out)
{
	const struct cbc_var *v = k->v;
	bool expl = v->version != TLS_1_0_VERSION;
	int rlen, clen, pad, i, dlen;
	uint8_t *plain, mac[64], iv[16];
	const uint8_t *ct;

	CHECK(avail >= 5, "short header");
	rlen = rec[3] << 8 | rec[4];
	CHECK(avail >= 5 + rlen, "short record");
	CHECK(rec[1] == 3 && rec[2] == cbc_minor(v), "version %d.%d", rec[1], rec[2]);
	clen = rlen - (expl ? 16 : 0);
	CHECK(clen > 0 && clen % 16 == 0, "record length %d", rlen);
	memcpy(iv, expl ? rec + 5 : k->iv, 16);
	if (iv_out)
		memcpy(iv_out, iv, 16);
	ct = rec + 5 + (expl ? 16 : 0);
	plain = malloc(clen);
	cbc_crypt(k, false, iv, ct, clen, plain);
	if (!expl)
		memcpy(k->iv, ct + clen - 16, 16);
	pad = plain[clen - 1] + 1;
	dlen = clen - v->maclen - pad;
	CHECK(dlen >= 0, "padding %d longer than the record", pad);
	for (i = 0; i < pad; i++)
		CHECK(plain[clen - 1 - i] == pad - 1, "padding byte %d", i);
	CHECK(pad == 16 - (dlen + v->maclen) % 16, "padding %d not minimal", pad);
	cbc_mac_of(k, rec[0], plain, dlen, mac);
	CHECK(!memcmp(mac, plain + dlen, v->maclen), "MAC of record %llu",
	      (unsigned long long)k->seq);
	memcpy(pt, plain, dlen);
	*ptlen = dlen;
	*type = rec[0];
	free(plain);
	k->seq++;
	return 5 + rlen;
}

#endif /* KTLS_SELFTESTS_CBC_RECORDS_H */
