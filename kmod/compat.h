/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls: what differs between the kernels ktls.ko builds for. Every
 * kernel-version test of ktls lives here, so that the rest of the code
 * reads the same for each of them (WireGuard's compat layer is the model).
 */
#ifndef _KTLS_COMPAT_H
#define _KTLS_COMPAT_H

#include <linux/skbuff.h>

/*
 * A NIC already decrypted the bytes of @skb (device RX). The mark is
 * skb->decrypted under CONFIG_TLS_DEVICE up to 6.6; 6.7 moved it under
 * CONFIG_SKB_DECRYPTED.
 */
static inline bool ktls_skb_decrypted(const struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_TLS_DEVICE) || IS_ENABLED(CONFIG_SKB_DECRYPTED)
	return skb->decrypted;
#else
	return false;
#endif
}

#endif /* _KTLS_COMPAT_H */
