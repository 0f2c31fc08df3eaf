// SPDX-License-Identifier: GPL-2.0
/*
 * netdev_nl: what netdev netlink (the "netdev" generic netlink family)
 * shows of one device, one line per object, for the selftests.
 *   netdev_nl queues IFINDEX	 queue type=rx|tx id=N napi=ID
 *   netdev_nl qstats IFINDEX	 qstats NAME=VALUE... (the device's sums)
 *   netdev_nl qstats-queues IFINDEX  qstats type=rx|tx id=N NAME=VALUE...
 *   netdev_nl page-pools IFINDEX pool id=N napi=ID inflight=N (0: all)
 * Exits 4 when the running kernel lacks the family or the command.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* include/uapi/linux/netdev.h as of 6.12: Debian 12's libc headers are 6.1's. */
enum { CMD_PAGE_POOL_GET = 5, CMD_QUEUE_GET = 10, CMD_QSTATS_GET = 12 };
enum { A_PP_ID = 1, A_PP_IFINDEX, A_PP_NAPI_ID, A_PP_INFLIGHT };
enum { A_QUEUE_ID = 1, A_QUEUE_IFINDEX, A_QUEUE_TYPE, A_QUEUE_NAPI_ID };
enum { A_QSTATS_IFINDEX = 1, A_QSTATS_QUEUE_TYPE, A_QSTATS_QUEUE_ID, A_QSTATS_SCOPE };
#define A_QSTATS_FIRST	8
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define QSTATS_SCOPE_QUEUE	1

static const char *const qstats_names[] = {
	"rx-packets", "rx-bytes", "tx-packets", "tx-bytes", "rx-alloc-fail",
	"rx-hw-drops", "rx-hw-drop-overruns", "rx-csum-complete",
	"rx-csum-unnecessary", "rx-csum-none", "rx-csum-bad",
	"rx-hw-gro-packets", "rx-hw-gro-bytes", "rx-hw-gro-wire-packets",
	"rx-hw-gro-wire-bytes", "rx-hw-drop-ratelimits", "tx-hw-drops",
	"tx-hw-drop-errors", "tx-csum-none", "tx-needs-csum",
	"tx-hw-gso-packets", "tx-hw-gso-bytes", "tx-hw-gso-wire-packets",
	"tx-hw-gso-wire-bytes", "tx-hw-drop-ratelimits", "tx-stop", "tx-wake",
};

struct req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[64];
};

static int nl_fd;
static char buf[1 << 16];

