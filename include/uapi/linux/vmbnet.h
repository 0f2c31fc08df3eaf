/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmbnet: a network device whose packets cross VMBus-format shared rings.
 *
 * Everything user space sees of vmbnet is defined here: the /dev/vmbnet
 * ioctls and, as the data path grows, the ring and message layouts.
 * See Documentation/networking/device_drivers/ethernet/vmbnet.rst.
 */
#ifndef _UAPI_LINUX_VMBNET_H
#define _UAPI_LINUX_VMBNET_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Version of the /dev/vmbnet interface. The major number changes when an
 * existing ioctl or layout changes incompatibly, the minor number when one
 * is added.
 */
#define VMBNET_API_MAJOR	0
#define VMBNET_API_MINOR	1

struct vmbnet_version {
	__u32 major;
	__u32 minor;
};

#define VMBNET_IOC_MAGIC	0xBA

/* Reports the interface version; works on any open /dev/vmbnet. */
#define VMBNET_IOC_VERSION	_IOR(VMBNET_IOC_MAGIC, 0x00, struct vmbnet_version)

#endif /* _UAPI_LINUX_VMBNET_H */
