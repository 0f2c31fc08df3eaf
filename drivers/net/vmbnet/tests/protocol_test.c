// SPDX-License-Identifier: GPL-2.0
/* KUnit tests for vmbnet's control protocol rules: every message good,
 * truncated, oversized, unknown and out of range; and the Toeplitz hash
 * against Microsoft's RSS verification vectors.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "../protocol.h"

/* One good message of each type, built fresh for each case. */
static u32 good_msg(u16 type, u8 *buf)
{
	union {
		struct vmbnet_ctl_init init;
		struct vmbnet_ctl_accept accept;
		struct vmbnet_ctl_mac mac;
		struct vmbnet_ctl_value value;
		struct vmbnet_ctl_rss rss;
		struct vmbnet_ctl_offer offer;
		struct vmbnet_ctl_status status;
		struct vmbnet_ctl_link link;
		struct vmbnet_ctl_offloads offloads;
		struct {
			struct vmbnet_ctl_rx_filter f;
			u8 mc[2][8];
		} rx;
	} *m = (void *)buf;
	static const u8 mac[6] = { 0x02, 1, 2, 3, 4, 5 };
	unsigned int i;

	memset(buf, 0, 512);
	switch (type) {
	case VMBNET_MSG_INIT:
		m->init.version_min = cpu_to_le32(1);
		m->init.version_max = cpu_to_le32(1);
		return sizeof(m->init);
	case VMBNET_MSG_ACCEPT:
		m->accept.version = cpu_to_le32(1);
		return sizeof(m->accept);
	case VMBNET_MSG_SET_MAC:
		memcpy(m->mac.mac, mac, 6);
		return sizeof(m->mac);
	case VMBNET_MSG_SET_MTU:
		m->value.value = cpu_to_le32(9000);
		return sizeof(m->value);
	case VMBNET_MSG_SET_QUEUES:
		m->value.value = cpu_to_le32(4);
		return sizeof(m->value);
	case VMBNET_MSG_SET_STATE:
	case VMBNET_MSG_SET_DATA_PATH:
		m->value.value = cpu_to_le32(1);
		return sizeof(m->value);
	case VMBNET_MSG_SET_RSS:
		m->rss.hash_types = cpu_to_le32(VMBNET_HASH_ALL);
		m->rss.key_size = cpu_to_le16(VMBNET_RSS_KEY_SIZE);
		m->rss.indir_size = cpu_to_le16(VMBNET_RSS_INDIR_SIZE);
		for (i = 0; i < VMBNET_RSS_INDIR_SIZE; i++)
			m->rss.indir[i] = cpu_to_le16(i % 4);
		return sizeof(m->rss);
	case VMBNET_MSG_SET_OFFLOADS:
		m->offloads.offloads = cpu_to_le64(BIT_ULL(VMBNET_F_GUEST_CSUM));
		return sizeof(m->offloads);
	case VMBNET_MSG_SET_RX_FILTER:
		m->rx.f.flags = cpu_to_le32(VMBNET_RX_ALLMULTI);
		m->rx.f.mc_count = cpu_to_le32(2);
		m->rx.mc[0][0] = 0x01;
		m->rx.mc[1][0] = 0x33;
		return sizeof(m->rx);
	case VMBNET_MSG_OFFER:
		m->offer.version_min = cpu_to_le32(1);
		m->offer.version_max = cpu_to_le32(3);
		m->offer.features = cpu_to_le64(BIT_ULL(VMBNET_F_MAC) |
						BIT_ULL(VMBNET_F_MTU) |
						BIT_ULL(VMBNET_F_RSS));
		memcpy(m->offer.mac, mac, 6);
		m->offer.mtu_min = cpu_to_le32(68);
		m->offer.mtu_max = cpu_to_le32(9000);
		m->offer.max_queues = cpu_to_le32(8);
		m->offer.rss_key_size = cpu_to_le16(VMBNET_RSS_KEY_SIZE);
		m->offer.rss_indir_size = cpu_to_le16(VMBNET_RSS_INDIR_SIZE);
		m->offer.rss_hash_types = cpu_to_le32(VMBNET_HASH_ALL);
		m->offer.link = cpu_to_le32(1);
		m->offer.speed = cpu_to_le32(10000);
		m->offer.duplex = VMBNET_DUPLEX_FULL;
		return sizeof(m->offer);
	case VMBNET_MSG_STATUS:
		m->status.request = cpu_to_le16(VMBNET_MSG_SET_MTU);
		m->status.status = cpu_to_le32(22);
		return sizeof(m->status);
	case VMBNET_MSG_LINK:
		m->link.link = cpu_to_le32(0);
		m->link.speed = cpu_to_le32(VMBNET_SPEED_UNKNOWN);
		m->link.duplex = VMBNET_DUPLEX_UNKNOWN;
		return sizeof(m->link);
	}
	return 0;
}

