/* SPDX-License-Identifier: GPL-2.0 */
/* vmbnet: everything a transport may use, and nothing else.
 *
 * A transport brings the far side of a vmbnet device's rings: a process
 * through /dev/vmbnet (cdev.c), a VMBus channel (vmbnet_hv.ko), a test. It
 * describes its rings and doorbell in a struct vmbnet_endpoint and attaches
 * that to a device: one made with `ip link add type vmbnet`, or its own,
 * made with vmbnet_create() under its struct device. The device outlives
 * its endpoints; the data path, ring and control protocol are the core's.
 *
 * Contexts:
 *   vmbnet_create(), vmbnet_destroy(), vmbnet_detach(): process context,
 *	RTNL not held (they take it);
 *   vmbnet_attach(), vmbnet_dev_*(): RTNL held;
 *   vmbnet_kick(), vmbnet_queues_added(), vmbnet_detach_async(): any
 *	context, hard IRQ included.
 * The core calls ops->signal in any context but hard IRQ (NAPI, xmit) and
 * never sleeps there; ops->detached under RTNL, in process context.
 */
#ifndef _VMBNET_TRANSPORT_H
#define _VMBNET_TRANSPORT_H

#include <linux/netdevice.h>
#include <linux/types.h>
#include <uapi/linux/vmbnet.h>

struct device;
struct vmbnet_endpoint;

struct vmbnet_endpoint_ops {
	/* First word of /sys/class/net/<if>/vmbnet/endpoint ("user"). */
	const char *name;
	/* Wake the far side of queue qid: it has something to read or room
	 * it asked for. Must not sleep.
	 */
	void (*signal)(struct vmbnet_endpoint *ep, unsigned int qid);
	/* The device let go of the endpoint and will not touch its rings
	 * again. restart: it wants the endpoint back, on new rings (a ring
	 * broke the protocol, or the user chose a new ring size).
	 */
	void (*detached)(struct vmbnet_endpoint *ep, bool restart);
	/* Optional: the rest of the endpoint file's line ("pid=42"). Under
	 * rcu_read_lock(): must not sleep.
	 */
	int (*describe)(struct vmbnet_endpoint *ep, char *buf, size_t size);
};

/* One queue's two rings, as the endpoint's transport maps them: each a
 * control page, then ring_size bytes of data mapped twice back to back.
 */
struct vmbnet_endpoint_queue {
	struct vmbnet_ring_ctrl *tx_ctrl;	/* outbound: the driver writes */
	u8 *tx_data;
	struct vmbnet_ring_ctrl *rx_ctrl;	/* inbound: the endpoint writes */
	u8 *rx_data;
};

/* What a transport attaches: its doorbell and its rings. It owns the
 * structure and keeps it, and the rings, until ops->detached has been
 * called or vmbnet_detach()/vmbnet_destroy() has returned.
 */
struct vmbnet_endpoint {
	const struct vmbnet_endpoint_ops *ops;
	u32 ring_size;				/* a valid ring size */
	unsigned int max_queues;		/* entries in queues[] */
	/* Queues whose rings are in queues[] at attach; more may follow
	 * (vmbnet_queues_added()), up to max_queues.
	 */
	unsigned int num_queues;
	struct vmbnet_endpoint_queue *queues;

	/* The core's, while attached. */
	struct net_device __rcu *dev;
	netdevice_tracker dev_tracker;
	bool detach_pending;			/* vmbnet_detach_async() */
};

/* Devices. */
struct net_device *vmbnet_create(struct device *parent, unsigned int queues);
void vmbnet_destroy(struct net_device *dev);
struct net_device *vmbnet_dev_get_by_name(struct net *net, const char *name);
unsigned int vmbnet_dev_max_queues(struct net_device *dev);
u32 vmbnet_dev_ring_size(struct net_device *dev);

/* Endpoints. */
int vmbnet_attach(struct net_device *dev, struct vmbnet_endpoint *ep,
		  bool replace);
void vmbnet_detach(struct vmbnet_endpoint *ep);
void vmbnet_detach_async(struct vmbnet_endpoint *ep);
void vmbnet_kick(struct vmbnet_endpoint *ep, unsigned int qid);
void vmbnet_queues_added(struct vmbnet_endpoint *ep, unsigned int num_queues);
u64 vmbnet_supported_features(void);

/* Rings the transport allocates itself (the user endpoint; VMBus channels
 * bring their own): zeroed pages, the data mapped twice.
 */
struct vmbnet_ring_mem {
	struct page **pages;	/* control page, then data pages */
	unsigned int npages;
	void *vaddr;		/* control page, then the data pages twice */
	struct vmbnet_ring_ctrl *ctrl;	/* vaddr */
	u8 *data;		/* a page on: size bytes, then them again */
	u32 size;		/* data bytes */
};

int vmbnet_ring_mem_alloc(struct vmbnet_ring_mem *m, u32 size);
void vmbnet_ring_mem_free(struct vmbnet_ring_mem *m);

#endif /* _VMBNET_TRANSPORT_H */
