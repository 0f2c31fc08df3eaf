// SPDX-License-Identifier: GPL-2.0
/* vmbnet: the network device and its rtnl_link_ops ("ip link add type vmbnet"). */

#include <linux/etherdevice.h>
#include <linux/idr.h>
#include <linux/if_vlan.h>
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/addrconf.h>
#include <net/rtnetlink.h>
#include <kunit/visibility.h>

#include "vmbnet.h"

/* Offloads an endpoint may make available; on whenever it does, unless
 * the user turned them off.
 */
#define VMBNET_OFFLOADS	(NETIF_F_HW_CSUM | NETIF_F_TSO | NETIF_F_TSO6 | \
			 NETIF_F_GSO_UDP_L4 | NETIF_F_RXCSUM | NETIF_F_RXHASH | \
			 NETIF_F_LRO)

static DEFINE_IDA(vmbnet_ida);

static const struct net_device_ops vmbnet_netdev_ops;

/* Ours whether made by ip link (rtnl_link_ops) or by a transport. */
bool vmbnet_is_vmbnet(const struct net_device *dev)
{
	return dev->netdev_ops == &vmbnet_netdev_ops;
}

static int vmbnet_init(struct net_device *dev)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	unsigned int i;
	int err;

	priv->dev = dev;
	/* The VF's tx locks are taken with ours held (vf.c): ours need a
	 * lockdep class of their own, as stacked devices' do.
	 */
	netdev_lockdep_set_classes(dev);
	priv->max_queues = min(dev->num_tx_queues, dev->num_rx_queues);
	priv->queues = kcalloc(priv->max_queues, sizeof(*priv->queues),
			       GFP_KERNEL);
	if (!priv->queues)
		return -ENOMEM;
	priv->vf_stats = netdev_alloc_pcpu_stats(struct vmbnet_vf_stats);
	if (!priv->vf_stats) {
		kfree(priv->queues);
		return -ENOMEM;
	}
	priv->id = ida_alloc(&vmbnet_ida, GFP_KERNEL);
	if (priv->id < 0) {
		free_percpu(priv->vf_stats);
		kfree(priv->queues);
		return priv->id;
	}
	priv->want_queues = priv->max_queues;
	priv->num_queues = priv->max_queues;
	priv->ring_size = VMBNET_RING_SIZE_DEFAULT;
	priv->msg_enable = netif_msg_init(-1, NETIF_MSG_DRV | NETIF_MSG_PROBE |
					  NETIF_MSG_LINK);
	INIT_DELAYED_WORK(&priv->service, vmbnet_service);
	vmbnet_ctl_init(priv);
	vmbnet_rss_init(priv);
	vmbnet_update_mtu_range(priv);

	for (i = 0; i < priv->max_queues; i++) {
		struct vmbnet_queue *q = &priv->queues[i];

		q->priv = priv;
		q->index = i;
		u64_stats_init(&q->tx_stats.syncp);
		u64_stats_init(&q->rx_stats.syncp);
		/* The NAPI first: its pool shows its id. */
		netif_napi_add(dev, &q->napi, vmbnet_poll);
		err = vmbnet_rx_pool_create(q);
		if (err) {
			netif_napi_del(&q->napi);
			goto err_queues;
		}
	}
	return 0;

err_queues:
	while (i--) {
		netif_napi_del(&priv->queues[i].napi);
		vmbnet_rx_pool_destroy(&priv->queues[i]);
	}
	ida_free(&vmbnet_ida, priv->id);
	free_percpu(priv->vf_stats);
	kfree(priv->queues);
	return err;
}

static void vmbnet_uninit(struct net_device *dev)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	struct vmbnet_endpoint *ep = rtnl_dereference(priv->ep);
	unsigned int i;

	vmbnet_vf_release(priv);
	if (ep)
		vmbnet_detach_locked(priv, false);
	/* It never waits for RTNL, which we hold. */
	cancel_delayed_work_sync(&priv->service);
	for (i = 0; i < priv->max_queues; i++) {
		netif_napi_del(&priv->queues[i].napi);
		vmbnet_rx_pool_destroy(&priv->queues[i]);
	}
	kfree(priv->queues);
	free_percpu(priv->vf_stats);
	ida_free(&vmbnet_ida, priv->id);
}