static const u16 ctl_types[] = {
	VMBNET_MSG_INIT, VMBNET_MSG_ACCEPT, VMBNET_MSG_SET_MAC,
	VMBNET_MSG_SET_MTU, VMBNET_MSG_SET_QUEUES, VMBNET_MSG_SET_RSS,
	VMBNET_MSG_SET_RX_FILTER, VMBNET_MSG_SET_STATE,
	VMBNET_MSG_SET_DATA_PATH, VMBNET_MSG_SET_OFFLOADS, VMBNET_MSG_OFFER,
	VMBNET_MSG_STATUS, VMBNET_MSG_LINK,
};

static void ctl_type_desc(const u16 *type, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "type_%#x", *type);
}

KUNIT_ARRAY_PARAM(ctl_type, ctl_types, ctl_type_desc);

/* Good as built; one byte short or long, refused as the wrong size. */
static void vmbnet_protocol_lengths(struct kunit *test)
{
	u16 type = *(const u16 *)test->param_value;
	u8 *buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	u32 len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = good_msg(type, buf);
	KUNIT_ASSERT_GT(test, len, 0U);
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_check(type, buf, len), 0);
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_check(type, buf, len - 1), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_check(type, buf, len + 1), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_check(type, buf, 0), -EMSGSIZE);
}

static void vmbnet_protocol_unknown(struct kunit *test)
{
	u8 buf[16] = {};

	KUNIT_EXPECT_EQ(test, vmbnet_ctl_check(0, buf, 16), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_check(VMBNET_MSG_DATA, buf, 16), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_check(0x1f, buf, 16), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_check(0xffff, buf, 16), -EOPNOTSUPP);
}

/* Each case spoils one field of a good message, which must then get the
 * error its rule gives: -EINVAL for a value out of range, -EMSGSIZE for a
 * length that does not match what the message says it holds.
 */
struct ctl_bad_case {
	const char *name;
	u16 type;
	void (*spoil)(u8 *buf);
	int err;
};

