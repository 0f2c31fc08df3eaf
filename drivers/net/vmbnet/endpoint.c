// SPDX-License-Identifier: GPL-2.0
/* vmbnet: endpoints come and go under a live device. Attach, detach and
 * the queue start/stop they imply all run under RTNL; the data path only
 * runs between vmbnet_start() and vmbnet_stop(), so it never sees an
 * endpoint change under it.
 */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "vmbnet.h"

static void vmbnet_queue_rings_init(struct vmbnet_queue *q)
{
	struct vmbnet_endpoint_queue *eq = &q->ep->queues[q->index];

	vmbnet_ring_init(&q->tx, eq->tx_ctrl, eq->tx_data, q->ep->ring_size);
	vmbnet_ring_init(&q->rx, eq->rx_ctrl, eq->rx_data, q->ep->ring_size);
	/* BQL counts what is in this ring, so it starts over with it. */
	netdev_tx_reset_queue(netdev_get_tx_queue(q->priv->dev, q->index));
	q->broken = false;
}

/* Queues live: the device is up and has an endpoint. */
void vmbnet_start(struct vmbnet_priv *priv)
{
	unsigned int i;

	ASSERT_RTNL();
	if (priv->running || !rtnl_dereference(priv->ep) ||
	    !netif_running(priv->dev))
		return;

	for (i = 0; i < priv->num_queues; i++) {
		napi_enable(&priv->queues[i].napi);
		/* Whatever the endpoint wrote while we were stopped. */
		napi_schedule(&priv->queues[i].napi);
	}
	priv->running = true;
	netif_tx_start_all_queues(priv->dev);
	netif_carrier_on(priv->dev);
}

void vmbnet_stop(struct vmbnet_priv *priv)
{
	unsigned int i;

	ASSERT_RTNL();
	if (!priv->running)
		return;

	netif_carrier_off(priv->dev);
	/* Takes every tx lock: no ndo_start_xmit runs after this. */
	netif_tx_disable(priv->dev);
	for (i = 0; i < priv->num_queues; i++)
		napi_disable(&priv->queues[i].napi);
	priv->running = false;
}

void vmbnet_detach_locked(struct vmbnet_priv *priv)
{
	struct vmbnet_endpoint *ep = rtnl_dereference(priv->ep);
	unsigned int i;

	if (!ep)
		return;
	vmbnet_stop(priv);
	RCU_INIT_POINTER(priv->ep, NULL);
	RCU_INIT_POINTER(ep->dev, NULL);
	/* No kick from the endpoint still looks at this device. */
	synchronize_net();
	for (i = 0; i < priv->num_queues; i++)
		priv->queues[i].ep = NULL;
	priv->features = 0;
	vmbnet_update_features(priv);
	netdev_put(priv->dev, &ep->dev_tracker);
	netdev_info(priv->dev, "%s endpoint detached\n",
		    vmbnet_endpoint_name(ep->kind));
	ep->ops->detached(ep);
}

/* The largest frame is what a ring takes four of: a 1 MiB ring takes 64 KiB
 * GSO frames, the smallest (64 KiB) ones 16 KiB frames.
 */
static void vmbnet_set_frame_limits(struct vmbnet_priv *priv, u32 ring_size)
{
	u32 hdrs = sizeof(struct vmbnet_msg_hdr) +
		   sizeof(struct virtio_net_hdr_mrg_rxbuf);

	priv->max_frame = min_t(u32, VMBNET_MAX_FRAME_LEN,
				ring_size / 4 - vmbnet_ring_pkt_size(hdrs));
	priv->tx_thresh = vmbnet_ring_pkt_size(hdrs + priv->max_frame);
	netif_set_tso_max_size(priv->dev, priv->max_frame - VLAN_ETH_HLEN);
}

/* Makes ep the device's endpoint, replacing any other. The caller holds
 * RTNL and keeps ep alive until vmbnet_detach(ep).
 */
