// SPDX-License-Identifier: GPL-2.0
/*
 * TLS record walker: the part of the emulated NIC pipeline that follows
 * the record structure of a TCP byte stream.  Both directions use it:
 * records are found from their plaintext headers (type, version, length),
 * the explicit nonce is read from the record, and payload and tag bytes
 * are handed to the streaming AES-GCM code.  A record may be split across
 * any number of packets at any byte, including inside the header, nonce
 * or tag, so every piece of per-record information is accumulated in
 * struct tlssim_rec.
 *
 * The caller holds the context lock (or owns a private copy of the state).
 */
#include <linux/kernel.h>
#include <crypto/algapi.h>
#include "compat.h"
#include "tlssim_tls_priv.h"

/* largest ciphertext TLS 1.2 allows (RFC 5246 6.2.3): 2^14 + 2048 */
#define TLSSIM_MAX_REC_PAYLOAD	((1 << 14) + 2048)

void tlssim_rec_reset(struct tlssim_rec *r, u32 seq, u64 sn, bool active)
{
	memset(r, 0, sizeof(*r));
	r->seq = seq;
	r->sn = sn;
	r->active = active;
}

u64 tlssim_rec_sn_from_bytes(const u8 *rcd_sn)
{
	return get_unaligned_be64(rcd_sn);
}

static unsigned int rec_prefix(const struct tlssim_ctx *c)
{
	return TLS_HEADER_SIZE + c->iv_size;
}

bool tlssim_rec_hdr_plausible(const struct tlssim_ctx *c, const u8 *hdr)
{
	unsigned int len = get_unaligned_be16(hdr + 3);
	unsigned int min = c->iv_size + TLSSIM_GCM_TAG;

	if (c->version == TLS_1_3_VERSION) {
		/* outer type is always application data; inner type byte */
		if (hdr[0] != TLSSIM_CT_DATA)
			return false;
		min++;
	} else if (hdr[0] < TLSSIM_CT_FIRST || hdr[0] > TLSSIM_CT_DATA) {
		return false;
	}
	if (hdr[1] != 3 || hdr[2] != 3)
		return false;
	return len >= min && len <= TLSSIM_MAX_REC_PAYLOAD;
}

/* Header and nonce are complete: derive nonce and AAD, start GHASH. */
static void rec_begin(struct tlssim_ctx *c, struct tlssim_rec *r)
{
	u8 nonce[TLSSIM_GCM_NONCE], aad[TLS_AAD_SPACE_SIZE];
	unsigned int aadlen;

	if (c->version == TLS_1_3_VERSION) {
		memcpy(nonce, c->iv, sizeof(nonce));
		put_unaligned_be64(get_unaligned_be64(nonce + 4) ^ r->sn, nonce + 4);
		memcpy(aad, r->hdr, TLS_HEADER_SIZE);
		aadlen = TLS_HEADER_SIZE;
	} else {
		memcpy(nonce, c->salt, 4);
		memcpy(nonce + 4, r->hdr + TLS_HEADER_SIZE, 8);
		put_unaligned_be64(r->sn, aad);
		memcpy(aad + 8, r->hdr, 3);
		put_unaligned_be16(r->len - rec_prefix(c) - TLSSIM_GCM_TAG, aad + 11);
		aadlen = TLS_AAD_SPACE_SIZE;
	}
	tlssim_gcm_start(&c->key, &r->gcm, nonce, aad, aadlen);
	r->tag_done = false;
}

static void rec_end(struct tlssim_ctx *c, struct tlssim_rec *r, enum tlssim_walk_mode mode)
{
	r->pos = 0;
	r->len = 0;
	r->sn++;
	r->tag_done = false;
	memzero_explicit(r->tag, sizeof(r->tag));
	if (mode == TLSSIM_WALK_ENCRYPT)
		r->active = true;
	else
		r->active = READ_ONCE(c->rx_state) == TLSSIM_RX_SYNC;
}

/*
 * Walk @len stream bytes at @data (TCP seq r->seq).  ENCRYPT and DECRYPT
 * modify @data; VERIFY and TRACK only read it.  Returns -EBADMSG when a
 * header is not a TLS record header: the stream position is then lost.
 */
int tlssim_rec_walk(struct tlssim_ctx *c, struct tlssim_rec *r, u8 *data, u32 len,
		    enum tlssim_walk_mode mode, struct tlssim_walk_res *res)
{
	unsigned int prefix = rec_prefix(c);
	bool crypto = mode != TLSSIM_WALK_TRACK;

	while (len) {
		u32 n, end;

		if (r->pos < prefix) {
			/* header first, validated as soon as complete */
			end = r->pos < TLS_HEADER_SIZE ? TLS_HEADER_SIZE : prefix;
			n = min(len, end - r->pos);
			memcpy(r->hdr + r->pos, data, n);
			r->pos += n;
			if (r->pos == TLS_HEADER_SIZE) {
				if (!tlssim_rec_hdr_plausible(c, r->hdr))
					return -EBADMSG;
				r->len = TLS_HEADER_SIZE + get_unaligned_be16(r->hdr + 3);
				res->headers++;
				res->last_hdr_seq = r->seq + n - TLS_HEADER_SIZE;
			}
			if (r->pos == prefix && r->active && crypto)
				rec_begin(c, r);
		} else if (r->pos < r->len - TLSSIM_GCM_TAG) {
			u32 off = r->pos - prefix;

			n = min(len, r->len - TLSSIM_GCM_TAG - r->pos);
			if (r->active) {
				if (mode == TLSSIM_WALK_ENCRYPT) {
					tlssim_gcm_crypt(&c->key, &r->gcm, off, data, n);
					tlssim_gcm_hash(&c->key, &r->gcm, data, n);
				} else if (mode == TLSSIM_WALK_VERIFY) {
					tlssim_gcm_hash(&c->key, &r->gcm, data, n);
				} else if (mode == TLSSIM_WALK_DECRYPT) {
					tlssim_gcm_crypt(&c->key, &r->gcm, off, data, n);
				}
			}
			r->pos += n;
		} else {
			u32 toff = r->pos - (r->len - TLSSIM_GCM_TAG);

			n = min(len, r->len - r->pos);
			if (r->active && (mode == TLSSIM_WALK_ENCRYPT ||
					  mode == TLSSIM_WALK_VERIFY)) {
				if (!r->tag_done) {
					tlssim_gcm_tag(&c->key, &r->gcm, r->tag);
					r->tag_done = true;
				}
				if (mode == TLSSIM_WALK_ENCRYPT)
					memcpy(data, r->tag + toff, n);
				else if (crypto_memneq(data, r->tag + toff, n))
					res->tag_bad = true;
			}
			r->pos += n;
		}
		if (!r->active)
			res->inactive = true;
		data += n;
		len -= n;
		r->seq += n;
		if (r->len && r->pos == r->len)
			rec_end(c, r, mode);
	}
	return 0;
}
