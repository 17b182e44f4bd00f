// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: the AES-CBC + HMAC suites (FreeBSD's CBC suites, RFC 5246
 * 6.2.3.2): MAC-then-encrypt, software only. The record paths call in
 * here for the crypto (ktls_tx_cbc.c on send, ktls_rx_cbc.c on receive);
 * this file holds the suite table, the key, the HMAC and CBC transforms
 * and the constant-time check of a received record.
 *
 * A record on the wire:
 *   header(5) | [explicit IV(16), TLS 1.1/1.2] | CBC(plaintext | MAC | pad)
 * MAC = HMAC(seq(8) | type | version(2) | plaintext length(2) | plaintext),
 * pad = p + 1 bytes of value p, making the encrypted part a block
 * multiple. TLS 1.0 has no explicit IV: each record's IV is the previous
 * record's last ciphertext block.
 *
 * Lucky13 (AlFardan and Paterson, 2013): the receiver learns the padding
 * length only after decryption, and the MAC covers the plaintext without
 * the padding, so a naive check hashes a secret-dependent number of bytes
 * and its time tells the attacker about the plaintext. ktls_cbc_open()
 * reads every candidate padding byte, copies the MAC out of a fixed
 * window, and after the real HMAC runs as many extra compression
 * functions as make the total depend on the record length only.
 *
 * Nothing here takes locks; the callers own the struct ktls_cbc of their
 * direction (TX under tx_lock + lock_sock, RX under lock_sock).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>

#include "ktls.h"

struct ktls_cbc_suite {
	u16 cipher_type;
	u8 key_size;		/* AES key bytes */
	u8 mac_size;		/* HMAC output = HMAC key bytes */
	u8 hash_block;		/* the hash's block: 64, or 128 for SHA384 */
	u8 hash_len_field;	/* bytes of the length in the last block */
	bool tls12_only;
	const char *hmac;
};

static const struct ktls_cbc_suite ktls_cbc_suites[] = {
	{ TLS_CIPHER_AES_CBC_128_SHA1, 16, 20, 64, 8, false, "hmac(sha1)" },
	{ TLS_CIPHER_AES_CBC_256_SHA1, 32, 20, 64, 8, false, "hmac(sha1)" },
	{ TLS_CIPHER_AES_CBC_128_SHA256, 16, 32, 64, 8, true, "hmac(sha256)" },
	{ TLS_CIPHER_AES_CBC_256_SHA256, 32, 32, 64, 8, true, "hmac(sha256)" },
	{ TLS_CIPHER_AES_CBC_128_SHA384, 16, 48, 128, 16, true, "hmac(sha384)" },
	{ TLS_CIPHER_AES_CBC_256_SHA384, 32, 48, 128, 16, true, "hmac(sha384)" },
};

static const struct ktls_cbc_suite *ktls_cbc_suite(u16 cipher_type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ktls_cbc_suites); i++)
		if (ktls_cbc_suites[i].cipher_type == cipher_type)
			return &ktls_cbc_suites[i];
	return NULL;
}

bool ktls_cipher_is_cbc(u16 cipher_type)
{
	return ktls_cbc_suite(cipher_type);
}

void ktls_cbc_free(struct ktls_cbc *cbc)
{
	if (!cbc)
		return;
	crypto_free_sync_skcipher(cbc->aes);
	crypto_free_shash(cbc->hmac);
	kfree_sensitive(cbc->buf);
	kfree_sensitive(cbc);
}

int ktls_cbc_read_info(struct net *net, bool tx,
		       const struct tls_crypto_info *hdr, sockptr_t optval,
		       unsigned int optlen, struct ktls_cbc **out)
{
	const struct ktls_cbc_suite *s = ktls_cbc_suite(hdr->cipher_type);
	struct ktls_cbc *cbc;

	if (!s)
		return -EINVAL;
	if (!READ_ONCE(ktls_net(net)->cbc_enable))
		return -EOPNOTSUPP;
	switch (hdr->version) {
	case TLS_1_0_VERSION:
	case TLS_1_1_VERSION:
		if (s->tls12_only)
			return -EINVAL;
		/* FreeBSD cannot receive TLS 1.0 either */
		if (!tx && hdr->version == TLS_1_0_VERSION)
			return -EPROTONOSUPPORT;
		break;
	case TLS_1_2_VERSION:
		break;
	default:
		return -EINVAL;
	}
	if (optlen != sizeof(cbc->ci))
		return -EINVAL;

	cbc = kzalloc(sizeof(*cbc), GFP_KERNEL);
	if (!cbc)
		return -ENOMEM;
	if (copy_from_sockptr(&cbc->ci, optval, sizeof(cbc->ci))) {
		kfree_sensitive(cbc);
		return -EFAULT;
	}
	/* what was validated, whatever user space changed since */
	cbc->ci.info = *hdr;
	cbc->suite = s;
	cbc->mac_size = s->mac_size;
	*out = cbc;
	return 0;
}