int vmbnet_attach(struct net_device *dev, struct vmbnet_endpoint *ep)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	unsigned int i, n;
	int err;

	ASSERT_RTNL();
	n = min(ep->num_queues, priv->max_queues);
	if (!n)
		return -EINVAL;

	vmbnet_detach_locked(priv);

	err = netif_set_real_num_tx_queues(dev, n);
	if (!err)
		err = netif_set_real_num_rx_queues(dev, n);
	if (err)
		return err;

	priv->num_queues = n;
	priv->features = ep->features & vmbnet_supported_features();
	vmbnet_set_frame_limits(priv, ep->ring_size);
	for (i = 0; i < n; i++) {
		priv->queues[i].ep = ep;
		vmbnet_queue_rings_init(&priv->queues[i]);
	}
	netdev_hold(dev, &ep->dev_tracker, GFP_KERNEL);
	rcu_assign_pointer(ep->dev, dev);
	rcu_assign_pointer(priv->ep, ep);
	vmbnet_update_features(priv);
	netdev_info(dev, "%s endpoint attached: %u queues, %u-byte rings, features %#llx\n",
		    vmbnet_endpoint_name(ep->kind), n, ep->ring_size,
		    priv->features);
	vmbnet_start(priv);
	return 0;
}

/* Lets go of ep if it is still attached; the device stays. */
void vmbnet_detach(struct vmbnet_endpoint *ep)
{
	struct net_device *dev;

	rtnl_lock();
	dev = rtnl_dereference(ep->dev);
	if (dev)
		vmbnet_detach_locked(netdev_priv(dev));
	rtnl_unlock();
}

/* The endpoint wrote to queue qid's rings or freed room in them. Called
 * from process context (a write on the queue descriptor): the softirq is
 * raised with BHs off so that enabling them runs the poll right here.
 */
void vmbnet_endpoint_kick(struct vmbnet_endpoint *ep, unsigned int qid)
{
	struct vmbnet_priv *priv;
	struct net_device *dev;

	local_bh_disable();
	rcu_read_lock();
	dev = rcu_dereference(ep->dev);
	if (dev) {
		priv = netdev_priv(dev);
		if (qid < priv->num_queues &&
		    napi_schedule_prep(&priv->queues[qid].napi)) {
			vmbnet_ring_mask(&priv->queues[qid].rx);
			__napi_schedule(&priv->queues[qid].napi);
		}
	}
	rcu_read_unlock();
	local_bh_enable();
}

/* The endpoint broke the ring protocol on q. Stop using the queue now (the
 * data path checks q->broken) and reset it from process context.
 */
void vmbnet_queue_broken(struct vmbnet_queue *q, const char *what)
{
	struct vmbnet_rx_stats *rs = &q->rx_stats;

	u64_stats_update_begin(&rs->syncp);
	u64_stats_inc(&rs->ring_errors);
	u64_stats_update_end(&rs->syncp);
	net_warn_ratelimited("%s: queue %u: corrupt %s ring, resetting the queue\n",
			     q->priv->dev->name, q->index, what);
	WRITE_ONCE(q->broken, true);
	schedule_work(&q->priv->reset_work);
}

/* Empty both rings of every broken queue, the way a channel reset would. */
void vmbnet_reset_work(struct work_struct *work)
{
	struct vmbnet_priv *priv = container_of(work, struct vmbnet_priv, reset_work);
	bool was_running;
	unsigned int i;

	rtnl_lock();
	was_running = priv->running;
	vmbnet_stop(priv);
	for (i = 0; i < priv->num_queues; i++) {
		struct vmbnet_queue *q = &priv->queues[i];

		if (!q->ep || !READ_ONCE(q->broken))
			continue;
		memset(q->tx.ctrl, 0, offsetof(struct vmbnet_ring_ctrl, reserved1));
		memset(q->rx.ctrl, 0, offsetof(struct vmbnet_ring_ctrl, reserved1));
		vmbnet_queue_rings_init(q);
	}
	if (was_running)
		vmbnet_start(priv);
	rtnl_unlock();
}
