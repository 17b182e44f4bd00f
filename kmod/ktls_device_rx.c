// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: RX device offload (the NIC decrypts records in place).
 *
 * Software RX is set up first and stays the engine: the NIC only marks
 * the skbs it decrypted (skb->decrypted), the parser copies each record
 * out and learns from the marks whether the NIC did all of it (software
 * crypto skipped: the NIC checked the tag), none of it (software decrypts)
 * or part of it (the decrypted parts are encrypted again, then software
 * decrypts and authenticates the whole record). A NIC that lost track of
 * the record stream asks the stack where records start; the three resync
 * protocols of include/net/tls.h are answered here, at each record header
 * the parser finds.
 *
 * Driver contract: ctx->priv_ctx_rx is a struct tls_offload_context_rx
 * (see ktls_rx.h), so the inline helpers of include/net/tls.h a driver
 * uses (tls_offload_rx_resync_request(), the async pair, the driver_state
 * slot) reach the fields read here.
 *
 * Locking: tls_dev_add/_del of RX flows are serialised by
 * ktls_dev_rx_mutex against the device going away (ktls_device.c's
 * notifier calls ktls_device_rx_down() with the offload lock held for
 * write; setup takes that lock for read first, then the mutex). The
 * parser reads the device pointer under RCU; the down path clears it,
 * sets TLS_RX_DEV_DEGRADED and waits for a grace period before
 * tls_dev_del, so no resync reaches a driver after it forgot the flow.
 * Lifetime is the shared one (ktls_device_attach()): the context stays
 * until sk_destruct, the RX state only until close, which marks
 * KTLS_DEV_RX_RELEASED under the mutex first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netdevice.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <net/dst.h>
#include <net/tcp.h>

#include "ktls_rx.h"

static DEFINE_MUTEX(ktls_dev_rx_mutex);

/* ------------------------------------------------------------------ */
/* Record numbers                                                      */
/* ------------------------------------------------------------------ */

/* Every cipher a NIC offloads has 8-byte record numbers (AES-GCM). */
static u64 ktls_dev_rx_sn(const char *rec_seq)
{
	__be64 v;

	memcpy(&v, rec_seq, sizeof(v));
	return be64_to_cpu(v);
}

static void ktls_dev_rx_put_sn(u8 *rcd_sn, u64 sn)
{
	__be64 v = cpu_to_be64(sn);

	memcpy(rcd_sn, &v, sizeof(v));
}

/* ------------------------------------------------------------------ */
/* Resync                                                              */
/* ------------------------------------------------------------------ */

/* Tell the NIC that the record numbered @rcd_sn starts at @seq. */
static void ktls_dev_rx_resync(struct sock *sk, struct net_device *netdev,
			       u32 seq, u8 *rcd_sn)
{
	netdev->tlsdev_ops->tls_dev_resync(netdev, sk, seq, rcd_sn,
					   TLS_OFFLOAD_CTX_DIR_RX);
	KTLS_INC_STATS(sock_net(sk), KTLS_MIB_RXDEVICERESYNC);
	ktls_event_note(tls_get_ctx(sk), KTLS_EV_RX_RESYNC);
}

/*
 * Async driver request. While the driver's request carries
 * RESYNC_REQ_ASYNC, the NIC is still looking for a header from the
 * request's sequence on: log every header the parser finds in the window
 * and count the records since. Once the driver names the header it
 * settled on, find it in the log (or it is the current one) and return
 * in *@seq / *@back its sequence and how many records before the current
 * one it is. Header parsing only: sk_data_ready or socket owned.
 */
