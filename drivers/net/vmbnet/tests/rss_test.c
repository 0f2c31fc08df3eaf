// SPDX-License-Identifier: GPL-2.0
/* KUnit tests for vmbnet's RSS settings: ethtool's rx-flow-hash fields to
 * and from the protocol's hash types, for every flow type, and the default
 * indirection table for each queue count.
 */

#include <kunit/test.h>
#include <linux/ethtool.h>

#include "../vmbnet.h"

#define L3	(RXH_IP_SRC | RXH_IP_DST)
#define L4	(RXH_L4_B_0_1 | RXH_L4_B_2_3)

struct flow_case {
	u32 flow_type;
	u32 l3, l4;
};

static const struct flow_case flows[] = {
	{ TCP_V4_FLOW, VMBNET_HASH_IPV4, VMBNET_HASH_TCP_IPV4 },
	{ UDP_V4_FLOW, VMBNET_HASH_IPV4, VMBNET_HASH_UDP_IPV4 },
	{ TCP_V6_FLOW, VMBNET_HASH_IPV6, VMBNET_HASH_TCP_IPV6 },
	{ UDP_V6_FLOW, VMBNET_HASH_IPV6, VMBNET_HASH_UDP_IPV6 },
	{ IPV4_FLOW, VMBNET_HASH_IPV4, 0 },
	{ IPV6_FLOW, VMBNET_HASH_IPV6, 0 },
};

static void flow_desc(const struct flow_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "flow type %u", c->flow_type);
}

KUNIT_ARRAY_PARAM(flow, flows, flow_desc);

static void vmbnet_rss_flow_hash(struct kunit *test)
{
	const struct flow_case *c = test->param_value;
	u32 types = VMBNET_HASH_ALL;

	/* Everything on: the flow hashes what its type has. */
	KUNIT_EXPECT_EQ(test, vmbnet_rss_get_flow_hash(types, c->flow_type),
			c->l4 ? L3 | L4 : L3);
	if (c->l4) {
		/* Addresses only: its own L4 bit goes, nothing else. */
		KUNIT_EXPECT_EQ(test, vmbnet_rss_set_flow_hash(&types, c->flow_type, L3), 0);
		KUNIT_EXPECT_EQ(test, types, VMBNET_HASH_ALL & ~c->l4);
		KUNIT_EXPECT_EQ(test, vmbnet_rss_get_flow_hash(types, c->flow_type), L3);
		/* And back. */
		KUNIT_EXPECT_EQ(test, vmbnet_rss_set_flow_hash(&types, c->flow_type,
							       L3 | L4), 0);
		KUNIT_EXPECT_EQ(test, types, VMBNET_HASH_ALL);
		/* Ports without addresses, half a port, nothing: refused. */
		KUNIT_EXPECT_EQ(test, vmbnet_rss_set_flow_hash(&types, c->flow_type, L4),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, vmbnet_rss_set_flow_hash(&types, c->flow_type,
							       L3 | RXH_L4_B_0_1),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, vmbnet_rss_set_flow_hash(&types, c->flow_type, 0),
				-EINVAL);
	} else {
		KUNIT_EXPECT_EQ(test, vmbnet_rss_set_flow_hash(&types, c->flow_type, 0), 0);
		KUNIT_EXPECT_EQ(test, types, VMBNET_HASH_ALL & ~c->l3);
		KUNIT_EXPECT_EQ(test, vmbnet_rss_get_flow_hash(types, c->flow_type), 0);
		KUNIT_EXPECT_EQ(test, vmbnet_rss_set_flow_hash(&types, c->flow_type, L3), 0);
		KUNIT_EXPECT_EQ(test, types, VMBNET_HASH_ALL);
		KUNIT_EXPECT_EQ(test, vmbnet_rss_set_flow_hash(&types, c->flow_type,
							       L3 | L4),
				-EINVAL);
	}
	/* The value refused left the types alone. */
	KUNIT_EXPECT_EQ(test, types, VMBNET_HASH_ALL);
}

static void vmbnet_rss_flow_hash_unknown(struct kunit *test)
{
	u32 types = VMBNET_HASH_ALL;

	KUNIT_EXPECT_EQ(test, vmbnet_rss_get_flow_hash(types, SCTP_V4_FLOW), 0);
	KUNIT_EXPECT_EQ(test, vmbnet_rss_set_flow_hash(&types, SCTP_V4_FLOW, L3),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmbnet_rss_set_flow_hash(&types, ETHER_FLOW, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, types, VMBNET_HASH_ALL);
	/* A flow's L4 bit means addresses and ports, whatever the L3 bit. */
	KUNIT_EXPECT_EQ(test, vmbnet_rss_get_flow_hash(VMBNET_HASH_TCP_IPV4,
						       TCP_V4_FLOW), L3 | L4);
	KUNIT_EXPECT_EQ(test, vmbnet_rss_get_flow_hash(0, TCP_V4_FLOW), 0);
}

/* Each queue in use gets an equal share (to one entry), no other queue any. */
static void vmbnet_rss_default_indir(struct kunit *test)
{
	struct vmbnet_rss rss;
	unsigned int n, i, count[VMBNET_MAX_QUEUES];

	for (n = 1; n <= VMBNET_MAX_QUEUES; n++) {
		memset(count, 0, sizeof(count));
		vmbnet_rss_set_default_indir(&rss, n);
		for (i = 0; i < VMBNET_RSS_INDIR_SIZE; i++) {
			KUNIT_ASSERT_LT(test, rss.indir[i], n);
			count[rss.indir[i]]++;
		}
		for (i = 0; i < n; i++) {
			KUNIT_EXPECT_GE(test, count[i], VMBNET_RSS_INDIR_SIZE / n);
			KUNIT_EXPECT_LE(test, count[i],
					DIV_ROUND_UP(VMBNET_RSS_INDIR_SIZE, n));
		}
	}
}

static struct kunit_case vmbnet_rss_cases[] = {
	KUNIT_CASE_PARAM(vmbnet_rss_flow_hash, flow_gen_params),
	KUNIT_CASE(vmbnet_rss_flow_hash_unknown),
	KUNIT_CASE(vmbnet_rss_default_indir),
	{}
};

static struct kunit_suite vmbnet_rss_suite = {
	.name = "vmbnet_rss",
	.test_cases = vmbnet_rss_cases,
};

kunit_test_suite(vmbnet_rss_suite);
