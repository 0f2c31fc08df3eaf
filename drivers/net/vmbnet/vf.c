// SPDX-License-Identifier: GPL-2.0
/* vmbnet: the VF data path, netvsc's two-netdev model. A PCI netdev that
 * registers with a vmbnet device's MAC is that device's VF: linked under it
 * as a lower device, its frames received as the vmbnet device's through an
 * rx_handler, its up/down/unregister followed by a netdev notifier. The
 * user chooses the path (sysfs data_path); tx takes the VF only while the
 * VF is up with carrier, and the endpoint is told (SET_DATA_PATH).
 *
 * Why not net_failover: it makes a third netdev, the failover master, the
 * one users configure, while here the vmbnet device is that netdev and
 * must outlive its endpoints; its own tx path already decides per frame.
 */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>
#include <kunit/visibility.h>

#include "vmbnet.h"

/* A netdev that could be a VF: Ethernet, on PCI, not a stacked device. */
static bool vmbnet_vf_candidate(const struct net_device *dev)
{
	return dev->type == ARPHRD_ETHER && dev->addr_len == ETH_ALEN &&
	       !vmbnet_is_vmbnet(dev) && !is_vlan_dev(dev) &&
	       !netif_is_bond_master(dev) && dev->dev.parent &&
	       dev_is_pci(dev->dev.parent);
}

/* The vmbnet device of vf's namespace that has its MAC and no VF yet. */
static struct net_device *vmbnet_vf_master_of(struct net_device *vf)
{
	struct net_device *dev;

	for_each_netdev(dev_net(vf), dev) {
		struct vmbnet_priv *priv;

		if (!vmbnet_is_vmbnet(dev))
			continue;
		priv = netdev_priv(dev);
		if (!rtnl_dereference(priv->vf) &&
		    (ether_addr_equal(vf->perm_addr, dev->dev_addr) ||
		     ether_addr_equal(vf->dev_addr, dev->dev_addr)))
			return dev;
	}
	return NULL;
}

/* The VF's frames are the vmbnet device's. RCU held. */
static rx_handler_result_t vmbnet_vf_handle_frame(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct net_device *dev = rcu_dereference(skb->dev->rx_handler_data);
	struct vmbnet_priv *priv = netdev_priv(dev);
	struct vmbnet_vf_stats *vs = this_cpu_ptr(priv->vf_stats);

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb))
		return RX_HANDLER_CONSUMED;
	*pskb = skb;
	skb->dev = dev;

	u64_stats_update_begin(&vs->syncp);
	u64_stats_inc(&vs->rx_packets);
	u64_stats_add(&vs->rx_bytes, skb->len);
	u64_stats_update_end(&vs->syncp);
	return RX_HANDLER_ANOTHER;
}

/* ndo_start_xmit, when the VF carries tx: the frame is the VF's now. */
netdev_tx_t vmbnet_vf_xmit(struct vmbnet_priv *priv, struct net_device *vf,
			   struct sk_buff *skb)
{
	struct vmbnet_vf_stats *vs = this_cpu_ptr(priv->vf_stats);
	unsigned int len = skb->len;
	int rc;

	skb->dev = vf;
	rc = dev_queue_xmit(skb);
	u64_stats_update_begin(&vs->syncp);
	if (likely(rc == NET_XMIT_SUCCESS || rc == NET_XMIT_CN)) {
		u64_stats_inc(&vs->tx_packets);
		u64_stats_add(&vs->tx_bytes, len);
	} else {
		u64_stats_inc(&vs->tx_dropped);
	}
	u64_stats_update_end(&vs->syncp);
	return NETDEV_TX_OK;
}

/* Sums over the CPUs, in the order of enum vmbnet_vf_stat. */
void vmbnet_vf_stats(const struct vmbnet_priv *priv, u64 *out)
{
	unsigned int cpu, start, i;

	memset(out, 0, VMBNET_VF_STATS * sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct vmbnet_vf_stats *vs = per_cpu_ptr(priv->vf_stats, cpu);
		u64 v[VMBNET_VF_STATS];

		do {
			start = u64_stats_fetch_begin(&vs->syncp);
			v[VMBNET_VF_RX_PACKETS] = u64_stats_read(&vs->rx_packets);
			v[VMBNET_VF_RX_BYTES] = u64_stats_read(&vs->rx_bytes);
			v[VMBNET_VF_TX_PACKETS] = u64_stats_read(&vs->tx_packets);
			v[VMBNET_VF_TX_BYTES] = u64_stats_read(&vs->tx_bytes);
			v[VMBNET_VF_TX_DROPPED] = u64_stats_read(&vs->tx_dropped);
		} while (u64_stats_fetch_retry(&vs->syncp, start));
		for (i = 0; i < VMBNET_VF_STATS; i++)
			out[i] += v[i];
	}
}

