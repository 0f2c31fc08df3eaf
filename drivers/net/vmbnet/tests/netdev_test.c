// SPDX-License-Identifier: GPL-2.0
/* KUnit tests for vmbnet's link attribute validation. */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/if_link.h>
#include <net/netlink.h>

#include "../vmbnet.h"

static struct nlattr *vmbnet_test_attr(struct kunit *test, int type,
				       const void *data, int len)
{
	struct nlattr *nla = kunit_kzalloc(test, nla_total_size(len), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, nla);
	nla->nla_len = nla_attr_size(len);
	nla->nla_type = type;
	memcpy(nla_data(nla), data, len);
	return nla;
}

static struct nlattr *vmbnet_test_u32(struct kunit *test, int type, u32 val)
{
	return vmbnet_test_attr(test, type, &val, sizeof(val));
}

struct vmbnet_queue_case {
	const char *name;
	u32 count;
	int err;
};

static const struct vmbnet_queue_case vmbnet_queue_cases[] = {
	{ "zero", 0, -EINVAL },
	{ "one", 1, 0 },
	{ "two", 2, 0 },
	{ "max", VMBNET_MAX_QUEUES, 0 },
	{ "max_plus_one", VMBNET_MAX_QUEUES + 1, -EINVAL },
	{ "core_limit", 4096, -EINVAL },
	{ "u32_max", U32_MAX, -EINVAL },
};

static void vmbnet_queue_case_desc(const struct vmbnet_queue_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vmbnet_queue, vmbnet_queue_cases, vmbnet_queue_case_desc);

static void vmbnet_link_queue_count(struct kunit *test)
{
	const struct vmbnet_queue_case *c = test->param_value;
	struct nlattr *nla = vmbnet_test_u32(test, IFLA_NUM_TX_QUEUES, c->count);
	struct netlink_ext_ack extack = {};

	KUNIT_EXPECT_EQ(test, vmbnet_check_queues(nla, &extack), c->err);
	if (c->err) {
		KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr, (const struct nlattr *)nla);
		KUNIT_ASSERT_NOT_NULL(test, extack._msg);
		KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "1 to 64 queues"));
	} else {
		KUNIT_EXPECT_NULL(test, extack._msg);
	}
}

struct vmbnet_mac_case {
	const char *name;
	u8 addr[8];
	int len;
	int err;
};

