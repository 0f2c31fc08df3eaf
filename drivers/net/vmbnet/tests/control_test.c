// SPDX-License-Identifier: GPL-2.0
/* KUnit tests for the driver's side of the control protocol: the version
 * it picks from an offer, the errno a refusal becomes, and a name for every
 * message in its log lines.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "../vmbnet.h"

static u32 version_of(u32 min, u32 max)
{
	struct vmbnet_ctl_offer o = {
		.version_min = cpu_to_le32(min),
		.version_max = cpu_to_le32(max),
	};

	return vmbnet_ctl_version(&o);
}

static void vmbnet_ctl_version_pick(struct kunit *test)
{
	/* The highest both speak. */
	KUNIT_EXPECT_EQ(test, version_of(1, 1), VMBNET_PROTO_VERSION_MAX);
	KUNIT_EXPECT_EQ(test, version_of(1, 99), VMBNET_PROTO_VERSION_MAX);
	KUNIT_EXPECT_EQ(test, version_of(VMBNET_PROTO_VERSION_MIN,
					 VMBNET_PROTO_VERSION_MIN),
			VMBNET_PROTO_VERSION_MIN);
	/* None in common: 0, and the driver fails the negotiation. */
	KUNIT_EXPECT_EQ(test, version_of(VMBNET_PROTO_VERSION_MAX + 1,
					 VMBNET_PROTO_VERSION_MAX + 5), 0);
	KUNIT_EXPECT_EQ(test, version_of(0, 0), 0);
	/* A range upside down (protocol.c refuses it first) has none either. */
	KUNIT_EXPECT_EQ(test, version_of(VMBNET_PROTO_VERSION_MAX + 1, 1), 0);
}

/* Whatever status the endpoint answers, the caller of ip or ethtool gets an
 * errno it can act on, and never one of the kernel's own that netlink or
 * the syscall layer would take for something else.
 */
static void vmbnet_ctl_errno_map(struct kunit *test)
{
	static const u32 passed[] = {
		EPERM, ENOMEM, EBUSY, EINVAL, ENOSPC, ERANGE, EMSGSIZE, EPROTO,
		EOPNOTSUPP, EADDRINUSE, EADDRNOTAVAIL, ENOBUFS,
	};
	unsigned int i, passes = 0;
	u32 status;
	int err;

	KUNIT_EXPECT_EQ(test, vmbnet_ctl_errno(0), 0);
	for (i = 0; i < ARRAY_SIZE(passed); i++)
		KUNIT_EXPECT_EQ(test, vmbnet_ctl_errno(passed[i]), -(int)passed[i]);

	for (status = 1; status < 4096 + 16; status++) {
		err = vmbnet_ctl_errno(status);
		KUNIT_EXPECT_LT(test, err, 0);
		KUNIT_EXPECT_TRUE(test, err == -EIO || err == -(int)status);
		passes += err != -EIO;
	}
	KUNIT_EXPECT_EQ(test, passes, ARRAY_SIZE(passed));
	/* No ACK from netlink, or a restarted syscall: never. */
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_errno(EINTR), -EIO);
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_errno(EAGAIN), -EIO);
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_errno(ERESTARTSYS), -EIO);
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_errno(ERESTARTNOINTR), -EIO);
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_errno(ERESTART_RESTARTBLOCK), -EIO);
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_errno(EIOCBQUEUED), -EIO);
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_errno(U32_MAX), -EIO);
	KUNIT_EXPECT_EQ(test, vmbnet_ctl_errno(0x80000000), -EIO);
}

static void vmbnet_ctl_names(struct kunit *test)
{
	static const u16 types[] = {
		VMBNET_MSG_INIT, VMBNET_MSG_ACCEPT, VMBNET_MSG_SET_MAC,
		VMBNET_MSG_SET_MTU, VMBNET_MSG_SET_QUEUES, VMBNET_MSG_SET_RSS,
		VMBNET_MSG_SET_RX_FILTER, VMBNET_MSG_SET_STATE,
		VMBNET_MSG_SET_DATA_PATH, VMBNET_MSG_SET_OFFLOADS,
		VMBNET_MSG_OFFER, VMBNET_MSG_STATUS, VMBNET_MSG_LINK,
	};
	unsigned int i, j;

	/* Each known type has its own name; anything else is "unknown". */
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		KUNIT_EXPECT_STRNEQ(test, vmbnet_ctl_name(types[i]), "unknown");
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, vmbnet_ctl_name(types[i]),
					    vmbnet_ctl_name(types[j]));
	}
	KUNIT_EXPECT_STREQ(test, vmbnet_ctl_name(VMBNET_MSG_SET_MTU), "SET_MTU");
	KUNIT_EXPECT_STREQ(test, vmbnet_ctl_name(VMBNET_MSG_DATA), "unknown");
	KUNIT_EXPECT_STREQ(test, vmbnet_ctl_name(0xffff), "unknown");
}

static struct kunit_case vmbnet_control_cases[] = {
	KUNIT_CASE(vmbnet_ctl_version_pick),
	KUNIT_CASE(vmbnet_ctl_errno_map),
	KUNIT_CASE(vmbnet_ctl_names),
	{}
};

static struct kunit_suite vmbnet_control_suite = {
	.name = "vmbnet_control",
	.test_cases = vmbnet_control_cases,
};

kunit_test_suite(vmbnet_control_suite);
