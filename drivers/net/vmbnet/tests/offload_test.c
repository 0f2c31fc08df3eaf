// SPDX-License-Identifier: GPL-2.0
/* KUnit tests for vmbnet's offload translation: the features an endpoint's
 * offer makes possible, every received header the driver must refuse, and
 * skb -> virtio_net_hdr -> skb round trips for each checksum and GSO case,
 * through the same calls the data path makes.
 */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/virtio_net.h>

#include "../vmbnet.h"

#define F(bit)	BIT_ULL(VMBNET_F_##bit)
#define ALL	(F(CSUM) | F(GUEST_CSUM) | F(HOST_TSO4) | F(HOST_TSO6) | \
		 F(GUEST_TSO4) | F(GUEST_TSO6) | F(HOST_USO) | F(GUEST_USO4) | \
		 F(GUEST_USO6))

#define V4_TCP	(ETH_HLEN + sizeof(struct iphdr))	/* transport offset */
#define V6_TCP	(ETH_HLEN + sizeof(struct ipv6hdr))

static void vmbnet_offload_hw_features(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vmbnet_hw_features(0), 0);
	/* Segmentation needs the endpoint to finish checksums. */
	KUNIT_EXPECT_EQ(test, vmbnet_hw_features(F(HOST_TSO4) | F(HOST_TSO6)), 0);
	KUNIT_EXPECT_EQ(test, vmbnet_hw_features(F(CSUM)), NETIF_F_HW_CSUM);
	KUNIT_EXPECT_EQ(test, vmbnet_hw_features(F(CSUM) | F(HOST_TSO4)),
			NETIF_F_HW_CSUM | NETIF_F_TSO);
	KUNIT_EXPECT_EQ(test, vmbnet_hw_features(F(CSUM) | F(HOST_TSO6)),
			NETIF_F_HW_CSUM | NETIF_F_TSO6);
	KUNIT_EXPECT_EQ(test, vmbnet_hw_features(F(CSUM) | F(HOST_USO)),
			NETIF_F_HW_CSUM | NETIF_F_GSO_UDP_L4);
	KUNIT_EXPECT_EQ(test, vmbnet_hw_features(F(GUEST_CSUM)), NETIF_F_RXCSUM);
	KUNIT_EXPECT_EQ(test, vmbnet_hw_features(F(HASH_REPORT)), NETIF_F_RXHASH);
	/* LRO: coalescing the endpoint can be told to stop. */
	KUNIT_EXPECT_EQ(test, vmbnet_hw_features(F(GUEST_TSO4)), 0);
	KUNIT_EXPECT_EQ(test, vmbnet_hw_features(F(CTRL_GUEST_OFFLOADS)), 0);
	KUNIT_EXPECT_EQ(test, vmbnet_hw_features(F(CTRL_GUEST_OFFLOADS) | F(GUEST_TSO6)),
			NETIF_F_LRO);
	KUNIT_EXPECT_EQ(test, vmbnet_guest_offloads(ALL, true),
			F(GUEST_CSUM) | F(GUEST_TSO4) | F(GUEST_TSO6) |
			F(GUEST_USO4) | F(GUEST_USO6));
	KUNIT_EXPECT_EQ(test, vmbnet_guest_offloads(ALL, false), F(GUEST_CSUM));
	KUNIT_EXPECT_EQ(test, vmbnet_guest_offloads(F(GUEST_TSO4), true), F(GUEST_TSO4));
	/* XDP: coalescing absent, or one the endpoint can be told to stop. */
	KUNIT_EXPECT_TRUE(test, vmbnet_rsc_stoppable(F(GUEST_CSUM) | F(CSUM)));
	KUNIT_EXPECT_TRUE(test, vmbnet_rsc_stoppable(F(GUEST_TSO4) | F(CTRL_GUEST_OFFLOADS)));
	KUNIT_EXPECT_FALSE(test, vmbnet_rsc_stoppable(F(GUEST_TSO4)));
	KUNIT_EXPECT_FALSE(test, vmbnet_rsc_stoppable(F(GUEST_USO6)));
	/* Only agreed features: never more than supported. */
	KUNIT_EXPECT_EQ(test, vmbnet_supported_features() & ~ALL &
			~(F(MQ) | F(MTU) | F(MAC) | F(STATUS) | F(RSS) |
			  F(STANDBY) | F(SPEED_DUPLEX) | F(HASH_REPORT) |
			  F(CTRL_GUEST_OFFLOADS)), 0);
	/* A VF data path (vf.c): offloads none, SET_DATA_PATH. */
	KUNIT_EXPECT_TRUE(test, vmbnet_supported_features() & F(STANDBY));
	KUNIT_EXPECT_EQ(test, vmbnet_hw_features(F(STANDBY)), 0);
	KUNIT_EXPECT_TRUE(test, vmbnet_supported_features() & F(HOST_TSO4));
}

