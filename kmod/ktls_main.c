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
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/inet_connection_sock.h>
#include <net/netns/generic.h>
#include <net/tcp.h>

#include "ktls.h"

MODULE_DESCRIPTION("ktls: software kernel TLS (drop-in replacement for tls.ko)");
MODULE_LICENSE("GPL");
MODULE_ALIAS_TCP_ULP("tls");

enum {
	KTLS_V4,
	KTLS_V6,
	KTLS_NUM_PROTS,
};

/*
 * Tables indexed [ip version][tx_conf][rx_conf]. A table pair is rebuilt
 * when the base TCP proto of that family changes (IPv6 is only known once
 * the first IPv6 socket shows up, since ipv6 may be a module); readers use
 * acquire/release on the saved base pointer, builders hold the mutex.
 */
static struct proto ktls_prots[KTLS_NUM_PROTS][TLS_NUM_CONFIG][TLS_NUM_CONFIG];
/* not const: filled from the base TCP ops at run time */
static struct proto_ops ktls_ops[KTLS_NUM_PROTS][TLS_NUM_CONFIG][TLS_NUM_CONFIG];
static const struct proto *ktls_saved_prot[KTLS_NUM_PROTS];
static DEFINE_MUTEX(ktls_prot_mutex);

static unsigned int ktls_net_id __read_mostly;
/* Set once everything a ULP user needs (pernet stats) is registered. */
static bool ktls_ready;

struct ktls_net *ktls_net(const struct net *net)
{
	return net_generic(net, ktls_net_id);
}

void ktls_err_abort(struct sock *sk, int err)
{
	WRITE_ONCE(sk->sk_err, -err);
	/* paired with the lockless readers of sk_err in poll and recvmsg */
	smp_wmb();
	sk_error_report(sk);
}

static int ktls_ip_ver(const struct sock *sk)
{
	return sk->sk_family == AF_INET6 ? KTLS_V6 : KTLS_V4;
}

void ktls_update_sk_prot(struct sock *sk, struct tls_context *ctx)
{
	int v = ktls_ip_ver(sk);

	WRITE_ONCE(sk->sk_prot, &ktls_prots[v][ctx->tx_conf][ctx->rx_conf]);
	WRITE_ONCE(sk->sk_socket->ops, &ktls_ops[v][ctx->tx_conf][ctx->rx_conf]);
}

/* connect(AF_UNSPEC) would reuse the socket without TLS state: refuse. */
static int ktls_disconnect(struct sock *sk, int flags)
{
	return -EOPNOTSUPP;
}

