/* SPDX-License-Identifier: GPL-2.0 */
/* vmbnet: private definitions shared by the driver's files. */
#ifndef _VMBNET_H
#define _VMBNET_H

#include <linux/netdevice.h>
#include <linux/types.h>

#include "ring.h"

#define VMBNET_DRV_NAME		"vmbnet"
#define VMBNET_DRV_VERSION	"0.1.0"

/* Queue counts a device may be created with; queue 0 also carries control. */
#define VMBNET_MIN_QUEUES	1
#define VMBNET_MAX_QUEUES	64

struct netlink_ext_ack;
struct nlattr;

/* What is on the far side of the rings. */
enum vmbnet_endpoint_kind {
	VMBNET_ENDPOINT_NONE,
};

struct vmbnet_priv {
	struct net_device *dev;
	/* Stable id for bus-info; ifindex changes across netns moves. */
	int id;
	enum vmbnet_endpoint_kind endpoint;
};

/* netdev.c */
extern struct rtnl_link_ops vmbnet_link_ops;
#if IS_ENABLED(CONFIG_KUNIT)
int vmbnet_check_queues(const struct nlattr *attr,
			struct netlink_ext_ack *extack);
int vmbnet_check_mac(const struct nlattr *attr, struct netlink_ext_ack *extack);
int vmbnet_validate(struct nlattr *tb[], struct nlattr *data[],
		    struct netlink_ext_ack *extack);
unsigned int vmbnet_default_queues(void);
#endif

/* ring_mem.c: the pages behind one ring, for transports that allocate them. */
struct vmbnet_ring_mem {
	struct page **pages;	/* control page, then data pages */
	unsigned int npages;
	void *vaddr;		/* control page, then the data pages twice */
	u32 size;		/* data bytes */
};

int vmbnet_ring_mem_alloc(struct vmbnet_ring_mem *m, u32 size);
void vmbnet_ring_mem_free(struct vmbnet_ring_mem *m);
void vmbnet_ring_mem_attach(struct vmbnet_ring_mem *m, struct vmbnet_ring *r);

/* ethtool.c */
extern const struct ethtool_ops vmbnet_ethtool_ops;

/* sysfs.c */
extern const struct attribute_group vmbnet_sysfs_group;
const char *vmbnet_endpoint_name(enum vmbnet_endpoint_kind kind);

/* cdev.c */
int vmbnet_cdev_init(void);
void vmbnet_cdev_exit(void);

#endif /* _VMBNET_H */
