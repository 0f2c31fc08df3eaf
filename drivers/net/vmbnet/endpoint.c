// SPDX-License-Identifier: GPL-2.0
/* vmbnet: endpoints come and go under a live device. Attach, detach and
 * the queue start/stop they imply all run under RTNL. NAPI serves the
 * rings whenever an endpoint is attached, up or down, since control
 * messages travel on queue 0; frames only flow once the control protocol
 * has agreed (control.c) and the device is up.
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

/* Carrier: an endpoint that agreed and says its link is up. */
void vmbnet_carrier_update(struct vmbnet_priv *priv)
{
	bool up;

	ASSERT_RTNL();
	spin_lock_bh(&priv->ctl.lock);
	up = priv->running && priv->ctl.state == VMBNET_CTL_READY &&
	     priv->ctl.link_up;
	spin_unlock_bh(&priv->ctl.lock);

	if (up == netif_carrier_ok(priv->dev))
		return;
	netif_info(priv, link, priv->dev, "link %s\n", up ? "up" : "down");
	if (up)
		netif_carrier_on(priv->dev);
	else
		netif_carrier_off(priv->dev);
}

/* Queues live: the device has an endpoint. */
void vmbnet_start(struct vmbnet_priv *priv)
{
	unsigned int i;

	ASSERT_RTNL();
	if (priv->running || !rtnl_dereference(priv->ep))
		return;

	for (i = 0; i < priv->num_queues; i++) {
		napi_enable(&priv->queues[i].napi);
		/* Whatever the endpoint wrote while we were stopped. */
		napi_schedule(&priv->queues[i].napi);
	}
	priv->running = true;
	/* Frames go out only once the endpoint agreed (see control.c). */
	WRITE_ONCE(priv->tx_ready, vmbnet_ready(priv));
	netif_tx_start_all_queues(priv->dev);
	vmbnet_carrier_update(priv);
}

void vmbnet_stop(struct vmbnet_priv *priv)
{
	unsigned int i;

	ASSERT_RTNL();
	if (!priv->running)
		return;

	priv->running = false;
	WRITE_ONCE(priv->tx_ready, false);
	vmbnet_carrier_update(priv);
	/* Takes every tx lock: no ndo_start_xmit or control send after this. */
	netif_tx_disable(priv->dev);
	for (i = 0; i < priv->num_queues; i++)
		napi_disable(&priv->queues[i].napi);
}

/* Queue pairs the device can use now: its own, the user's choice, the
 * rings the endpoint has and what it offered.
 */
unsigned int vmbnet_queues_max(const struct vmbnet_priv *priv)
{
	struct vmbnet_endpoint *ep = rtnl_dereference(priv->ep);
	unsigned int n = priv->max_queues;

	if (ep) {
		n = min(n, ep->num_queues);
		if (priv->ctl.state == VMBNET_CTL_READY ||
		    priv->ctl.state == VMBNET_CTL_OFFERED) {
			if (!(le64_to_cpu(priv->ctl.offer.features) &
			      BIT_ULL(VMBNET_F_MQ)))
				n = 1;
			n = min(n, le32_to_cpu(priv->ctl.offer.max_queues));
		}
	}
	return n;
}

/* Uses n queue pairs: the others stop, with whatever they held. The RSS
 * table follows unless the user set one.
 */
int vmbnet_set_queues(struct vmbnet_priv *priv, unsigned int n)
{
	struct net_device *dev = priv->dev;
	bool was_running = priv->running;
	int err;

	ASSERT_RTNL();
	vmbnet_stop(priv);
	err = netif_set_real_num_tx_queues(dev, n);
	if (!err)
		err = netif_set_real_num_rx_queues(dev, n);
	if (!err) {
		priv->num_queues = n;
		if (!netif_is_rxfh_configured(dev))
			vmbnet_rss_set_default_indir(&priv->rss, n);
	} else {
		/* Both counts back as they were. */
		netif_set_real_num_tx_queues(dev, priv->num_queues);
	}
	if (was_running)
		vmbnet_start(priv);
	return err;
}

