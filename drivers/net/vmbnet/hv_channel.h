/* SPDX-License-Identifier: GPL-2.0 */
/* vmbnet_hv: a device whose queues are channels that open one at a time, as
 * a VMBus primary channel and then its subchannels do. hv_channel.c keeps
 * them on the transport API; hyperv.c makes the vmbus_* calls. KUnit links
 * hv_channel.c with a fake bus in their place (tests/hv_channel_test.c).
 */
#ifndef _VMBNET_HV_CHANNEL_H
#define _VMBNET_HV_CHANNEL_H

#include <linux/mutex.h>
#include <linux/uuid.h>

#include "transport.h"

struct vmbnet_hv_dev;

struct vmbnet_hv_bus_ops {
	/* Rings the far side of queue qid's channel. Any context but hard
	 * IRQ; must not sleep.
	 */
	void (*signal)(struct vmbnet_hv_dev *hd, void *chan);
};

struct vmbnet_hv_dev {
	const struct vmbnet_hv_bus_ops *bus;
	struct vmbnet_endpoint ep;
	struct net_device *dev;
	guid_t instance;		/* the channel's, for sysfs */
	struct mutex lock;		/* chans[] as channels open */
	void *chans[VMBNET_MAX_QUEUES];	/* by queue: primary, subchannels */
	struct vmbnet_endpoint_queue queues[VMBNET_MAX_QUEUES];
};

int vmbnet_hv_dev_init(struct vmbnet_hv_dev *hd, struct device *parent,
		       const struct vmbnet_hv_bus_ops *bus,
		       const guid_t *instance, unsigned int max_queues,
		       u32 ring_size);
int vmbnet_hv_chan_opened(struct vmbnet_hv_dev *hd, unsigned int qid,
			  void *chan, void *tx_ring, void *rx_ring);
void vmbnet_hv_chan_event(struct vmbnet_hv_dev *hd, unsigned int qid);
void vmbnet_hv_rescind(struct vmbnet_hv_dev *hd);
void vmbnet_hv_dev_remove(struct vmbnet_hv_dev *hd);

#endif /* _VMBNET_HV_CHANNEL_H */