/* sk_write_space while TX is configured: let TX flush, then wake writers. */
static void ktls_write_space(struct sock *sk)
{
	struct tls_context *ctx = tls_get_ctx(sk);

	/*
	 * While TX itself is pushing into TCP (in_tcp_sendpages), TCP may
	 * wait for memory: only wake it, do not re-enter TX.
	 */
	if (!ctx->in_tcp_sendpages && ctx->tx_conf == TLS_SW)
		ktls_tx_sw_write_space(sk, ctx);
	ctx->sk_write_space(sk);
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
static void ktls_ctx_free(struct sock *sk, struct tls_context *ctx)
{
	struct ktls_context *kctx = ktls_ctx(ctx);

	memzero_explicit(&ctx->crypto_send, sizeof(ctx->crypto_send));
	memzero_explicit(&ctx->crypto_recv, sizeof(ctx->crypto_recv));
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

	if (tx_conf == TLS_SW) {
		ktls_tx_sw_cancel_work(ctx);
		/* the order every TX path takes: tx_lock, then the socket */
		mutex_lock(&ctx->tx_lock);
	}

	lock_sock(sk);
	if (tx_conf == TLS_SW) {
		ktls_tx_sw_release(sk, ctx, timeout);
		KTLS_DEC_STATS(sock_net(sk), KTLS_MIB_CURRTXSW);
	}
	if (rx_conf == TLS_SW) {
		ktls_rx_sw_release(sk, ctx);
		KTLS_DEC_STATS(sock_net(sk), KTLS_MIB_CURRRXSW);
	}

	write_lock_bh(&sk->sk_callback_lock);
	rcu_assign_pointer(inet_csk(sk)->icsk_ulp_data, NULL);
	WRITE_ONCE(sk->sk_prot, ctx->sk_proto);
	if (sk->sk_write_space == ktls_write_space)
		sk->sk_write_space = ctx->sk_write_space;
	write_unlock_bh(&sk->sk_callback_lock);
	release_sock(sk);
	if (tx_conf == TLS_SW) {
		mutex_unlock(&ctx->tx_lock);
		ktls_tx_sw_free(ctx);
	}
	if (rx_conf == TLS_SW)
		ktls_rx_sw_free(ctx);
	ctx->sk_proto->close(sk, timeout);

	ktls_ctx_free(sk, ctx);
}

/* Called by ktls_sockopt.c once TX is configured. */
void ktls_install_write_space(struct sock *sk, struct tls_context *ctx)
{
	ctx->sk_write_space = sk->sk_write_space;
	sk->sk_write_space = ktls_write_space;
}

static void ktls_build_protos(struct proto p[TLS_NUM_CONFIG][TLS_NUM_CONFIG],
			      const struct proto *base)
{
	p[TLS_BASE][TLS_BASE] = *base;
	p[TLS_BASE][TLS_BASE].setsockopt = ktls_setsockopt;
	p[TLS_BASE][TLS_BASE].getsockopt = ktls_getsockopt;
	p[TLS_BASE][TLS_BASE].disconnect = ktls_disconnect;
	p[TLS_BASE][TLS_BASE].close = ktls_sk_proto_close;

	p[TLS_SW][TLS_BASE] = p[TLS_BASE][TLS_BASE];
	p[TLS_SW][TLS_BASE].sendmsg = ktls_tx_sendmsg;
	p[TLS_SW][TLS_BASE].sendpage = ktls_tx_sendpage;
	p[TLS_SW][TLS_BASE].splice_eof = ktls_tx_splice_eof;

	p[TLS_BASE][TLS_SW] = p[TLS_BASE][TLS_BASE];
	p[TLS_BASE][TLS_SW].recvmsg = ktls_rx_recvmsg;
	p[TLS_BASE][TLS_SW].sock_is_readable = ktls_rx_sock_is_readable;

	p[TLS_SW][TLS_SW] = p[TLS_SW][TLS_BASE];
	p[TLS_SW][TLS_SW].recvmsg = ktls_rx_recvmsg;
	p[TLS_SW][TLS_SW].sock_is_readable = ktls_rx_sock_is_readable;
}

static void ktls_build_ops(struct proto_ops o[TLS_NUM_CONFIG][TLS_NUM_CONFIG],
			   const struct proto_ops *base)
{
	o[TLS_BASE][TLS_BASE] = *base;

	o[TLS_SW][TLS_BASE] = o[TLS_BASE][TLS_BASE];
	o[TLS_SW][TLS_BASE].sendpage_locked = ktls_tx_sendpage_locked;
	o[TLS_SW][TLS_BASE].splice_eof = ktls_tx_splice_eof;

	o[TLS_BASE][TLS_SW] = o[TLS_BASE][TLS_BASE];
	o[TLS_BASE][TLS_SW].splice_read = ktls_rx_splice_read;
	o[TLS_BASE][TLS_SW].poll = ktls_rx_poll;

	o[TLS_SW][TLS_SW] = o[TLS_SW][TLS_BASE];
	o[TLS_SW][TLS_SW].splice_read = ktls_rx_splice_read;
	o[TLS_SW][TLS_SW].poll = ktls_rx_poll;
}

static void ktls_build_proto(struct sock *sk)
{
	const struct proto *prot = READ_ONCE(sk->sk_prot);
	int v = ktls_ip_ver(sk);

	/* acquire: pairs with the release below, tables are complete */
	if (likely(prot == smp_load_acquire(&ktls_saved_prot[v])))
		return;

	mutex_lock(&ktls_prot_mutex);
	if (prot != ktls_saved_prot[v]) {
		ktls_build_protos(ktls_prots[v], prot);
		ktls_build_ops(ktls_ops[v], sk->sk_socket->ops);
		/* release: publish the tables before the fast-path check */
		smp_store_release(&ktls_saved_prot[v], prot);
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

static int __net_init ktls_net_init(struct net *net)
{
	struct ktls_net *kn = ktls_net(net);
	int err;

	kn->mib = alloc_percpu(struct ktls_mib_cpu);
	if (!kn->mib)
		return -ENOMEM;
	err = ktls_proc_init(net);
	if (err) {
		free_percpu(kn->mib);
		kn->mib = NULL;
	}
	return err;
}

static void __net_exit ktls_net_exit(struct net *net)
{
	struct ktls_net *kn = ktls_net(net);

	ktls_proc_fini(net);
	free_percpu(kn->mib);
	kn->mib = NULL;
}

static struct pernet_operations ktls_net_ops = {
	.init = ktls_net_init,
	.exit = ktls_net_exit,
	.id = &ktls_net_id,
	.size = sizeof(struct ktls_net),
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
		pr_err("ktls: TCP ULP \"tls\" is already registered (%d): the kernel's tls.ko is loaded; unload it (rmmod tls) before loading ktls.ko\n",
		       err);
		return err;
	}

	err = register_pernet_subsys(&ktls_net_ops);
	if (err) {
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
	unregister_pernet_subsys(&ktls_net_ops);
	/* kfree_rcu() of the last contexts must not outlive the module text */
	rcu_barrier();
	ktls_tx_rec_cache_drain();
	ktls_dec_cache_drain();
}

module_init(ktls_init);
module_exit(ktls_exit);