static bool ktls_dev_rx_async_match(struct tls_offload_resync_async *async,
				    s64 req, u32 *seq, u16 *back)
{
	u32 req_seq = req >> 32;
	u16 i;

	*back = 0;
	if (req & RESYNC_REQ_ASYNC) {
		u32 req_end = req_seq + ((req >> 16) & 0xffff);

		if (before(*seq, req_seq))
			return false;
		if (async->rcd_delta == U16_MAX) {
			/* searching for far too long: give the request up */
			atomic64_set(&async->req, 0);
			return false;
		}
		if (!after(*seq, req_end) &&
		    async->loglen < TLS_DEVICE_RESYNC_ASYNC_LOGMAX)
			async->log[async->loglen++] = *seq;
		async->rcd_delta++;
		return false;
	}

	for (i = 0; i < async->loglen; i++) {
		if (async->log[i] != req_seq)
			continue;
		if (!atomic64_try_cmpxchg(&async->req, &req, 0))
			break;
		*back = async->rcd_delta - i;
		*seq = req_seq;
		async->loglen = 0;
		async->rcd_delta = 0;
		return true;
	}
	async->loglen = 0;
	async->rcd_delta = 0;
	return req_seq == *seq && atomic64_try_cmpxchg(&async->req, &req, 0);
}

void ktls_device_rx_new_rec(struct ktls_rx *rx, u32 rec_len, u32 seq)
{
	struct tls_context *ctx = rx->ctx;
	struct tls_offload_context_rx *orx = tls_offload_ctx_rx(ctx);
	struct tls_offload_resync_async *async;
	u64 sn = ktls_dev_rx_sn(ctx->rx.rec_seq);
	u8 rcd_sn[TLS_MAX_REC_SEQ_SIZE];
	struct net_device *netdev;
	u16 back;
	s64 req;

	if (unlikely(test_bit(TLS_RX_DEV_DEGRADED, &ctx->flags)))
		return;
	rcu_read_lock();
	netdev = rcu_dereference(rx->dev.netdev);
	if (!netdev)
		goto out;

	switch (READ_ONCE(orx->resync_type)) {
	case TLS_OFFLOAD_SYNC_TYPE_DRIVER_REQ:
		/* the driver names the sequence of the header's last byte */
		req = atomic64_read(&orx->resync_req);
		seq += TLS_HEADER_SIZE - 1;
		if (likely(!(req & RESYNC_REQ)) || (u32)(req >> 32) != seq ||
		    !atomic64_try_cmpxchg(&orx->resync_req, &req, 0))
			goto out;
		break;
	case TLS_OFFLOAD_SYNC_TYPE_CORE_NEXT_HINT:
		if (likely(!orx->resync_nh_do_now))
			goto out;
		/*
		 * The hint names the record after this one, which the NIC
		 * must not have seen yet: wait until nothing is queued past
		 * this record.
		 */
		if (rx->stash_len + ktls_rxq_inq(rx->sk) > rec_len)
			goto out;
		orx->resync_nh_do_now = 0;
		seq += rec_len;
		sn++;
		break;
	case TLS_OFFLOAD_SYNC_TYPE_DRIVER_REQ_ASYNC:
		async = orx->resync_async;
		if (!async)
			goto out;
		req = atomic64_read(&async->req);
		if (likely(!req) || !ktls_dev_rx_async_match(async, req, &seq,
							     &back))
			goto out;
		sn -= back;
		break;
	default:
		goto out;
	}
	ktls_dev_rx_put_sn(rcd_sn, sn);
	ktls_dev_rx_resync(rx->sk, netdev, seq, rcd_sn);
out:
	rcu_read_unlock();
}

/*
 * Core next-hint: a record came in with nothing decrypted. After a few
 * such records (backing off as resyncs fail) tell the NIC where the next
 * record starts: now if nothing is queued after this record (copy mode:
 * it is off the queue, so copied_seq is the next record's start), else
 * from the parser once the queue drained (resync_nh_do_now).
 */
static void ktls_dev_rx_nh_encrypted(struct sock *sk, struct tls_context *ctx,
				     struct tls_offload_context_rx *orx)
{
	struct ktls_rx *rx = ktls_rx_priv(ctx);
	u8 rcd_sn[TLS_MAX_REC_SEQ_SIZE];
	struct net_device *netdev;