/* Up and down are the endpoint's to know: it stops delivering to a device
 * that is down. They are the user's to decide, so nothing waits for its
 * answer. The rings keep running for control either way.
 */
static int vmbnet_open(struct net_device *dev)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	vmbnet_ctl_update(priv, VMBNET_CFG_STATE);
	vmbnet_vf_follow_state(priv, true);
	return 0;
}

static int vmbnet_close(struct net_device *dev)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	vmbnet_vf_follow_state(priv, false);
	vmbnet_ctl_update(priv, VMBNET_CFG_STATE);
	return 0;
}

static int vmbnet_change_mtu(struct net_device *dev, int mtu)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	struct net_device *vf = rtnl_dereference(priv->vf);
	int err;

	/* The VF first, as netvsc does: it must take what we send it. */
	if (vf) {
		err = dev_set_mtu(vf, mtu);
		if (err)
			return err;
	}
	err = vmbnet_ctl_set_value(priv, VMBNET_CFG_MTU, mtu);
	if (err) {
		if (vf)
			dev_set_mtu(vf, dev->mtu);
		return err;
	}
	WRITE_ONCE(dev->mtu, mtu);
	/* A choice of the user's own replaces the one we keep for later. */
	if (!priv->mtu_fitting)
		priv->want_mtu = 0;
	return 0;
}

/* The user's MTU within the endpoint's range: clamped for an endpoint that
 * takes less, back again for one that takes it.
 */
void vmbnet_fit_mtu(struct vmbnet_priv *priv)
{
	struct net_device *dev = priv->dev;
	u32 want = priv->want_mtu ?: dev->mtu;
	u32 mtu = clamp(want, dev->min_mtu, dev->max_mtu);
	int err;

	if (mtu == dev->mtu)
		return;
	priv->mtu_fitting = true;
	err = dev_set_mtu(dev, mtu);
	priv->mtu_fitting = false;
	if (err)
		return;
	if (mtu == want) {
		priv->want_mtu = 0;
		netdev_info(dev, "the endpoint takes MTU %u again\n", mtu);
	} else {
		priv->want_mtu = want;
		netdev_warn(dev, "the endpoint takes no MTU %u: %u until one does\n",
			    want, mtu);
	}
}

/* Frames the stack built for offloads an earlier endpoint did (queued
 * across a switch) are finished in software for this one.
 */
static netdev_features_t vmbnet_features_check(struct sk_buff *skb,
					       struct net_device *dev,
					       netdev_features_t features)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	u64 agreed = READ_ONCE(priv->features);

	features &= ~(VMBNET_OFFLOADS & ~vmbnet_hw_features(agreed));
	return vlan_features_check(skb, features);
}

static int vmbnet_set_mac_address(struct net_device *dev, void *p)
{
	struct sockaddr *sa = p;
	int err;

	err = eth_prepare_mac_addr_change(dev, p);
	if (!err)
		err = vmbnet_ctl_set_mac(netdev_priv(dev), sa->sa_data);
	if (!err)
		eth_commit_mac_addr_change(dev, p);
	return err;
}

/* Promiscuous and allmulti reach the VF too, as netvsc's. Under RTNL. */
static void vmbnet_change_rx_flags(struct net_device *dev, int change)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	struct net_device *vf = rtnl_dereference(priv->vf);

	if (!vf)
		return;
	if (change & IFF_PROMISC)
		dev_set_promiscuity(vf, dev->flags & IFF_PROMISC ? 1 : -1);
	if (change & IFF_ALLMULTI)
		dev_set_allmulti(vf, dev->flags & IFF_ALLMULTI ? 1 : -1);
}

/* Called in atomic context: the request waits in the service task. The
 * VF takes the same addresses at once, as netvsc's does.
 */
static void vmbnet_set_rx_mode(struct net_device *dev)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	struct net_device *vf;

	rcu_read_lock();
	vf = rcu_dereference(priv->vf);
	if (vf) {
		dev_uc_sync(vf, dev);
		dev_mc_sync(vf, dev);
	}
	rcu_read_unlock();
	vmbnet_schedule(priv, VMBNET_EV_RX_MODE);
}

