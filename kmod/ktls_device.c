// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: what the TX and RX device paths share: the netdev a socket's
 * route leaves through, the list of offloaded contexts, their lifetime,
 * and the netdev notifier that moves flows to software when their device
 * goes away.
 *
 * Locking:
 *  - ktls_offload_rwsem: read side around tls_dev_add() + attach and around
 *    tls_dev_resync(); write side in device down. No context is added to a
 *    device that is going down, and no resync reaches a driver after its
 *    tls_dev_del().
 *  - ktls_dev_lock: the two lists and the last reference. Taken with
 *    interrupts off: sk_destruct runs wherever the last skb is freed.
 *
 * Lifetime: ctx->refcount is 1 from attach, dropped by sk_destruct; device
 * down holds a second one while it works on the context. The last drop
 * queues the final free on ktls_dev_wq (the driver's tls_dev_del may
 * sleep), which also drops the module reference taken at attach: a socket
 * outlives its ULP module reference (TCP drops it at destroy, before
 * sk_destruct), so it is this reference that keeps ktls.ko loaded while a
 * device context exists. It is dropped inside the work item, and module
 * exit destroys the workqueue, which waits for the item to return.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rwsem.h>
#include <linux/workqueue.h>
#include <net/dst.h>

#include "ktls.h"

static DECLARE_RWSEM(ktls_offload_rwsem);
static DEFINE_SPINLOCK(ktls_dev_lock);
/* contexts whose ctx->netdev is set, and those whose device went down */
static LIST_HEAD(ktls_dev_list);
static LIST_HEAD(ktls_dev_down_list);
static struct workqueue_struct *ktls_dev_wq;

struct net_device *ktls_device_lookup(struct sock *sk)
{
	struct net_device *dev, *low = NULL;
	struct dst_entry *dst;

	sock_owned_by_me(sk);
	rcu_read_lock();
	dst = __sk_dst_get(sk);
	dev = dst ? READ_ONCE(dst->dev) : NULL;
	if (dev) {
		/* a bond or team: the slave this flow's packets leave by */
		low = netdev_sk_get_lowest_dev(dev, sk);
		dev_hold(low);
	}
	rcu_read_unlock();
	return low;
}

int ktls_device_offload_begin(struct net_device *netdev)
{
	down_read(&ktls_offload_rwsem);
	/* after NETDEV_DOWN ran, nothing may be offloaded to the device */
	if (!(netdev->flags & IFF_UP)) {
		up_read(&ktls_offload_rwsem);
		return -EINVAL;
	}
	return 0;
}

void ktls_device_offload_end(void)
{
	up_read(&ktls_offload_rwsem);
}

struct net_device *ktls_device_route_begin(struct sock *sk)
{
	struct net_device *netdev = ktls_device_lookup(sk);

	if (netdev && ktls_device_offload_begin(netdev)) {
		dev_put(netdev);
		return NULL;
	}
	return netdev;
}

void ktls_device_route_end(struct net_device *netdev)
{
	ktls_device_offload_end();
	dev_put(netdev);
}

static void ktls_device_free_work(struct work_struct *work)
{
	struct ktls_context *kctx = container_of(work, struct ktls_context,
						 dev_free_work);
	struct tls_context *ctx = &kctx->base;
	struct net_device *netdev;

	/* refcount 0: device down cannot find the context any more */
	netdev = rcu_dereference_protected(ctx->netdev,
					   !refcount_read(&ctx->refcount));
	if (netdev) {
		if (ctx->tx_conf == TLS_HW &&
		    !test_and_set_bit(KTLS_DEV_TX_DELETED, &kctx->dev_flags))
			netdev->tlsdev_ops->tls_dev_del(netdev, ctx,
							TLS_OFFLOAD_CTX_DIR_TX);
		RCU_INIT_POINTER(ctx->netdev, NULL);
		dev_put(netdev);
	}
	if (ctx->tx_conf == TLS_HW)
		ktls_device_tx_free(ctx);
	ktls_ctx_free(ctx->sk, ctx);
	/* last: the module may go once this item has returned */
	module_put(THIS_MODULE);
}

