// SPDX-License-Identifier: GPL-2.0
/* An untagged IPv4, ARP or IPv6 frame gets a tag for VLAN 10: the frame
 * grows 4 bytes at its front, the MAC addresses move there, and the tag
 * goes between them and the EtherType. Every frame passes. A VLAN device
 * on top takes the frame only if the driver keeps the program's
 * bpf_xdp_adjust_head() (selftests/xdp.sh).
 */
#include "xdp_vlan.h"

SEC("xdp")
int xdp_vlan_push(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct macs macs;
	__be16 *tag;

	if (data + ETH_HLEN > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) &&
	    eth->h_proto != bpf_htons(ETH_P_ARP) &&
	    eth->h_proto != bpf_htons(ETH_P_IPV6))
		return XDP_PASS;
	__builtin_memcpy(&macs, data, MACS_LEN);
	if (bpf_xdp_adjust_head(ctx, -VLAN_HLEN))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + ETH_HLEN + VLAN_HLEN > data_end)
		return XDP_ABORTED;
	__builtin_memcpy(data, &macs, MACS_LEN);
	/* TPID and TCI (priority 0); the old EtherType follows them. */
	tag = data + MACS_LEN;
	tag[0] = bpf_htons(ETH_P_8021Q);
	tag[1] = bpf_htons(VLAN_ID);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
