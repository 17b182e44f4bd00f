// SPDX-License-Identifier: GPL-2.0
/*
 * ktls device TX: handing a socket's TX to the NIC its route leaves
 * through (tls_dev_add), the records kept for retransmission until TCP's
 * ACK frees them (clean_acked), TLS 1.3 rekey, device down and teardown.
 *
 * Beyond tls.ko: TLS 1.3 (AES-GCM-128/256) is offloaded when the device
 * accepts it in tls_dev_add(). A TLS 1.3 rekey moves the flow's TX to
 * software for good: the device context is deleted and every later skb
 * is encrypted by the fallback (ktls_tx_fallback.c), which keeps the old
 * keys until the records framed under them are ACKed (struct ktls_fb_key),
 * so retransmissions of old records are still encrypted with their key.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netdevice.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ktls_device_tx.h"

/* A big-endian record sequence (8 bytes, any alignment). */
static u64 dtx_be64(const void *p)
{
	__be64 v;

	memcpy(&v, p, sizeof(v));
	return be64_to_cpu(v);
}

/* The offload ciphers: what tlsdev_ops drivers know. */
static bool dtx_cipher_ok(const struct tls_crypto_info *ci)
{
	return ci->cipher_type == TLS_CIPHER_AES_GCM_128 ||
	       ci->cipher_type == TLS_CIPHER_AES_GCM_256;
}

/*
 * Key material for the fallback from @ci: a synchronous AEAD (it runs in
 * softirq), the IV and the first record sequence.
 */
static int dtx_key_init(struct ktls_fb_key *key,
			const struct tls_crypto_info *ci, u32 start_seq,
			u64 sn_base)
{
	const struct ktls_cipher *c = ktls_cipher_get(ci->cipher_type);
	const u8 *base = (const u8 *)ci;
	struct crypto_aead *aead;
	int rc;

	if (!c || c->salt_size + c->iv_size > sizeof(key->iv) ||
	    c->rec_seq_size != sizeof(u64))
		return -EINVAL;
	aead = crypto_alloc_aead(c->alg_name, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(aead))
		return PTR_ERR(aead);
	rc = crypto_aead_setkey(aead, base + c->key_off, c->key_size);
	if (!rc)
		rc = crypto_aead_setauthsize(aead, c->tag_size);
	if (rc) {
		crypto_free_aead(aead);
		return rc;
	}
	key->aead = aead;
	memcpy(key->iv, base + c->salt_off, c->salt_size);
	memcpy(key->iv + c->salt_size, base + c->iv_off, c->iv_size);
	key->start_seq = start_seq;
	key->sn_base = sn_base;
	key->seq0 = dtx_be64(base + c->rec_seq_off);
	return 0;
}

static void dtx_key_free(struct ktls_fb_key *key)
{
	crypto_free_aead(key->aead);
	memzero_explicit(key, sizeof(*key));
}

const struct ktls_fb_key *ktls_dtx_key_for(struct tls_context *ctx,
					   u32 rec_start)
{
	struct ktls_dtx *dtx = ktls_dtx(ctx);
	int i;

	lockdep_assert_held(&ktls_octx(ctx)->lock);
	/* keys[] is oldest first: the newest key starting at or before */
	for (i = dtx->cur; i >= 0; i--)
		if (!before(rec_start, dtx->keys[i].start_seq))
			return &dtx->keys[i];
	return NULL;
}

/* @netdev offloads TLS TX: what TX init and the BPF policy both ask */
static bool dtx_netdev_ok(const struct net_device *netdev)
{
	return (netdev->features & NETIF_F_HW_TLS_TX) && netdev->tlsdev_ops;
}

/*
 * Segments a flow sends before its retransmitted share is judged: a few
 * early losses of a young flow are no reason to leave the device.
 */
#define KTLS_REXMIT_MIN_SEGS	128

/* TCP's counts now are what the retransmitted share is measured from. */
static void dtx_rexmit_base(struct sock *sk, struct tls_context *ctx)
{
	struct ktls_context *kctx = ktls_ctx(ctx);

	kctx->rexmit_segs0 = READ_ONCE(tcp_sk(sk)->data_segs_out);
	kctx->rexmit_retrans0 = READ_ONCE(tcp_sk(sk)->total_retrans);
}

bool ktls_device_tx_set_sw(struct sock *sk, struct tls_context *ctx)
{
	if (test_and_set_bit(KTLS_DEV_TX_SW, &ktls_ctx(ctx)->dev_flags))
		return false;
	/* from the next skb on, the fallback encrypts all of them */
	ktls_device_tx_down(ctx);
	return true;
}