	if (orx->resync_type != TLS_OFFLOAD_SYNC_TYPE_CORE_NEXT_HINT ||
	    orx->resync_nh_do_now)
		return;
	if (orx->resync_nh_reset) {
		orx->resync_nh_reset = 0;
		orx->resync_nh.decrypted_failed = 1;
		orx->resync_nh.decrypted_tgt = TLS_DEVICE_RESYNC_NH_START_IVAL;
		return;
	}
	if (++orx->resync_nh.decrypted_failed <= orx->resync_nh.decrypted_tgt)
		return;
	if (orx->resync_nh.decrypted_tgt < TLS_DEVICE_RESYNC_NH_MAX_IVAL)
		orx->resync_nh.decrypted_tgt *= 2;
	else
		orx->resync_nh.decrypted_tgt += TLS_DEVICE_RESYNC_NH_MAX_IVAL;

	if (ktls_rxq_inq(sk)) {
		orx->resync_nh_do_now = 1;
		return;
	}
	ktls_dev_rx_put_sn(rcd_sn, ktls_dev_rx_sn(ctx->rx.rec_seq) + 1);
	rcu_read_lock();
	netdev = rcu_dereference(rx->dev.netdev);
	if (netdev)
		ktls_dev_rx_resync(sk, netdev, tcp_sk(sk)->copied_seq, rcd_sn);
	rcu_read_unlock();
}

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

static void ktls_dev_rx_old_key_free(struct ktls_rx_dev *dev)
{
	if (dev->old_aead)
		crypto_free_aead(dev->old_aead);
	dev->old_aead = NULL;
	kfree_sensitive(dev->old_iv);
	dev->old_iv = NULL;
}

/*
 * A record the NIC decrypted only in part: encrypt those parts again
 * (XOR the keystream the NIC removed back in), so that software can
 * decrypt and authenticate the whole record. rx->dmap still describes
 * the record (it is reset when the next one is copied out).
 */
static int ktls_dev_rx_reencrypt(struct sock *sk, struct tls_context *ctx,
				 const struct ktls_rx_rec *rec, const u8 *hdr)
{
	struct tls_prot_info *prot = &ctx->prot_info;
	struct ktls_rx *rx = ktls_rx_priv(ctx);
	const struct ktls_rx_dmap *map = &rx->dmap;
	u32 start = prot->prepend_size, end = rec->len - prot->tag_size;
	struct crypto_aead *aead = ktls_rx_sw(ctx)->aead_recv;
	u8 sn_old[TLS_MAX_REC_SEQ_SIZE];
	const char *iv = ctx->rx.iv;
	const char *sn = ctx->rx.rec_seq;
	u32 from = 0, i;
	bool dec;
	u8 *buf;
	int err;

	if (rx->dev.old_aead && before(rec->seq, rx->dev.old_until)) {
		/* the NIC may have used the key before the last rekey */
		aead = rx->dev.old_aead;
		iv = rx->dev.old_iv;
		ktls_dev_rx_put_sn(sn_old, rx->dev.old_sn_base +
				   ktls_dev_rx_sn(ctx->rx.rec_seq) -
				   rx->dev.new_sn_base);
		sn = sn_old;
	}

	buf = kmalloc(rec->len - start, sk->sk_allocation);
	if (!buf)
		return -ENOMEM;
	err = skb_copy_bits(rec->skb, start, buf, rec->len - start);
	if (!err)
		err = ktls_decrypt_keystream(sk, ctx, rec, hdr, aead, iv, sn,
					     buf);
	dec = map->first;
	for (i = 0; !err && i <= map->nflip; i++) {
		u32 to = i < map->nflip ? map->flip[i] : rec->len;
		u32 a = max(from, start), b = min(to, end);

		if (dec && a < b)
			err = skb_store_bits(rec->skb, a, buf + a - start,
					     b - a);
		from = to;
		dec = !dec;
	}
	kfree_sensitive(buf);
	return err;
}

static void ktls_dev_rx_readd(struct sock *sk, struct tls_context *ctx);

