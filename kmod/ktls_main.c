// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: module init/exit, the TCP ULP "tls", the per-configuration proto
 * and proto_ops tables, context lifetime and the close path.
 *
 * Context lifetime: the ULP init allocates a struct ktls_context and
 * publishes it in icsk_ulp_data with rcu_assign_pointer() under
 * sk_callback_lock. Close unpublishes it (under lock_sock and
 * sk_callback_lock), tears down TX/RX, hands the socket back to TCP's close
 * and frees the context with kfree_rcu(): sock_diag (ktls_get_info) reads
 * it under rcu_read_lock() only.
 *
 * Module lifetime: tcp_set_ulp() takes a reference on THIS_MODULE for
 * every socket that uses the ULP; TCP drops it when the socket is
 * destroyed, so the module cannot be unloaded while a socket uses it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/inet_connection_sock.h>
#include <net/tcp.h>

#include "ktls.h"

MODULE_DESCRIPTION("ktls: kernel TLS in software and on devices (drop-in replacement for tls.ko)");
MODULE_LICENSE("GPL");
MODULE_ALIAS_TCP_ULP("tls");

/* Set once everything a ULP user needs (pernet stats) is registered. */
static bool ktls_ready;

/* connect(AF_UNSPEC) would reuse the socket without TLS state: refuse. */
static int ktls_disconnect(struct sock *sk, int flags)
{
	return -EOPNOTSUPP;
}

static struct tls_context *ktls_ctx_create(struct sock *sk)
{
	struct ktls_context *kctx;
	struct tls_context *ctx;

	kctx = kzalloc(sizeof(*kctx), GFP_ATOMIC);
	if (!kctx)
		return NULL;
	ctx = &kctx->base;
	mutex_init(&ctx->tx_lock);
	ctx->sk_proto = READ_ONCE(sk->sk_prot);
	ctx->sk = sk;
	ctx->tx_conf = TLS_BASE;
	ctx->rx_conf = TLS_BASE;
	kctx->tx_max_payload_len = TLS_MAX_PAYLOAD_SIZE;
	/*
	 * Release: sk_proto above is visible before sk->sk_prot is switched
	 * to our tables, whose setsockopt/getsockopt dereference it.
	 */
	rcu_assign_pointer(inet_csk(sk)->icsk_ulp_data, ctx);
	return ctx;
}

/* @sk NULL: no reader can still see @ctx (never published or long gone). */
void ktls_ctx_free(struct sock *sk, struct tls_context *ctx)
{
	struct ktls_context *kctx = ktls_ctx(ctx);

	memzero_explicit(&ctx->crypto_send, sizeof(ctx->crypto_send));
	memzero_explicit(&ctx->crypto_recv, sizeof(ctx->crypto_recv));
	ktls_cbc_free(kctx->cbc[KTLS_COUNT_TX]);
	ktls_cbc_free(kctx->cbc[KTLS_COUNT_RX]);
	mutex_destroy(&ctx->tx_lock);
	if (sk)
		kfree_rcu(kctx, base.rcu);
	else
		kfree(kctx);
}