struct rx_hdr_case {
	const char *name;
	u8 flags, gso_type;
	u16 hdr_len, gso_size, csum_start, csum_offset;
	u32 frame_len;
	u64 features;
	int err;
};

#define NC	VIRTIO_NET_HDR_F_NEEDS_CSUM
#define DV	VIRTIO_NET_HDR_F_DATA_VALID
#define G4	VIRTIO_NET_HDR_GSO_TCPV4
#define G6	VIRTIO_NET_HDR_GSO_TCPV6

static const struct rx_hdr_case rx_hdr_cases[] = {
	{ "plain", 0, 0, 0, 0, 0, 0, 60, 0, 0 },
	{ "data_valid", DV, 0, 0, 0, 0, 0, 60, ALL, 0 },
	{ "partial_tcp", NC, 0, 0, 0, V4_TCP, 16, 100, ALL, 0 },
	{ "partial_udp", NC, 0, 0, 0, V4_TCP, 6, 100, ALL, 0 },
	{ "tso4", NC, G4, 66, 1448, V4_TCP, 16, 9000, ALL, 0 },
	{ "tso6", NC, G6, 86, 1428, V6_TCP, 16, 9000, ALL, 0 },
	{ "bad_shorter_than_ethernet", 0, 0, 0, 0, 0, 0, 13, ALL, -EINVAL },
	{ "bad_hdr_len_past_frame", 0, 0, 200, 0, 0, 0, 100, ALL, -EINVAL },
	{ "bad_rsc_info_flag", VIRTIO_NET_HDR_F_RSC_INFO, 0, 0, 0, 0, 0, 60, ALL, -EINVAL },
	{ "bad_unknown_flag", 0x80, 0, 0, 0, 0, 0, 60, ALL, -EINVAL },
	{ "bad_csum_not_agreed", NC, 0, 0, 0, V4_TCP, 16, 100, F(CSUM), -EINVAL },
	{ "bad_data_valid_not_agreed", DV, 0, 0, 0, 0, 0, 60, F(CSUM), -EINVAL },
	{ "bad_csum_start_in_ethernet", NC, 0, 0, 0, 10, 16, 100, ALL, -EINVAL },
	{ "bad_csum_offset_odd", NC, 0, 0, 0, V4_TCP, 15, 100, ALL, -EINVAL },
	{ "bad_csum_past_frame", NC, 0, 0, 0, 90, 16, 100, ALL, -EINVAL },
	{ "bad_csum_start_huge", NC, 0, 0, 0, 0xffff, 16, 100, ALL, -EINVAL },
	{ "bad_gso_without_csum", 0, G4, 66, 1448, 0, 0, 9000, ALL, -EINVAL },
	{ "bad_tso4_not_agreed", NC, G4, 66, 1448, V4_TCP, 16, 9000,
	  ALL & ~F(GUEST_TSO4), -EINVAL },
	{ "bad_tso6_not_agreed", NC, G6, 86, 1428, V6_TCP, 16, 9000,
	  ALL & ~F(GUEST_TSO6), -EINVAL },
	{ "bad_ufo", NC, VIRTIO_NET_HDR_GSO_UDP, 42, 1400, V4_TCP, 6, 9000, ALL, -EINVAL },
	{ "bad_ecn", NC, G4 | VIRTIO_NET_HDR_GSO_ECN, 66, 1448, V4_TCP, 16, 9000,
	  ALL, -EINVAL },
	{ "bad_gso_type_2", NC, 2, 66, 1448, V4_TCP, 16, 9000, ALL, -EINVAL },
	{ "bad_gso_size_zero", NC, G4, 66, 0, V4_TCP, 16, 9000, ALL, -EINVAL },
	{ "bad_gso_size_tiny", NC, G4, 66, 7, V4_TCP, 16, 9000, ALL, -EINVAL },
	{ "bad_gso_size_past_frame", NC, G4, 66, 9001, V4_TCP, 16, 9000, ALL, -EINVAL },
	{ "bad_tso_csum_offset_udp", NC, G4, 66, 1448, V4_TCP, 6, 9000, ALL, -EINVAL },
	{ "bad_tso_csum_start_in_ip", NC, G4, 66, 1448, ETH_HLEN + 8, 16, 9000,
	  ALL, -EINVAL },
	{ "bad_gso_size_without_gso", 0, 0, 0, 1448, 0, 0, 100, ALL, -EINVAL },
	{ "bad_uso_csum_offset_tcp", NC, VIRTIO_NET_HDR_GSO_UDP_L4, 42, 1400,
	  V4_TCP, 16, 9000, ALL, -EINVAL },
};

