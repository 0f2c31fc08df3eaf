// SPDX-License-Identifier: GPL-2.0
/* A frame with an 802.1Q tag loses it: the MAC addresses move 4 bytes
 * forward, over the tag, and the frame starts there. Every frame passes.
 * The stack behind sees the frame untagged only if the driver keeps the
 * program's bpf_xdp_adjust_head() (selftests/xdp.sh).
 */
#include "xdp_vlan.h"

SEC("xdp")
int xdp_vlan_pop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct macs macs;

	if (data + ETH_HLEN + VLAN_HLEN > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_8021Q))
		return XDP_PASS;
	__builtin_memcpy(&macs, data, MACS_LEN);
	if (bpf_xdp_adjust_head(ctx, VLAN_HLEN))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + ETH_HLEN > data_end)
		return XDP_ABORTED;
	/* The encapsulated EtherType is already where h_proto goes. */
	__builtin_memcpy(data, &macs, MACS_LEN);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