int ktls_device_rx_rec(struct sock *sk, struct tls_context *ctx,
		       const struct ktls_rx_rec *rec, const u8 *hdr)
{
	struct tls_offload_context_rx *orx = tls_offload_ctx_rx(ctx);
	struct ktls_rx *rx = ktls_rx_priv(ctx);
	bool degraded = test_bit(TLS_RX_DEV_DEGRADED, &ctx->flags);

	sock_owned_by_me(sk);
	/* past the records the NIC may have seen with the old key */
	if (rx->dev.old_aead && !before(rec->seq, rx->dev.old_until)) {
		ktls_dev_rx_old_key_free(&rx->dev);
		if (rx->dev.readd)
			ktls_dev_rx_readd(sk, ctx);
	}

	if (rec->dev) {
		if (!degraded)
			orx->resync_nh_reset = 1;
		return 1;
	}
	if (!rec->mixed) {
		if (!degraded)
			ktls_dev_rx_nh_encrypted(sk, ctx, orx);
		return 0;
	}
	if (!degraded)
		orx->resync_nh_reset = 1;
	return ktls_dev_rx_reencrypt(sk, ctx, rec, hdr);
}

/* ------------------------------------------------------------------ */
/* Setup and teardown                                                  */
/* ------------------------------------------------------------------ */

/* What NICs offload: TLS 1.2 and (beyond tls.ko) 1.3, AES-GCM only. */
static bool ktls_dev_rx_cipher_ok(const struct tls_context *ctx)
{
	const struct tls_crypto_info *ci = &ctx->crypto_recv.info;

	if (ci->version != TLS_1_2_VERSION && ci->version != TLS_1_3_VERSION)
		return false;
	return ci->cipher_type == TLS_CIPHER_AES_GCM_128 ||
	       ci->cipher_type == TLS_CIPHER_AES_GCM_256;
}

/* TCP sequence of the first record software has not taken yet. */
static u32 ktls_dev_rx_next_rec_seq(struct sock *sk, struct ktls_rx *rx)
{
	return tcp_sk(sk)->copied_seq - rx->stash_len - rx->cur_have;
}

/*
 * Hand the flow to @netdev from the record numbered @sn at TCP sequence
 * @seq on, with the keys of ctx->crypto_recv. Under ktls_dev_rx_mutex
 * and lock_sock.
 */
static int ktls_dev_rx_add(struct sock *sk, struct tls_context *ctx,
			   struct net_device *netdev, u32 seq, const char *sn)
{
	const struct ktls_cipher *c = ktls_cipher_get(ctx->crypto_recv.info.cipher_type);
	struct tls_offload_context_rx *orx = tls_offload_ctx_rx(ctx);
	struct ktls_rx *rx = ktls_rx_priv(ctx);
	union tls_crypto_context ci;
	int err;

	lockdep_assert_held(&ktls_dev_rx_mutex);
	if (!c)
		return -EINVAL;
	/* what a driver finds in a fresh offload context */
	orx->resync_type = TLS_OFFLOAD_SYNC_TYPE_DRIVER_REQ;
	orx->resync_nh_reset = 1;
	orx->resync_nh_do_now = 0;
	atomic64_set(&orx->resync_req, 0);
	memset(__tls_driver_ctx(ctx, TLS_OFFLOAD_CTX_DIR_RX), 0,
	       TLS_DRIVER_STATE_SIZE_RX);

	/* the record number of the next record, not the one set first */
	memcpy(&ci, &ctx->crypto_recv, c->crypto_info_size);
	memcpy((u8 *)&ci + c->rec_seq_off, sn, c->rec_seq_size);
	err = netdev->tlsdev_ops->tls_dev_add(netdev, sk,
					      TLS_OFFLOAD_CTX_DIR_RX, &ci.info,
					      seq);
	memzero_explicit(&ci, sizeof(ci));
	if (err)
		return err;
	dev_hold(netdev);
	rcu_assign_pointer(rx->dev.netdev, netdev);
	return 0;
}

/* Forget the flow on its device; under ktls_dev_rx_mutex. */
static void ktls_dev_rx_del(struct tls_context *ctx, struct ktls_rx *rx,
			    struct net_device *netdev)
{
	lockdep_assert_held(&ktls_dev_rx_mutex);
	RCU_INIT_POINTER(rx->dev.netdev, NULL);
	netdev->tlsdev_ops->tls_dev_del(netdev, ctx, TLS_OFFLOAD_CTX_DIR_RX);
	dev_put(netdev);
}