/* Under RTNL: the path tx takes, from the user's choice and the VF's
 * state; the endpoint hears of a change. A VF going down takes effect
 * before it stops (NETDEV_GOING_DOWN), so tx never goes into a dead VF.
 */
static void vmbnet_vf_update_path(struct vmbnet_priv *priv, bool vf_going)
{
	struct net_device *vf = rtnl_dereference(priv->vf);
	bool path = priv->want_vf && vf && !vf_going && netif_running(vf) &&
		    netif_carrier_ok(vf);

	if (path == priv->vf_path)
		return;
	WRITE_ONCE(priv->vf_path, path);
	/* Queues held for an endpoint carry the VF's frames meanwhile. */
	vmbnet_tx_set_ready(priv, priv->tx_ready);
	if (path)
		netdev_info(priv->dev, "data path: VF %s\n", vf->name);
	else
		netdev_info(priv->dev, "data path: synthetic%s\n",
			    priv->want_vf ? " (the VF is down or gone)" : "");
	vmbnet_ctl_update(priv, VMBNET_CFG_DATA_PATH);
}

/* Under RTNL: the VF follows the device: its MTU, flags, addresses, up. */
static void vmbnet_vf_setup(struct vmbnet_priv *priv, struct net_device *vf)
{
	struct net_device *dev = priv->dev;
	int err;

	err = dev_set_mtu(vf, dev->mtu);
	if (err)
		netdev_warn(dev, "VF %s takes no MTU %u: %d\n", vf->name, dev->mtu, err);
	netif_addr_lock_bh(dev);
	dev_uc_sync(vf, dev);
	dev_mc_sync(vf, dev);
	netif_addr_unlock_bh(dev);
	if (netif_running(dev)) {
		err = dev_open(vf, NULL);
		if (err)
			netdev_warn(dev, "cannot open VF %s: %d\n", vf->name, err);
	}
	vmbnet_vf_update_path(priv, false);
}

/* Service task, under RTNL: a VF joined from a notifier, where opening it
 * would recurse into the notifier chain.
 */
void vmbnet_vf_service(struct vmbnet_priv *priv)
{
	struct net_device *vf = rtnl_dereference(priv->vf);

	if (test_and_clear_bit(VMBNET_EV_VF, &priv->events) && vf)
		vmbnet_vf_setup(priv, vf);
}

static int vmbnet_vf_join(struct net_device *dev, struct net_device *vf)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	int err;

	err = netdev_rx_handler_register(vf, vmbnet_vf_handle_frame, dev);
	if (err) {
		netdev_err(dev, "cannot take VF %s's frames: %d\n", vf->name, err);
		return err;
	}
	err = netdev_master_upper_dev_link(vf, dev, NULL, NULL, NULL);
	if (err) {
		netdev_err(dev, "cannot link VF %s: %d\n", vf->name, err);
		netdev_rx_handler_unregister(vf);
		return err;
	}
	/* No addresses of its own (IPv6 addrconf): it is our lower device. */
	vf->flags |= IFF_SLAVE;
	/* What the device receives, the VF must (vmbnet_change_rx_flags()). */
	if (dev->flags & IFF_PROMISC)
		dev_set_promiscuity(vf, 1);
	if (dev->flags & IFF_ALLMULTI)
		dev_set_allmulti(vf, 1);
	netdev_hold(vf, &priv->vf_tracker, GFP_KERNEL);
	rcu_assign_pointer(priv->vf, vf);
	if (dev->needed_headroom < vf->needed_headroom)
		dev->needed_headroom = vf->needed_headroom;
	netdev_info(dev, "VF %s joined\n", vf->name);
	call_netdevice_notifiers(NETDEV_JOIN, vf);
	vmbnet_schedule(priv, VMBNET_EV_VF);
	return 0;
}