/* Lets go of the endpoint; restart asks its transport to bring it back. */
void vmbnet_detach_locked(struct vmbnet_priv *priv, bool restart)
{
	struct vmbnet_endpoint *ep = rtnl_dereference(priv->ep);
	unsigned int i;

	if (!ep)
		return;
	vmbnet_stop(priv);
	vmbnet_ctl_detached(priv);
	RCU_INIT_POINTER(priv->ep, NULL);
	RCU_INIT_POINTER(ep->dev, NULL);
	/* No kick from the endpoint still looks at this device. */
	synchronize_net();
	for (i = 0; i < priv->max_queues; i++)
		priv->queues[i].ep = NULL;
	priv->features = 0;
	vmbnet_update_features(priv);
	vmbnet_update_mtu_range(priv);
	netdev_put(priv->dev, &ep->dev_tracker);
	netdev_info(priv->dev, "%s endpoint detached\n",
		    vmbnet_endpoint_name(ep->kind));
	ep->ops->detached(ep, restart);
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
	if (!ep->num_queues)
		return -EINVAL;

	vmbnet_detach_locked(priv, false);
	n = min3(ep->num_queues, priv->max_queues, priv->want_queues);
	err = vmbnet_set_queues(priv, n);
	if (err)
		return err;

	vmbnet_set_frame_limits(priv, ep->ring_size);
	for (i = 0; i < min(ep->num_queues, priv->max_queues); i++) {
		priv->queues[i].ep = ep;
		vmbnet_queue_rings_init(&priv->queues[i]);
	}
	netdev_hold(dev, &ep->dev_tracker, GFP_KERNEL);
	rcu_assign_pointer(ep->dev, dev);
	rcu_assign_pointer(priv->ep, ep);
	netdev_info(dev, "%s endpoint attached: %u queues, %u-byte rings\n",
		    vmbnet_endpoint_name(ep->kind), n, ep->ring_size);
	vmbnet_start(priv);
	vmbnet_ctl_attached(priv);
	return 0;
}

/* Lets go of ep if it is still attached; the device stays. */
void vmbnet_detach(struct vmbnet_endpoint *ep)
{
	struct net_device *dev;

	rtnl_lock();
	dev = rtnl_dereference(ep->dev);
	if (dev)
		vmbnet_detach_locked(netdev_priv(dev), false);
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
		if (qid < READ_ONCE(priv->num_queues) &&
		    napi_schedule_prep(&priv->queues[qid].napi)) {
			vmbnet_ring_mask(&priv->queues[qid].rx);
			__napi_schedule(&priv->queues[qid].napi);
		}
	}
	rcu_read_unlock();
	local_bh_enable();
}

/* The endpoint broke the ring protocol on q. Stop using the queue now (the
 * data path checks q->broken); the service task lets go of the endpoint,
 * as a channel reset would. Its transport may attach it again.
 */
void vmbnet_queue_broken(struct vmbnet_queue *q, const char *what)
{
	struct vmbnet_rx_stats *rs = &q->rx_stats;

	u64_stats_update_begin(&rs->syncp);
	u64_stats_inc(&rs->ring_errors);
	u64_stats_update_end(&rs->syncp);
	net_warn_ratelimited("%s: queue %u: corrupt %s ring, resetting the channel\n",
			     q->priv->dev->name, q->index, what);
	WRITE_ONCE(q->broken, true);
	vmbnet_schedule(q->priv, VMBNET_EV_RESET);
}

static void vmbnet_reset(struct vmbnet_priv *priv)
{
	unsigned int i;

	for (i = 0; i < priv->num_queues; i++)
		if (priv->queues[i].ep && READ_ONCE(priv->queues[i].broken)) {
			vmbnet_detach_locked(priv, true);
			return;
		}
}

/* Asks the service task to do ev (any context). */
void vmbnet_schedule(struct vmbnet_priv *priv, enum vmbnet_event ev)
{
	set_bit(ev, &priv->events);
	mod_delayed_work(system_wq, &priv->service, 0);
}

/* What needs RTNL. Never waits for it: ndo_uninit cancels this work under
 * RTNL, so it tries again a little later instead.
 */
void vmbnet_service(struct work_struct *work)
{
	struct vmbnet_priv *priv = container_of(to_delayed_work(work),
						struct vmbnet_priv, service);

	if (!rtnl_trylock()) {
		schedule_delayed_work(&priv->service, msecs_to_jiffies(5));
		return;
	}
	if (test_and_clear_bit(VMBNET_EV_RESET, &priv->events))
		vmbnet_reset(priv);
	if (test_and_clear_bit(VMBNET_EV_OFFER, &priv->events))
		vmbnet_ctl_configure(priv);
	if (test_and_clear_bit(VMBNET_EV_LINK, &priv->events))
		vmbnet_carrier_update(priv);
	if (test_and_clear_bit(VMBNET_EV_RX_MODE, &priv->events))
		vmbnet_ctl_rx_mode(priv);
	rtnl_unlock();
}
