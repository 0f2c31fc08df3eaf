// SPDX-License-Identifier: GPL-2.0
/* Every frame to another CPU's cpumap queue, where the kernel builds the
 * skb and hands it to the stack of the device it came in on (selftests/
 * xdp.sh). xdp_load --cpumap CPU sets target_cpu and fills its entry.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* At most NR_CPUS, which is 8 in the debug kernel (tools/vm/debug.config). */
#define MAX_CPUS 8

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, MAX_CPUS);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpu_map SEC(".maps");

/* Entry 0: the CPU to redirect to (xdp_load --cpumap). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} target_cpu SEC(".maps");

SEC("xdp")
int xdp_redirect_cpu(struct xdp_md *ctx)
{
	__u32 key = 0, *cpu = bpf_map_lookup_elem(&target_cpu, &key);

	/* No entry for the CPU: XDP_ABORTED (the flags' low bits). */
	return cpu ? bpf_redirect_map(&cpu_map, *cpu, 0) : XDP_ABORTED;
}

char _license[] SEC("license") = "GPL";
