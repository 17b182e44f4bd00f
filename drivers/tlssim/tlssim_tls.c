// SPDX-License-Identifier: GPL-2.0
/*
 * tlssim TLS offload engine: tlsdev_ops (add/del/resync), the per-device
 * context table with its limits and knobs, and the TLS ethtool counters.
 *
 * tls_dev_add() behaves like NIC firmware that accepts or refuses a new
 * offload: it checks the capability mask, the "fail next N" knob and the
 * table size, then programs the key into a context.  Any error makes the
 * kernel keep the socket in software.
 *
 * Context lifetime: created in tls_dev_add, published in the kernel's
 * driver_state slot of the offload context and (RX) in the flow hash;
 * tls_dev_del unpublishes it, marks it dead under its lock, wipes the key
 * and frees it after an RCU grace period, so packet paths that found it
 * under RCU never touch freed memory and never use a wiped key.
 *
 * Contexts live in their own kmem_cache, "tlssim_ctx".  Its constructor
 * makes the cache unmergeable, so /proc/slabinfo shows exactly our
 * objects and the teardown tests use it as a leak check; it also states
 * the cache's invariant: a free object is all zeroes (keys included),
 * which the RCU callback restores before giving an object back.
 */
#include <linux/ethtool.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/tls.h>
#include "tlssim.h"
#include "tlssim_tls_priv.h"

static const char tlssim_tls_stat_names[TSS_NUM][ETH_GSTRING_LEN] = {
	[TSS_TX_ENC_PKTS]	  = "tx_tls_encrypted_packets",
	[TSS_TX_ENC_BYTES]	  = "tx_tls_encrypted_bytes",
	[TSS_TX_CTX]		  = "tx_tls_ctx",
	[TSS_TX_DEL]		  = "tx_tls_del",
	[TSS_TX_OOO]		  = "tx_tls_ooo",
	[TSS_TX_SKIP_NO_SYNC]	  = "tx_tls_skip_no_sync_data",
	[TSS_TX_DROP_NO_SYNC]	  = "tx_tls_drop_no_sync_data",
	[TSS_TX_DROP_BYPASS]	  = "tx_tls_drop_bypass_req",
	[TSS_TX_RESYNC_REQ]	  = "tx_tls_resync_req",
	[TSS_TX_RESYNC]		  = "tx_tls_resync",
	[TSS_RX_DEC_PKTS]	  = "rx_tls_decrypted_packets",
	[TSS_RX_DEC_BYTES]	  = "rx_tls_decrypted_bytes",
	[TSS_RX_CTX]		  = "rx_tls_ctx",
	[TSS_RX_DEL]		  = "rx_tls_del",
	[TSS_RX_RESYNC_REQ_PKT]	  = "rx_tls_resync_req_pkt",
	[TSS_RX_RESYNC_REQ_START] = "rx_tls_resync_req_start",
	[TSS_RX_RESYNC_REQ_END]	  = "rx_tls_resync_req_end",
	[TSS_RX_RESYNC_REQ_SKIP]  = "rx_tls_resync_req_skip",
	[TSS_RX_RESYNC_RES_OK]	  = "rx_tls_resync_res_ok",
	[TSS_RX_RESYNC_RES_SKIP]  = "rx_tls_resync_res_skip",
	[TSS_RX_ERR]		  = "rx_tls_err",
};

/*
 * Live contexts of all devices, readable (also after the devices are gone)
 * in /sys/module/tlssim/parameters/tls_live_contexts: the teardown tests
 * check that it returns to zero.
 */
static atomic_t tlssim_live_ctx = ATOMIC_INIT(0);

static int live_ctx_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&tlssim_live_ctx));
}

static const struct kernel_param_ops live_ctx_ops = {
	.get = live_ctx_get,
};
module_param_cb(tls_live_contexts, &live_ctx_ops, NULL, 0444);
MODULE_PARM_DESC(tls_live_contexts, "TLS offload contexts currently allocated");

static struct kmem_cache *tlssim_ctx_cache;

static void ctx_cache_ctor(void *obj)
{
	memset(obj, 0, sizeof(struct tlssim_ctx));
}

static struct tlssim_ctx *ctx_alloc(void)
{
	/* zeroed by the ctor or by ctx_free_now() */
	return kmem_cache_alloc(tlssim_ctx_cache, GFP_KERNEL);
}

static void ctx_free_now(struct tlssim_ctx *c)
{
	memzero_explicit(c, sizeof(*c));
	kmem_cache_free(tlssim_ctx_cache, c);
}