static void put_attr(struct req *r, __u16 type, const void *data, __u16 len)
{
	struct nlattr *a = (void *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void start(struct req *r, __u16 family, __u8 cmd, __u16 flags)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nh.nlmsg_type = family;
	r->nh.nlmsg_flags = NLM_F_REQUEST | flags;
	r->gh.cmd = cmd;
	r->gh.version = 1;
}

/* Calls fn for each reply message's attributes; returns 0 or -errno. */
static int transact(struct req *r, void (*fn)(struct nlattr **tb, void *arg), void *arg)
{
	if (send(nl_fd, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(nl_fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nh;

		if (n < 0)
			return -errno;
		for (nh = (void *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			struct nlattr *tb[64] = { 0 }, *a;
			int len;

			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				int err = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;

				if (err || !(r->nh.nlmsg_flags & NLM_F_DUMP))
					return err;
				continue;
			}
			len = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			a = (void *)((char *)NLMSG_DATA(nh) + GENL_HDRLEN);
			for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
			     len -= NLA_ALIGN(a->nla_len),
			     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
				if ((a->nla_type & NLA_TYPE_MASK) < 64)
					tb[a->nla_type & NLA_TYPE_MASK] = a;
			fn(tb, arg);
		}
		if (!(r->nh.nlmsg_flags & NLM_F_DUMP))
			return 0;
	}
}

static __u64 u(const struct nlattr *a)
{
	__u64 v = 0;

	if (a)
		memcpy(&v, (const char *)a + NLA_HDRLEN,
		       a->nla_len - NLA_HDRLEN < 8 ? a->nla_len - NLA_HDRLEN : 8);
	return v;
}

static void family_cb(struct nlattr **tb, void *arg)
{
	if (tb[CTRL_ATTR_FAMILY_ID])
		*(__u16 *)arg = u(tb[CTRL_ATTR_FAMILY_ID]);
}

static int ifindex;

static void queue_cb(struct nlattr **tb, void *arg)
{
	(void)arg;
	if ((int)u(tb[A_QUEUE_IFINDEX]) != ifindex)
		return;
	printf("queue type=%s id=%llu napi=%llu\n", u(tb[A_QUEUE_TYPE]) ? "tx" : "rx",
	       (unsigned long long)u(tb[A_QUEUE_ID]),
	       (unsigned long long)u(tb[A_QUEUE_NAPI_ID]));
}

static void qstats_cb(struct nlattr **tb, void *arg)
{
	unsigned int i;

	(void)arg;
	if ((int)u(tb[A_QSTATS_IFINDEX]) != ifindex)
		return;
	printf("qstats");
	if (tb[A_QSTATS_QUEUE_TYPE])
		printf(" type=%s id=%llu", u(tb[A_QSTATS_QUEUE_TYPE]) ? "tx" : "rx",
		       (unsigned long long)u(tb[A_QSTATS_QUEUE_ID]));
	for (i = 0; i < ARRAY_SIZE(qstats_names); i++)
		if (tb[A_QSTATS_FIRST + i])
			printf(" %s=%llu", qstats_names[i],
			       (unsigned long long)u(tb[A_QSTATS_FIRST + i]));
	printf("\n");
}

static void pool_cb(struct nlattr **tb, void *arg)
{
	(void)arg;
	if (ifindex && (int)u(tb[A_PP_IFINDEX]) != ifindex)
		return;
	printf("pool id=%llu napi=%llu inflight=%llu\n",
	       (unsigned long long)u(tb[A_PP_ID]), (unsigned long long)u(tb[A_PP_NAPI_ID]),
	       (unsigned long long)u(tb[A_PP_INFLIGHT]));
}

int main(int argc, char **argv)
{
	__u32 scope = QSTATS_SCOPE_QUEUE;
	__u16 family = 0;
	struct req r;
	int err;

	if (argc != 3) {
		fprintf(stderr,
			"usage: netdev_nl queues|qstats|qstats-queues|page-pools IFINDEX\n");
		return 2;
	}
	ifindex = atoi(argv[2]);
	nl_fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (nl_fd < 0) {
		perror("netdev_nl: socket");
		return 2;
	}
	start(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, "netdev", 7);
	err = transact(&r, family_cb, &family);
	if (err || !family) {
		printf("no netdev netlink family in this kernel\n");
		return 4;
	}
	if (!strcmp(argv[1], "queues")) {
		start(&r, family, CMD_QUEUE_GET, NLM_F_DUMP);
		put_attr(&r, A_QUEUE_IFINDEX, &ifindex, 4);
		err = transact(&r, queue_cb, NULL);
	} else if (!strcmp(argv[1], "qstats") || !strcmp(argv[1], "qstats-queues")) {
		start(&r, family, CMD_QSTATS_GET, NLM_F_DUMP);
		put_attr(&r, A_QSTATS_IFINDEX, &ifindex, 4);
		if (!strcmp(argv[1], "qstats-queues"))
			put_attr(&r, A_QSTATS_SCOPE, &scope, 4);
		err = transact(&r, qstats_cb, NULL);
	} else if (!strcmp(argv[1], "page-pools")) {
		start(&r, family, CMD_PAGE_POOL_GET, NLM_F_DUMP);
		err = transact(&r, pool_cb, NULL);
	} else {
		fprintf(stderr, "netdev_nl: unknown command %s\n", argv[1]);
		return 2;
	}
	if (err == -EOPNOTSUPP || err == -EINVAL) {
		printf("this kernel's netdev netlink has no %s\n", argv[1]);
		return 4;
	}
	if (err) {
		fprintf(stderr, "netdev_nl %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	return 0;
}
