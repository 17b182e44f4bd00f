/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlssim: what differs between the kernels tlssim.ko builds for (Debian
 * 12's 6.1 and the 6.12 series).  Every kernel-version test of tlssim
 * lives here, so that the rest of the driver reads the same on each of
 * them (WireGuard's compat layer is the model).
 *
 * Each difference is probed in the kernel's own headers, not told by the
 * kernel version: stable kernels backport interface changes (6.12.117 has
 * the async resync helpers of a later release), and checkpatch refuses
 * version tests.
 * Kbuild does the probing (a header's presence, a grep for a prototype;
 * sparse has no __has_include) and only defines TLSSIM_COMPAT_* macros,
 * which nothing but this file uses.
 */
#ifndef _TLSSIM_COMPAT_H
#define _TLSSIM_COMPAT_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/tls.h>
#include <net/xdp.h>

/* 6.12 moved the unaligned accessors out of asm/ into linux/. */
#ifdef TLSSIM_COMPAT_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.5 moved skb_gso_segment() and the GSO helpers into net/gso.h. */
#ifdef TLSSIM_COMPAT_NET_GSO_H
#include <net/gso.h>
#endif

/*
 * Whether the socket that sent @skb offloads TLS TX to a device.  Later
 * kernels turned the socket-based test into an skb-based one, which also
 * copes with an skb without a socket; such an skb is never offloaded.
 */
static inline bool tlssim_skb_tx_offloaded(const struct sk_buff *skb)
{
#ifdef TLSSIM_COMPAT_SKB_TX_OFFLOADED
	return tls_is_skb_tx_device_offloaded(skb);
#else
	return skb->sk && tls_is_sk_tx_device_offloaded(skb->sk);
#endif
}

/*
 * The async RX resync request (log every record header in a window, then
 * name the one to confirm).  Newer kernels, and stable ones by backport,
 * take the driver's resync state itself instead of the socket: the socket
 * form reached it through the socket's TLS context, which a request from
 * the packet path could race with teardown.  Both write the same state,
 * the one the driver registered as resync_async.
 */
static inline void
tlssim_resync_async_start(struct sock *sk, struct tls_offload_resync_async *async,
			  __be32 seq, u16 len)
{
#ifdef TLSSIM_COMPAT_ASYNC_REQ_STATE
	tls_offload_rx_resync_async_request_start(async, seq, len);
#else
	tls_offload_rx_resync_async_request_start(sk, seq, len);
#endif
}

static inline void
tlssim_resync_async_end(struct sock *sk, struct tls_offload_resync_async *async,
			__be32 seq)
{
#ifdef TLSSIM_COMPAT_ASYNC_REQ_STATE
	tls_offload_rx_resync_async_request_end(async, seq);
#else
	tls_offload_rx_resync_async_request_end(sk, seq);
#endif
}

/*
 * 6.3 made a device announce what XDP it supports; among others, devmap
 * and bpf_redirect refuse to hand frames to a device that does not
 * announce ndo_xdp_xmit.  Before, having the ndo was enough.  (Kbuild
 * probes for the helper: checkpatch refuses LINUX_VERSION_CODE tests.)
 */
static inline void tlssim_xdp_set_features(struct net_device *dev)
{
#ifdef TLSSIM_COMPAT_XDP_FEATURES
	xdp_set_features_flag(dev, NETDEV_XDP_ACT_BASIC | NETDEV_XDP_ACT_REDIRECT |
			      NETDEV_XDP_ACT_NDO_XMIT);
#endif
}

#endif /* _TLSSIM_COMPAT_H */
