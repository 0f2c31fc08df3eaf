// SPDX-License-Identifier: GPL-2.0
/* vmbnet: the transport API (transport.h). Endpoints attach to a live
 * device and detach from it, ring its doorbell and bring more queues; the
 * device rings theirs. What needs RTNL and is asked for in any context
 * waits for the service task.
 */

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "vmbnet.h"

/* Makes ep the device's endpoint. A device that has one is busy unless
 * replace is asked for, or its endpoint is on its way out (or is ep). The
 * old one is let go in the same RTNL section: of the switch, users of the
 * device see only the carrier. The caller holds RTNL and keeps ep alive
 * until it is detached.
 */
int vmbnet_attach(struct net_device *dev, struct vmbnet_endpoint *ep,
		  bool replace)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	struct vmbnet_endpoint *old;
	int err;

	ASSERT_RTNL();
	if (!vmbnet_is_vmbnet(dev) || dev->reg_state != NETREG_REGISTERED)
		return -ENODEV;
	if (!ep->ops || !ep->ops->name || !ep->ops->signal ||
	    !ep->ops->detached || !ep->queues || !ep->num_queues ||
	    ep->num_queues > ep->max_queues ||
	    !vmbnet_ring_size_valid(ep->ring_size))
		return -EINVAL;

	old = rtnl_dereference(priv->ep);
	if (old && !replace && old != ep && !READ_ONCE(old->detach_pending))
		return -EBUSY;
	if (old && old != ep)
		netdev_info(dev, "%s endpoint replaced by a %s endpoint\n",
			    old->ops->name, ep->ops->name);
	vmbnet_detach_locked(priv, false);
	err = vmbnet_queues_attach(priv, ep);
	if (err) {
		vmbnet_queues_release(priv);
		return err;
	}
	WRITE_ONCE(ep->detach_pending, false);
	netdev_hold(dev, &ep->dev_tracker, GFP_KERNEL);
	rcu_assign_pointer(ep->dev, dev);
	rcu_assign_pointer(priv->ep, ep);
	netdev_info(dev, "%s endpoint attached: %u queues, %u-byte rings\n",
		    ep->ops->name, priv->num_queues, ep->ring_size);
	vmbnet_queues_start(priv);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vmbnet_attach, VMBNET);

