// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: the TX software fallback of device flows, behind the exported
 * tls_validate_xmit_skb() (sk_validate_xmit_skb of an offloaded socket)
 * and tls_encrypt_skb() (drivers that cannot encrypt an skb themselves).
 *
 * The include set is the one upstream's tls_device_fallback.c sees (its
 * own list and its private tls.h): the symbol's CRC is computed from the
 * types visible here and must equal the one the kernel's Module.symvers
 * lists for tls.ko, so that drivers built against the kernel load with
 * ktls.ko (kmod/symvers-check.sh fails the build otherwise). What this
 * file needs from the rest of ktls is in ktls_abi.h, prototypes only.
 *
 * How an skb is encrypted: TCP's payload of a device flow is the records
 * as ktls framed them, in plaintext (ktls_device_tx.h). Each record the
 * skb overlaps is encrypted from its own kept copy (records_list) up to
 * the end of the overlap, into a scratch buffer holding the record's wire
 * image, whose overlapping bytes replace the payload in a copy of the skb.
 * AES-GCM is a counter mode, so a record's prefix encrypts to the prefix
 * of its ciphertext; the tag is only taken from a complete encryption.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/byteorder.h>
#include <linux/types.h>
#include <linux/skmsg.h>
#include <net/tls.h>
#include <crypto/aead.h>
#include <crypto/scatterwalk.h>
#include <net/ip6_checksum.h>

#include "ktls_abi.h"

/* a record's wire image: header, nonce, payload, 1.3 type, tag */
#define KTLS_FB_SCRATCH	(TLS_MAX_PAYLOAD_SIZE + 64)
/* aad buffers and the nonce live after the wire image */
#define KTLS_FB_BUF	(KTLS_FB_SCRATCH + 2 * TLS_AAD_SPACE_SIZE + \
			 KTLS_ABI_NONCE_BUF_SIZE)

struct ktls_fb {
	struct tls_context *ctx;
	struct tls_offload_context_tx *octx;
	struct aead_request *req;
	unsigned int req_size;
	u8 *buf;
	struct scatterlist sg_in[MAX_SKB_FRAGS + 2];
	struct scatterlist sg_out[2];
};

/* sg entries for bytes [@off, @off + @len) of @rec's frags; 0 on error */
static int fb_rec_sg(const struct tls_record_info *rec, u32 off, u32 len,
		     struct scatterlist *sg, int max)
{
	int i, n = 0;

	for (i = 0; i < rec->num_frags && len; i++) {
		const skb_frag_t *frag = &rec->frags[i];
		u32 size = skb_frag_size(frag), chunk;

		if (off >= size) {
			off -= size;
			continue;
		}
		if (n == max)
			return 0;
		chunk = min(len, size - off);
		sg_set_page(&sg[n++], skb_frag_page(frag), chunk,
			    skb_frag_off(frag) + off);
		len -= chunk;
		off = 0;
	}
	return len ? 0 : n;
}

static int fb_rec_copy(const struct tls_record_info *rec, u32 off, u32 len,
		       u8 *to)
{
	struct scatterlist sg[MAX_SKB_FRAGS];
	int i, n;

	sg_init_table(sg, ARRAY_SIZE(sg));
	n = fb_rec_sg(rec, off, len, sg, ARRAY_SIZE(sg));
	if (!n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		/* record pages are kernel pages (no highmem on our arches) */
		memcpy(to, page_address(sg_page(&sg[i])) + sg[i].offset,
		       sg[i].length);
		to += sg[i].length;
	}
	return 0;
}

/*
 * The wire bytes [0, @end) of record @rec (number @sn) into fb->buf.
 * Called with the offload context's lock held: the record and its key
 * stay while we read them.
 */
