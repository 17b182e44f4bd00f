// SPDX-License-Identifier: GPL-2.0
/*
 * tlssim module init/exit.
 *
 * Unloading with live devices is safe: rtnl_link_unregister() dellinks
 * every tlssim device (both ends of each pair) before the debugfs root,
 * which the per-device directories live in, is removed.
 */
#include <linux/module.h>
#include <net/rtnetlink.h>

#include "tlssim.h"

static int __init tlssim_init(void)
{
	int err;

	err = tlssim_tls_module_init();
	if (err)
		return err;

	err = tlssim_debugfs_module_init();
	if (err)
		goto err_tls;

	err = rtnl_link_register(&tlssim_link_ops);
	if (err)
		goto err_debugfs;
	return 0;

err_debugfs:
	tlssim_debugfs_module_exit();
err_tls:
	tlssim_tls_module_exit();
	return err;
}

static void __exit tlssim_exit(void)
{
	rtnl_link_unregister(&tlssim_link_ops);
	tlssim_debugfs_module_exit();
	tlssim_tls_module_exit();
}

module_init(tlssim_init);
module_exit(tlssim_exit);

MODULE_DESCRIPTION("Virtual NIC pair with emulated TLS record offload");
MODULE_LICENSE("GPL");
MODULE_ALIAS_RTNL_LINK(TLSSIM_DRV_NAME);
