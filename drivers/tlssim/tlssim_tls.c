// SPDX-License-Identifier: GPL-2.0
/* Temporary minimal implementation so the module builds; replaced shortly. */
#include <linux/skbuff.h>
#include "tlssim_tls.h"

int tlssim_tls_init(struct tlssim_dev *sd)
{
	return 0;
}

void tlssim_tls_uninit(struct tlssim_dev *sd)
{
}

struct sk_buff *tlssim_tls_xmit(struct tlssim_dev *sd, struct sk_buff *skb)
{
	return skb;
}

void tlssim_tls_rx(struct tlssim_dev *sd, struct sk_buff *skb)
{
}

int tlssim_tls_debugfs_init(struct tlssim_dev *sd, struct dentry *dir)
{
	return 0;
}

int tlssim_tls_stats_count(void)
{
	return 0;
}

void tlssim_tls_stats_strings(u8 *data)
{
}

void tlssim_tls_stats_fill(struct tlssim_dev *sd, u64 *data)
{
}