static void rx_hdr_case_desc(const struct rx_hdr_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rx_hdr, rx_hdr_cases, rx_hdr_case_desc);

static void vmbnet_offload_rx_hdr(struct kunit *test)
{
	const struct rx_hdr_case *c = test->param_value;
	struct virtio_net_hdr_mrg_rxbuf vh = {
		.hdr = {
			.flags = c->flags,
			.gso_type = c->gso_type,
			.hdr_len = __cpu_to_virtio16(true, c->hdr_len),
			.gso_size = __cpu_to_virtio16(true, c->gso_size),
			.csum_start = __cpu_to_virtio16(true, c->csum_start),
			.csum_offset = __cpu_to_virtio16(true, c->csum_offset),
		},
	};

	KUNIT_EXPECT_EQ(test, vmbnet_rx_hdr_check(&vh, c->frame_len, c->features),
			c->err);
}

/* An Ethernet + IPv4/IPv6 + TCP/UDP frame with payload, as a linear skb. */
static struct sk_buff *make_frame(struct kunit *test, bool v6, bool udp,
				  u32 payload)
{
	u32 l3 = v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	u32 l4 = udp ? sizeof(struct udphdr) : sizeof(struct tcphdr);
	u32 len = ETH_HLEN + l3 + l4 + payload;
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);
	struct ethhdr *eth;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_put_zero(skb, len);
	skb_reset_mac_header(skb);
	eth = eth_hdr(skb);
	eth_random_addr(eth->h_dest);
	eth_random_addr(eth->h_source);
	eth->h_proto = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);
	skb->protocol = eth->h_proto;
	skb_set_network_header(skb, ETH_HLEN);
	if (v6) {
		struct ipv6hdr *ip6 = ipv6_hdr(skb);

		ip6->version = 6;
		ip6->payload_len = htons(l4 + payload);
		ip6->nexthdr = udp ? IPPROTO_UDP : IPPROTO_TCP;
		ip6->hop_limit = 64;
	} else {
		struct iphdr *ip = ip_hdr(skb);

		ip->version = 4;
		ip->ihl = 5;
		ip->tot_len = htons(l3 + l4 + payload);
		ip->protocol = udp ? IPPROTO_UDP : IPPROTO_TCP;
		ip->ttl = 64;
	}
	skb_set_transport_header(skb, ETH_HLEN + l3);
	if (udp)
		udp_hdr(skb)->len = htons(l4 + payload);
	else
		tcp_hdr(skb)->doff = 5;
	return skb;
}

struct roundtrip_case {
	const char *name;
	bool v6, udp, partial;
	unsigned int gso_type;	/* SKB_GSO_* */
	u16 gso_size;
	u8 vnet_gso;		/* what the header must say */
};

static const struct roundtrip_case roundtrip_cases[] = {
	{ "no_offload_v4", false, false, false, 0, 0, VIRTIO_NET_HDR_GSO_NONE },
	{ "csum_tcp_v4", false, false, true, 0, 0, VIRTIO_NET_HDR_GSO_NONE },
	{ "csum_udp_v6", true, true, true, 0, 0, VIRTIO_NET_HDR_GSO_NONE },
	{ "tso_v4", false, false, true, SKB_GSO_TCPV4, 1448, G4 },
	{ "tso_v6", true, false, true, SKB_GSO_TCPV6, 1428, G6 },
};

