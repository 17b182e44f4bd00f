/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls: what differs between the kernels ktls.ko builds for (Debian 12's
 * 6.1 and the 6.12 series). Every kernel-version test of ktls lives here,
 * so that the rest of the code reads the same for each of them (WireGuard's
 * compat layer is the model). Where a header tells what the kernel has, we
 * probe the header rather than the version number.
 */
#ifndef _KTLS_COMPAT_H
#define _KTLS_COMPAT_H

#include <linux/bvec.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <net/tcp.h>
#include <net/tls.h>

/*
 * A NIC already decrypted the bytes of @skb (device RX). The mark is
 * skb->decrypted under CONFIG_TLS_DEVICE up to 6.6; 6.7 moved it under
 * CONFIG_SKB_DECRYPTED.
 */
static inline bool ktls_skb_decrypted(const struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_SKB_DECRYPTED)
	return skb_is_decrypted(skb);
#elif IS_ENABLED(CONFIG_TLS_DEVICE)
	return skb->decrypted;
#else
	return false;
#endif
}

/*
 * 6.5 removed ->sendpage: sendfile and splice reach the ULP as sendmsg()
 * with MSG_SPLICE_PAGES, whose bvec pages may be referenced rather than
 * copied, and TCP itself takes pages the same way (do_tcp_sendpages() is
 * gone). MSG_SENDPAGE_NOTLAST went with it, replaced by MSG_MORE, so its
 * absence is the probe (Debian's 6.1 defines MSG_SPLICE_PAGES for a
 * backported fix, yet still splices through ->sendpage).
 */
#ifndef MSG_SENDPAGE_NOTLAST
#define KTLS_HAVE_SENDPAGE		0
/* sendmsg() flags that only exist with MSG_SPLICE_PAGES (tls.ko accepts them) */
#define KTLS_SENDMSG_SPLICE_FLAGS	(MSG_SPLICE_PAGES | MSG_SENDPAGE_NOPOLICY)
#define KTLS_MSG_SPLICE_PAGES		MSG_SPLICE_PAGES
#else
#define KTLS_HAVE_SENDPAGE		1
#define KTLS_SENDMSG_SPLICE_FLAGS	0
#define KTLS_MSG_SPLICE_PAGES		0
#endif

/*
 * The ->sendpage entry points, on kernels that still have them; elsewhere
 * ktls_tx_sendpage.c is not built and nothing refers to its functions.
 */
#if KTLS_HAVE_SENDPAGE
#define ktls_set_sendpage(p, fn)		((p)->sendpage = (fn))
#define ktls_set_sendpage_locked(o, fn)		((o)->sendpage_locked = (fn))
#else
#define ktls_set_sendpage(p, fn)		do { } while (0)
#define ktls_set_sendpage_locked(o, fn)		do { } while (0)
#endif

/*
 * Hand @len bytes of @page at @off to TCP (the socket is locked). @more:
 * more of the same record follows, keep TCP from pushing a partial segment.
 * Returns the bytes TCP took or an error, as do_tcp_sendpages() did.
 */
static inline ssize_t ktls_tcp_send_page(struct sock *sk, struct page *page,
					 int off, size_t len, int flags,
					 bool more)
{
#if KTLS_HAVE_SENDPAGE
	return do_tcp_sendpages(sk, page, off, len,
				more ? flags | MSG_SENDPAGE_NOTLAST : flags);
#else
	struct msghdr msg = {
		.msg_flags = MSG_SPLICE_PAGES | flags | (more ? MSG_MORE : 0),
	};
	struct bio_vec bv;

	bvec_set_page(&bv, page, len, off);
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &bv, 1, len);
	return tcp_sendmsg_locked(sk, &msg, len);
#endif
}

/*
 * tls_context's "TX is inside TCP's send" flag, which sk_write_space reads
 * to keep from re-entering TX: in_tcp_sendpages up to 6.4, splicing_pages
 * since.
 */
static inline void ktls_ctx_set_in_tcp_send(struct tls_context *ctx, bool on)
{
#if KTLS_HAVE_SENDPAGE
	ctx->in_tcp_sendpages = on;
#else
	ctx->splicing_pages = on;
#endif
}

static inline bool ktls_ctx_in_tcp_send(const struct tls_context *ctx)
{
#if KTLS_HAVE_SENDPAGE
	return ctx->in_tcp_sendpages;
#else
	return ctx->splicing_pages;
#endif
}

