// SPDX-License-Identifier: GPL-2.0
/* vmbnet_hv: a VMBus device's channels as one vmbnet endpoint. Queue 0 is
 * the primary channel and carries the control protocol; queue i is the
 * subchannel with index i, which the host offers once the control protocol
 * asked for i + 1 queues (SET_QUEUES). A ring, as the VMBus core maps it,
 * is its control page (struct hv_ring_buffer) then its data twice.
 */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "hv_channel.h"

static struct vmbnet_hv_dev *to_hv_dev(struct vmbnet_endpoint *ep)
{
	return container_of(ep, struct vmbnet_hv_dev, ep);
}

static void vmbnet_hv_signal(struct vmbnet_endpoint *ep, unsigned int qid)
{
	struct vmbnet_hv_dev *hd = to_hv_dev(ep);

	hd->bus->signal(hd, READ_ONCE(hd->chans[qid]));
}

/* A broken ring or new ring sizes need the host to reset the channel; the
 * device stays, carrier off, until the channel comes again.
 */
static void vmbnet_hv_detached(struct vmbnet_endpoint *ep, bool restart)
{
	struct vmbnet_hv_dev *hd = to_hv_dev(ep);

	if (restart)
		netdev_warn(hd->dev, "channel %pUl needs a reset by its host\n",
			    &hd->instance);
}

static int vmbnet_hv_describe(struct vmbnet_endpoint *ep, char *buf,
			      size_t size)
{
	return scnprintf(buf, size, "%pUl", &to_hv_dev(ep)->instance);
}

static const struct vmbnet_endpoint_ops vmbnet_hv_ep_ops = {
	.name		= "vmbus",
	.signal		= vmbnet_hv_signal,
	.detached	= vmbnet_hv_detached,
	.describe	= vmbnet_hv_describe,
};

/* Makes the device, before the primary channel opens: its NAPI instances
 * are there for the first interrupt.
 */
int vmbnet_hv_dev_init(struct vmbnet_hv_dev *hd, struct device *parent,
		       const struct vmbnet_hv_bus_ops *bus,
		       const guid_t *instance, unsigned int max_queues,
		       u32 ring_size)
{
	hd->bus = bus;
	guid_copy(&hd->instance, instance);
	mutex_init(&hd->lock);
	hd->ep.ops = &vmbnet_hv_ep_ops;
	hd->ep.ring_size = ring_size;
	hd->ep.max_queues = clamp(max_queues, 1U, (unsigned int)VMBNET_MAX_QUEUES);
	hd->ep.queues = hd->queues;
	hd->dev = vmbnet_create(parent, hd->ep.max_queues);
	return PTR_ERR_OR_ZERO(hd->dev);
}

/* Queue qid's channel is open, with its rings (each a control page, then
 * the data twice). The primary attaches the endpoint; subchannels join it,
 * in order: the device uses queues 0..n-1 whose channels are all open.
 */
int vmbnet_hv_chan_opened(struct vmbnet_hv_dev *hd, unsigned int qid,
			  void *chan, void *tx_ring, void *rx_ring)
{
	struct vmbnet_endpoint_queue *eq;
	unsigned int n;
	int err = 0;

	if (qid >= hd->ep.max_queues)
		return -ERANGE;
	mutex_lock(&hd->lock);
	if (hd->chans[qid]) {
		err = -EEXIST;
		goto out;
	}
	eq = &hd->queues[qid];
	eq->tx_ctrl = tx_ring;
	eq->tx_data = tx_ring + PAGE_SIZE;
	eq->rx_ctrl = rx_ring;
	eq->rx_data = rx_ring + PAGE_SIZE;
	WRITE_ONCE(hd->chans[qid], chan);

	for (n = 0; n < hd->ep.max_queues && hd->chans[n]; n++)
		;
	if (qid) {
		vmbnet_queues_added(&hd->ep, n);
		goto out;
	}
	hd->ep.num_queues = n;
	rtnl_lock();
	err = vmbnet_attach(hd->dev, &hd->ep, false);
	rtnl_unlock();
	if (err)
		WRITE_ONCE(hd->chans[0], NULL);
out:
	mutex_unlock(&hd->lock);
	return err;
}

/* The host signalled queue qid's channel: any context, hard IRQ included. */
void vmbnet_hv_chan_event(struct vmbnet_hv_dev *hd, unsigned int qid)
{
	vmbnet_kick(&hd->ep, qid);
}

/* The host took the channel away: carrier off and the rings left alone
 * from now on; the device and its settings stay until the device goes.
 */
void vmbnet_hv_rescind(struct vmbnet_hv_dev *hd)
{
	vmbnet_detach_async(&hd->ep);
}

/* Before the channels close: nothing touches their rings after this. */
void vmbnet_hv_dev_remove(struct vmbnet_hv_dev *hd)
{
	vmbnet_destroy(hd->dev);
}
