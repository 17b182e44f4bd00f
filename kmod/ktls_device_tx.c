// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: TX device offload (the NIC encrypts records ktls frames).
 */
#include "ktls.h"

int ktls_device_tx_init(struct sock *sk, struct tls_context *ctx)
{
	return -EOPNOTSUPP;
}