int ktls_cbc_init(struct ktls_cbc *cbc, struct tls_prot_info *prot,
		  struct cipher_context *cctx, bool rx)
{
	const struct ktls_cbc_suite *s = cbc->suite;
	bool tls10 = cbc->ci.info.version == TLS_1_0_VERSION;
	u8 iv[TLS_CIPHER_AES_CBC_IV_SIZE] = {};
	int rc;

	cbc->aes = crypto_alloc_sync_skcipher("cbc(aes)", 0, 0);
	if (IS_ERR(cbc->aes)) {
		rc = PTR_ERR(cbc->aes);
		cbc->aes = NULL;
		return rc;
	}
	cbc->hmac = crypto_alloc_shash(s->hmac, 0, 0);
	if (IS_ERR(cbc->hmac)) {
		rc = PTR_ERR(cbc->hmac);
		cbc->hmac = NULL;
		return rc;
	}
	rc = crypto_sync_skcipher_setkey(cbc->aes, cbc->ci.key, s->key_size);
	if (!rc)
		rc = crypto_shash_setkey(cbc->hmac, cbc->ci.mac_key,
					 s->mac_size);
	if (rc)
		return rc;
	if (rx) {
		cbc->buf = kmalloc(KTLS_CBC_REC_MAX, GFP_KERNEL);
		if (!cbc->buf)
			return -ENOMEM;
	}

	/* cctx->iv: the next record's IV (TLS 1.0), else unused */
	if (tls10)
		memcpy(iv, cbc->ci.iv, sizeof(iv));
	rc = ktls_cctx_store(cctx, iv, sizeof(iv), cbc->ci.rec_seq,
			     sizeof(cbc->ci.rec_seq));
	if (rc)
		return rc;

	prot->version = cbc->ci.info.version;
	prot->cipher_type = cbc->ci.info.cipher_type;
	prot->iv_size = tls10 ? 0 : TLS_CIPHER_AES_CBC_IV_SIZE;
	prot->salt_size = 0;
	prot->rec_seq_size = TLS_CIPHER_AES_CBC_REC_SEQ_SIZE;
	prot->prepend_size = TLS_HEADER_SIZE + prot->iv_size;
	/* the longest trailer sent: the MAC and a whole block of padding */
	prot->tag_size = s->mac_size + KTLS_CBC_BLOCK;
	prot->tail_size = 0;
	prot->overhead_size = prot->prepend_size + prot->tag_size;
	prot->aad_size = TLS_AAD_SPACE_SIZE;
	return 0;
}

/* getsockopt TLS_TX / TLS_RX: the info as set, the sequence as it is now */
int ktls_cbc_get_info(const struct ktls_cbc *cbc,
		      const struct cipher_context *cctx, char __user *optval,
		      int len)
{
	struct tls_crypto_info_aes_cbc_hmac out;
	int rc = 0;

	if (len != sizeof(out))
		return -EINVAL;
	out = cbc->ci;
	if (cbc->ci.info.version == TLS_1_0_VERSION)
		memcpy(out.iv, cctx->iv, sizeof(out.iv));
	memcpy(out.rec_seq, cctx->rec_seq, sizeof(out.rec_seq));
	if (copy_to_user(optval, &out, sizeof(out)))
		rc = -EFAULT;
	memzero_explicit(&out, sizeof(out));
	return rc;
}

u32 ktls_cbc_trailer(const struct ktls_cbc *cbc, u32 data_len)
{
	u32 n = data_len + cbc->mac_size;

	/* minimal padding: 1..16 bytes, the last one the count of the rest */
	return cbc->mac_size + KTLS_CBC_BLOCK - n % KTLS_CBC_BLOCK;
}

void ktls_cbc_fill_trailer(const struct ktls_cbc *cbc, u8 *trailer,
			   u32 data_len)
{
	u32 len = ktls_cbc_trailer(cbc, data_len);

	/* after the MAC (written by the caller) the padding */
	memset(trailer + cbc->mac_size, len - cbc->mac_size - 1,
	       len - cbc->mac_size);
}