static void vmbnet_get_stats64(struct net_device *dev,
			       struct rtnl_link_stats64 *stats)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	u64 q[VMBNET_Q_STATS], vf[VMBNET_VF_STATS];
	unsigned int i;

	/* What went through the VF is the device's traffic too. */
	vmbnet_vf_stats(priv, vf);
	stats->rx_packets = vf[VMBNET_VF_RX_PACKETS];
	stats->rx_bytes = vf[VMBNET_VF_RX_BYTES];
	stats->tx_packets = vf[VMBNET_VF_TX_PACKETS];
	stats->tx_bytes = vf[VMBNET_VF_TX_BYTES];
	stats->tx_dropped = vf[VMBNET_VF_TX_DROPPED];

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

#ifdef VMBNET_HAVE_QSTATS
/* netdev netlink's per-queue stats (qstats-get): queues in use each, and
 * in the base the VF and the queues ethtool -L turned off, so that the
 * sums are ip -s link's.
 */
static void vmbnet_qstats_rx(struct vmbnet_queue *q,
			     struct netdev_queue_stats_rx *rx)
{
	u64 s[VMBNET_Q_STATS];

	vmbnet_queue_stats(q, s);
	rx->packets += s[VMBNET_STAT_RX_PACKETS];
	rx->bytes += s[VMBNET_STAT_RX_BYTES];
	rx->hw_drops += s[VMBNET_STAT_RX_DROPPED];
}

static void vmbnet_qstats_tx(struct vmbnet_queue *q,
			     struct netdev_queue_stats_tx *tx)
{
	u64 s[VMBNET_Q_STATS];

	vmbnet_queue_stats(q, s);
	tx->packets += s[VMBNET_STAT_TX_PACKETS];
	tx->bytes += s[VMBNET_STAT_TX_BYTES];
	tx->hw_drops += s[VMBNET_STAT_TX_DROPPED];
	tx->stop += s[VMBNET_STAT_TX_RING_FULL];
}

static void vmbnet_get_queue_stats_rx(struct net_device *dev, int i,
				      struct netdev_queue_stats_rx *rx)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	rx->packets = 0;
	rx->bytes = 0;
	rx->hw_drops = 0;
	vmbnet_qstats_rx(&priv->queues[i], rx);
}

static void vmbnet_get_queue_stats_tx(struct net_device *dev, int i,
				      struct netdev_queue_stats_tx *tx)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	tx->packets = 0;
	tx->bytes = 0;
	tx->hw_drops = 0;
	tx->stop = 0;
	vmbnet_qstats_tx(&priv->queues[i], tx);
}

static void vmbnet_get_base_stats(struct net_device *dev,
				  struct netdev_queue_stats_rx *rx,
				  struct netdev_queue_stats_tx *tx)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	u64 vf[VMBNET_VF_STATS];
	unsigned int i;

	vmbnet_vf_stats(priv, vf);
	rx->packets = vf[VMBNET_VF_RX_PACKETS];
	rx->bytes = vf[VMBNET_VF_RX_BYTES];
	rx->hw_drops = 0;
	tx->packets = vf[VMBNET_VF_TX_PACKETS];
	tx->bytes = vf[VMBNET_VF_TX_BYTES];
	tx->hw_drops = vf[VMBNET_VF_TX_DROPPED];
	tx->stop = 0;
	for (i = dev->real_num_rx_queues; i < priv->max_queues; i++)
		vmbnet_qstats_rx(&priv->queues[i], rx);
	for (i = dev->real_num_tx_queues; i < priv->max_queues; i++)
		vmbnet_qstats_tx(&priv->queues[i], tx);
}

static const struct netdev_stat_ops vmbnet_stat_ops = {
	.get_queue_stats_rx	= vmbnet_get_queue_stats_rx,
	.get_queue_stats_tx	= vmbnet_get_queue_stats_tx,
	.get_base_stats		= vmbnet_get_base_stats,
};
#endif

