// SPDX-License-Identifier: GPL-2.0
/* vmbnet: the network device and its rtnl_link_ops ("ip link add type vmbnet"). */

#include <linux/etherdevice.h>
#include <linux/idr.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/rtnetlink.h>
#include <kunit/visibility.h>

#include "vmbnet.h"

/* Offloads an endpoint may make available; on whenever it does, unless
 * the user turned them off.
 */
#define VMBNET_OFFLOADS	(NETIF_F_HW_CSUM | NETIF_F_TSO | NETIF_F_TSO6 | \
			 NETIF_F_GSO_UDP_L4 | NETIF_F_RXCSUM)

static DEFINE_IDA(vmbnet_ida);

bool vmbnet_is_vmbnet(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &vmbnet_link_ops;
}

static int vmbnet_init(struct net_device *dev)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	unsigned int i;

	priv->dev = dev;
	priv->max_queues = min(dev->num_tx_queues, dev->num_rx_queues);
	priv->queues = kcalloc(priv->max_queues, sizeof(*priv->queues),
			       GFP_KERNEL);
	if (!priv->queues)
		return -ENOMEM;
	priv->id = ida_alloc(&vmbnet_ida, GFP_KERNEL);
	if (priv->id < 0) {
		kfree(priv->queues);
		return priv->id;
	}
	INIT_WORK(&priv->reset_work, vmbnet_reset_work);

	for (i = 0; i < priv->max_queues; i++) {
		struct vmbnet_queue *q = &priv->queues[i];

		q->priv = priv;
		q->index = i;
		u64_stats_init(&q->tx_stats.syncp);
		u64_stats_init(&q->rx_stats.syncp);
		netif_napi_add(dev, &q->napi, vmbnet_poll);
	}
	return 0;
}

static void vmbnet_uninit(struct net_device *dev)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	struct vmbnet_endpoint *ep = rtnl_dereference(priv->ep);
	unsigned int i;

	if (ep)
		vmbnet_detach_locked(priv);
	cancel_work_sync(&priv->reset_work);
	for (i = 0; i < priv->max_queues; i++)
		netif_napi_del(&priv->queues[i].napi);
	kfree(priv->queues);
	ida_free(&vmbnet_ida, priv->id);
}

static int vmbnet_open(struct net_device *dev)
{
	vmbnet_start(netdev_priv(dev));
	return 0;
}

static int vmbnet_close(struct net_device *dev)
{
	vmbnet_stop(netdev_priv(dev));
	return 0;
}

static void vmbnet_get_stats64(struct net_device *dev,
			       struct rtnl_link_stats64 *stats)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	u64 q[VMBNET_Q_STATS];
	unsigned int i;

	for (i = 0; i < priv->max_queues; i++) {
		vmbnet_queue_stats(&priv->queues[i], q);
		stats->tx_packets += q[VMBNET_STAT_TX_PACKETS];
		stats->tx_bytes += q[VMBNET_STAT_TX_BYTES];
		stats->tx_dropped += q[VMBNET_STAT_TX_DROPPED];
		stats->rx_packets += q[VMBNET_STAT_RX_PACKETS];
		stats->rx_bytes += q[VMBNET_STAT_RX_BYTES];
		stats->rx_dropped += q[VMBNET_STAT_RX_DROPPED];
		stats->rx_frame_errors += q[VMBNET_STAT_RX_BAD_HEADER];
		stats->rx_length_errors += q[VMBNET_STAT_RX_LENGTH_ERRORS];
		stats->rx_errors += q[VMBNET_STAT_RX_BAD_HEADER] +
				    q[VMBNET_STAT_RX_LENGTH_ERRORS];
	}
}

/* What the endpoint cannot do stays off, whatever else was asked for. */
static netdev_features_t vmbnet_fix_features(struct net_device *dev,
					     netdev_features_t features)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	return features & ~(VMBNET_OFFLOADS & ~vmbnet_hw_features(priv->features));
}

static const struct net_device_ops vmbnet_netdev_ops = {
	.ndo_init		= vmbnet_init,
	.ndo_uninit		= vmbnet_uninit,
	.ndo_open		= vmbnet_open,
	.ndo_stop		= vmbnet_close,
	.ndo_start_xmit		= vmbnet_start_xmit,
	.ndo_get_stats64	= vmbnet_get_stats64,
	.ndo_fix_features	= vmbnet_fix_features,
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
	/* Frames are copied into the ring, so any skb layout will do. */
	dev->features = NETIF_F_SG | NETIF_F_HIGHDMA | NETIF_F_FRAGLIST;
	dev->hw_features = NETIF_F_SG | NETIF_F_FRAGLIST;
}

/* Offloads follow the endpoint's features; the user's choices stay. */
void vmbnet_update_features(struct vmbnet_priv *priv)
{
	struct net_device *dev = priv->dev;

	dev->hw_features = NETIF_F_SG | NETIF_F_FRAGLIST |
			   vmbnet_hw_features(priv->features);
	netdev_update_features(dev);
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
	struct vmbnet_priv *priv = netdev_priv(dev);
	unsigned int queues = min(dev->num_tx_queues, dev->num_rx_queues);
	int err;

	/* The core would name it after the kind ("vmbnet%d"); ours is shorter. */
	if (!tb[IFLA_IFNAME])
		strscpy(dev->name, "vmb%d", sizeof(dev->name));
	if (!tb[IFLA_ADDRESS])
		eth_hw_addr_random(dev);

	/* Queues come in pairs, one NAPI instance each. */
	err = netif_set_real_num_tx_queues(dev, queues);
	if (!err)
		err = netif_set_real_num_rx_queues(dev, queues);
	if (err)
		return err;

	priv->max_frame = VMBNET_MAX_FRAME_LEN;
	/* Carrier comes with an endpoint's link status, never before. */
	netif_carrier_off(dev);

	err = register_netdevice(dev);
	if (err) {
		NL_SET_ERR_MSG(extack, "vmbnet: failed to register the device");
		return err;
	}
	/* Offloads are wanted: an endpoint that offers them turns them on. */
	dev->wanted_features |= VMBNET_OFFLOADS;
	return 0;
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
