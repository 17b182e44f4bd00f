// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: sock_diag ULP information (INET_ULP_INFO_TLS nest), with the same
 * attributes and encodings as tls.ko so that `ss -tie` prints the same,
 * plus TLS_INFO_TX_MAX_PAYLOAD_LEN (u16) as upstream 6.19 reports it.
 *
 * Runs from inet_diag without the socket lock: the context is read under
 * RCU (it is freed with kfree_rcu) and fields are read once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/inet_diag.h>
#include <net/netlink.h>

#include "ktls.h"

static u16 ktls_user_config(u8 conf)
{
	switch (conf) {
	case TLS_BASE:
		return TLS_CONF_BASE;
	case TLS_SW:
		return TLS_CONF_SW;
	case TLS_HW:
		return TLS_CONF_HW;
	case TLS_HW_RECORD:
		return TLS_CONF_HW_RECORD;
	}
	return 0;
}

static int ktls_fill_info(struct sk_buff *skb, struct tls_context *ctx)
{
	u16 version = READ_ONCE(ctx->prot_info.version);
	u16 cipher = READ_ONCE(ctx->prot_info.cipher_type);
	u8 tx_conf = ctx->tx_conf, rx_conf = ctx->rx_conf;
	int err;

	if (version) {
		err = nla_put_u16(skb, TLS_INFO_VERSION, version);
		if (err)
			return err;
	}
	if (cipher) {
		err = nla_put_u16(skb, TLS_INFO_CIPHER, cipher);
		if (err)
			return err;
	}
	err = nla_put_u16(skb, TLS_INFO_TXCONF, ktls_user_config(tx_conf));
	if (err)
		return err;
	err = nla_put_u16(skb, TLS_INFO_RXCONF, ktls_user_config(rx_conf));
	if (err)
		return err;
	/* tls.ko reports zerocopy only where it is in effect (device TX) */
	if (tx_conf == TLS_HW && ctx->zerocopy_sendfile) {
		err = nla_put_flag(skb, TLS_INFO_ZC_RO_TX);
		if (err)
			return err;
	}
	if (ctx->rx_no_pad) {
		err = nla_put_flag(skb, TLS_INFO_RX_NO_PAD);
		if (err)
			return err;
	}
	return nla_put_u16(skb, KTLS_INFO_TX_MAX_PAYLOAD_LEN,
			   READ_ONCE(ktls_ctx(ctx)->tx_max_payload_len));
}

int ktls_get_info(struct sock *sk, struct sk_buff *skb)
{
	struct tls_context *ctx;
	struct nlattr *start;
	int err = 0;

	start = nla_nest_start_noflag(skb, INET_ULP_INFO_TLS);
	if (!start)
		return -EMSGSIZE;

	rcu_read_lock();
	ctx = rcu_dereference(inet_csk(sk)->icsk_ulp_data);
	if (ctx)
		err = ktls_fill_info(skb, ctx);
	rcu_read_unlock();

	/* like tls.ko, a socket whose context is gone gets no nest */
	if (err || !ctx) {
		nla_nest_cancel(skb, start);
		return err;
	}
	nla_nest_end(skb, start);
	return 0;
}

size_t ktls_get_info_size(const struct sock *sk)
{
	return nla_total_size(0) +		/* INET_ULP_INFO_TLS */
	       nla_total_size(sizeof(u16)) +	/* TLS_INFO_VERSION */
	       nla_total_size(sizeof(u16)) +	/* TLS_INFO_CIPHER */
	       nla_total_size(sizeof(u16)) +	/* TLS_INFO_RXCONF */
	       nla_total_size(sizeof(u16)) +	/* TLS_INFO_TXCONF */
	       nla_total_size(0) +		/* TLS_INFO_ZC_RO_TX */
	       nla_total_size(0) +		/* TLS_INFO_RX_NO_PAD */
	       nla_total_size(sizeof(u16));	/* TLS_INFO_TX_MAX_PAYLOAD_LEN */
}