static int fb_record(struct ktls_fb *fb, struct tls_record_info *rec,
		     u64 sn, u32 end)
{
	const struct tls_prot_info *prot = &fb->ctx->prot_info;
	u32 data_end = rec->len - prot->tag_size, enc, plen;
	u8 *buf = fb->buf, *aad_in, *aad_out, *nonce;
	const struct ktls_fb_key *key;
	__be64 seq;
	int n, rc;

	if (rec->len > KTLS_FB_SCRATCH || rec->len < prot->overhead_size)
		return -EINVAL;
	aad_in = buf + KTLS_FB_SCRATCH;
	aad_out = aad_in + TLS_AAD_SPACE_SIZE;
	nonce = aad_out + TLS_AAD_SPACE_SIZE;

	/* the header (and TLS 1.2 explicit nonce) goes out as it is */
	rc = fb_rec_copy(rec, 0, prot->prepend_size, buf);
	if (rc || end <= prot->prepend_size)
		return rc;

	key = ktls_dtx_key_for(fb->ctx, tls_record_start_seq(rec));
	if (!key || !key->aead)
		return -EINVAL;
	seq = cpu_to_be64(key->seq0 + (sn - key->sn_base));
	ktls_build_nonce(prot, key->iv, (const char *)&seq, nonce);
	if (prot->version != TLS_1_3_VERSION)
		ktls_nonce_set_explicit(prot, nonce, buf + TLS_HEADER_SIZE);
	/* content length without the 1.3 type byte, as the aad wants it */
	plen = data_end - prot->prepend_size - prot->tail_size;
	ktls_build_aad(prot, aad_in, plen, buf[0], (const char *)&seq);
	memcpy(aad_out, aad_in, prot->aad_size);

	/* a prefix only, unless the overlap reaches into the tag */
	enc = min(end, data_end) - prot->prepend_size;
	if (crypto_aead_reqsize(key->aead) + sizeof(*fb->req) > fb->req_size) {
		kfree(fb->req);
		fb->req_size = sizeof(*fb->req) + crypto_aead_reqsize(key->aead);
		fb->req = kmalloc(fb->req_size, GFP_ATOMIC);
		if (!fb->req)
			return -ENOMEM;
	}

	sg_init_table(fb->sg_in, ARRAY_SIZE(fb->sg_in));
	sg_set_buf(&fb->sg_in[0], aad_in, prot->aad_size);
	n = fb_rec_sg(rec, prot->prepend_size, enc, &fb->sg_in[1],
		      ARRAY_SIZE(fb->sg_in) - 1);
	if (!n)
		return -EINVAL;
	sg_mark_end(&fb->sg_in[n]);
	sg_init_table(fb->sg_out, ARRAY_SIZE(fb->sg_out));
	sg_set_buf(&fb->sg_out[0], aad_out, prot->aad_size);
	sg_set_buf(&fb->sg_out[1], buf + prot->prepend_size,
		   enc + prot->tag_size);

	aead_request_set_tfm(fb->req, key->aead);
	aead_request_set_callback(fb->req, 0, NULL, NULL);
	aead_request_set_ad(fb->req, prot->aad_size);
	aead_request_set_crypt(fb->req, fb->sg_in, fb->sg_out, enc, nonce);
	/* the tfm is synchronous (allocated without CRYPTO_ALG_ASYNC) */
	return crypto_aead_encrypt(fb->req);
}

/*
 * Payload bytes [0, @len) of @nskb (TCP sequence @seq on) replaced by
 * their ciphertext. 1: leave the skb alone (data from before offload);
 * 0: done; <0: drop it.
 */
static int fb_encrypt(struct ktls_fb *fb, u32 seq, u8 *payload, u32 len)
{
	struct tls_offload_context_tx *octx = fb->octx;
	struct tls_record_info *rec;
	u32 done = 0;
	u64 sn;

	rec = tls_get_record(octx, seq, &sn);
	if (!rec)
		return -ENOENT;
	if (tls_record_is_start_marker(rec))
		/* plaintext from before offload: only if entirely so */
		return after(seq + len, rec->end_seq) ? -EINVAL : 1;

	while (done < len) {
		u32 start = tls_record_start_seq(rec);
		u32 a = seq + done - start;
		u32 b = min_t(u32, rec->len, a + (len - done));
		int rc = fb_record(fb, rec, sn, b);

		if (rc)
			return rc;
		memcpy(payload + done, fb->buf + a, b - a);
		done += b - a;
		if (done == len)
			break;
		if (list_is_last(&rec->list, &octx->records_list))
			return -EINVAL;
		rec = list_next_entry(rec, list);
		sn++;
	}
	return 0;
}