/*
 * A NIC retransmits a segment by fetching its whole record again (FreeBSD
 * commit 28d0a740): past net.ktls.device_max_rexmit_pct of the segments
 * sent since the device took TX, software is cheaper. Under the socket
 * spinlock (ACK processing), so the counts are stable.
 */
static void dtx_check_rexmit(struct sock *sk, struct tls_context *ctx)
{
	struct ktls_context *kctx = ktls_ctx(ctx);
	int pct = READ_ONCE(ktls_net(sock_net(sk))->device_max_rexmit_pct);
	u32 segs, rexmit;

	if (!pct || test_bit(KTLS_DEV_TX_SW, &kctx->dev_flags) ||
	    test_bit(KTLS_DEV_TX_DELETED, &kctx->dev_flags))
		return;
	segs = tcp_sk(sk)->data_segs_out - kctx->rexmit_segs0;
	rexmit = tcp_sk(sk)->total_retrans - kctx->rexmit_retrans0;
	if (segs < KTLS_REXMIT_MIN_SEGS || (u64)rexmit * 100 <= (u64)segs * pct)
		return;
	if (ktls_device_tx_set_sw(sk, ctx)) {
		KTLS_INC_STATS(sock_net(sk), KTLS_MIB_TXREXMITFALLBACK);
		KTLS_INC_STATS(sock_net(sk), KTLS_MIB_TXSWITCHTOSW);
		ktls_event_note(ctx, KTLS_EV_TX_REXMIT);
	}
}

void ktls_dtx_route_moved(struct sock *sk)
{
	struct tls_context *ctx = tls_get_ctx(sk);

	if (ktls_device_tx_set_sw(sk, ctx)) {
		KTLS_INC_STATS(sock_net(sk), KTLS_MIB_TXROUTEFALLBACK);
		KTLS_INC_STATS(sock_net(sk), KTLS_MIB_TXSWITCHTOSW);
		ktls_event_note(ctx, KTLS_EV_TX_ROUTE);
	}
}

int ktls_device_tx_resume(struct sock *sk, struct tls_context *ctx)
{
	struct net_device *route;
	int rc = -ENXIO;

	lockdep_assert_held(&ctx->tx_lock);
	sock_owned_by_me(sk);
	if (test_bit(KTLS_DEV_TX_DELETED, &ktls_ctx(ctx)->dev_flags))
		return -ENXIO;
	route = ktls_device_route_begin(sk);
	if (!route)
		return -ENXIO;
	if (rcu_access_pointer(ctx->netdev) == route && dtx_netdev_ok(route) &&
	    !test_bit(KTLS_DEV_TX_DELETED, &ktls_ctx(ctx)->dev_flags)) {
		dtx_rexmit_base(sk, ctx);
		/*
		 * The driver sees the flow again from the next skb; it finds
		 * its stream state stale and rebuilds it from the records,
		 * as for any retransmission. The bit goes last: a route
		 * change seen by an skb in between (softirq) then finds it
		 * still set and leaves the hook alone, and the next skb on
		 * the wrong device sets both again.
		 */
		smp_store_release(&sk->sk_validate_xmit_skb,
				  tls_validate_xmit_skb);
		clear_bit(KTLS_DEV_TX_SW, &ktls_ctx(ctx)->dev_flags);
		rc = 0;
	}
	ktls_device_route_end(route);
	return rc;
}

/* TCP's ACK processing (softirq, or process context with the socket). */
static void ktls_dtx_clean_acked(struct sock *sk, u32 acked_seq)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	struct tls_offload_context_tx *octx;
	struct tls_record_info *rec, *tmp;
	unsigned long flags;
	u64 n = 0;

	if (!ctx)
		return;
	octx = ktls_octx(ctx);
	spin_lock_irqsave(&octx->lock, flags);
	rec = octx->retransmit_hint;
	if (rec && !before(acked_seq, rec->end_seq))
		octx->retransmit_hint = NULL;
	list_for_each_entry_safe(rec, tmp, &octx->records_list, list) {
		if (before(acked_seq, rec->end_seq))
			break;
		list_del(&rec->list);
		ktls_dtx_destroy_record(rec);
		n++;
	}
	octx->unacked_record_sn += n;
	spin_unlock_irqrestore(&octx->lock, flags);
	dtx_check_rexmit(sk, ctx);
}