#define SPOIL(fn, body) static void fn(u8 *b) { body; }
SPOIL(init_versions, ((struct vmbnet_ctl_init *)b)->version_min = cpu_to_le32(2))
SPOIL(init_version0, ((struct vmbnet_ctl_init *)b)->version_min = 0)
SPOIL(accept_version0, ((struct vmbnet_ctl_accept *)b)->version = 0)
SPOIL(mac_multicast, ((struct vmbnet_ctl_mac *)b)->mac[0] = 0x01)
SPOIL(mac_zero, memset(((struct vmbnet_ctl_mac *)b)->mac, 0, 6))
SPOIL(mtu_small, ((struct vmbnet_ctl_value *)b)->value = cpu_to_le32(67))
SPOIL(mtu_big, ((struct vmbnet_ctl_value *)b)->value = cpu_to_le32(65522))
SPOIL(queues_zero, ((struct vmbnet_ctl_value *)b)->value = 0)
SPOIL(queues_65, ((struct vmbnet_ctl_value *)b)->value = cpu_to_le32(65))
SPOIL(state_two, ((struct vmbnet_ctl_value *)b)->value = cpu_to_le32(2))
SPOIL(rss_key, ((struct vmbnet_ctl_rss *)b)->key_size = cpu_to_le16(52))
SPOIL(rss_indir, ((struct vmbnet_ctl_rss *)b)->indir_size = cpu_to_le16(64))
SPOIL(rss_hash, ((struct vmbnet_ctl_rss *)b)->hash_types = cpu_to_le32(0x40))
SPOIL(rss_queue, ((struct vmbnet_ctl_rss *)b)->indir[127] = cpu_to_le16(64))
SPOIL(rx_flags, ((struct vmbnet_ctl_rx_filter *)b)->flags = cpu_to_le32(4))
SPOIL(rx_unicast, ((u8 *)b)[sizeof(struct vmbnet_ctl_rx_filter) + 8] = 0x02)
SPOIL(rx_count, ((struct vmbnet_ctl_rx_filter *)b)->mc_count = cpu_to_le32(3))
SPOIL(rx_count_65, ((struct vmbnet_ctl_rx_filter *)b)->mc_count = cpu_to_le32(65))
SPOIL(rx_count_huge, ((struct vmbnet_ctl_rx_filter *)b)->mc_count = cpu_to_le32(0x20000001))
SPOIL(offer_versions, ((struct vmbnet_ctl_offer *)b)->version_max = 0)
SPOIL(offer_queues0, ((struct vmbnet_ctl_offer *)b)->max_queues = 0)
SPOIL(offer_queues65, ((struct vmbnet_ctl_offer *)b)->max_queues = cpu_to_le32(65))
SPOIL(offer_mtu_order, ((struct vmbnet_ctl_offer *)b)->mtu_min = cpu_to_le32(9001))
SPOIL(offer_mtu_max, ((struct vmbnet_ctl_offer *)b)->mtu_max = cpu_to_le32(70000))
SPOIL(offer_mac, ((struct vmbnet_ctl_offer *)b)->mac[0] = 0xff)
SPOIL(offer_link, ((struct vmbnet_ctl_offer *)b)->link = cpu_to_le32(7))
SPOIL(offer_duplex, ((struct vmbnet_ctl_offer *)b)->duplex = 3)
SPOIL(offer_rss_key, ((struct vmbnet_ctl_offer *)b)->rss_key_size = cpu_to_le16(16))
SPOIL(offer_hash, ((struct vmbnet_ctl_offer *)b)->rss_hash_types = cpu_to_le32(0x80))
#define ONLY_MTU cpu_to_le64(BIT_ULL(VMBNET_F_MTU))
SPOIL(offer_rss_sizes_without_rss, ((struct vmbnet_ctl_offer *)b)->features = ONLY_MTU)
SPOIL(status_errno, ((struct vmbnet_ctl_status *)b)->status = cpu_to_le32(4096))
SPOIL(link_value, ((struct vmbnet_ctl_link *)b)->link = cpu_to_le32(2))
SPOIL(offloads_host, ((struct vmbnet_ctl_offloads *)b)->offloads =
		     cpu_to_le64(BIT_ULL(VMBNET_F_HOST_TSO4)))
SPOIL(link_duplex, ((struct vmbnet_ctl_link *)b)->duplex = 2)