static void ktls_sk_proto_close(struct sock *sk, long timeout)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	int tx_conf = ctx->tx_conf, rx_conf = ctx->rx_conf;
	int tx_mode, rx_mode;
	/*
	 * A context attached to a device lives until sk_destruct
	 * (ktls_device.c): drivers and the TX fallback reach it through
	 * icsk_ulp_data while skbs are in flight.
	 */
	bool dev = ktls_device_attached(sk);

	if (tx_conf == TLS_SW)
		ktls_tx_sw_cancel_work(ctx);
	else if (tx_conf == TLS_HW)
		ktls_device_tx_cancel_work(ctx);
	if (tx_conf != TLS_BASE)
		/* the order every TX path takes: tx_lock, then the socket */
		mutex_lock(&ctx->tx_lock);

	lock_sock(sk);
	/* before release: the last records still count */
	tx_mode = ktls_mode(ctx, true);
	rx_mode = ktls_mode(ctx, false);
	if (tx_conf == TLS_SW) {
		ktls_tx_sw_release(sk, ctx, timeout);
		KTLS_DEC_STATS(sock_net(sk), KTLS_MIB_CURRTXSW);
	} else if (tx_conf == TLS_HW) {
		ktls_device_tx_release(sk, ctx, timeout);
		KTLS_DEC_STATS(sock_net(sk), KTLS_MIB_CURRTXDEVICE);
	}
	if (rx_conf == TLS_SW) {
		ktls_rx_sw_release(sk, ctx);
		KTLS_DEC_STATS(sock_net(sk), KTLS_MIB_CURRRXSW);
	}
	if (rx_conf == TLS_HW) {
		/* the NIC forgets the flow before software RX goes */
		ktls_device_rx_release(sk, ctx);
		ktls_rx_sw_release(sk, ctx);
		KTLS_DEC_STATS(sock_net(sk), KTLS_MIB_CURRRXDEVICE);
	}
	/* the records TX release pushed are counted by now */
	ktls_bpf_close(sk, ctx, tx_mode, rx_mode);

	write_lock_bh(&sk->sk_callback_lock);
	if (!dev)
		rcu_assign_pointer(inet_csk(sk)->icsk_ulp_data, NULL);
	WRITE_ONCE(sk->sk_prot, ctx->sk_proto);
	if (tx_conf != TLS_BASE)
		ktls_tx_restore_write_space(sk, ctx);
	write_unlock_bh(&sk->sk_callback_lock);
	release_sock(sk);
	if (tx_conf != TLS_BASE)
		mutex_unlock(&ctx->tx_lock);
	if (tx_conf == TLS_SW)
		ktls_tx_sw_free(ctx);
	if (rx_conf == TLS_SW || rx_conf == TLS_HW)
		ktls_rx_sw_free(ctx);
	/* a device flow's context may be freed from here on */
	ctx->sk_proto->close(sk, timeout);

	if (!dev)
		ktls_ctx_free(sk, ctx);
}

/* The entries of a proto whose TX (@tx) and/or RX (@rx) is software. */
static void ktls_proto_sw(struct proto *p, bool tx, bool rx)
{
	if (tx) {
		p->sendmsg = ktls_tx_sendmsg;
		ktls_set_sendpage(p, ktls_tx_sendpage);
		p->splice_eof = ktls_tx_splice_eof;
	}
	if (rx) {
		p->recvmsg = ktls_rx_recvmsg;
		p->sock_is_readable = ktls_rx_sock_is_readable;
	}
}

static void ktls_ops_sw(struct proto_ops *o, bool tx, bool rx)
{
	if (tx) {
		ktls_set_sendpage_locked(o, ktls_tx_sendpage_locked);
		o->splice_eof = ktls_tx_splice_eof;
	}
	if (rx) {
		o->splice_read = ktls_rx_splice_read;
		o->read_sock = ktls_rx_read_sock;
		o->poll = ktls_rx_poll;
	}
}

/* Device TX: records framed in plaintext for the NIC (ktls_device_tx*.c). */
static void ktls_proto_dev_tx(struct proto *p, struct proto_ops *o)
{
	p->sendmsg = ktls_device_tx_sendmsg;
	ktls_set_sendpage(p, ktls_device_tx_sendpage);
	p->splice_eof = ktls_device_tx_splice_eof;
	/* no locked variant (tls.ko has none either): not TCP's own */
	ktls_set_sendpage_locked(o, NULL);
	o->splice_eof = ktls_device_tx_splice_eof;
}

/*
 * Every [tx_conf][rx_conf] of base, software and device from TCP's own
 * tables. A device RX flow reads through the software RX entries: the
 * parser and decrypt path skip the crypto of records the NIC decrypted.
 */
static void ktls_build_tables(struct ktls_proto_set *set,
			      const struct proto *prot,
			      const struct proto_ops *ops)
{
	int tx, rx;

	for (tx = TLS_BASE; tx <= TLS_HW; tx++) {
		for (rx = TLS_BASE; rx <= TLS_HW; rx++) {
			struct proto *p = &set->prot[tx][rx];
			struct proto_ops *o = &set->ops[tx][rx];

			*p = *prot;
			p->setsockopt = ktls_setsockopt;
			p->getsockopt = ktls_getsockopt;
			p->disconnect = ktls_disconnect;
			p->close = ktls_sk_proto_close;
			ktls_proto_sw(p, tx == TLS_SW, rx != TLS_BASE);
			*o = *ops;
			ktls_ops_sw(o, tx == TLS_SW, rx != TLS_BASE);
			if (tx == TLS_HW)
				ktls_proto_dev_tx(p, o);
		}
	}
}

