// SPDX-License-Identifier: GPL-2.0
/* vmbnet: the network device and its rtnl_link_ops ("ip link add type vmbnet"). */

#include <linux/etherdevice.h>
#include <linux/idr.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>
#include <kunit/visibility.h>

#include "vmbnet.h"

static DEFINE_IDA(vmbnet_ida);

static int vmbnet_init(struct net_device *dev)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	priv->dev = dev;
	priv->id = ida_alloc(&vmbnet_ida, GFP_KERNEL);
	return priv->id < 0 ? priv->id : 0;
}

static void vmbnet_uninit(struct net_device *dev)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	ida_free(&vmbnet_ida, priv->id);
}

static netdev_tx_t vmbnet_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	/* No endpoint: nowhere to send, but the drop must show in the stats. */
	dev_core_stats_tx_dropped_inc(dev);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops vmbnet_netdev_ops = {
	.ndo_init		= vmbnet_init,
	.ndo_uninit		= vmbnet_uninit,
	.ndo_start_xmit		= vmbnet_start_xmit,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

static void vmbnet_setup(struct net_device *dev)
{
	ether_setup(dev);

	dev->netdev_ops = &vmbnet_netdev_ops;
	dev->ethtool_ops = &vmbnet_ethtool_ops;
	dev->sysfs_groups[0] = &vmbnet_sysfs_group;
	dev->needs_free_netdev = true;
}

VISIBLE_IF_KUNIT int vmbnet_check_queues(const struct nlattr *attr,
					 struct netlink_ext_ack *extack)
{
	u32 count = nla_get_u32(attr);

	if (count < VMBNET_MIN_QUEUES || count > VMBNET_MAX_QUEUES) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "vmbnet supports " __stringify(VMBNET_MIN_QUEUES)
				    " to " __stringify(VMBNET_MAX_QUEUES) " queues");
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_check_queues);

VISIBLE_IF_KUNIT int vmbnet_check_mac(const struct nlattr *attr,
				      struct netlink_ext_ack *extack)
{
	if (nla_len(attr) != ETH_ALEN) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "MAC address must be 6 bytes");
		return -EINVAL;
	}
	if (!is_valid_ether_addr(nla_data(attr))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "MAC address must be unicast and not all zeroes");
		return -EADDRNOTAVAIL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_check_mac);

VISIBLE_IF_KUNIT int vmbnet_validate(struct nlattr *tb[], struct nlattr *data[],
				     struct netlink_ext_ack *extack)
{
	int err;

	if (tb[IFLA_ADDRESS]) {
		err = vmbnet_check_mac(tb[IFLA_ADDRESS], extack);
		if (err)
			return err;
	}
	if (tb[IFLA_NUM_TX_QUEUES]) {
		err = vmbnet_check_queues(tb[IFLA_NUM_TX_QUEUES], extack);
		if (err)
			return err;
	}
	if (tb[IFLA_NUM_RX_QUEUES])
		return vmbnet_check_queues(tb[IFLA_NUM_RX_QUEUES], extack);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_validate);

VISIBLE_IF_KUNIT unsigned int vmbnet_default_queues(void)
{
	return clamp_t(unsigned int, num_online_cpus(),
		       VMBNET_MIN_QUEUES, VMBNET_MAX_QUEUES);
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_default_queues);

static int vmbnet_newlink(struct net *src_net, struct net_device *dev,
			  struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	int err;

	/* The core would name it after the kind ("vmbnet%d"); ours is shorter. */
	if (!tb[IFLA_IFNAME])
		strscpy(dev->name, "vmb%d", sizeof(dev->name));
	if (!tb[IFLA_ADDRESS])
		eth_hw_addr_random(dev);

	/* Carrier comes with an endpoint's link status, never before. */
	netif_carrier_off(dev);

	err = register_netdevice(dev);
	if (err)
		NL_SET_ERR_MSG(extack, "vmbnet: failed to register the device");
	return err;
}

struct rtnl_link_ops vmbnet_link_ops __read_mostly = {
	.kind			= VMBNET_DRV_NAME,
	.priv_size		= sizeof(struct vmbnet_priv),
	.setup			= vmbnet_setup,
	.validate		= vmbnet_validate,
	.newlink		= vmbnet_newlink,
	.get_num_tx_queues	= vmbnet_default_queues,
	.get_num_rx_queues	= vmbnet_default_queues,
};
