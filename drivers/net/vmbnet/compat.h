/* SPDX-License-Identifier: GPL-2.0 */
/* vmbnet: the differences between the kernels vmbnet supports (6.1, 6.12). */
#ifndef _VMBNET_COMPAT_H
#define _VMBNET_COMPAT_H

#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/virtio_net.h>

/* UDP_L4 in virtio_net_hdr_{from,to}_skb() arrived in 6.2: before that USO
 * is not offered, and the stack segments UDP in software.
 */
#ifdef VIRTIO_NET_HDR_GSO_UDP_L4
#define VMBNET_HAVE_USO	1
#else
#define VMBNET_HAVE_USO	0
#define VIRTIO_NET_HDR_GSO_UDP_L4	5
#endif

/* The Makefile looks in the kernel's headers for what it has, and defines
 * VMBNET_HAVE_*: versions would miss distribution backports.
 */

/* Kconfig selects it in tree; out of tree the kernel must have it. */
#if !IS_ENABLED(CONFIG_PAGE_POOL)
#error "vmbnet needs a kernel built with CONFIG_PAGE_POOL"
#endif
/* page_pool's header split in 6.6; fragments needed a flag before then. */
#ifdef VMBNET_HAVE_PP_HELPERS
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif
#ifdef PP_FLAG_PAGE_FRAG
#define VMBNET_PP_FLAGS		PP_FLAG_PAGE_FRAG
#else
#define VMBNET_PP_FLAGS		0
#endif

/* vm_flags became read-only behind helpers in 6.3. */
#ifndef VMBNET_HAVE_VM_FLAGS_SET
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}
#endif

/* VMBNET_HAVE_RXFH_PARAM: RSS settings in one struct for get/set_rxfh
 * (6.8). VMBNET_HAVE_RXFH_FIELDS: flow hash fields out of get/set_rxnfc
 * into ops of their own (6.17, and backported to Debian's 6.12).
 */

/* Each queue's NAPI for netdev netlink (queue-get), 6.8. */
#ifndef VMBNET_HAVE_QUEUE_NAPI
#define NETDEV_QUEUE_TYPE_RX	0
#define NETDEV_QUEUE_TYPE_TX	1
static inline void netif_queue_set_napi(struct net_device *dev,
					unsigned int queue_index, int type,
					struct napi_struct *napi)
{
}
#endif

#ifdef VMBNET_HAVE_QSTATS
#include <net/netdev_queues.h>
#endif

/* hv_vmbus exports it for uio_hv_generic, whose rescind callback vmbnet_hv
 * shares, but declares it only in its private header (6.1 and 6.12 alike).
 */
struct hv_device;
void vmbus_device_unregister(struct hv_device *device_obj);

#endif /* _VMBNET_COMPAT_H */
