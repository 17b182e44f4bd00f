// SPDX-License-Identifier: GPL-2.0
/*
 * net_device_ops of a tlssim end: lifetime, open/stop with carrier
 * following the peer, transmit entry, features, stats.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "compat.h"
#include "tlssim.h"

static atomic_t tlssim_last_id = ATOMIC_INIT(0);

/* Carrier is up only when this end and its peer are both up.  RTNL held. */
void tlssim_update_carrier(struct net_device *dev)
{
	struct net_device *peer = rtnl_dereference(tlssim_priv(dev)->peer);

	ASSERT_RTNL();
	if (peer && netif_running(dev) && netif_running(peer))
		netif_carrier_on(dev);
	else
		netif_carrier_off(dev);
}

static int tlssim_ndo_init(struct net_device *dev)
{
	struct tlssim_dev *sd = tlssim_priv(dev);
	int err;

	sd->netdev = dev;
	sd->id = atomic_inc_return(&tlssim_last_id);

	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;

	skb_queue_head_init(&sd->rxq);
	tlssim_wire_init(sd);
	netif_napi_add(dev, &sd->napi, tlssim_napi_poll);

	err = tlssim_xdp_init(sd);
	if (err)
		goto err_napi;

	err = tlssim_debugfs_dev_init(sd);
	if (err)
		goto err_xdp;

	/* Sets tlsdev_ops and NETIF_F_HW_TLS_* before features are frozen. */
	err = tlssim_tls_init(sd);
	if (err)
		goto err_debugfs;

	err = tlssim_tls_debugfs_init(sd, sd->ddir);
	if (err)
		goto err_tls;
	return 0;

err_tls:
	tlssim_tls_uninit(sd);
err_debugfs:
	tlssim_debugfs_dev_exit(sd);
err_xdp:
	tlssim_xdp_uninit(sd);
err_napi:
	netif_napi_del(&sd->napi);
	free_percpu(dev->tstats);
	dev->tstats = NULL;
	return err;
}

/*
 * Runs after the device is closed (NETDEV_DOWN: the TLS core has deleted
 * every offload context through tls_dev_del) and unregistered, after an
 * RCU grace period: nothing can reach the data path any more.
 */
static void tlssim_ndo_uninit(struct net_device *dev)
{
	struct tlssim_dev *sd = tlssim_priv(dev);

	/* Debugfs first: its files use the TLS state freed below. */
	tlssim_debugfs_dev_exit(sd);
	tlssim_tls_uninit(sd);
	tlssim_wire_stop(sd);
	tlssim_rx_purge(sd);
	tlssim_xdp_uninit(sd);
	netif_napi_del(&sd->napi);
}

/* Per-CPU stats outlive ndo_uninit: sysfs may read them until the end. */
static void tlssim_priv_destructor(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static int tlssim_open(struct net_device *dev)
{
	struct tlssim_dev *sd = tlssim_priv(dev);
	struct net_device *peer;

	napi_enable(&sd->napi);
	spin_lock_bh(&sd->rxq.lock);
	sd->rx_up = true;
	spin_unlock_bh(&sd->rxq.lock);
	tlssim_wire_start(sd);

	tlssim_update_carrier(dev);
	peer = rtnl_dereference(sd->peer);
	if (peer)
		tlssim_update_carrier(peer);
	return 0;
}

static int tlssim_stop(struct net_device *dev)
{
	struct tlssim_dev *sd = tlssim_priv(dev);
	struct net_device *peer;

	/* __LINK_STATE_START is already clear: both carriers go down. */
	tlssim_update_carrier(dev);
	peer = rtnl_dereference(sd->peer);
	if (peer)
		tlssim_update_carrier(peer);

	tlssim_wire_stop(sd);
	/* Refuse new frames before NAPI goes away, then drop the backlog. */
	spin_lock_bh(&sd->rxq.lock);
	sd->rx_up = false;
	spin_unlock_bh(&sd->rxq.lock);
	napi_disable(&sd->napi);
	tlssim_rx_purge(sd);
	return 0;
}

static netdev_tx_t tlssim_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct tlssim_dev *sd = tlssim_priv(dev);

	/* Encryption first: segmentation and checksums see the ciphertext. */
	skb = tlssim_tls_xmit(sd, skb);
	if (skb)
		tlssim_wire_xmit(sd, skb);
	return NETDEV_TX_OK;
}

/*
 * The device checks the wire checksum of what it decrypts, and the stack
 * cannot check plaintext against a checksum of ciphertext: TLS RX needs
 * RXCSUM.  Likewise TLS TX needs the device to compute the checksum after
 * encrypting, i.e. checksum offload.
 */
static netdev_features_t tlssim_fix_features(struct net_device *dev,
					     netdev_features_t features)
{
	if (!(features & NETIF_F_RXCSUM))
		features &= ~NETIF_F_HW_TLS_RX;
	if (!(features & NETIF_F_HW_CSUM))
		features &= ~NETIF_F_HW_TLS_TX;
	return features;
}

static int tlssim_get_iflink(const struct net_device *dev)
{
	struct net_device *peer;
	int ifindex = 0;

	rcu_read_lock();
	peer = rcu_dereference(tlssim_priv(dev)->peer);
	if (peer)
		ifindex = peer->ifindex;
	rcu_read_unlock();
	return ifindex;
}

static const struct net_device_ops tlssim_netdev_ops = {
	.ndo_init		= tlssim_ndo_init,
	.ndo_uninit		= tlssim_ndo_uninit,
	.ndo_open		= tlssim_open,
	.ndo_stop		= tlssim_stop,
	.ndo_start_xmit		= tlssim_start_xmit,
	.ndo_fix_features	= tlssim_fix_features,
	.ndo_get_stats64	= dev_get_tstats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_get_iflink		= tlssim_get_iflink,
	.ndo_bpf		= tlssim_ndo_bpf,
	.ndo_xdp_xmit		= tlssim_ndo_xdp_xmit,
};

void tlssim_setup(struct net_device *dev)
{
	ether_setup(dev);

	dev->netdev_ops = &tlssim_netdev_ops;
	dev->ethtool_ops = &tlssim_ethtool_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = tlssim_priv_destructor;

	/* No qdisc, like veth; the TLS engine rewrites skbs: no sharing. */
	dev->priv_flags |= IFF_NO_QUEUE | IFF_LIVE_ADDR_CHANGE;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;

	dev->min_mtu = TLSSIM_MIN_MTU;
	dev->max_mtu = TLSSIM_MAX_MTU;

	dev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			   NETIF_F_TSO | NETIF_F_TSO6;
	dev->features = dev->hw_features | NETIF_F_HIGHDMA;
	/* native XDP with every verdict, and a redirect target */
	tlssim_xdp_set_features(dev);
}