/* @nskb takes @skb's place: socket, memory accounting, checksum. */
static void fb_take_over(struct sk_buff *nskb, struct sk_buff *skb)
{
	struct sock *sk = skb->sk;
	int delta = nskb->truesize - skb->truesize;
	struct tcphdr *th = tcp_hdr(nskb);
	int tlen = nskb->len - skb_transport_offset(nskb);

	nskb->sk = sk;
	nskb->destructor = skb->destructor;
	skb->sk = NULL;
	skb->destructor = NULL;
	/* sock_efree holds a socket reference, not memory */
	if (nskb->destructor != sock_efree && delta > 0)
		refcount_add(delta, &sk->sk_wmem_alloc);
	else if (nskb->destructor != sock_efree && delta < 0 &&
		 refcount_sub_and_test(-delta, &sk->sk_wmem_alloc))
		net_warn_ratelimited("fallback skb accounting\n");

	nskb->prev = nskb;	/* validate_xmit_skb_list(): not segmented */
	nskb->next = NULL;
	/*
	 * Checksum: offloaded (PARTIAL) covers the new payload by itself;
	 * a checksum TCP completed covered the plaintext, so hand it to the
	 * device or validate_xmit_skb() as PARTIAL over the pseudo header.
	 */
	if (nskb->ip_summed == CHECKSUM_PARTIAL)
		return;
	nskb->ip_summed = CHECKSUM_PARTIAL;
	nskb->csum_start = skb_transport_header(nskb) - nskb->head;
	nskb->csum_offset = offsetof(struct tcphdr, check);
	if (ip_hdr(nskb)->version == 6)
		th->check = ~csum_ipv6_magic(&ipv6_hdr(nskb)->saddr,
					     &ipv6_hdr(nskb)->daddr, tlen,
					     IPPROTO_TCP, 0);
	else
		th->check = ~csum_tcpudp_magic(ip_hdr(nskb)->saddr,
					       ip_hdr(nskb)->daddr, tlen,
					       IPPROTO_TCP, 0);
}

/* Encrypt @skb of @sk in software; consumes @skb, returns what to send. */
static struct sk_buff *ktls_fallback(struct sock *sk, struct sk_buff *skb)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	struct ktls_fb fb = { .ctx = ctx, .octx = tls_offload_ctx_tx(ctx) };
	int off = skb_tcp_all_headers(skb);
	u32 len = skb->len - off, seq = ntohl(tcp_hdr(skb)->seq);
	struct sk_buff *nskb = NULL;
	unsigned long flags;
	int rc;

	if (!len)
		return skb;
	fb.buf = kmalloc(KTLS_FB_BUF, GFP_ATOMIC);
	if (fb.buf)
		nskb = skb_copy(skb, GFP_ATOMIC);
	if (!nskb)
		goto drop;

	spin_lock_irqsave(&fb.octx->lock, flags);
	rc = fb_encrypt(&fb, seq, nskb->data + off, len);
	spin_unlock_irqrestore(&fb.octx->lock, flags);
	if (rc < 0)
		goto drop;
	if (rc > 0) {
		/* plaintext from before offload goes as it is */
		kfree_skb(nskb);
		nskb = skb;
		goto out;
	}
	ktls_fb_clear_decrypted(nskb);
	fb_take_over(nskb, skb);
	consume_skb(skb);
	goto out;
drop:
	/* TCP retransmits what we could not encrypt */
	kfree_skb(nskb);
	kfree_skb(skb);
	nskb = NULL;
out:
	kfree_sensitive(fb.buf);
	kfree(fb.req);
	return nskb;
}

/*
 * Offloaded skbs that leave through another device than the one holding
 * the flow's context (a route change, a bond's other slave is fine: the
 * bond hands it to the slave that has it) are encrypted here.
 */
struct sk_buff *tls_validate_xmit_skb(struct sock *sk,
				      struct net_device *dev,
				      struct sk_buff *skb)
{
	struct net_device *netdev = rcu_dereference_bh(tls_get_ctx(sk)->netdev);

	if (dev == netdev || netif_is_bond_master(dev))
		return skb;
	/* not per packet for ever: the flow is software from now on */
	if (netdev)
		ktls_dtx_route_moved(sk);
	return ktls_fallback(sk, skb);
}
EXPORT_SYMBOL_GPL(tls_validate_xmit_skb);

/* The flow's device went away (or TX moved to software): always encrypt. */
struct sk_buff *ktls_validate_xmit_skb_sw(struct sock *sk,
					  struct net_device *dev,
					  struct sk_buff *skb)
{
	return ktls_fallback(sk, skb);
}

struct sk_buff *tls_encrypt_skb(struct sk_buff *skb)
{
	return ktls_fallback(skb->sk, skb);
}
EXPORT_SYMBOL_GPL(tls_encrypt_skb);
