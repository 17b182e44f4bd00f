// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: RX device offload (the NIC decrypts records in place).
 */
#include "ktls.h"

int ktls_device_rx_init(struct sock *sk, struct tls_context *ctx)
{
	return -EOPNOTSUPP;
}

void ktls_device_rx_release(struct sock *sk, struct tls_context *ctx)
{
}

void ktls_device_rx_down(struct tls_context *ctx, struct net_device *netdev)
{
}