static const struct vmbnet_mac_case vmbnet_mac_cases[] = {
	{ "local_unicast", { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 }, ETH_ALEN, 0 },
	{ "global_unicast", { 0x00, 0x15, 0x5d, 0x01, 0x02, 0x03 }, ETH_ALEN, 0 },
	{ "multicast", { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, ETH_ALEN, -EADDRNOTAVAIL },
	{ "broadcast", { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, ETH_ALEN, -EADDRNOTAVAIL },
	{ "zero", { 0 }, ETH_ALEN, -EADDRNOTAVAIL },
	{ "short", { 0x02, 0x00, 0x00, 0x00, 0x01 }, 5, -EINVAL },
	{ "long", { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00 }, 8, -EINVAL },
};

static void vmbnet_mac_case_desc(const struct vmbnet_mac_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vmbnet_mac, vmbnet_mac_cases, vmbnet_mac_case_desc);

static void vmbnet_link_mac(struct kunit *test)
{
	const struct vmbnet_mac_case *c = test->param_value;
	struct nlattr *nla = vmbnet_test_attr(test, IFLA_ADDRESS, c->addr, c->len);
	struct netlink_ext_ack extack = {};

	KUNIT_EXPECT_EQ(test, vmbnet_check_mac(nla, &extack), c->err);
	if (c->err)
		KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr, (const struct nlattr *)nla);
	else
		KUNIT_EXPECT_NULL(test, extack._msg);
}

static void vmbnet_link_validate_empty(struct kunit *test)
{
	struct nlattr *tb[IFLA_MAX + 1] = {};
	struct netlink_ext_ack extack = {};

	KUNIT_EXPECT_EQ(test, vmbnet_validate(tb, NULL, &extack), 0);
}

static void vmbnet_link_validate_names_bad_attr(struct kunit *test)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct nlattr *tb[IFLA_MAX + 1] = {};
	struct netlink_ext_ack extack = {};

	tb[IFLA_ADDRESS] = vmbnet_test_attr(test, IFLA_ADDRESS, mac, ETH_ALEN);
	tb[IFLA_NUM_TX_QUEUES] = vmbnet_test_u32(test, IFLA_NUM_TX_QUEUES, 4);
	tb[IFLA_NUM_RX_QUEUES] = vmbnet_test_u32(test, IFLA_NUM_RX_QUEUES, 4);
	KUNIT_EXPECT_EQ(test, vmbnet_validate(tb, NULL, &extack), 0);

	/* A bad rx count after good ones must be the attribute blamed. */
	tb[IFLA_NUM_RX_QUEUES] = vmbnet_test_u32(test, IFLA_NUM_RX_QUEUES, 65);
	KUNIT_EXPECT_EQ(test, vmbnet_validate(tb, NULL, &extack), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr,
			    (const struct nlattr *)tb[IFLA_NUM_RX_QUEUES]);

	/* The address is checked first. */
	tb[IFLA_ADDRESS] = vmbnet_test_attr(test, IFLA_ADDRESS, mac, 4);
	KUNIT_EXPECT_EQ(test, vmbnet_validate(tb, NULL, &extack), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr,
			    (const struct nlattr *)tb[IFLA_ADDRESS]);
}

/* A device made without a queue count gets one queue pair per online CPU,
 * counted here CPU by CPU rather than with the driver's expression, up to
 * the most a device may have. A uniprocessor kernel (UML) has 1, the same as
 * a default stuck at 1: only an SMP run (the debug kernel's two-CPU VM)
 * tells those apart, and only one with fewer CPUs online than possible one
 * counting online CPUs from one counting possible ones.
 */
static void vmbnet_link_default_queues(struct kunit *test)
{
	unsigned int n = vmbnet_default_queues(), online = 0, cpu;
	struct netlink_ext_ack extack = {};
	struct nlattr *nla;

	/* The range the default is clamped to: ip link's, "1 to 64 queues". */
	KUNIT_EXPECT_EQ(test, VMBNET_MIN_QUEUES, 1);
	KUNIT_EXPECT_EQ(test, VMBNET_MAX_QUEUES, 64);

	for_each_online_cpu(cpu)
		online++;
	KUNIT_ASSERT_GE(test, online, 1U);
	if (online <= VMBNET_MAX_QUEUES)
		KUNIT_EXPECT_EQ(test, n, online);
	else
		KUNIT_EXPECT_EQ(test, n, (unsigned int)VMBNET_MAX_QUEUES);

	/* Whatever the CPUs, a count the device's own validation accepts. */
	nla = vmbnet_test_u32(test, IFLA_NUM_TX_QUEUES, n);
	KUNIT_EXPECT_EQ(test, vmbnet_check_queues(nla, &extack), 0);
}

static struct kunit_case vmbnet_link_cases[] = {
	KUNIT_CASE_PARAM(vmbnet_link_queue_count, vmbnet_queue_gen_params),
	KUNIT_CASE_PARAM(vmbnet_link_mac, vmbnet_mac_gen_params),
	KUNIT_CASE(vmbnet_link_validate_empty),
	KUNIT_CASE(vmbnet_link_validate_names_bad_attr),
	KUNIT_CASE(vmbnet_link_default_queues),
	{}
};

static struct kunit_suite vmbnet_link_suite = {
	.name = "vmbnet_link",
	.test_cases = vmbnet_link_cases,
};

kunit_test_suite(vmbnet_link_suite);

MODULE_DESCRIPTION("KUnit tests for vmbnet");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_IMPORT_NS(VMBNET);