/*
 * After a rekey, once software is past every record the NIC may have
 * decrypted with the old key: give it the new key from the record after
 * the one being read (taken off the queue, so it starts at copied_seq).
 * Socket owned.
 */
static void ktls_dev_rx_readd(struct sock *sk, struct tls_context *ctx)
{
	struct ktls_rx *rx = ktls_rx_priv(ctx);
	u8 sn[TLS_MAX_REC_SEQ_SIZE];
	struct net_device *netdev;

	sock_owned_by_me(sk);
	mutex_lock(&ktls_dev_rx_mutex);
	netdev = rx->dev.readd;
	rx->dev.readd = NULL;
	if (netdev && !test_bit(TLS_RX_DEV_DEGRADED, &ctx->flags) &&
	    (netdev->flags & IFF_UP)) {
		ktls_dev_rx_put_sn(sn, ktls_dev_rx_sn(ctx->rx.rec_seq) + 1);
		/* on failure the flow simply stays in software */
		ktls_dev_rx_add(sk, ctx, netdev, tcp_sk(sk)->copied_seq, sn);
	}
	mutex_unlock(&ktls_dev_rx_mutex);
	/* the reference kept while waiting; an added device holds its own */
	if (netdev)
		dev_put(netdev);
}

/*
 * @netdev offloads TLS RX: what RX init and the BPF policy both ask.
 * tls.ko refuses a device without tls_dev_resync at registration; we
 * cannot, so we refuse its flows.
 */
static bool ktls_dev_rx_netdev_ok(const struct net_device *netdev)
{
	return (netdev->features & NETIF_F_HW_TLS_RX) && netdev->tlsdev_ops &&
	       netdev->tlsdev_ops->tls_dev_resync;
}

bool ktls_device_rx_capable(struct sock *sk, struct tls_context *ctx,
			    int *ifindex)
{
	struct net_device *netdev = ktls_device_lookup(sk);
	bool ok;

	*ifindex = netdev ? netdev->ifindex : 0;
	ok = netdev && ktls_dev_rx_cipher_ok(ctx) &&
	     ktls_dev_rx_netdev_ok(netdev);
	dev_put(netdev);
	return ok;
}

int ktls_device_rx_init(struct sock *sk, struct tls_context *ctx)
{
	struct ktls_rx *rx = ktls_rx_priv(ctx);
	struct net_device *netdev;
	int err;

	sock_owned_by_me(sk);
	if (!ktls_dev_rx_cipher_ok(ctx))
		return -EOPNOTSUPP;
	netdev = ktls_device_lookup(sk);
	if (!netdev)
		return -EINVAL;
	if (!ktls_dev_rx_netdev_ok(netdev)) {
		err = -EOPNOTSUPP;
		goto put;
	}

	/* the down notifier either sees the attached flow or ran before */
	err = ktls_device_offload_begin(netdev);
	if (err)
		goto put;
	mutex_lock(&ktls_dev_rx_mutex);
	err = ktls_dev_rx_add(sk, ctx, netdev, ktls_dev_rx_next_rec_seq(sk, rx),
			      ctx->rx.rec_seq);
	mutex_unlock(&ktls_dev_rx_mutex);
	if (!err) {
		ktls_device_attach(sk, ctx, netdev);
		/*
		 * Before the offload lock drops: a device down that runs
		 * next must see a device RX flow and call ktls_device_rx_down.
		 */
		ctx->rx_conf = TLS_HW;
	}
	ktls_device_offload_end();
put:
	dev_put(netdev);
	return err;
}

/*
 * The device forgets the flow, and a rekey's hand-back waiting for its
 * turn is dropped; under ktls_dev_rx_mutex. True if a device had it.
 */
static bool ktls_dev_rx_forget(struct tls_context *ctx, struct ktls_rx *rx)
{
	struct net_device *netdev;

	lockdep_assert_held(&ktls_dev_rx_mutex);
	netdev = rcu_dereference_protected(rx->dev.netdev,
					   lockdep_is_held(&ktls_dev_rx_mutex));
	if (netdev)
		ktls_dev_rx_del(ctx, rx, netdev);
	if (rx->dev.readd)
		dev_put(rx->dev.readd);
	rx->dev.readd = NULL;
	return netdev;
}