static const struct ctl_bad_case ctl_bad_cases[] = {
	{ "init_min_over_max", VMBNET_MSG_INIT, init_versions, -EINVAL },
	{ "init_version_0", VMBNET_MSG_INIT, init_version0, -EINVAL },
	{ "accept_version_0", VMBNET_MSG_ACCEPT, accept_version0, -EINVAL },
	{ "mac_multicast", VMBNET_MSG_SET_MAC, mac_multicast, -EINVAL },
	{ "mac_zero", VMBNET_MSG_SET_MAC, mac_zero, -EINVAL },
	{ "mtu_67", VMBNET_MSG_SET_MTU, mtu_small, -EINVAL },
	{ "mtu_65522", VMBNET_MSG_SET_MTU, mtu_big, -EINVAL },
	{ "queues_0", VMBNET_MSG_SET_QUEUES, queues_zero, -EINVAL },
	{ "queues_65", VMBNET_MSG_SET_QUEUES, queues_65, -EINVAL },
	{ "state_2", VMBNET_MSG_SET_STATE, state_two, -EINVAL },
	{ "data_path_2", VMBNET_MSG_SET_DATA_PATH, state_two, -EINVAL },
	{ "rss_key_size", VMBNET_MSG_SET_RSS, rss_key, -EINVAL },
	{ "rss_indir_size", VMBNET_MSG_SET_RSS, rss_indir, -EINVAL },
	{ "rss_hash_types", VMBNET_MSG_SET_RSS, rss_hash, -EINVAL },
	{ "rss_queue_64", VMBNET_MSG_SET_RSS, rss_queue, -EINVAL },
	{ "rx_flags", VMBNET_MSG_SET_RX_FILTER, rx_flags, -EINVAL },
	{ "rx_unicast_in_list", VMBNET_MSG_SET_RX_FILTER, rx_unicast, -EINVAL },
	{ "rx_count_mismatch", VMBNET_MSG_SET_RX_FILTER, rx_count, -EMSGSIZE },
	{ "rx_count_65", VMBNET_MSG_SET_RX_FILTER, rx_count_65, -EINVAL },
	{ "rx_count_overflow", VMBNET_MSG_SET_RX_FILTER, rx_count_huge, -EINVAL },
	{ "offer_versions", VMBNET_MSG_OFFER, offer_versions, -EINVAL },
	{ "offer_queues_0", VMBNET_MSG_OFFER, offer_queues0, -EINVAL },
	{ "offer_queues_65", VMBNET_MSG_OFFER, offer_queues65, -EINVAL },
	{ "offer_mtu_min_over_max", VMBNET_MSG_OFFER, offer_mtu_order, -EINVAL },
	{ "offer_mtu_max_70000", VMBNET_MSG_OFFER, offer_mtu_max, -EINVAL },
	{ "offer_mac_broadcast", VMBNET_MSG_OFFER, offer_mac, -EINVAL },
	{ "offer_link_7", VMBNET_MSG_OFFER, offer_link, -EINVAL },
	{ "offer_duplex_3", VMBNET_MSG_OFFER, offer_duplex, -EINVAL },
	{ "offer_rss_key_16", VMBNET_MSG_OFFER, offer_rss_key, -EINVAL },
	{ "offer_hash_types", VMBNET_MSG_OFFER, offer_hash, -EINVAL },
	{ "offer_rss_sizes_without_rss", VMBNET_MSG_OFFER, offer_rss_sizes_without_rss, -EINVAL },
	{ "status_not_errno", VMBNET_MSG_STATUS, status_errno, -EINVAL },
	{ "link_2", VMBNET_MSG_LINK, link_value, -EINVAL },
	{ "link_duplex_2", VMBNET_MSG_LINK, link_duplex, -EINVAL },
	{ "offloads_not_guest", VMBNET_MSG_SET_OFFLOADS, offloads_host, -EINVAL },
};

static void ctl_bad_desc(const struct ctl_bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ctl_bad, ctl_bad_cases, ctl_bad_desc);

static void vmbnet_protocol_out_of_range(struct kunit *test)
{
	const struct ctl_bad_case *c = test->param_value;
	u8 *buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	u32 len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = good_msg(c->type, buf);
	KUNIT_ASSERT_EQ(test, vmbnet_ctl_check(c->type, buf, len), 0);
	c->spoil(buf);
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_check(c->type, buf, len), c->err);
}

