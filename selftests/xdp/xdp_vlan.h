/* SPDX-License-Identifier: GPL-2.0 */
/* What the VLAN programs share (selftests/xdp.sh). */
#ifndef XDP_VLAN_H
#define XDP_VLAN_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define VLAN_HLEN	4
#define VLAN_ID		10
#define MACS_LEN	(2 * ETH_ALEN)

/* The two MAC addresses, moved as one. */
struct macs {
	__u8 addr[MACS_LEN];
};

#endif /* XDP_VLAN_H */