static void dtx_free(struct tls_context *ctx)
{
	struct tls_offload_context_tx *octx = ktls_octx(ctx);
	struct ktls_dtx *dtx = ktls_dtx(ctx);
	struct tls_record_info *rec, *tmp;
	int i;

	if (octx) {
		if (octx->open_record)
			ktls_dtx_destroy_record(octx->open_record);
		list_for_each_entry_safe(rec, tmp, &octx->records_list, list) {
			list_del(&rec->list);
			ktls_dtx_destroy_record(rec);
		}
		kfree(octx);
	}
	if (dtx) {
		for (i = 0; dtx->keys && i < dtx->nkeys; i++)
			if (dtx->keys[i].aead)
				dtx_key_free(&dtx->keys[i]);
		kfree_sensitive(dtx->keys);
		kfree(dtx);
	}
	ctx->priv_ctx_tx = NULL;
	ktls_ctx(ctx)->dtx = NULL;
}

bool ktls_device_tx_capable(struct sock *sk, struct tls_context *ctx,
			    int *ifindex)
{
	struct net_device *netdev = ktls_device_lookup(sk);
	bool ok;

	*ifindex = netdev ? netdev->ifindex : 0;
	ok = netdev && dtx_cipher_ok(&ctx->crypto_send.info) &&
	     dtx_netdev_ok(netdev);
	dev_put(netdev);
	return ok;
}

int ktls_device_tx_init(struct sock *sk, struct tls_context *ctx)
{
	const struct tls_crypto_info *ci = &ctx->crypto_send.info;
	struct tls_offload_context_tx *octx;
	struct tls_record_info *marker;
	struct net_device *netdev;
	struct ktls_dtx *dtx;
	struct sk_buff *skb;
	u32 start;
	u64 sn;
	int rc;

	lockdep_assert_held(&ctx->tx_lock);
	sock_owned_by_me(sk);
	if (ctx->priv_ctx_tx)
		return -EEXIST;
	if (!dtx_cipher_ok(ci))
		return -EOPNOTSUPP;
	netdev = ktls_device_lookup(sk);
	if (!netdev)
		return -EINVAL;
	if (!dtx_netdev_ok(netdev)) {
		rc = -EOPNOTSUPP;
		goto put_dev;
	}

	rc = -ENOMEM;
	dtx = kzalloc(sizeof(*dtx), GFP_KERNEL);
	octx = kzalloc(KTLS_OFFLOAD_CTX_TX_SIZE, GFP_KERNEL);
	marker = kmalloc(sizeof(*marker), GFP_KERNEL);
	if (!dtx || !octx || !marker)
		goto free;
	dtx->keys = kcalloc(KTLS_DTX_KEYS, sizeof(*dtx->keys), GFP_KERNEL);
	if (!dtx->keys)
		goto free;
	dtx->nkeys = KTLS_DTX_KEYS;
	rc = ktls_cipher_ctx_init(&ctx->prot_info, &ctx->tx, ci);
	if (rc)
		goto free;

	start = tcp_sk(sk)->write_seq;
	sn = dtx_be64(ctx->tx.rec_seq);
	rc = dtx_key_init(&dtx->keys[0], ci, start, sn);
	if (rc)
		goto free;
	dtx->cur = 0;
	dtx->next_sn = sn;
	dtx->sk = sk;
	INIT_WORK(&dtx->work, ktls_dtx_work);

	spin_lock_init(&octx->lock);
	INIT_LIST_HEAD(&octx->records_list);
	octx->aead_send = dtx->keys[0].aead;
	octx->ctx = ctx;
	/* everything before offload began: one marker, record number sn - 1 */
	marker->end_seq = start;
	marker->len = 0;
	marker->num_frags = 0;
	list_add_tail(&marker->list, &octx->records_list);
	marker = NULL;
	octx->unacked_record_sn = sn - 1;

	ctx->priv_ctx_tx = octx;
	ktls_ctx(ctx)->dtx = dtx;
	dtx_rexmit_base(sk, ctx);
	clean_acked_data_enable(inet_csk(sk), ktls_dtx_clean_acked);

	/* no skb may hold both data from before offload and records */
	skb = tcp_write_queue_tail(sk) ?: tcp_rtx_queue_tail(sk);
	if (skb)
		TCP_SKB_CB(skb)->eor = 1;

	rc = ktls_device_offload_begin(netdev);
	if (rc)
		goto disable;
	rc = netdev->tlsdev_ops->tls_dev_add(netdev, sk, TLS_OFFLOAD_CTX_DIR_TX,
					     &ctx->crypto_send.info, start);
	if (rc) {
		ktls_device_offload_end();
		goto disable;
	}
	/* before the lock is dropped: device down must see TX offloaded */
	ctx->tx_conf = TLS_HW;
	ktls_device_attach(sk, ctx, netdev);
	ktls_device_offload_end();
	/*
	 * From here the driver may see our skbs as offloaded and look at
	 * the context (tls_is_skb_tx_device_offloaded).
	 */
	smp_store_release(&sk->sk_validate_xmit_skb, tls_validate_xmit_skb);
	dev_put(netdev);
	return 0;

disable:
	clean_acked_data_disable(inet_csk(sk));
	octx = NULL;	/* freed by dtx_free() */
	dtx = NULL;
	dtx_free(ctx);
free:
	kfree(marker);
	kfree(octx);
	if (dtx && dtx->keys && dtx->keys[0].aead)
		dtx_key_free(&dtx->keys[0]);
	if (dtx)
		kfree_sensitive(dtx->keys);
	kfree(dtx);
put_dev:
	dev_put(netdev);
	return rc;
}

