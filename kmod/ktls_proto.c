// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: the proto and proto_ops tables a kTLS socket runs on, one set per
 * IP version, indexed [tx_conf][rx_conf], and the switch of a socket from
 * one to another when its configuration changes.
 *
 * The tables are filled by ktls_main.c, which knows every entry point;
 * this file only holds them, so that setsockopt can switch a socket's
 * table without calling back up into the module core. A set is rebuilt
 * when the base TCP proto of its family changes (IPv6 is only known once
 * the first IPv6 socket shows up, since ipv6 may be a module): readers
 * use acquire/release on @base, builders hold a mutex (ktls_main.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/net.h>
#include <net/sock.h>

#include "ktls.h"

static struct ktls_proto_set ktls_proto_sets[2];

struct ktls_proto_set *ktls_proto_set(const struct sock *sk)
{
	return &ktls_proto_sets[sk->sk_family == AF_INET6];
}

void ktls_update_sk_prot(struct sock *sk, struct tls_context *ctx)
{
	struct ktls_proto_set *set = ktls_proto_set(sk);

	WRITE_ONCE(sk->sk_prot, &set->prot[ctx->tx_conf][ctx->rx_conf]);
	WRITE_ONCE(sk->sk_socket->ops, &set->ops[ctx->tx_conf][ctx->rx_conf]);
}
