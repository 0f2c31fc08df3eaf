// SPDX-License-Identifier: GPL-2.0
/* Every frame to the device in tx_port's entry 0 (a devmap; xdp_load
 * --devmap IFNAME fills it): out of vmbnet into another device, or into
 * vmbnet through its ndo_xdp_xmit (selftests/xdp.sh).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} tx_port SEC(".maps");

SEC("xdp")
int xdp_redirect_map(struct xdp_md *ctx)
{
	/* No entry: XDP_ABORTED (the flags' low bits). */
	return bpf_redirect_map(&tx_port, 0, 0);
}

char _license[] SEC("license") = "GPL";
