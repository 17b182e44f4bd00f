// SPDX-License-Identifier: GPL-2.0
/*
 * ethtool ops.  "ethtool -S" lists NET's wire/XDP counters (below, in
 * enum tlssim_stat order) followed by the TLS engine's standard counters.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "tlssim.h"

static const char tlssim_stat_names[TLSSIM_STAT_NUM][ETH_GSTRING_LEN] = {
	[TLSSIM_STAT_WIRE_TX_FRAMES]		= "wire_tx_frames",
	[TLSSIM_STAT_WIRE_TX_BYTES]		= "wire_tx_bytes",
	[TLSSIM_STAT_WIRE_DROP]			= "wire_drop",
	[TLSSIM_STAT_WIRE_REORDER]		= "wire_reorder",
	[TLSSIM_STAT_WIRE_DUP]			= "wire_dup",
	[TLSSIM_STAT_WIRE_CORRUPT]		= "wire_corrupt",
	[TLSSIM_STAT_WIRE_CORRUPT_PAYLOAD]	= "wire_corrupt_payload",
	[TLSSIM_STAT_TX_NO_PEER]		= "tx_no_peer",
	[TLSSIM_STAT_TX_ERR]			= "tx_err",
	[TLSSIM_STAT_TX_NOMEM]			= "tx_nomem",
	[TLSSIM_STAT_RX_FRAMES]			= "rx_wire_frames",
	[TLSSIM_STAT_RX_QUEUE_FULL]		= "rx_queue_full",
	[TLSSIM_STAT_RX_OVERSIZE]		= "rx_oversize",
	[TLSSIM_STAT_RX_CSUM_GOOD]		= "rx_csum_good",
	[TLSSIM_STAT_RX_CSUM_BAD]		= "rx_csum_bad",
	[TLSSIM_STAT_RX_XDP_PASS]		= "rx_xdp_pass",
	[TLSSIM_STAT_RX_XDP_DROP]		= "rx_xdp_drop",
	[TLSSIM_STAT_RX_XDP_TX]			= "rx_xdp_tx",
	[TLSSIM_STAT_RX_XDP_REDIRECT]		= "rx_xdp_redirect",
	[TLSSIM_STAT_RX_XDP_ABORTED]		= "rx_xdp_aborted",
	[TLSSIM_STAT_TX_XDP_XMIT]		= "tx_xdp_xmit",
	[TLSSIM_STAT_TX_XDP_XMIT_ERR]		= "tx_xdp_xmit_err",
};

static void tlssim_get_drvinfo(struct net_device *dev, struct ethtool_drvinfo *info)
{
	strscpy(info->driver, TLSSIM_DRV_NAME, sizeof(info->driver));
	/* The bus id names the device's debugfs directory. */
	snprintf(info->bus_info, sizeof(info->bus_info), "tlssim:%u",
		 tlssim_priv(dev)->id);
}

static int tlssim_get_link_ksettings(struct net_device *dev,
				     struct ethtool_link_ksettings *cmd)
{
	cmd->base.speed = SPEED_100000;
	cmd->base.duplex = DUPLEX_FULL;
	cmd->base.port = PORT_OTHER;
	cmd->base.autoneg = AUTONEG_DISABLE;
	return 0;
}

static int tlssim_get_sset_count(struct net_device *dev, int sset)
{
	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return TLSSIM_STAT_NUM + tlssim_tls_stats_count();
}

static void tlssim_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	if (sset != ETH_SS_STATS)
		return;
	memcpy(data, tlssim_stat_names, sizeof(tlssim_stat_names));
	tlssim_tls_stats_strings(data + sizeof(tlssim_stat_names));
}

static void tlssim_get_ethtool_stats(struct net_device *dev,
				     struct ethtool_stats *stats, u64 *data)
{
	struct tlssim_dev *sd = tlssim_priv(dev);
	int i;

	for (i = 0; i < TLSSIM_STAT_NUM; i++)
		data[i] = atomic64_read(&sd->stats[i]);
	tlssim_tls_stats_fill(sd, data + TLSSIM_STAT_NUM);
}

const struct ethtool_ops tlssim_ethtool_ops = {
	.get_drvinfo		= tlssim_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= tlssim_get_link_ksettings,
	.get_ts_info		= ethtool_op_get_ts_info,
	.get_sset_count		= tlssim_get_sset_count,
	.get_strings		= tlssim_get_strings,
	.get_ethtool_stats	= tlssim_get_ethtool_stats,
};