/* What the endpoint cannot do stays off, whatever else was asked for. */
static netdev_features_t vmbnet_fix_features(struct net_device *dev,
					     netdev_features_t features)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	/* Not asked again of an endpoint that refused it: the refusal would
	 * fail every later feature change along with it.
	 */
	if (priv->lro_refused)
		features &= ~NETIF_F_LRO;
	/* An XDP program takes one page per frame (xdp.c). */
	if (rcu_access_pointer(priv->xdp_prog))
		features &= ~NETIF_F_LRO;
	return features & ~(VMBNET_OFFLOADS & ~vmbnet_hw_features(priv->features));
}

/* LRO is the endpoint's coalescing: asked to start, which it may refuse,
 * or to stop, which always succeeds here (dev_disable_lro() insists; the
 * GSO frames that still come are taken as before).
 */
static int vmbnet_set_features(struct net_device *dev, netdev_features_t features)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	bool lro = features & NETIF_F_LRO;
	int err;

	if (!((dev->features ^ features) & NETIF_F_LRO))
		return 0;
	err = vmbnet_ctl_set_lro(priv, lro);
	if (!lro)
		return 0;
	if (err) {
		priv->lro_refused = true;
		netdev_warn(dev, "the endpoint refused LRO (%d): off until another endpoint\n",
			    err);
	}
	return err;
}

static const struct net_device_ops vmbnet_netdev_ops = {
	.ndo_init		= vmbnet_init,
	.ndo_uninit		= vmbnet_uninit,
	.ndo_open		= vmbnet_open,
	.ndo_stop		= vmbnet_close,
	.ndo_start_xmit		= vmbnet_start_xmit,
	.ndo_get_stats64	= vmbnet_get_stats64,
	.ndo_fix_features	= vmbnet_fix_features,
	.ndo_set_features	= vmbnet_set_features,
	.ndo_features_check	= vmbnet_features_check,
	.ndo_change_mtu		= vmbnet_change_mtu,
	.ndo_set_mac_address	= vmbnet_set_mac_address,
	.ndo_set_rx_mode	= vmbnet_set_rx_mode,
	.ndo_change_rx_flags	= vmbnet_change_rx_flags,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_bpf		= vmbnet_xdp,
	.ndo_xdp_xmit		= vmbnet_xdp_xmit,
};

static void vmbnet_setup(struct net_device *dev)
{
	ether_setup(dev);

	dev->netdev_ops = &vmbnet_netdev_ops;
	dev->ethtool_ops = &vmbnet_ethtool_ops;
#ifdef VMBNET_HAVE_QSTATS
	dev->stat_ops = &vmbnet_stat_ops;
#endif
	dev->sysfs_groups[0] = &vmbnet_sysfs_group;
	dev->needs_free_netdev = true;
	/* The endpoint is asked first, and says no if it must. */
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	/* Frames are copied into the ring, so any skb layout will do. */
	dev->features = NETIF_F_SG | NETIF_F_HIGHDMA | NETIF_F_FRAGLIST;
	dev->hw_features = NETIF_F_SG | NETIF_F_FRAGLIST;
	dev->vlan_features = dev->features;
#ifdef VMBNET_HAVE_XDP_FEATURES
	dev->xdp_features = NETDEV_XDP_ACT_BASIC | NETDEV_XDP_ACT_REDIRECT |
			    NETDEV_XDP_ACT_NDO_XMIT;
#endif
}

/* Offloads follow the endpoint's features; the user's choices stay. */
void vmbnet_update_features(struct vmbnet_priv *priv)
{
	struct net_device *dev = priv->dev;

	dev->hw_features = NETIF_F_SG | NETIF_F_FRAGLIST |
			   vmbnet_hw_features(priv->features);
	/* Tags are in the frame the endpoint gets: VLANs on top keep the
	 * offloads (the stack still checks them per skb: features_check).
	 */
	dev->vlan_features = dev->hw_features | NETIF_F_HIGHDMA;
	netdev_update_features(dev);
}

/* What the endpoint takes: without F_MTU standard frames only, and never
 * more than the rings' largest frame. Before any agreed, anything the
 * first may take; after, the last one's range until the next agrees.
 */