/* The first listed record that is not the start marker, or NULL. */
static struct tls_record_info *dtx_first_record(struct tls_offload_context_tx *octx)
{
	struct tls_record_info *rec;

	list_for_each_entry(rec, &octx->records_list, list)
		if (!tls_record_is_start_marker(rec))
			return rec;
	return NULL;
}

/* Drop the old keys no listed record needs any more (oldest first). */
static void dtx_prune_keys(struct tls_context *ctx)
{
	struct tls_offload_context_tx *octx = ktls_octx(ctx);
	struct ktls_dtx *dtx = ktls_dtx(ctx);
	struct tls_record_info *first;
	struct ktls_fb_key old;
	unsigned long flags;

	while (dtx->cur > 0) {
		spin_lock_irqsave(&octx->lock, flags);
		first = dtx_first_record(octx);
		if (first && before(tls_record_start_seq(first),
				    dtx->keys[1].start_seq)) {
			spin_unlock_irqrestore(&octx->lock, flags);
			return;
		}
		old = dtx->keys[0];
		memmove(&dtx->keys[0], &dtx->keys[1],
			dtx->cur * sizeof(dtx->keys[0]));
		memset(&dtx->keys[dtx->cur], 0, sizeof(dtx->keys[0]));
		dtx->cur--;
		spin_unlock_irqrestore(&octx->lock, flags);
		/* nobody can find it now: the fallback looks under the lock */
		dtx_key_free(&old);
	}
}

/* Twice the key slots: old keys stay while their records are unACKed. */
static int dtx_grow_keys(struct tls_context *ctx)
{
	struct tls_offload_context_tx *octx = ktls_octx(ctx);
	struct ktls_dtx *dtx = ktls_dtx(ctx);
	struct ktls_fb_key *keys, *old;
	unsigned long flags;
	int n = dtx->nkeys * 2;

	keys = kcalloc(n, sizeof(*keys), GFP_KERNEL);
	if (!keys)
		return -ENOMEM;
	spin_lock_irqsave(&octx->lock, flags);
	memcpy(keys, dtx->keys, dtx->nkeys * sizeof(*keys));
	old = dtx->keys;
	dtx->keys = keys;
	dtx->nkeys = n;
	spin_unlock_irqrestore(&octx->lock, flags);
	/* the fallback looks at keys under the lock only */
	kfree_sensitive(old);
	return 0;
}

int ktls_device_tx_rekey(struct sock *sk, struct tls_context *ctx,
			 const struct tls_crypto_info *ci)
{
	struct tls_offload_context_tx *octx = ktls_octx(ctx);
	struct ktls_dtx *dtx = ktls_dtx(ctx);
	const int flags = MSG_DONTWAIT | MSG_NOSIGNAL;
	struct tls_record_info *last;
	struct ktls_fb_key key = {};
	unsigned long irqf;
	int rc;

	lockdep_assert_held(&ctx->tx_lock);
	sock_owned_by_me(sk);
	if (!dtx_cipher_ok(ci))
		return -EINVAL;
	dtx_prune_keys(ctx);
	if (dtx->cur + 1 >= dtx->nkeys) {
		rc = dtx_grow_keys(ctx);
		if (rc)
			return rc;
	}

	/* data sent before the rekey goes out under the old key */
	rc = ktls_dtx_push_pending(sk, ctx, flags);
	if (!rc)
		rc = ktls_dtx_close_open(sk, ctx, flags);
	if (rc && rc != -EAGAIN)
		return rc;
	if (octx->open_record)
		return -EAGAIN;

	/* the new key's records start where the last listed one ends */
	last = list_last_entry(&octx->records_list, struct tls_record_info,
			       list);
	rc = dtx_key_init(&key, ci, list_empty(&octx->records_list) ?
			  tcp_sk(sk)->write_seq : last->end_seq, dtx->next_sn);
	if (rc)
		return rc;
	/* nothing changed if this fails */
	rc = ktls_cipher_ctx_init(&ctx->prot_info, &ctx->tx, ci);
	if (rc) {
		dtx_key_free(&key);
		return rc;
	}

	/* later records use the new key, which the device is not told */
	ktls_device_tx_detach(sk, ctx);

	spin_lock_irqsave(&octx->lock, irqf);
	dtx->keys[++dtx->cur] = key;
	/* the current key, for drivers that look (pruning keeps it) */
	octx->aead_send = key.aead;
	spin_unlock_irqrestore(&octx->lock, irqf);
	memzero_explicit(&key, sizeof(key));
	dtx->seq_exhausted = false;
	return 0;
}

