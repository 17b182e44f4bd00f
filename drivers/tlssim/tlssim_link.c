// SPDX-License-Identifier: GPL-2.0
/*
 * rtnl_link_ops "tlssim": creating and deleting pairs.
 *
 * Three ways to get a pair, all under RTNL:
 *  - "ip link add a type tlssim peer name b ..." (iproute2 plugin
 *    link_tlssim.so): TLSSIM_INFO_PEER in IFLA_INFO_DATA holds an ifinfomsg
 *    plus IFLA_* attributes for the peer, which is created first.
 *  - "ip link add a type tlssim" creates an unpaired end (no carrier), and
 *    "ip link add b link a type tlssim" creates b paired with a: IFLA_LINK
 *    names an unpaired tlssim device in the requester's netns.
 * Either end can then move to another netns; the pairing stays.  Deleting
 * either end deletes both, including from a netns being dismantled
 * (default_device_exit_batch calls our dellink).
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <net/rtnetlink.h>

#include "tlssim.h"
#include "uapi/tlssim_link.h"

bool tlssim_is_tlssim(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &tlssim_link_ops;
}

static int tlssim_check_addr(struct nlattr *tb[], struct netlink_ext_ack *extack)
{
	if (!tb[IFLA_ADDRESS])
		return 0;
	if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS], "Invalid hardware address length");
		return -EINVAL;
	}
	if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS], "Invalid unicast hardware address");
		return -EADDRNOTAVAIL;
	}
	return 0;
}

static int tlssim_validate(struct nlattr *tb[], struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	if (data && data[TLSSIM_INFO_PEER] && tb[IFLA_LINK]) {
		NL_SET_ERR_MSG(extack, "tlssim: give either a peer or a link, not both");
		return -EINVAL;
	}
	return tlssim_check_addr(tb, extack);
}

/* Join two registered, unpaired ends.  RTNL held. */
static void tlssim_pair(struct net_device *a, struct net_device *b)
{
	ASSERT_RTNL();
	rcu_assign_pointer(tlssim_priv(a)->peer, b);
	rcu_assign_pointer(tlssim_priv(b)->peer, a);
	tlssim_update_carrier(a);
	tlssim_update_carrier(b);
}

/* Register @dev as an unpaired end (carrier off until it gets a peer). */
static int tlssim_register(struct net_device *dev, struct nlattr *tb[])
{
	int err;

	if (!tb[IFLA_ADDRESS])
		eth_hw_addr_random(dev);
	err = register_netdevice(dev);
	if (err)
		return err;
	netif_carrier_off(dev);
	return 0;
}

/* "peer name b ...": create the peer, then @dev, then join them. */
static int tlssim_newlink_peer(struct net *src_net, struct net_device *dev,
			       struct nlattr *tb[], struct nlattr *peer_attr,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *ptb[IFLA_MAX + 1];
	const struct ifinfomsg *pifm;
	unsigned char name_assign;
	struct net_device *peer;
	char name[IFNAMSIZ];
	struct net *net;
	int err;

	pifm = nla_data(peer_attr);
	err = rtnl_nla_parse_ifinfomsg(ptb, peer_attr, extack);
	if (err < 0)
		return err;
	err = tlssim_check_addr(ptb, extack);
	if (err)
		return err;
	if (ptb[IFLA_LINK]) {
		NL_SET_ERR_MSG(extack, "tlssim: the peer cannot name a link");
		return -EINVAL;
	}

	if (ptb[IFLA_IFNAME]) {
		nla_strscpy(name, ptb[IFLA_IFNAME], IFNAMSIZ);
		name_assign = NET_NAME_USER;
	} else {
		strscpy(name, TLSSIM_DRV_NAME "%d", IFNAMSIZ);
		name_assign = NET_NAME_ENUM;
	}

	/* The peer may be created directly in another netns (netns ...). */
	net = rtnl_link_get_net(src_net, ptb);
	if (IS_ERR(net))
		return PTR_ERR(net);

	peer = rtnl_create_link(net, name, name_assign, &tlssim_link_ops, ptb, extack);
	if (IS_ERR(peer)) {
		put_net(net);
		return PTR_ERR(peer);
	}
	if (pifm->ifi_index)
		peer->ifindex = pifm->ifi_index;

	err = tlssim_register(peer, ptb);
	put_net(net);
	if (err) {
		free_netdev(peer);
		return err;
	}

	err = rtnl_configure_link(peer, pifm, 0, NULL);
	if (err)
		goto err_unregister_peer;

	err = tlssim_register(dev, tb);
	if (err)
		goto err_unregister_peer;

	tlssim_pair(dev, peer);
	return 0;

err_unregister_peer:
	unregister_netdevice(peer);
	return err;
}

static int tlssim_newlink(struct net *src_net, struct net_device *dev,
			  struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct net_device *other = NULL;
	int err;

	if (data && data[TLSSIM_INFO_PEER])
		return tlssim_newlink_peer(src_net, dev, tb, data[TLSSIM_INFO_PEER], extack);

	if (tb[IFLA_LINK]) {
		other = __dev_get_by_index(src_net, nla_get_u32(tb[IFLA_LINK]));
		if (!other) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_LINK], "tlssim: link device not found");
			return -ENODEV;
		}
		if (!tlssim_is_tlssim(other)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_LINK],
					    "tlssim: link is not a tlssim device");
			return -EINVAL;
		}
		if (rtnl_dereference(tlssim_priv(other)->peer)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_LINK],
					    "tlssim: link device is already paired");
			return -EBUSY;
		}
	}

	err = tlssim_register(dev, tb);
	if (err)
		return err;
	if (other)
		tlssim_pair(dev, other);
	return 0;
}

/*
 * Unpair and queue both ends for unregistration (RTNL held).  The data path may still
 * hold the old peer pointer under RCU; unregister_netdevice_many() waits
 * for a grace period before any ndo_uninit runs.  Called a second time for
 * the other end (netns dismantling), it only re-queues that end.
 */
static void tlssim_dellink(struct net_device *dev, struct list_head *head)
{
	struct tlssim_dev *sd = tlssim_priv(dev);
	struct net_device *peer = rtnl_dereference(sd->peer);

	ASSERT_RTNL();
	unregister_netdevice_queue(dev, head);
	if (peer) {
		RCU_INIT_POINTER(sd->peer, NULL);
		RCU_INIT_POINTER(tlssim_priv(peer)->peer, NULL);
		unregister_netdevice_queue(peer, head);
	}
}

static struct net *tlssim_get_link_net(const struct net_device *dev)
{
	struct net_device *peer = rtnl_dereference(tlssim_priv(dev)->peer);

	return peer ? dev_net(peer) : dev_net(dev);
}

static const struct nla_policy tlssim_policy[TLSSIM_INFO_MAX + 1] = {
	[TLSSIM_INFO_PEER] = { .len = sizeof(struct ifinfomsg) },
};

struct rtnl_link_ops tlssim_link_ops = {
	.kind		= TLSSIM_DRV_NAME,
	.priv_size	= sizeof(struct tlssim_dev),
	.setup		= tlssim_setup,
	.validate	= tlssim_validate,
	.newlink	= tlssim_newlink,
	.dellink	= tlssim_dellink,
	.policy		= tlssim_policy,
	.maxtype	= TLSSIM_INFO_MAX,
	.get_link_net	= tlssim_get_link_net,
};