void ktls_cbc_new_iv(u8 *iv)
{
	get_random_bytes(iv, TLS_CIPHER_AES_CBC_IV_SIZE);
}

/* Feed @len bytes of @sg to @desc. */
static int ktls_cbc_hash_sg(struct shash_desc *desc, struct scatterlist *sg,
			    u32 len)
{
	struct sg_mapping_iter miter;
	int rc = 0;

	sg_miter_start(&miter, sg, sg_nents(sg), SG_MITER_FROM_SG);
	while (len && !rc && sg_miter_next(&miter)) {
		u32 n = min_t(size_t, len, miter.length);

		rc = crypto_shash_update(desc, miter.addr, n);
		len -= n;
	}
	sg_miter_stop(&miter);
	return rc ? rc : (len ? -EINVAL : 0);
}

int ktls_cbc_mac_sg(struct ktls_cbc *cbc, struct scatterlist *sg, u32 len,
		    u8 *mac)
{
	SHASH_DESC_ON_STACK(desc, cbc->hmac);
	int rc;

	desc->tfm = cbc->hmac;
	rc = crypto_shash_init(desc);
	if (!rc)
		rc = ktls_cbc_hash_sg(desc, sg, len);
	if (!rc)
		rc = crypto_shash_final(desc, mac);
	shash_desc_zero(desc);
	return rc;
}

int ktls_cbc_crypt(struct ktls_cbc *cbc, struct scatterlist *src,
		   struct scatterlist *dst, u32 len, u8 *iv, bool enc)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, cbc->aes);
	int rc;

	skcipher_request_set_sync_tfm(req, cbc->aes);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, src, dst, len, iv);
	rc = enc ? crypto_skcipher_encrypt(req) : crypto_skcipher_decrypt(req);
	skcipher_request_zero(req);
	return rc;
}

/* ---------- receive: constant-time padding and MAC check ---------- */

/* All ones when @a < @b, else 0, without a branch (a, b < 2^31). */
static u32 ct_lt(u32 a, u32 b)
{
	return 0u - ((a - b) >> 31);
}

static u32 ct_eq0(u32 a)
{
	return 0u - ((~a & (a - 1)) >> 31);
}

/*
 * Blocks the dummy hash always runs, whatever the padding. Measured
 * (cbc_test timing, six runs each in one 6.1 guest): 1 gives gaps of
 * -2.7..+0.9 us, 4 (so that x86's SHA1 takes its AVX2 path for the dummy
 * too) -3.2..+6.6 us, against 8..27 us for 256 more bytes.
 */
#define KTLS_CBC_DUMMY_BASE	1

/*
 * Dummy input: the padding (at most 255 bytes) moves the MAC's end by at
 * most 5 blocks of 64 or 3 of 128 bytes, and the base is always fed:
 * the larger of (base + 5) * 64 and (base + 3) * 128 bytes.
 */
static const u8 ktls_cbc_zero[(KTLS_CBC_DUMMY_BASE + 3) * 128];
static_assert((KTLS_CBC_DUMMY_BASE + 5) * 64 <= sizeof(ktls_cbc_zero));

/* Compression functions the inner hash of HMAC runs for @n message bytes */
static u32 hmac_blocks(const struct ktls_cbc_suite *s, u32 n)
{
	/* the key block, the message, the 0x80 byte and the length */
	return 1 + (n + 1 + s->hash_len_field + s->hash_block - 1) /
		   s->hash_block;
}

/*
 * @buf holds the @len bytes after the header and explicit IV of a record
 * whose length was checked (a block multiple, room for a MAC and a pad
 * byte: ktls_cbc_check_len). Decrypt it in place with @iv and check pad
 * and MAC in time that depends on @len only. On success *@data_len is the
 * plaintext length (at the start of @buf); -EBADMSG for a bad pad or MAC.
 */