static void ctx_free_rcu(struct rcu_head *head)
{
	ctx_free_now(container_of(head, struct tlssim_ctx, rcu));
}

/*
 * Module load: the engine's own AES-GCM must reproduce the known answers
 * before any device can offload a record, so a broken build never loads.
 */
int tlssim_tls_module_init(void)
{
	int err;

	err = tlssim_gcm_selftest();
	if (err) {
		pr_err("AES-GCM known-answer test failed (%d), not loading\n", err);
		return err;
	}
	tlssim_ctx_cache = kmem_cache_create("tlssim_ctx", sizeof(struct tlssim_ctx),
					     0, 0, ctx_cache_ctor);
	return tlssim_ctx_cache ? 0 : -ENOMEM;
}

void tlssim_tls_module_exit(void)
{
	/* contexts freed by tls_dev_del may still wait for their grace period */
	rcu_barrier();
	kmem_cache_destroy(tlssim_ctx_cache);
}

static struct tlssim_tls *tls_of_netdev(struct net_device *netdev)
{
	return tlssim_tls_of(netdev_priv(netdev));
}

static void addr_from_v4(struct in6_addr *a, __be32 v4)
{
	ipv6_addr_set_v4mapped(v4, a);
}

/*
 * The flow as it appears in packet headers: for TX, packets carry the
 * socket's own address as source; for RX, the peer's.
 */
static void flow_from_sk(struct sock *sk, bool rx, struct tlssim_flow *f)
{
	struct inet_sock *inet = inet_sk(sk);
	struct in6_addr local, remote;

	memset(f, 0, sizeof(*f));
	addr_from_v4(&local, inet->inet_rcv_saddr);
	addr_from_v4(&remote, inet->inet_daddr);
	f->family = AF_INET;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 && !ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		local = sk->sk_v6_rcv_saddr;
		remote = sk->sk_v6_daddr;
		f->family = AF_INET6;
	}
#endif
	if (rx) {
		f->saddr = remote;
		f->daddr = local;
		f->sport = inet->inet_dport;
		f->dport = inet->inet_sport;
	} else {
		f->saddr = local;
		f->daddr = remote;
		f->sport = inet->inet_sport;
		f->dport = inet->inet_dport;
	}
}

static int cap_bit(u16 version, u16 cipher)
{
	bool v13 = version == TLS_1_3_VERSION;

	if (version != TLS_1_2_VERSION && !v13)
		return -1;
	if (cipher == TLS_CIPHER_AES_GCM_128)
		return v13 ? TLSSIM_CAP_TLS13_AES128 : TLSSIM_CAP_TLS12_AES128;
	if (cipher == TLS_CIPHER_AES_GCM_256)
		return v13 ? TLSSIM_CAP_TLS13_AES256 : TLSSIM_CAP_TLS12_AES256;
	return -1;
}

/* Where the key material sits in the two tls12_crypto_info_aes_gcm_* */
struct ci_layout {
	u8 keylen;
	u8 key;
	u8 salt;
	u8 iv;
	u8 rec_seq;
};

#define CI_LAYOUT(type) {						\
	.keylen = sizeof_field(type, key), .key = offsetof(type, key),	\
	.salt = offsetof(type, salt), .iv = offsetof(type, iv),		\
	.rec_seq = offsetof(type, rec_seq),				\
}

static const struct ci_layout ci_gcm128 = CI_LAYOUT(struct tls12_crypto_info_aes_gcm_128);
static const struct ci_layout ci_gcm256 = CI_LAYOUT(struct tls12_crypto_info_aes_gcm_256);

/* @ci is AES-GCM-128 or -256 (checked by the caller) */
static int ctx_set_keys(struct tlssim_ctx *c, struct tls_crypto_info *ci, u64 *sn)
{
	const struct ci_layout *l = ci->cipher_type == TLS_CIPHER_AES_GCM_128 ?
				    &ci_gcm128 : &ci_gcm256;
	const u8 *base = (const u8 *)ci;
	const u8 *salt = base + l->salt, *iv = base + l->iv;

	c->version = ci->version;
	c->cipher = ci->cipher_type;
	c->iv_size = ci->version == TLS_1_3_VERSION ? 0 : 8;
	memcpy(c->salt, salt, 4);
	memcpy(c->iv, salt, 4);
	memcpy(c->iv + 4, iv, 8);
	*sn = tlssim_rec_sn_from_bytes(base + l->rec_seq);
	return tlssim_gcm_key_init(&c->key, base + l->key, l->keylen);
}

