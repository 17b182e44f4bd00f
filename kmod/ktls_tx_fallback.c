// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: tls_validate_xmit_skb(), the TX fallback hook offload drivers
 * link against.
 *
 * The include set is the one upstream's tls_device_fallback.c sees (its
 * own list and its private tls.h): the symbol's CRC is computed from the
 * types visible here and must equal the one the kernel's Module.symvers
 * lists for tls.ko, so that drivers built against the kernel load with
 * ktls.ko (checked by selftests/ktls/core_sockopt.sh).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/byteorder.h>
#include <linux/types.h>
#include <linux/skmsg.h>
#include <net/tls.h>
#include <crypto/aead.h>
#include <crypto/scatterwalk.h>
#include <net/ip6_checksum.h>

/*
 * Drivers compare skb->sk->sk_validate_xmit_skb against this function to
 * tell device-offloaded TLS skbs apart (tls_is_skb_tx_device_offloaded()).
 * ktls installs no device TX context yet, so no socket points here and
 * the core never calls it; a direct call has nothing to re-encrypt.
 */
struct sk_buff *tls_validate_xmit_skb(struct sock *sk,
				      struct net_device *dev,
				      struct sk_buff *skb)
{
	return skb;
}
EXPORT_SYMBOL_GPL(tls_validate_xmit_skb);