void ktls_device_rx_set_sw(struct sock *sk, struct tls_context *ctx)
{
	sock_owned_by_me(sk);
	mutex_lock(&ktls_dev_rx_mutex);
	/* no resync the parser started under RCU reaches the device now */
	if (ktls_dev_rx_forget(ctx, ktls_rx_priv(ctx)))
		synchronize_net();
	set_bit(KTLS_DEV_RX_SW, &ktls_ctx(ctx)->dev_flags);
	mutex_unlock(&ktls_dev_rx_mutex);
}

int ktls_device_rx_resume(struct sock *sk, struct tls_context *ctx)
{
	struct ktls_rx *rx = ktls_rx_priv(ctx);
	struct net_device *route;
	int err = -ENXIO;

	sock_owned_by_me(sk);
	if (test_bit(TLS_RX_DEV_DEGRADED, &ctx->flags))
		return -ENXIO;
	route = ktls_device_route_begin(sk);
	if (!route)
		return -ENXIO;
	mutex_lock(&ktls_dev_rx_mutex);
	if (rx->dev.old_aead) {
		/* records the device may have marked under the old key */
		err = -EBUSY;
	} else if (rcu_access_pointer(ctx->netdev) == route &&
		   ktls_dev_rx_netdev_ok(route) &&
		   !test_bit(TLS_RX_DEV_DEGRADED, &ctx->flags)) {
		/* from the first record software has not taken */
		err = ktls_dev_rx_add(sk, ctx, route,
				      ktls_dev_rx_next_rec_seq(sk, rx),
				      ctx->rx.rec_seq);
		if (!err)
			clear_bit(KTLS_DEV_RX_SW, &ktls_ctx(ctx)->dev_flags);
		else
			err = -ENXIO;
	}
	mutex_unlock(&ktls_dev_rx_mutex);
	ktls_device_route_end(route);
	return err;
}

void ktls_device_rx_release(struct sock *sk, struct tls_context *ctx)
{
	struct ktls_rx *rx = ktls_rx_priv(ctx);

	sock_owned_by_me(sk);
	mutex_lock(&ktls_dev_rx_mutex);
	ktls_dev_rx_forget(ctx, rx);
	/* device down must not reach the RX state close frees next */
	set_bit(KTLS_DEV_RX_RELEASED, &ktls_ctx(ctx)->dev_flags);
	mutex_unlock(&ktls_dev_rx_mutex);
	ktls_dev_rx_old_key_free(&rx->dev);
}

/*
 * Stop using @netdev: no resync may reach it once it forgot the flow,
 * and records it did not decrypt are decrypted in software from now on
 * (rx_conf stays TLS_HW, as tls.ko, so partly decrypted records in
 * flight are still repaired).
 */
static void ktls_dev_rx_down_locked(struct ktls_rx *rx,
				    struct net_device *netdev)
{
	struct tls_context *ctx = rx->ctx;

	lockdep_assert_held(&ktls_dev_rx_mutex);
	if (rx->dev.readd == netdev) {
		/* waiting to get the new key after a rekey: never will */
		set_bit(TLS_RX_DEV_DEGRADED, &ctx->flags);
		rx->dev.readd = NULL;
		dev_put(netdev);
		return;
	}
	if (rcu_access_pointer(rx->dev.netdev) != netdev)
		return;
	set_bit(TLS_RX_DEV_DEGRADED, &ctx->flags);
	rcu_assign_pointer(rx->dev.netdev, NULL);
	/* resyncs the parser started under RCU are over */
	synchronize_net();
	netdev->tlsdev_ops->tls_dev_del(netdev, ctx, TLS_OFFLOAD_CTX_DIR_RX);
	dev_put(netdev);
}