/*
 * struct cipher_context holds the IV (salt || iv) and the record sequence:
 * as kmalloc'ed pointers up to 6.6, as fixed arrays since (sized by
 * TLS_MAX_IV_SIZE + TLS_MAX_SALT_SIZE, which arrived with them).
 * ktls_cctx_store() replaces what @cctx held, wiping the old bytes;
 * ktls_cctx_wipe() empties it. On error nothing changed.
 */
#ifdef TLS_MAX_SALT_SIZE
static inline int ktls_cctx_store(struct cipher_context *cctx,
				  const u8 *iv, size_t iv_len,
				  const u8 *seq, size_t seq_len)
{
	if (iv_len > sizeof(cctx->iv) || seq_len > sizeof(cctx->rec_seq))
		return -EINVAL;
	memzero_explicit(cctx->iv, sizeof(cctx->iv));
	memzero_explicit(cctx->rec_seq, sizeof(cctx->rec_seq));
	memcpy(cctx->iv, iv, iv_len);
	memcpy(cctx->rec_seq, seq, seq_len);
	return 0;
}

static inline void ktls_cctx_wipe(struct cipher_context *cctx)
{
	memzero_explicit(cctx->iv, sizeof(cctx->iv));
	memzero_explicit(cctx->rec_seq, sizeof(cctx->rec_seq));
}
#else
static inline void ktls_cctx_wipe(struct cipher_context *cctx)
{
	kfree_sensitive(cctx->iv);
	kfree_sensitive(cctx->rec_seq);
	cctx->iv = NULL;
	cctx->rec_seq = NULL;
}

static inline int ktls_cctx_store(struct cipher_context *cctx,
				  const u8 *iv, size_t iv_len,
				  const u8 *seq, size_t seq_len)
{
	char *niv = kmemdup(iv, iv_len, GFP_KERNEL);
	char *nseq = kmemdup(seq, seq_len, GFP_KERNEL);

	if (!niv || !nseq) {
		kfree_sensitive(niv);
		kfree_sensitive(nseq);
		return -ENOMEM;
	}
	ktls_cctx_wipe(cctx);
	cctx->iv = niv;
	cctx->rec_seq = nseq;
	return 0;
}
#endif

/*
 * Filling a page fragment of a tls_record_info: 6.5 added
 * skb_frag_fill_page_desc() and later kernels dropped the separate
 * setters (skb_frag_t stopped being a bio_vec). Kbuild greps skbuff.h for
 * it and defines KTLS_COMPAT_FRAG_FILL.
 */
static inline void ktls_frag_fill(skb_frag_t *frag, struct page *page,
				  unsigned int off, unsigned int size)
{
#ifdef KTLS_COMPAT_FRAG_FILL
	skb_frag_fill_page_desc(frag, page, off, size);
#else
	__skb_frag_set_page(frag, page);
	skb_frag_off_set(frag, off);
	skb_frag_size_set(frag, size);
#endif
}

/*
 * Size of the TX offload context with the driver's private area: 6.1 ends
 * struct tls_offload_context_tx with a flexible driver_state[] and sizes
 * it with TLS_OFFLOAD_CONTEXT_SIZE_TX; later kernels made it a fixed
 * array inside the struct.
 */
#ifdef TLS_OFFLOAD_CONTEXT_SIZE_TX
#define KTLS_OFFLOAD_CTX_TX_SIZE	TLS_OFFLOAD_CONTEXT_SIZE_TX
#else
#define KTLS_OFFLOAD_CTX_TX_SIZE	sizeof(struct tls_offload_context_tx)
#endif

/* What leaves the software fallback is ciphertext: no "decrypted" mark. */
static inline void ktls_skb_clear_decrypted(struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_TLS_DEVICE) || IS_ENABLED(CONFIG_SKB_DECRYPTED)
	skb->decrypted = 0;
#endif
}

/*
 * 6.6 added register_net_sysctl_sz() (the table's size instead of an
 * empty last entry) and 6.12 defines register_net_sysctl() as a macro on
 * it; 6.1 has only the function, which needs the empty entry. Tables keep
 * the empty entry and pass @n without it.
 */
#ifdef register_net_sysctl
#define ktls_register_net_sysctl(net, path, t, n) \
	register_net_sysctl_sz(net, path, t, n)
#else
#define ktls_register_net_sysctl(net, path, t, n) \
	register_net_sysctl(net, path, t)
#endif

#endif /* _KTLS_COMPAT_H */
