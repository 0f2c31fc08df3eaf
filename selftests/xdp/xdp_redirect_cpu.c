// SPDX-License-Identifier: GPL-2.0
/* Every frame to another CPU's cpumap queue, where the kernel builds the
 * skb and hands it to the stack of the device it came in on (selftests/
 * xdp.sh). xdp_load --cpumap CPU sets target_cpu and fills its entry.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_CPUS 64

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, MAX_CPUS);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpu_map SEC(".maps");

const volatile __u32 target_cpu;

SEC("xdp")
int xdp_redirect_cpu(struct xdp_md *ctx)
{
	/* No entry for target_cpu: XDP_ABORTED (the flags' low bits). */
	return bpf_redirect_map(&cpu_map, target_cpu, 0);
}

char _license[] SEC("license") = "GPL";