void ktls_device_rx_down(struct tls_context *ctx, struct net_device *netdev)
{
	ASSERT_RTNL();
	mutex_lock(&ktls_dev_rx_mutex);
	if (ctx->rx_conf == TLS_HW &&
	    !test_bit(KTLS_DEV_RX_RELEASED, &ktls_ctx(ctx)->dev_flags))
		ktls_dev_rx_down_locked(ktls_rx_priv(ctx), netdev);
	mutex_unlock(&ktls_dev_rx_mutex);
}

/*
 * TLS 1.3 rekey of a device flow, socket owned, right after software RX
 * took the new key (ctx->crypto_recv, ctx->rx). @old_aead and @old_iv are
 * the old key's, @old_sn the old record number of the first record under
 * the new key; this takes them over.
 *
 * Until the NIC has the new key it decrypts the new records with the old
 * one: such records fail its tag check, yet bytes of them were marked
 * decrypted. Those can only lie in what the NIC handled before it forgot
 * the old key, up to @old_until; their keystream is put back with the old
 * key. If the NIC saw nothing past the record boundary yet, it gets the
 * new key from the boundary on (del + add). Otherwise it gets it only
 * once software is past @old_until (until then records are software),
 * so that no record holds marks under both keys.
 */
void ktls_device_rx_rekey(struct sock *sk, struct tls_context *ctx,
			  struct crypto_aead *old_aead, char *old_iv,
			  u64 old_sn)
{
	struct ktls_rx *rx = ktls_rx_priv(ctx);
	struct tcp_sock *tp = tcp_sk(sk);
	struct net_device *netdev;
	struct sk_buff *last;
	u32 until, next;

	sock_owned_by_me(sk);
	mutex_lock(&ktls_dev_rx_mutex);
	netdev = rcu_dereference_protected(rx->dev.netdev,
					   lockdep_is_held(&ktls_dev_rx_mutex));
	if (netdev) {
		dev_hold(netdev);
		ktls_dev_rx_del(ctx, rx, netdev);
		/* packets the NIC marked have reached TCP ... */
		synchronize_net();
	} else {
		/* a rekey before the last one's new key reached the NIC */
		netdev = rx->dev.readd;
		rx->dev.readd = NULL;
	}
	/* ... and TCP queued them (in order or not) */
	sk_flush_backlog(sk);
	until = tp->rcv_nxt;
	last = skb_rb_last(&tp->out_of_order_queue);
	if (last && after(TCP_SKB_CB(last)->end_seq, until))
		until = TCP_SKB_CB(last)->end_seq;
	next = ktls_dev_rx_next_rec_seq(sk, rx);

	if (!netdev || test_bit(TLS_RX_DEV_DEGRADED, &ctx->flags) ||
	    !(netdev->flags & IFF_UP)) {
		/* the device is gone or going: software from here on */
	} else if (until == next) {
		/* nothing the NIC saw is under the new key: now */
		ktls_dev_rx_add(sk, ctx, netdev, next, ctx->rx.rec_seq);
	} else {
		/* once software is past what the NIC saw (ktls_dev_rx_readd) */
		rx->dev.readd = netdev;
		netdev = NULL;
	}
	mutex_unlock(&ktls_dev_rx_mutex);
	if (netdev)
		dev_put(netdev);

	if (rx->dev.old_aead && before(next, rx->dev.old_until)) {
		/*
		 * Still inside the last rekey's window, and the NIC had no
		 * key since: its marks there are all under that older key.
		 * Keep it, counting its record numbers across this rekey.
		 */
		rx->dev.old_sn_base += old_sn - rx->dev.new_sn_base;
		rx->dev.new_sn_base = ktls_dev_rx_sn(ctx->rx.rec_seq);
		crypto_free_aead(old_aead);
		kfree_sensitive(old_iv);
		return;
	}
	ktls_dev_rx_old_key_free(&rx->dev);
	if (until == next) {
		crypto_free_aead(old_aead);
		kfree_sensitive(old_iv);
		return;
	}
	rx->dev.old_aead = old_aead;
	rx->dev.old_iv = old_iv;
	rx->dev.old_sn_base = old_sn;
	rx->dev.new_sn_base = ktls_dev_rx_sn(ctx->rx.rec_seq);
	rx->dev.old_until = until;
}