static DEFINE_MUTEX(ktls_prot_mutex);

/* Fill the table set of @sk's family if its base TCP proto is new. */
static void ktls_build_proto(struct sock *sk)
{
	const struct proto *prot = READ_ONCE(sk->sk_prot);
	struct ktls_proto_set *set = ktls_proto_set(sk);

	/* acquire: pairs with the release below, tables are complete */
	if (likely(prot == smp_load_acquire(&set->base)))
		return;

	mutex_lock(&ktls_prot_mutex);
	if (prot != set->base) {
		ktls_build_tables(set, prot, sk->sk_socket->ops);
		/* release: publish the tables before the fast-path check */
		smp_store_release(&set->base, prot);
	}
	mutex_unlock(&ktls_prot_mutex);
}

static int ktls_ulp_init(struct sock *sk)
{
	struct tls_context *ctx;
	int rc = 0;

	/* acquire: pairs with ktls_init(), per-netns stats are registered */
	if (!smp_load_acquire(&ktls_ready))
		return -EAGAIN;

	ktls_build_proto(sk);

	/*
	 * Only established sockets: a listener would need the context to be
	 * cloned into every accepted child.
	 */
	if (sk->sk_state != TCP_ESTABLISHED)
		return -ENOTCONN;

	write_lock_bh(&sk->sk_callback_lock);
	ctx = ktls_ctx_create(sk);
	if (!ctx) {
		rc = -ENOMEM;
		goto out;
	}
	ktls_update_sk_prot(sk, ctx);
out:
	write_unlock_bh(&sk->sk_callback_lock);
	return rc;
}

/* sockmap replaced (or restored) the proto underneath us. */
static void ktls_ulp_update(struct sock *sk, struct proto *p,
			    void (*write_space)(struct sock *sk))
{
	struct tls_context *ctx = tls_get_ctx(sk);

	if (likely(ctx)) {
		ctx->sk_write_space = write_space;
		ctx->sk_proto = p;
	} else {
		/* pairs with the lockless read in sk_clone_lock() */
		WRITE_ONCE(sk->sk_prot, p);
		sk->sk_write_space = write_space;
	}
}

static struct tcp_ulp_ops ktls_ulp_ops __read_mostly = {
	.name		= "tls",
	.owner		= THIS_MODULE,
	.init		= ktls_ulp_init,
	.update		= ktls_ulp_update,
	.get_info	= ktls_get_info,
	.get_info_size	= ktls_get_info_size,
};

static int __init ktls_init(void)
{
	int err;

	/*
	 * Claim the ULP name first: if the kernel's tls.ko is loaded it owns
	 * "tls" (and /proc/net/tls_stat, which we must not try to create).
	 */
	err = tcp_register_ulp(&ktls_ulp_ops);
	if (err) {
		pr_err("TCP ULP \"tls\" is already registered (%d): the kernel's tls.ko is loaded; unload it (rmmod tls) before loading ktls.ko\n",
		       err);
		return err;
	}

	err = ktls_stats_init();
	if (err) {
		tcp_unregister_ulp(&ktls_ulp_ops);
		return err;
	}

	err = ktls_device_init();
	if (err) {
		ktls_stats_exit();
		tcp_unregister_ulp(&ktls_ulp_ops);
		return err;
	}

	/* release: everything above is visible to ktls_ulp_init() */
	smp_store_release(&ktls_ready, true);
	return 0;
}

static void __exit ktls_exit(void)
{
	tcp_unregister_ulp(&ktls_ulp_ops);
	ktls_device_exit();
	ktls_stats_exit();
	/* kfree_rcu() of the last contexts must not outlive the module text */
	rcu_barrier();
	ktls_tx_exit();
	ktls_rx_exit();
}

module_init(ktls_init);
module_exit(ktls_exit);
