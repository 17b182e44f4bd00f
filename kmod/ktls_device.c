// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: what the TX and RX device paths share: the netdev a socket's
 * route leaves through, the list of offloaded contexts and the netdev
 * notifier that moves flows to software when their device goes away.
 */
#include "ktls.h"

int ktls_device_init(void)
{
	return ktls_device_rx_module_init();
}

void ktls_device_exit(void)
{
	ktls_device_rx_module_exit();
}