static void ktls_device_put(struct tls_context *ctx)
{
	unsigned long flags;

	spin_lock_irqsave(&ktls_dev_lock, flags);
	if (!refcount_dec_and_test(&ctx->refcount)) {
		spin_unlock_irqrestore(&ktls_dev_lock, flags);
		return;
	}
	list_del(&ctx->list);
	/* queued under the lock: device down's flush then waits for it */
	queue_work(ktls_dev_wq, &ktls_ctx(ctx)->dev_free_work);
	spin_unlock_irqrestore(&ktls_dev_lock, flags);
}

void ktls_device_attach(struct sock *sk, struct tls_context *ctx,
			struct net_device *netdev)
{
	lockdep_assert_held(&ktls_offload_rwsem);
	sock_owned_by_me(sk);
	/* the other direction attached the context already */
	if (sk->sk_destruct == tls_device_sk_destruct)
		return;

	refcount_set(&ctx->refcount, 1);
	dev_hold(netdev);
	RCU_INIT_POINTER(ctx->netdev, netdev);
	INIT_WORK(&ktls_ctx(ctx)->dev_free_work, ktls_device_free_work);
	__module_get(THIS_MODULE);
	spin_lock_irq(&ktls_dev_lock);
	list_add_tail(&ctx->list, &ktls_dev_list);
	spin_unlock_irq(&ktls_dev_lock);
	ctx->sk_destruct = sk->sk_destruct;
	/* release: the context is complete before sk_destruct can see it */
	smp_store_release(&sk->sk_destruct, tls_device_sk_destruct);
}

bool ktls_device_attached(const struct sock *sk)
{
	return READ_ONCE(sk->sk_destruct) == tls_device_sk_destruct;
}

int ktls_device_resync(struct sock *sk, struct tls_context *ctx, u32 seq,
		       u8 *rcd_sn, enum tls_offload_ctx_dir dir)
{
	struct net_device *netdev;
	int rc = 0;

	down_read(&ktls_offload_rwsem);
	netdev = rcu_dereference_protected(ctx->netdev,
					   lockdep_is_held(&ktls_offload_rwsem));
	if (netdev)
		rc = netdev->tlsdev_ops->tls_dev_resync(netdev, sk, seq, rcd_sn,
							dir);
	up_read(&ktls_offload_rwsem);
	return rc;
}

void ktls_device_tx_detach(struct sock *sk, struct tls_context *ctx)
{
	struct net_device *netdev;

	sock_owned_by_me(sk);
	/* excludes device down, which deletes the context itself */
	down_read(&ktls_offload_rwsem);
	netdev = rcu_dereference_protected(ctx->netdev,
					   lockdep_is_held(&ktls_offload_rwsem));
	if (netdev &&
	    !test_and_set_bit(KTLS_DEV_TX_DELETED, &ktls_ctx(ctx)->dev_flags)) {
		ktls_device_tx_down(ctx);
		/* no skb may reach the driver as offloaded after this */
		synchronize_net();
		netdev->tlsdev_ops->tls_dev_del(netdev, ctx,
						TLS_OFFLOAD_CTX_DIR_TX);
	}
	up_read(&ktls_offload_rwsem);
}

/* Behind the exported tls_device_sk_destruct(): the socket is being freed. */
void ktls_device_sk_destruct(struct sock *sk)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	unsigned long flags;

	/* device down must not touch the socket once this returns */
	spin_lock_irqsave(&ktls_dev_lock, flags);
	set_bit(KTLS_DEV_SK_GONE, &ktls_ctx(ctx)->dev_flags);
	spin_unlock_irqrestore(&ktls_dev_lock, flags);
	ctx->sk_destruct(sk);
	if (ctx->tx_conf == TLS_HW)
		ktls_device_tx_destruct(sk, ctx);
	ktls_device_put(ctx);
}

/*
 * NETDEV_DOWN / NETDEV_UNREGISTER: every flow on @netdev continues in
 * software. TX keeps framing plaintext records (nothing already accepted
 * changes) and every skb is encrypted by the fallback on its way out; RX
 * is the RX path's business (ktls_device_rx_down). The device's contexts
 * are deleted now, so that it can go; ours stay until sk_destruct.
 */
