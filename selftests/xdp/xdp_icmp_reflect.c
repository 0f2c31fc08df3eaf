// SPDX-License-Identifier: GPL-2.0
/* An IPv4 ICMP echo request goes back where it came from as the echo
 * reply (XDP_TX): Ethernet and IP addresses swapped, the type changed and
 * the ICMP checksum updated for it. Everything else passes, ARP included,
 * so the peer can find the device; the stack never sees the requests
 * (selftests/xdp.sh).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define IP_MF		0x2000
#define IP_OFFSET	0x1fff
#define ICMP_ECHOREPLY	0
#define ICMP_ECHO	8

/* <linux/icmp.h>'s icmphdr, whose header pulls in the C library's. */
struct icmp_echo {
	__u8 type;
	__u8 code;
	__u16 checksum;
	__be16 id;
	__be16 sequence;
};

/* RFC 1624: the checksum after a 16-bit word changes from old to new (all
 * three as they are in the packet; a ones' complement sum does not care
 * which byte order).
 */
static __always_inline __u16 csum_replace2(__u16 check, __u16 old, __u16 new)
{
	__u32 sum = (__u16)~check + (__u16)~old + new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

SEC("xdp")
int xdp_icmp_reflect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct icmp_echo *icmp;
	struct iphdr *iph;
	__u8 mac[ETH_ALEN];
	__u16 old, new;
	__be32 addr;

	iph = (void *)(eth + 1);
	icmp = (void *)(iph + 1);
	if ((void *)(icmp + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || iph->ihl != 5 ||
	    iph->protocol != IPPROTO_ICMP ||
	    (iph->frag_off & bpf_htons(IP_MF | IP_OFFSET)))
		return XDP_PASS;
	if (icmp->type != ICMP_ECHO || icmp->code != 0)
		return XDP_PASS;

	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	addr = iph->saddr;
	iph->saddr = iph->daddr;
	iph->daddr = addr;
	/* Type and code are one 16-bit word of the checksum. */
	old = *(__u16 *)icmp;
	icmp->type = ICMP_ECHOREPLY;
	new = *(__u16 *)icmp;
	icmp->checksum = csum_replace2(icmp->checksum, old, new);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