static void roundtrip_case_desc(const struct roundtrip_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(roundtrip, roundtrip_cases, roundtrip_case_desc);

/* Transmit side builds the header from an skb (virtio_net_hdr_from_skb),
 * the receiving driver checks it and applies it to a copy of the frame
 * (virtio_net_hdr_to_skb): the copy must come out as the original went in.
 */
static void vmbnet_offload_roundtrip(struct kunit *test)
{
	const struct roundtrip_case *c = test->param_value;
	u32 payload = c->gso_size ? 4 * c->gso_size : 200;
	struct virtio_net_hdr_mrg_rxbuf vh;
	struct sk_buff *tx, *rx;
	int summed;

	tx = make_frame(test, c->v6, c->udp, payload);
	if (c->partial) {
		tx->ip_summed = CHECKSUM_PARTIAL;
		tx->csum_start = skb_transport_header(tx) - tx->head;
		tx->csum_offset = c->udp ? offsetof(struct udphdr, check) :
					   offsetof(struct tcphdr, check);
	}
	if (c->gso_type) {
		skb_shinfo(tx)->gso_type = c->gso_type;
		skb_shinfo(tx)->gso_size = c->gso_size;
	}
	KUNIT_ASSERT_EQ(test, virtio_net_hdr_from_skb(tx, &vh.hdr, true, false, 0), 0);
	KUNIT_EXPECT_EQ(test, vh.hdr.gso_type, c->vnet_gso);
	KUNIT_EXPECT_EQ(test, vmbnet_rx_hdr_check(&vh, tx->len, ALL), 0);

	rx = alloc_skb(tx->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rx);
	skb_put_data(rx, tx->data, tx->len);
	KUNIT_ASSERT_EQ(test, virtio_net_hdr_to_skb(rx, &vh.hdr, true), 0);
	summed = rx->ip_summed;
	if (c->partial) {
		KUNIT_EXPECT_EQ(test, summed, CHECKSUM_PARTIAL);
		KUNIT_EXPECT_EQ(test, skb_checksum_start_offset(rx),
				skb_checksum_start_offset(tx));
		KUNIT_EXPECT_EQ(test, rx->csum_offset, tx->csum_offset);
	} else {
		KUNIT_EXPECT_EQ(test, summed, CHECKSUM_NONE);
	}
	KUNIT_EXPECT_EQ(test, skb_shinfo(rx)->gso_size, c->gso_size);
	KUNIT_EXPECT_EQ(test, skb_shinfo(rx)->gso_type & ~SKB_GSO_DODGY, c->gso_type);
	/* A frame that claims the wrong protocol for its GSO type is refused. */
	rx->protocol = htons(c->v6 ? ETH_P_IP : ETH_P_IPV6);
	KUNIT_EXPECT_EQ(test, vmbnet_rx_gso_proto_ok(rx, vh.hdr.gso_type),
			!c->gso_type);
	kfree_skb(rx);
	kfree_skb(tx);
}

/* GSO frames on a VLAN: the protocol inside the tags (at skb->data, as
 * eth_type_trans() leaves it) must match the GSO type; endless tags fail.
 */
static void vmbnet_offload_vlan_gso(struct kunit *test)
{
	struct sk_buff *skb = alloc_skb(VLAN_MAX_DEPTH * VLAN_HLEN + 64, GFP_KERNEL);
	struct vlan_hdr *vh;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	vh = skb_put_zero(skb, VLAN_MAX_DEPTH * VLAN_HLEN + 64);
	skb->protocol = htons(ETH_P_8021Q);
	vh[0].h_vlan_encapsulated_proto = htons(ETH_P_IP);
	KUNIT_EXPECT_TRUE(test, vmbnet_rx_gso_proto_ok(skb, VIRTIO_NET_HDR_GSO_TCPV4));
	KUNIT_EXPECT_FALSE(test, vmbnet_rx_gso_proto_ok(skb, VIRTIO_NET_HDR_GSO_TCPV6));
	KUNIT_EXPECT_TRUE(test, vmbnet_rx_gso_proto_ok(skb, VIRTIO_NET_HDR_GSO_UDP_L4));
	/* QinQ, IPv6 inside. */
	skb->protocol = htons(ETH_P_8021AD);
	vh[0].h_vlan_encapsulated_proto = htons(ETH_P_8021Q);
	vh[1].h_vlan_encapsulated_proto = htons(ETH_P_IPV6);
	KUNIT_EXPECT_TRUE(test, vmbnet_rx_gso_proto_ok(skb, VIRTIO_NET_HDR_GSO_TCPV6));
	KUNIT_EXPECT_FALSE(test, vmbnet_rx_gso_proto_ok(skb, VIRTIO_NET_HDR_GSO_TCPV4));
	/* Tags all the way: refused, not walked past the frame. */
	for (i = 0; i < VLAN_MAX_DEPTH; i++)
		vh[i].h_vlan_encapsulated_proto = htons(ETH_P_8021Q);
	KUNIT_EXPECT_FALSE(test, vmbnet_rx_gso_proto_ok(skb, VIRTIO_NET_HDR_GSO_TCPV4));
	skb_trim(skb, VLAN_HLEN);
	KUNIT_EXPECT_FALSE(test, vmbnet_rx_gso_proto_ok(skb, VIRTIO_NET_HDR_GSO_TCPV4));
	kfree_skb(skb);
}

/* The hash report: a longer header, and each virtio type read as virtio_net
 * reads it; anything else refused.
 */
static void vmbnet_offload_hash_report(struct kunit *test)
{
	static const struct {
		u16 report;
		int err;
		enum pkt_hash_types type;
	} cases[] = {
		{ VIRTIO_NET_HASH_REPORT_NONE, 0, PKT_HASH_TYPE_NONE },
		{ VIRTIO_NET_HASH_REPORT_IPv4, 0, PKT_HASH_TYPE_L3 },
		{ VIRTIO_NET_HASH_REPORT_TCPv4, 0, PKT_HASH_TYPE_L4 },
		{ VIRTIO_NET_HASH_REPORT_UDPv4, 0, PKT_HASH_TYPE_L4 },
		{ VIRTIO_NET_HASH_REPORT_IPv6, 0, PKT_HASH_TYPE_L3 },
		{ VIRTIO_NET_HASH_REPORT_TCPv6, 0, PKT_HASH_TYPE_L4 },
		{ VIRTIO_NET_HASH_REPORT_UDPv6, 0, PKT_HASH_TYPE_L4 },
		{ VIRTIO_NET_HASH_REPORT_IPv6_EX, 0, PKT_HASH_TYPE_L3 },
		{ VIRTIO_NET_HASH_REPORT_TCPv6_EX, 0, PKT_HASH_TYPE_L4 },
		{ VIRTIO_NET_HASH_REPORT_UDPv6_EX, 0, PKT_HASH_TYPE_L4 },
		{ VIRTIO_NET_HASH_REPORT_UDPv6_EX + 1, -EINVAL },
		{ 0xffff, -EINVAL },
	};
	enum pkt_hash_types type;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, vmbnet_rx_hdr_len(VMBNET_MSG_DATA), 12);
	KUNIT_EXPECT_EQ(test, vmbnet_rx_hdr_len(VMBNET_MSG_DATA_HASH), 20);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		type = PKT_HASH_TYPE_NONE;
		KUNIT_EXPECT_EQ_MSG(test, vmbnet_rx_hash_type(cases[i].report, &type),
				    cases[i].err, "report %u", cases[i].report);
		if (!cases[i].err)
			KUNIT_EXPECT_EQ_MSG(test, type, cases[i].type, "report %u",
					    cases[i].report);
	}
}

static struct kunit_case vmbnet_offload_cases[] = {
	KUNIT_CASE(vmbnet_offload_hash_report),
	KUNIT_CASE(vmbnet_offload_vlan_gso),
	KUNIT_CASE(vmbnet_offload_hw_features),
	KUNIT_CASE_PARAM(vmbnet_offload_rx_hdr, rx_hdr_gen_params),
	KUNIT_CASE_PARAM(vmbnet_offload_roundtrip, roundtrip_gen_params),
	{}
};

static struct kunit_suite vmbnet_offload_suite = {
	.name = "vmbnet_offload",
	.test_cases = vmbnet_offload_cases,
};

kunit_test_suite(vmbnet_offload_suite);