/* Microsoft's RSS verification suite: the key, then TCP/IP flows. */
static const u8 ms_key[VMBNET_RSS_KEY_SIZE] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

struct toeplitz_case {
	const char *name;
	u8 in[36];	/* source address, destination address, ports */
	u32 addr_len;
	u32 ip_hash, tcp_hash;
};

static const struct toeplitz_case toeplitz_cases[] = {
	{ "ipv4_1", { 66, 9, 149, 187, 161, 142, 100, 80, 0x0a, 0xea, 0x06, 0xe6 },
	  8, 0x323e8fc2, 0x51ccc178 },
	{ "ipv4_2", { 199, 92, 111, 2, 65, 69, 140, 83, 0x37, 0x96, 0x12, 0x83 },
	  8, 0xd718262a, 0xc626b0ea },
	{ "ipv4_3", { 24, 19, 198, 95, 12, 22, 207, 184, 0x32, 0x62, 0x94, 0x88 },
	  8, 0xd2d0a5de, 0x5c2b394a },
	{ "ipv4_4", { 38, 27, 205, 30, 209, 142, 163, 6, 0xbc, 0x64, 0x08, 0xa9 },
	  8, 0x82989176, 0xafc7327f },
	{ "ipv4_5", { 153, 39, 163, 191, 202, 188, 127, 2, 0xac, 0xdb, 0x05, 0x17 },
	  8, 0x5d1809c5, 0x10e828a2 },
	{ "ipv6_1", { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff,
		      0, 0, 0, 0, 0, 0, 0, 0x07,
		      0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03,
		      0, 0, 0, 0, 0, 0, 0, 0x01, 0x0a, 0xea, 0x06, 0xe6 },
	  32, 0x2cc18cd5, 0x40207d3d },
	{ "ipv6_2", { 0x3f, 0xfe, 0x05, 0x01, 0x00, 0x08, 0, 0,
		      0x02, 0x60, 0x97, 0xff, 0xfe, 0x40, 0xef, 0xab,
		      0xff, 0x02, 0, 0, 0, 0, 0, 0,
		      0, 0, 0, 0, 0, 0, 0, 0x01, 0x37, 0x96, 0x12, 0x83 },
	  32, 0x0f0c461c, 0xdde51bbf },
	{ "ipv6_3", { 0x3f, 0xfe, 0x19, 0x00, 0x45, 0x45, 0x00, 0x03,
		      0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf,
		      0xfe, 0x80, 0, 0, 0, 0, 0, 0,
		      0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf,
		      0xac, 0xdb, 0x94, 0x88 },
	  32, 0x4b61e985, 0x02d1feef },
};

static void toeplitz_desc(const struct toeplitz_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(toeplitz, toeplitz_cases, toeplitz_desc);

static void vmbnet_protocol_toeplitz(struct kunit *test)
{
	const struct toeplitz_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, vmbnet_toeplitz(ms_key, sizeof(ms_key), c->in,
					      c->addr_len), c->ip_hash);
	KUNIT_EXPECT_EQ(test, vmbnet_toeplitz(ms_key, sizeof(ms_key), c->in,
					      c->addr_len + 4), c->tcp_hash);
}

static struct kunit_case vmbnet_protocol_cases[] = {
	KUNIT_CASE_PARAM(vmbnet_protocol_lengths, ctl_type_gen_params),
	KUNIT_CASE(vmbnet_protocol_unknown),
	KUNIT_CASE_PARAM(vmbnet_protocol_out_of_range, ctl_bad_gen_params),
	KUNIT_CASE_PARAM(vmbnet_protocol_toeplitz, toeplitz_gen_params),
	{}
};

static struct kunit_suite vmbnet_protocol_suite = {
	.name = "vmbnet_protocol",
	.test_cases = vmbnet_protocol_cases,
};

kunit_test_suite(vmbnet_protocol_suite);