void ktls_device_tx_cancel_work(struct tls_context *ctx)
{
	struct ktls_dtx *dtx = ktls_dtx(ctx);

	set_bit(KTLS_DTX_CLOSING, &dtx->flags);
	cancel_work_sync(&dtx->work);
}

/*
 * Close: as software TX, every byte send() accepted goes to TCP (the open
 * record too), with the send buffer raised so that TCP takes it now, and a
 * bounded wait only when TCP still refuses (see ktls_tx_close_push()).
 */
#define KTLS_DTX_CLOSE_WAIT	(5 * HZ)

void ktls_device_tx_release(struct sock *sk, struct tls_context *ctx,
			    long timeout)
{
	struct tls_offload_context_tx *octx = ktls_octx(ctx);
	struct ktls_dtx *dtx = ktls_dtx(ctx);
	const int flags = MSG_DONTWAIT | MSG_NOSIGNAL;
	bool raised = false;
	long timeo;
	int rc;

	lockdep_assert_held(&ctx->tx_lock);
	sock_owned_by_me(sk);
	if (sk->sk_err || (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime))
		goto out;

	timeo = sock_flag(sk, SOCK_LINGER) ? timeout :
		min_t(long, sk->sk_sndtimeo, KTLS_DTX_CLOSE_WAIT);
	for (;;) {
		rc = ktls_dtx_push_pending(sk, ctx, flags);
		if (!rc && octx->open_record)
			rc = ktls_dtx_close_open(sk, ctx, flags);
		if (rc != -EAGAIN && rc != -ENOMEM)
			break;
		if (!raised) {
			u64 unsent = octx->open_record ?
				     octx->open_record->len : 0;

			if (dtx->push_rec)
				unsent += dtx->push_rec->len - dtx->push_off;
			WRITE_ONCE(sk->sk_sndbuf,
				   max_t(u64, READ_ONCE(sk->sk_sndbuf),
					 min_t(u64, INT_MAX / 2,
					       (u64)sk->sk_wmem_queued +
					       2 * unsent +
					       SKB_TRUESIZE(SKB_MAX_HEAD(0)))));
			raised = true;
			continue;
		}
		if (!timeo || signal_pending(current))
			break;
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		if (sk_stream_wait_memory(sk, &timeo))
			break;
	}
out:
	if (octx->open_record) {
		ktls_dtx_destroy_record(octx->open_record);
		octx->open_record = NULL;
	}
}

void ktls_fb_clear_decrypted(struct sk_buff *skb)
{
	ktls_skb_clear_decrypted(skb);
}

/* Device down or rekey: every later skb is encrypted by the fallback. */
void ktls_device_tx_down(struct tls_context *ctx)
{
	WRITE_ONCE(ctx->sk->sk_validate_xmit_skb, ktls_validate_xmit_skb_sw);
}

/* sk_destruct: no skb refers to the records any more. */
void ktls_device_tx_destruct(struct sock *sk, struct tls_context *ctx)
{
	struct tls_offload_context_tx *octx = ktls_octx(ctx);
	struct tls_record_info *rec, *tmp;
	unsigned long flags;

	clean_acked_data_disable(inet_csk(sk));
	spin_lock_irqsave(&octx->lock, flags);
	list_for_each_entry_safe(rec, tmp, &octx->records_list, list) {
		list_del(&rec->list);
		ktls_dtx_destroy_record(rec);
	}
	octx->retransmit_hint = NULL;
	spin_unlock_irqrestore(&octx->lock, flags);
}

/* The final free (process context): after tls_dev_del. */
void ktls_device_tx_free(struct tls_context *ctx)
{
	dtx_free(ctx);
	ktls_cipher_ctx_free(&ctx->tx);
}
