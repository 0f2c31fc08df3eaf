// SPDX-License-Identifier: GPL-2.0
/* The XDP benchmark's program (tools/bench/xdp.sh), the same on every
 * device: XDP_DROP, or with -DBENCH_TX the frame back where it came from
 * (MAC addresses swapped), XDP_TX.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_bench(struct xdp_md *ctx)
{
#ifdef BENCH_TX
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	unsigned char mac[ETH_ALEN];

	if ((void *)(eth + 1) > end)
		return XDP_DROP;
	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	return XDP_TX;
#else
	return XDP_DROP;
#endif
}

char _license[] SEC("license") = "GPL";
