/* SPDX-License-Identifier: GPL-2.0 */
/* vmbnet: the differences between the kernels vmbnet supports (6.1, 6.12). */
#ifndef _VMBNET_COMPAT_H
#define _VMBNET_COMPAT_H

#include <linux/mm.h>
#include <linux/version.h>
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

/* vm_flags became read-only behind helpers in 6.3. */
#if KERNEL_VERSION(6, 3, 0) > LINUX_VERSION_CODE
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}
#endif

/* RSS settings came in one struct in 6.8 (get_rxfh/set_rxfh). */
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
#define VMBNET_HAVE_RXFH_PARAM	1
#else
#define VMBNET_HAVE_RXFH_PARAM	0
#endif

/* Flow hash fields moved out of get/set_rxnfc into their own ops (6.17,
 * and backported): the Makefile looks for them in ethtool.h and defines
 * VMBNET_HAVE_RXFH_FIELDS.
 */

#endif /* _VMBNET_COMPAT_H */