/* Under RTNL: the VF goes back to being an ordinary netdev. */
void vmbnet_vf_release(struct vmbnet_priv *priv)
{
	struct net_device *vf = rtnl_dereference(priv->vf);

	if (!vf)
		return;
	WRITE_ONCE(priv->vf_path, false);
	vmbnet_ctl_update(priv, VMBNET_CFG_DATA_PATH);
	/* They take both address locks themselves. */
	dev_uc_unsync(vf, priv->dev);
	dev_mc_unsync(vf, priv->dev);
	if (priv->dev->flags & IFF_PROMISC)
		dev_set_promiscuity(vf, -1);
	if (priv->dev->flags & IFF_ALLMULTI)
		dev_set_allmulti(vf, -1);
	/* Waits for the rx_handler's readers: xmit's too (RCU-bh). */
	netdev_rx_handler_unregister(vf);
	netdev_upper_dev_unlink(vf, priv->dev);
	RCU_INIT_POINTER(priv->vf, NULL);
	synchronize_net();
	vf->flags &= ~IFF_SLAVE;
	netdev_info(priv->dev, "VF %s released\n", vf->name);
	netdev_put(vf, &priv->vf_tracker);
}

/* Under RTNL, an event of a vmbnet device: registered after its VF, or
 * given another MAC (F_MAC, ip link set address), it looks for its VF;
 * going, it lets go while its address lists are still there to unsync.
 */
static void vmbnet_vf_dev_event(struct vmbnet_priv *priv, unsigned long event)
{
	struct net_device *dev = priv->dev, *vf = rtnl_dereference(priv->vf);

	vmbnet_carrier_event(priv, event);
	switch (event) {
	case NETDEV_UNREGISTER:
		vmbnet_vf_release(priv);
		return;
	case NETDEV_CHANGEADDR:
		if (vf && !ether_addr_equal(vf->perm_addr, dev->dev_addr) &&
		    !ether_addr_equal(vf->dev_addr, dev->dev_addr))
			vmbnet_vf_release(priv);
		fallthrough;
	case NETDEV_REGISTER:
		if (rtnl_dereference(priv->vf))
			return;
		for_each_netdev(dev_net(dev), vf)
			if (vmbnet_vf_candidate(vf) && !netdev_master_upper_dev_get(vf) &&
			    vmbnet_vf_master_of(vf) == dev) {
				vmbnet_vf_join(dev, vf);
				return;
			}
		return;
	default:
		return;
	}
}

/* The VF's master, if vf is a vmbnet device's VF. */
static struct vmbnet_priv *vmbnet_vf_priv(struct net_device *vf)
{
	struct net_device *dev = netdev_master_upper_dev_get(vf);

	if (!dev || !vmbnet_is_vmbnet(dev))
		return NULL;
	return netdev_priv(dev);
}

static int vmbnet_vf_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct vmbnet_priv *priv;
	struct net_device *vf;

	if (vmbnet_is_vmbnet(dev)) {
		vmbnet_vf_dev_event(netdev_priv(dev), event);
		return NOTIFY_DONE;
	}
	if (!vmbnet_vf_candidate(dev))
		return NOTIFY_DONE;

	switch (event) {
	case NETDEV_REGISTER:
		vf = vmbnet_vf_master_of(dev);
		if (vf && !netdev_master_upper_dev_get(dev))
			vmbnet_vf_join(vf, dev);
		return NOTIFY_DONE;
	case NETDEV_UNREGISTER:
		priv = vmbnet_vf_priv(dev);
		if (priv)
			vmbnet_vf_release(priv);
		return NOTIFY_DONE;
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
	case NETDEV_GOING_DOWN:
		priv = vmbnet_vf_priv(dev);
		if (priv)
			vmbnet_vf_update_path(priv, event == NETDEV_GOING_DOWN);
		return NOTIFY_DONE;
	default:
		return NOTIFY_DONE;
	}
}

static struct notifier_block vmbnet_vf_notifier = {
	.notifier_call = vmbnet_vf_event,
};

/* Under RTNL: the user's choice (sysfs data_path). */
int vmbnet_vf_set_path(struct vmbnet_priv *priv, bool vf)
{
	ASSERT_RTNL();
	if (vf && !rtnl_dereference(priv->vf))
		return -ENODEV;
	priv->want_vf = vf;
	vmbnet_vf_update_path(priv, false);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_vf_set_path);

/* Under RTNL: the device went up or down; so does its VF. */
void vmbnet_vf_follow_state(struct vmbnet_priv *priv, bool up)
{
	struct net_device *vf = rtnl_dereference(priv->vf);
	int err;

	if (!vf)
		return;
	if (!up) {
		dev_close(vf);
		return;
	}
	err = dev_open(vf, NULL);
	if (err)
		netdev_warn(priv->dev, "cannot open VF %s: %d\n", vf->name, err);
}

int vmbnet_vf_init(void)
{
	return register_netdevice_notifier(&vmbnet_vf_notifier);
}

void vmbnet_vf_exit(void)
{
	unregister_netdevice_notifier(&vmbnet_vf_notifier);
}