static int tlssim_tls_dev_add(struct net_device *netdev, struct sock *sk,
			      enum tls_offload_ctx_dir dir, struct tls_crypto_info *ci,
			      u32 start_offload_tcp_sn)
{
	struct tlssim_tls *t = tls_of_netdev(netdev);
	bool rx = dir == TLS_OFFLOAD_CTX_DIR_RX;
	u32 caps = READ_ONCE(t->caps);
	struct tls_context *tctx;
	struct tlssim_ctx *c;
	int bit, err;
	u64 sn;

	/* emulated firmware refusing the command */
	spin_lock_bh(&t->lock);
	if (t->fail_next_add) {
		t->fail_next_add--;
		spin_unlock_bh(&t->lock);
		return -EIO;
	}
	spin_unlock_bh(&t->lock);

	bit = cap_bit(ci->version, ci->cipher_type);
	if (bit < 0 || !(caps & bit) || !(caps & (rx ? TLSSIM_CAP_RX : TLSSIM_CAP_TX)))
		return -EOPNOTSUPP;

	c = ctx_alloc();
	if (!c)
		return -ENOMEM;
	c->tls = t;
	c->dir = dir;
	c->sk = sk;
	spin_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->list);
	flow_from_sk(sk, rx, &c->flow);
	err = ctx_set_keys(c, ci, &sn);
	if (err)
		goto err_free;

	tctx = tls_get_ctx(sk);
	/* the kernel starts offload at a record boundary */
	tlssim_rec_reset(&c->st, start_offload_tcp_sn, sn, true);
	if (rx)
		tlssim_rx_ctx_init(c, start_offload_tcp_sn);

	if (rx) {
		struct tls_offload_context_rx *orx = tls_offload_ctx_rx(tctx);

		/* resync type first: the RX path may ask as soon as hashed */
		c->async_mode = READ_ONCE(t->resync_mode) == TLSSIM_RESYNC_ASYNC;
		if (c->async_mode) {
			orx->resync_async = &c->async;
			tls_offload_rx_resync_set_type(sk, TLS_OFFLOAD_SYNC_TYPE_DRIVER_REQ_ASYNC);
		} else {
			tls_offload_rx_resync_set_type(sk, TLS_OFFLOAD_SYNC_TYPE_DRIVER_REQ);
			atomic64_set(&orx->resync_req, 0);
		}
	}
	*tlssim_ctx_slot(tctx, dir) = c;

	spin_lock_bh(&t->lock);
	if (t->nctx[dir] >= READ_ONCE(t->max_ctx)) {
		spin_unlock_bh(&t->lock);
		err = -ENOSPC;
		goto err_unpublish;
	}
	t->nctx[dir]++;
	list_add_tail(&c->list, &t->ctxs);
	if (rx)
		hlist_add_head_rcu(&c->hnode,
				   &t->rx_hash[hash_32(tlssim_flow_hash(&c->flow),
						       TLSSIM_RX_HASH_BITS)]);
	spin_unlock_bh(&t->lock);

	atomic_inc(&tlssim_live_ctx);
	tlssim_tstat_add(t, rx ? TSS_RX_CTX : TSS_TX_CTX, 1);
	return 0;

err_unpublish:
	*tlssim_ctx_slot(tctx, dir) = NULL;
	if (rx) {
		tls_offload_rx_resync_set_type(sk, TLS_OFFLOAD_SYNC_TYPE_DRIVER_REQ);
		atomic64_set(&tls_offload_ctx_rx(tctx)->resync_req, 0);
	}
	tlssim_gcm_key_destroy(&c->key);
err_free:
	ctx_free_now(c);
	return err;
}

static void ctx_destroy(struct tlssim_ctx *c)
{
	spin_lock_bh(&c->lock);
	c->dead = true;
	spin_unlock_bh(&c->lock);
	/* nobody uses the key once dead is seen under the lock */
	tlssim_gcm_key_destroy(&c->key);
	memzero_explicit(c->salt, sizeof(c->salt));
	memzero_explicit(c->iv, sizeof(c->iv));
	memzero_explicit(&c->st, sizeof(c->st));
	call_rcu(&c->rcu, ctx_free_rcu);
	atomic_dec(&tlssim_live_ctx);
}