int ktls_cbc_open(struct ktls_cbc *cbc, const struct tls_prot_info *prot,
		  u8 type, const char *rec_seq, u8 *buf, u32 len, u8 *iv,
		  u32 *data_len)
{
	const struct ktls_cbc_suite *s = cbc->suite;
	u32 mac_size = s->mac_size, good, pad, dlen, scan, i, j, blocks;
	u8 aad[TLS_AAD_SPACE_SIZE], mac[KTLS_CBC_MAC_MAX];
	u8 got[KTLS_CBC_MAC_MAX], rot[KTLS_CBC_MAC_MAX];
	SHASH_DESC_ON_STACK(desc, cbc->hmac);
	struct scatterlist sg;
	u32 mac_start, rotate;
	int rc;

	sg_init_one(&sg, buf, len);
	rc = ktls_cbc_crypt(cbc, &sg, &sg, len, iv, false);
	if (rc)
		return rc;

	/*
	 * The padding: buf[len - 1] = p, and p more bytes of p before it.
	 * good stays all ones while the padding and its length are right.
	 * Every byte that could be padding is read, whatever p is.
	 */
	pad = buf[len - 1];
	good = ct_lt(pad + mac_size, len);	/* pad + 1 + mac <= len */
	pad &= good;		/* a bad length: check as if p were 0 */
	scan = min_t(u32, KTLS_CBC_PAD_MAX, len);
	for (i = 1; i < scan; i++) {
		u32 in_pad = ct_lt(i, pad + 1);

		good &= ~(in_pad & ~ct_eq0(buf[len - 1 - i] ^ pad));
	}
	dlen = len - mac_size - 1 - pad;

	/*
	 * The received MAC at buf[dlen..]: copied from a window that covers
	 * every possible place, so the addresses read do not depend on p.
	 * rot[] gets the MAC rotated by mac_start - window start, undone below
	 * by trying every rotation.
	 */
	mac_start = dlen;
	scan = min_t(u32, len, mac_size + KTLS_CBC_PAD_MAX);
	memset(rot, 0, sizeof(rot));
	j = 0;
	for (i = len - scan; i < len; i++) {
		u32 in_mac = ~ct_lt(i, mac_start) & ct_lt(i, mac_start + mac_size);

		rot[j] |= buf[i] & in_mac;
		if (++j == mac_size)
			j = 0;
	}
	rotate = (mac_start - (len - scan)) % mac_size;
	memset(got, 0, sizeof(got));
	for (j = 0; j < mac_size; j++) {
		u32 is = ct_eq0(j ^ rotate);

		for (i = 0; i < mac_size; i++)
			got[i] |= rot[(i + j) % mac_size] & is;
	}

	/* the real HMAC, then dummy compressions up to the longest case */
	ktls_build_aad(prot, aad, dlen, type, rec_seq);
	desc->tfm = cbc->hmac;
	rc = crypto_shash_init(desc);
	if (!rc)
		rc = crypto_shash_update(desc, aad, sizeof(aad));
	if (!rc)
		rc = crypto_shash_update(desc, buf, dlen);
	if (!rc)
		rc = crypto_shash_final(desc, mac);
	/*
	 * KTLS_CBC_DUMMY_BASE more than the difference, so that every record
	 * makes the same calls (an update of whole blocks takes the SIMD
	 * path, one of none would not) and only the block count varies, in
	 * step with the real hash's. A fresh state compresses each whole
	 * block fed to it.
	 */
	blocks = KTLS_CBC_DUMMY_BASE +
		 hmac_blocks(s, sizeof(aad) + len - mac_size - 1) -
		 hmac_blocks(s, sizeof(aad) + dlen);
	if (!rc)
		rc = crypto_shash_init(desc);
	if (!rc)
		rc = crypto_shash_update(desc, ktls_cbc_zero,
					 blocks * s->hash_block);
	shash_desc_zero(desc);
	if (rc)
		return rc;

	good &= ct_eq0(crypto_memneq(mac, got, mac_size));
	memzero_explicit(rot, sizeof(rot));
	memzero_explicit(got, sizeof(got));
	memzero_explicit(mac, sizeof(mac));
	if (!good)
		return -EBADMSG;
	*data_len = dlen;
	return 0;
}

/*
 * FreeBSD's length rules for a CBC record of @len bytes after the header:
 * the explicit IV, then at least a MAC and a pad byte rounded up to a
 * block, a block multiple; at most 16384 + 2048 (RFC 5246 6.2.3).
 */
int ktls_cbc_check_len(const struct ktls_cbc *cbc,
		       const struct tls_prot_info *prot, u32 len)
{
	u32 min = prot->iv_size + round_up(cbc->mac_size + 1, KTLS_CBC_BLOCK);

	if (len < min || len > TLS_MAX_PAYLOAD_SIZE + 2048 ||
	    (len - prot->iv_size) % KTLS_CBC_BLOCK)
		return -EMSGSIZE;
	return 0;
}