static int ktls_device_down(struct net_device *netdev)
{
	struct tls_context *ctx, *tmp;
	unsigned long flags;
	LIST_HEAD(list);

	/* no new offload and no resync while we work */
	down_write(&ktls_offload_rwsem);
	spin_lock_irqsave(&ktls_dev_lock, flags);
	list_for_each_entry_safe(ctx, tmp, &ktls_dev_list, list) {
		if (rcu_access_pointer(ctx->netdev) != netdev ||
		    !refcount_inc_not_zero(&ctx->refcount))
			continue;
		/*
		 * Later skbs are encrypted in software, never by the device.
		 * Under the lock: sk_destruct may be running, and marks the
		 * socket gone under it before the socket is freed.
		 */
		if (ctx->tx_conf == TLS_HW &&
		    !test_bit(KTLS_DEV_SK_GONE, &ktls_ctx(ctx)->dev_flags))
			ktls_device_tx_down(ctx);
		list_move(&ctx->list, &list);
	}
	spin_unlock_irqrestore(&ktls_dev_lock, flags);
	if (list_empty(&list))
		goto out;

	list_for_each_entry(ctx, &list, list) {
		rcu_assign_pointer(ctx->netdev, NULL);
		set_bit(TLS_RX_DEV_DEGRADED, &ctx->flags);
	}
	/* skbs already past sk_validate_xmit_skb, RX resync requests */
	synchronize_net();

	list_for_each_entry_safe(ctx, tmp, &list, list) {
		if (ctx->tx_conf == TLS_HW &&
		    !test_and_set_bit(KTLS_DEV_TX_DELETED,
				      &ktls_ctx(ctx)->dev_flags)) {
			netdev->tlsdev_ops->tls_dev_del(netdev, ctx,
							TLS_OFFLOAD_CTX_DIR_TX);
			ktls_event_note(ctx, KTLS_EV_TX_DOWN);
		}
		if (ctx->rx_conf == TLS_HW) {
			ktls_device_rx_down(ctx, netdev);
			ktls_event_note(ctx, KTLS_EV_RX_DOWN);
		}
		dev_put(netdev);
		spin_lock_irqsave(&ktls_dev_lock, flags);
		list_move_tail(&ctx->list, &ktls_dev_down_list);
		spin_unlock_irqrestore(&ktls_dev_lock, flags);
		/* sk_destruct may have run meanwhile: then this frees */
		ktls_device_put(ctx);
	}
out:
	up_write(&ktls_offload_rwsem);
	/* final frees queued before us hold the device and call its ops */
	flush_workqueue(ktls_dev_wq);
	return NOTIFY_DONE;
}

/* A device advertising TLS offload must have the ops to back it (tls.ko). */
static bool ktls_dev_ops_ok(const struct net_device *dev)
{
	const struct tlsdev_ops *ops = dev->tlsdev_ops;

	if (!ops || !ops->tls_dev_add || !ops->tls_dev_del)
		return false;
	return !(dev->features & NETIF_F_HW_TLS_RX) || ops->tls_dev_resync;
}

static int ktls_dev_event(struct notifier_block *nb, unsigned long event,
			  void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (!dev->tlsdev_ops &&
	    !(dev->features & (NETIF_F_HW_TLS_RX | NETIF_F_HW_TLS_TX)))
		return NOTIFY_DONE;

	switch (event) {
	case NETDEV_REGISTER:
	case NETDEV_FEAT_CHANGE:
		/* a bond passes its slaves' features up, not their ops */
		if (netif_is_bond_master(dev))
			return NOTIFY_DONE;
		return ktls_dev_ops_ok(dev) ? NOTIFY_DONE : NOTIFY_BAD;
	case NETDEV_DOWN:
	case NETDEV_UNREGISTER:
		return ktls_device_down(dev);
	}
	return NOTIFY_DONE;
}

static struct notifier_block ktls_dev_notifier = {
	.notifier_call	= ktls_dev_event,
};

int ktls_device_init(void)
{
	int err;

	ktls_dev_wq = alloc_workqueue("ktls_device", 0, 0);
	if (!ktls_dev_wq)
		return -ENOMEM;
	err = register_netdevice_notifier(&ktls_dev_notifier);
	if (err)
		destroy_workqueue(ktls_dev_wq);
	return err;
}

void ktls_device_exit(void)
{
	unregister_netdevice_notifier(&ktls_dev_notifier);
	/* each device context holds a module reference: none is left */
	destroy_workqueue(ktls_dev_wq);
	/* clean_acked_data_disable() defers its static key update */
	clean_acked_data_flush();
}