static void tlssim_tls_dev_del(struct net_device *netdev, struct tls_context *tctx,
			       enum tls_offload_ctx_dir dir)
{
	struct tlssim_tls *t = tls_of_netdev(netdev);
	struct tlssim_ctx **slot = tlssim_ctx_slot(tctx, dir);
	struct tlssim_ctx *c = *slot;

	if (!c)
		return;
	*slot = NULL;

	spin_lock_bh(&t->lock);
	list_del(&c->list);
	if (dir == TLS_OFFLOAD_CTX_DIR_RX)
		hlist_del_rcu(&c->hnode);
	t->nctx[dir]--;
	spin_unlock_bh(&t->lock);

	/* no packet path may start a resync request from now on */
	spin_lock_bh(&c->lock);
	c->dead = true;
	spin_unlock_bh(&c->lock);

	if (dir == TLS_OFFLOAD_CTX_DIR_RX && c->async_mode) {
		struct tls_offload_context_rx *orx = tls_offload_ctx_rx(tctx);

		/*
		 * The core must not follow resync_async into our context
		 * once it is freed: fall back to the driver-request type
		 * with no request pending (the pointer shares a union with
		 * resync_req, so this clears it).
		 */
		orx->resync_type = TLS_OFFLOAD_SYNC_TYPE_DRIVER_REQ;
		atomic64_set(&orx->resync_req, 0);
	}
	tlssim_tstat_add(t, dir == TLS_OFFLOAD_CTX_DIR_RX ? TSS_RX_DEL : TSS_TX_DEL, 1);
	ctx_destroy(c);
}

static int tlssim_tls_dev_resync(struct net_device *netdev, struct sock *sk, u32 seq,
				 u8 *rcd_sn, enum tls_offload_ctx_dir dir)
{
	struct tlssim_ctx *c = *tlssim_ctx_slot(tls_get_ctx(sk), dir);

	if (!c)
		return -EINVAL;
	if (dir == TLS_OFFLOAD_CTX_DIR_TX)
		return tlssim_tx_resync(c, seq, rcd_sn);
	return tlssim_rx_resync(c, seq, rcd_sn);
}

static const struct tlsdev_ops tlssim_tlsdev_ops = {
	.tls_dev_add	= tlssim_tls_dev_add,
	.tls_dev_del	= tlssim_tls_dev_del,
	.tls_dev_resync	= tlssim_tls_dev_resync,
};

int tlssim_tls_init(struct tlssim_dev *sd)
{
	struct net_device *dev = sd->netdev;
	struct tlssim_tls *t;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->netdev = dev;
	spin_lock_init(&t->lock);
	INIT_LIST_HEAD(&t->ctxs);
	t->max_ctx = 1024;
	t->caps = TLSSIM_CAP_ALL;
	t->resync_mode = TLSSIM_RESYNC_DRIVER;
	sd->tls = t;

	dev->tlsdev_ops = &tlssim_tlsdev_ops;
	dev->hw_features |= NETIF_F_HW_TLS_TX | NETIF_F_HW_TLS_RX;
	dev->features |= NETIF_F_HW_TLS_TX | NETIF_F_HW_TLS_RX;
	return 0;
}

void tlssim_tls_uninit(struct tlssim_dev *sd)
{
	struct tlssim_tls *t = sd->tls;
	struct tlssim_ctx *c, *tmp;

	if (!t)
		return;
	/*
	 * The kernel's NETDEV_DOWN handling deletes every context before a
	 * device is unregistered; anything left here is a bug elsewhere,
	 * reported but cleaned up so that no key stays in memory.
	 */
	list_for_each_entry_safe(c, tmp, &t->ctxs, list) {
		netdev_err(sd->netdev, "TLS context left at uninit\n");
		list_del(&c->list);
		if (c->dir == TLS_OFFLOAD_CTX_DIR_RX)
			hlist_del_rcu(&c->hnode);
		ctx_destroy(c);
	}
	sd->tls = NULL;
	kfree(t);
}

int tlssim_tls_stats_count(void)
{
	return TSS_NUM;
}

void tlssim_tls_stats_strings(u8 *data)
{
	memcpy(data, tlssim_tls_stat_names, sizeof(tlssim_tls_stat_names));
}

void tlssim_tls_stats_fill(struct tlssim_dev *sd, u64 *data)
{
	struct tlssim_tls *t = sd->tls;
	int i;

	for (i = 0; i < TSS_NUM; i++)
		data[i] = t ? atomic64_read(&t->stats[i]) : 0;
}