/* Lets go of the endpoint; restart asks its transport to bring it back. */
void vmbnet_detach_locked(struct vmbnet_priv *priv, bool restart)
{
	struct vmbnet_endpoint *ep = rtnl_dereference(priv->ep);

	if (!ep)
		return;
	vmbnet_queues_detach(priv);
	vmbnet_ctl_detached(priv);
	RCU_INIT_POINTER(priv->ep, NULL);
	RCU_INIT_POINTER(ep->dev, NULL);
	/* No kick, sysfs read or doorbell still looks at ep. */
	synchronize_net();
	vmbnet_queues_release(priv);
	netdev_put(priv->dev, &ep->dev_tracker);
	netdev_info(priv->dev, "%s endpoint detached\n", ep->ops->name);
	ep->ops->detached(ep, restart);
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
EXPORT_SYMBOL_NS_GPL(vmbnet_detach, VMBNET);

/* Asks ep's device, if it has one, for the service task's ev. Any context:
 * RCU keeps the device until vmbnet_detach_locked() has synchronized.
 */
static void vmbnet_ep_schedule(struct vmbnet_endpoint *ep, enum vmbnet_event ev)
{
	struct net_device *dev;

	rcu_read_lock();
	dev = rcu_dereference(ep->dev);
	if (dev)
		vmbnet_schedule(netdev_priv(dev), ev);
	rcu_read_unlock();
}

/* The same as vmbnet_detach() from any context (a channel rescinded): the
 * service task lets go, and ops->detached says when. The device stops
 * using the rings then.
 */
void vmbnet_detach_async(struct vmbnet_endpoint *ep)
{
	WRITE_ONCE(ep->detach_pending, true);
	vmbnet_ep_schedule(ep, VMBNET_EV_DETACH);
}
EXPORT_SYMBOL_NS_GPL(vmbnet_detach_async, VMBNET);

/* The rings of queues [0, num_queues) are in ep->queues now (a subchannel
 * came). Any context; the service task puts them to use.
 */
void vmbnet_queues_added(struct vmbnet_endpoint *ep, unsigned int num_queues)
{
	WRITE_ONCE(ep->num_queues, min(num_queues, ep->max_queues));
	vmbnet_ep_schedule(ep, VMBNET_EV_QUEUES);
}
EXPORT_SYMBOL_NS_GPL(vmbnet_queues_added, VMBNET);

/* The endpoint wrote to queue qid's rings or freed room in them. From
 * process context (a write() on a queue descriptor) the poll runs right
 * here, as BHs come back on; from an interrupt, as it returns.
 */
void vmbnet_kick(struct vmbnet_endpoint *ep, unsigned int qid)
{
	bool task = !in_interrupt() && !irqs_disabled();
	struct vmbnet_priv *priv;
	struct vmbnet_queue *q;
	struct net_device *dev;

	if (task)
		local_bh_disable();
	rcu_read_lock();
	dev = rcu_dereference(ep->dev);
	if (dev) {
		priv = netdev_priv(dev);
		q = &priv->queues[min(qid, priv->max_queues - 1)];
		if (qid < READ_ONCE(priv->num_queues) &&
		    napi_schedule_prep(&q->napi)) {
			vmbnet_ring_mask(&q->rx);
			__napi_schedule(&q->napi);
		}
	}
	rcu_read_unlock();
	if (task)
		local_bh_enable();
}
EXPORT_SYMBOL_NS_GPL(vmbnet_kick, VMBNET);

/* The device's doorbell: wake the endpoint of q. The caller counts it, in
 * the stats of its side of the queue (one writer each).
 */
void vmbnet_signal(struct vmbnet_queue *q)
{
	q->ep->ops->signal(q->ep, q->index);
}

/* A vmbnet device by name, held (dev_put() it), or NULL. */
struct net_device *vmbnet_dev_get_by_name(struct net *net, const char *name)
{
	struct net_device *dev = dev_get_by_name(net, name);

	if (dev && !vmbnet_is_vmbnet(dev)) {
		dev_put(dev);
		return NULL;
	}
	return dev;
}
EXPORT_SYMBOL_NS_GPL(vmbnet_dev_get_by_name, VMBNET);

/* Queue pairs the device has: the most an endpoint's rings are used for. */
unsigned int vmbnet_dev_max_queues(struct net_device *dev)
{
	return ((struct vmbnet_priv *)netdev_priv(dev))->max_queues;
}
EXPORT_SYMBOL_NS_GPL(vmbnet_dev_max_queues, VMBNET);

/* The ring size the user chose (ethtool -G) for the next endpoint. */
u32 vmbnet_dev_ring_size(struct net_device *dev)
{
	return READ_ONCE(((struct vmbnet_priv *)netdev_priv(dev))->ring_size);
}
EXPORT_SYMBOL_NS_GPL(vmbnet_dev_ring_size, VMBNET);

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

	/* Queues out of use too: one may have broken as ethtool -L turned
	 * it off, and would come back broken.
	 */
	for (i = 0; i < priv->ep_queues; i++)
		if (READ_ONCE(priv->queues[i].broken)) {
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
	struct vmbnet_endpoint *ep;

	if (!rtnl_trylock()) {
		schedule_delayed_work(&priv->service, msecs_to_jiffies(5));
		return;
	}
	ep = rtnl_dereference(priv->ep);
	if (test_and_clear_bit(VMBNET_EV_DETACH, &priv->events) && ep &&
	    READ_ONCE(ep->detach_pending))
		vmbnet_detach_locked(priv, false);
	if (test_and_clear_bit(VMBNET_EV_RESET, &priv->events))
		vmbnet_reset(priv);
	if (test_and_clear_bit(VMBNET_EV_QUEUES, &priv->events))
		vmbnet_queues_update(priv);
	vmbnet_vf_service(priv);
	vmbnet_ctl_service(priv);
	vmbnet_carrier_hold_check(priv);
	rtnl_unlock();
}