void vmbnet_update_mtu_range(struct vmbnet_priv *priv)
{
	const struct vmbnet_ctl_offer *o = &priv->ctl.offer;
	struct net_device *dev = priv->dev;
	u32 max = VMBNET_MTU_MAX;

	dev->min_mtu = VMBNET_MTU_MIN;
	if (rtnl_dereference(priv->ep) && priv->ctl.state >= VMBNET_CTL_OFFERED &&
	    priv->ctl.state != VMBNET_CTL_FAILED) {
		max = ETH_DATA_LEN;
		if (priv->features & BIT_ULL(VMBNET_F_MTU)) {
			dev->min_mtu = le32_to_cpu(o->mtu_min);
			max = le32_to_cpu(o->mtu_max);
		}
		max = min_t(u32, max, priv->max_frame - VLAN_ETH_HLEN);
	}
	if (rtnl_dereference(priv->xdp_prog))
		max = min_t(u32, max, VMBNET_XDP_MAX_MTU);
	dev->max_mtu = max(max, dev->min_mtu);
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

/* Under RTNL, for ip link and transports alike: queues come in pairs, one
 * NAPI instance each; carrier comes with an endpoint's link status.
 */
/* Whether IPv4 or IPv6 forwards on dev, when dev_disable_lro() is called. */
static bool vmbnet_forwarding(struct net_device *dev)
{
	struct in_device *in_dev = __in_dev_get_rtnl(dev);
	struct inet6_dev *idev;

	if (in_dev && IN_DEV_FORWARD(in_dev))
		return true;
	if (!IS_ENABLED(CONFIG_IPV6))
		return false;
	idev = __in6_dev_get(dev);
	return idev && READ_ONCE(idev->cnf.forwarding);
}

static int vmbnet_register(struct net_device *dev)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	unsigned int queues = min(dev->num_tx_queues, dev->num_rx_queues);
	int err;

	err = netif_set_real_num_tx_queues(dev, queues);
	if (!err)
		err = netif_set_real_num_rx_queues(dev, queues);
	if (err)
		return err;

	priv->max_frame = VMBNET_MAX_FRAME_LEN;
	netif_carrier_off(dev);
	err = register_netdevice(dev);
	if (err)
		return err;
	/* Offloads are wanted: an endpoint that offers them turns them on.
	 * Not LRO where the device forwards: the registration's
	 * dev_disable_lro() came before there was any LRO to turn off.
	 */
	dev->wanted_features |= VMBNET_OFFLOADS & ~NETIF_F_LRO;
	if (!vmbnet_forwarding(dev))
		dev->wanted_features |= NETIF_F_LRO;
	return 0;
}

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

	err = vmbnet_register(dev);
	if (err)
		NL_SET_ERR_MSG(extack, "vmbnet: failed to register the device");
	return err;
}

/* A device of a transport's own (a VMBus channel's), under parent, with
 * up to queues queue pairs. It has no rtnl_link_ops: `ip link del` cannot
 * take it from under its transport, which destroys it.
 */
struct net_device *vmbnet_create(struct device *parent, unsigned int queues)
{
	struct net_device *dev;
	int err;

	if (queues < VMBNET_MIN_QUEUES || queues > VMBNET_MAX_QUEUES)
		return ERR_PTR(-EINVAL);
	dev = alloc_netdev_mqs(sizeof(struct vmbnet_priv), "vmb%d",
			       NET_NAME_ENUM, vmbnet_setup, queues, queues);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	SET_NETDEV_DEV(dev, parent);
	eth_hw_addr_random(dev);

	rtnl_lock();
	err = vmbnet_register(dev);
	rtnl_unlock();
	if (err) {
		free_netdev(dev);
		return ERR_PTR(err);
	}
	return dev;
}
EXPORT_SYMBOL_NS_GPL(vmbnet_create, VMBNET);

/* Takes a device vmbnet_create() made away, with its endpoint. */
void vmbnet_destroy(struct net_device *dev)
{
	unregister_netdev(dev);
}
EXPORT_SYMBOL_NS_GPL(vmbnet_destroy, VMBNET);

struct rtnl_link_ops vmbnet_link_ops __read_mostly = {
	.kind			= VMBNET_DRV_NAME,
	.priv_size		= sizeof(struct vmbnet_priv),
	.setup			= vmbnet_setup,
	.validate		= vmbnet_validate,
	.newlink		= vmbnet_newlink,
	.get_num_tx_queues	= vmbnet_default_queues,
	.get_num_rx_queues	= vmbnet_default_queues,
};
