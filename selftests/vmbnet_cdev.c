// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/vmbnet interface, case by case, in TAP: argument checks, the
 * queue descriptors' read/write/poll/mmap rules, and what an endpoint
 * sees when it is replaced, closed or its device deleted.
 *
 * usage: vmbnet_cdev DEV DEV2
 *	DEV: a vmbnet device of 4 queues, up; DEV2: one of 2 queues, which
 *	this deletes (ip link del) under its endpoint.
 */

#define _GNU_SOURCE
#include <asm/byteorder.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* libvmbnet's insides: the test looks at the fds and maps it made. */
#include "libvmbnet.h"

static const char *dev;
static int n, failed;

static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	failed += !ok;
}

static int attach_err(const char *ifname, u32 nq, u32 ring, u32 flags)
{
	struct vmbnet_attach a = { .num_queues = nq, .ring_size = ring, .flags = flags };
	int fd = vmbnet_open(), err;

	snprintf(a.ifname, sizeof(a.ifname), "%s", ifname);
	if (fd < 0)
		return fd;
	err = ioctl(fd, VMBNET_IOC_ATTACH, &a) ? -errno : 0;
	close(fd);
	return err;
}

static void expect_attach(const char *what, const char *ifname, u32 nq,
			  u32 ring, u32 flags, int want)
{
	int err = attach_err(ifname, nq, ring, flags);

	result(err == want, "ATTACH %s: %s (want %s)", what, strerror(-err),
	       strerror(-want));
}

static void read_sysfs(const char *file, char *buf, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/vmbnet/%s", dev, file);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (f) {
		if (fgets(buf, len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

static short poll_one(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 1000) > 0 ? p.revents : 0;
}

static void test_args(void)
{
	struct vmbnet_attach a;
	char name[IFNAMSIZ];
	int fd;

	expect_attach("unknown flag", dev, 1, 0, VMBNET_ATTACH_REPLACE << 1, -EINVAL);
	expect_attach("0 queues", dev, 0, 0, 0, -EINVAL);
	expect_attach("65 queues", dev, 65, 0, 0, -EINVAL);
	expect_attach("ring not a power of 2", dev, 1, 100000, 0, -EINVAL);
	expect_attach("ring 32 KiB", dev, 1, 32 << 10, 0, -EINVAL);
	expect_attach("ring 32 MiB", dev, 1, 32 << 20, 0, -EINVAL);
	expect_attach("not a vmbnet device", "lo", 1, 0, 0, -ENODEV);
	expect_attach("no such device", "vmbnope0", 1, 0, 0, -ENODEV);

	memset(name, 'x', sizeof(name));
	fd = vmbnet_open();
	memset(&a, 0, sizeof(a));
	memcpy(a.ifname, name, sizeof(a.ifname));
	a.num_queues = 1;
	result(ioctl(fd, VMBNET_IOC_ATTACH, &a) && errno == EINVAL,
	       "ATTACH with an unterminated name: EINVAL");
	/* features is output only: what the driver supports. */
	snprintf(a.ifname, sizeof(a.ifname), "%s", dev);
	a.features = 1ULL << VMBNET_F_CSUM;
	result(ioctl(fd, VMBNET_IOC_ATTACH, &a) && errno == EINVAL,
	       "ATTACH with features set: EINVAL");
	result(ioctl(fd, VMBNET_IOC_QUEUE_FD, 0) < 0 && errno == EINVAL,
	       "QUEUE_FD before ATTACH: EINVAL");
	result(ioctl(fd, _IO(VMBNET_IOC_MAGIC, 0x7f)) < 0 && errno == ENOTTY,
	       "unknown ioctl: ENOTTY");
	close(fd);
}

/* Without CAP_NET_ADMIN over the device's netns: a new user namespace. */
static void test_eperm(void)
{
	int status, fd = vmbnet_open();
	pid_t pid = fork();

	if (!pid) {
		struct vmbnet_attach a = { .num_queues = 1 };

		snprintf(a.ifname, sizeof(a.ifname), "%s", dev);
		if (unshare(CLONE_NEWUSER))
			_exit(4);
		_exit(ioctl(fd, VMBNET_IOC_ATTACH, &a) && errno == EPERM ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	close(fd);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 4) {
		printf("ok %d ATTACH without CAP_NET_ADMIN # SKIP no user namespaces\n", ++n);
		return;
	}
	result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "ATTACH without CAP_NET_ADMIN over the netns: EPERM");
}

static void test_queue_fd(void)
{
	struct vmbnet_endpoint *ep;
	struct vmbnet_config cfg;
	struct vmbnet_ring_ctrl *out, *in;
	u32 word = 1, size, ps;
	char buf[64], want[64];
	void *m;
	int qfd, err;

	vmbnet_config_init(&cfg);
	cfg.max_queues = 8;
	err = vmbnet_attach(&ep, dev, &cfg);
	result(!err, "ATTACH: %s", strerror(-err));
	if (err)
		return;
	result(ep->num_queues == 4, "queues in use: %u (device has 4)", ep->num_queues);
	result(ep->supported & (1ULL << VMBNET_F_MQ), "ATTACH gives the driver's features: %#llx",
	       (unsigned long long)ep->supported);
	result(ep->ring_size == VMBNET_RING_SIZE_DEFAULT, "default ring size %u",
	       ep->ring_size);
	read_sysfs("endpoint", buf, sizeof(buf));
	snprintf(want, sizeof(want), "user pid=%d", (int)getpid());
	result(!strcmp(buf, want), "sysfs endpoint while attached: '%s' (want '%s')",
	       buf, want);

	result(ioctl(ep->fd, VMBNET_IOC_ATTACH, &(struct vmbnet_attach){ .num_queues = 1 }) &&
	       errno == EBUSY, "second ATTACH on one descriptor: EBUSY");
	result(ioctl(ep->fd, VMBNET_IOC_QUEUE_FD, 4) < 0 && errno == EINVAL,
	       "QUEUE_FD past the last queue: EINVAL");

	qfd = ep->queues[0].fd;
	result(read(qfd, buf, 3) < 0 && errno == EINVAL, "3-byte read: EINVAL");
	result(write(qfd, buf, 8) < 0 && errno == EINVAL, "8-byte write: EINVAL");
	result(write(qfd, &word, 4) == 4, "4-byte write (kick)");
	fcntl(qfd, F_SETFL, O_NONBLOCK);
	/* Anything signalled so far is consumed, then there is nothing. */
	while (read(qfd, &word, 4) == 4)
		;
	result(errno == EAGAIN, "non-blocking read without a signal: EAGAIN");

	ps = sysconf(_SC_PAGESIZE);
	size = vmbnet_mmap_offset(VMBNET_MMAP_END, ep->ring_size, ps);
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, qfd, 0);
	result(m == MAP_FAILED && errno == EINVAL, "private mapping: EINVAL");
	m = mmap(NULL, size + ps, PROT_READ | PROT_WRITE, MAP_SHARED, qfd, 0);
	result(m == MAP_FAILED && errno == EINVAL, "mapping past the end: EINVAL");
	m = mmap(NULL, ps, PROT_READ, MAP_SHARED, qfd, size);
	result(m == MAP_FAILED && errno == EINVAL, "offset past the end: EINVAL");
	m = mmap(NULL, size, PROT_READ, MAP_SHARED, qfd, 0);
	result(m != MAP_FAILED, "the whole file maps%s%s", m == MAP_FAILED ? ": " : "",
	       m == MAP_FAILED ? strerror(errno) : "");
	if (m != MAP_FAILED) {
		/* Each control page is where the helper says: a mark made
		 * through libvmbnet's mapping shows through this one.
		 */
		in = (void *)((char *)m + vmbnet_mmap_offset(VMBNET_MMAP_RX_CTRL,
							     ep->ring_size, ps));
		out = (void *)((char *)m + vmbnet_mmap_offset(VMBNET_MMAP_TX_CTRL,
							      ep->ring_size, ps));
		ep->queues[0].tx.ring.ctrl->reserved1[0] = cpu_to_le32(0x1b);
		ep->queues[0].rx.ring.ctrl->reserved1[0] = cpu_to_le32(0x0b);
		result(le32_to_cpu(in->reserved1[0]) == 0x1b,
		       "inbound control page at vmbnet_mmap_offset(RX_CTRL)");
		result(le32_to_cpu(out->reserved1[0]) == 0x0b,
		       "outbound control page at vmbnet_mmap_offset(TX_CTRL)");
		ep->queues[0].tx.ring.ctrl->reserved1[0] = 0;
		ep->queues[0].rx.ring.ctrl->reserved1[0] = 0;
		munmap(m, size);
	}
	out = ep->queues[0].rx.ring.ctrl;
	result(le32_to_cpu(out->feature_bits) & VMBNET_RING_F_PENDING_SEND_SZ,
	       "outbound ring: the driver offers pending_send_sz");

	/* Another endpoint is refused the device unless it asks to take it
	 * over; then this one is told.
	 */
	err = attach_err(dev, 1, 0, 0);
	result(err == -EBUSY, "a second endpoint without REPLACE: %s (want EBUSY)",
	       strerror(-err));
	result(!(poll_one(qfd) & (POLLERR | POLLHUP)), "refused: the first keeps the device");
	err = attach_err(dev, 1, 0, VMBNET_ATTACH_REPLACE);
	result(!err, "a second endpoint with REPLACE takes the device: %s", strerror(-err));
	result((poll_one(qfd) & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP),
	       "replaced: poll gives POLLERR|POLLHUP");
	result(read(qfd, &word, 4) < 0 && errno == EIO, "replaced: read gives EIO");
	result(write(qfd, &word, 4) < 0 && errno == EIO, "replaced: write gives EIO");
	result(ioctl(ep->fd, VMBNET_IOC_DETACH) < 0 && errno == ENOTCONN,
	       "replaced: DETACH gives ENOTCONN");
	vmbnet_detach(ep);
	read_sysfs("endpoint", buf, sizeof(buf));
	result(!strcmp(buf, "none"), "sysfs endpoint after the last one closed: %s", buf);
}

/* DETACH lets go of the device and keeps the descriptor, which attaches
 * no more; the device is free for the next endpoint.
 */
static void test_detach(void)
{
	struct vmbnet_endpoint *ep;
	struct vmbnet_config cfg;
	struct vmbnet_attach a = { .num_queues = 1 };
	u32 word = 1;
	char buf[16];
	int err;

	vmbnet_config_init(&cfg);
	cfg.max_queues = 1;
	err = vmbnet_attach(&ep, dev, &cfg);
	result(!err, "ATTACH before DETACH: %s", strerror(-err));
	if (err)
		return;
	result(!ioctl(ep->fd, VMBNET_IOC_DETACH), "DETACH: %s", strerror(errno));
	read_sysfs("endpoint", buf, sizeof(buf));
	result(!strcmp(buf, "none"), "after DETACH: endpoint %s", buf);
	result((poll_one(ep->queues[0].fd) & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP),
	       "after DETACH: poll gives POLLERR|POLLHUP");
	result(read(ep->queues[0].fd, &word, 4) < 0 && errno == EIO,
	       "after DETACH: read gives EIO");
	result(ioctl(ep->fd, VMBNET_IOC_DETACH) < 0 && errno == ENOTCONN,
	       "DETACH again: ENOTCONN");
	snprintf(a.ifname, sizeof(a.ifname), "%s", dev);
	result(ioctl(ep->fd, VMBNET_IOC_ATTACH, &a) < 0 && errno == EBUSY,
	       "ATTACH after DETACH on the same descriptor: EBUSY (once per open)");
	err = attach_err(dev, 1, 0, 0);
	result(!err, "after DETACH the device takes an endpoint without REPLACE: %s",
	       strerror(-err));
	vmbnet_detach(ep);
}

/* Processes ATTACH at once, none asking to replace: exactly one wins, the
 * others get EBUSY, round after round.
 */
static void test_attach_race(void)
{
	enum { ROUNDS = 20, RACERS = 3 };
	int round, i, wins = 0, busy = 0, other = 0;

	for (round = 0; round < ROUNDS; round++) {
		int go[2], res[2], done[2];
		pid_t pids[RACERS];
		char c;

		if (pipe(go) || pipe(res) || pipe(done)) {
			result(0, "pipes: %s", strerror(errno));
			return;
		}
		fflush(stdout);
		for (i = 0; i < RACERS; i++) {
			pids[i] = fork();
			if (!pids[i]) {
				struct vmbnet_attach a = { .num_queues = 1 };
				int fd = vmbnet_open();

				snprintf(a.ifname, sizeof(a.ifname), "%s", dev);
				close(go[1]);
				close(done[1]);
				if (read(go[0], &c, 1) < 0)
					_exit(2);
				c = fd < 0 ? 2 : !ioctl(fd, VMBNET_IOC_ATTACH, &a) ? 0 :
				    errno == EBUSY ? 1 : 2;
				if (write(res[1], &c, 1) != 1)
					_exit(2);
				/* The winner holds the device until all have tried. */
				if (read(done[0], &c, 1) < 0)
					_exit(2);
				_exit(0);
			}
		}
		close(go[0]);
		close(res[1]);
		close(done[0]);
		close(go[1]);		/* go: every racer's read returns */
		for (i = 0; i < RACERS; i++) {
			if (read(res[0], &c, 1) != 1)
				c = 2;
			wins += c == 0;
			busy += c == 1;
			other += c == 2;
		}
		close(done[1]);
		close(res[0]);
		for (i = 0; i < RACERS; i++)
			waitpid(pids[i], NULL, 0);
	}
	result(wins == ROUNDS && busy == ROUNDS * (RACERS - 1) && !other,
	       "%d rounds of %d racing ATTACHes: %d won, %d EBUSY, %d else (want one winner a round)",
	       ROUNDS, RACERS, wins, busy, other);
}

/* Closing /dev/vmbnet detaches even while queue descriptors stay open. */
static void test_close_detaches(void)
{
	struct vmbnet_endpoint *ep;
	struct vmbnet_config cfg;
	char buf[16];
	int qfd;

	vmbnet_config_init(&cfg);
	cfg.max_queues = 1;
	cfg.ring_size = 64 << 10;
	if (vmbnet_attach(&ep, dev, &cfg)) {
		result(0, "ATTACH with 64 KiB rings");
		return;
	}
	result(ep->ring_size == 64 << 10, "64 KiB rings: %u", ep->ring_size);
	qfd = dup(ep->queues[0].fd);
	close(ep->fd);
	ep->fd = -1;
	read_sysfs("endpoint", buf, sizeof(buf));
	result(!strcmp(buf, "none"), "closing /dev/vmbnet detaches: endpoint %s", buf);
	result(poll_one(qfd) & POLLHUP, "queue descriptor of a closed endpoint: POLLHUP");
	close(qfd);
	vmbnet_detach(ep);
}

static sigjmp_buf fault_jmp;
/* Where touch_pages() is: static, so a siglongjmp() back keeps it. */
static size_t touch_off;

static void on_fault(int sig)
{
	siglongjmp(fault_jmp, sig);
}

/* Reads a byte of each page of [p, p + len): 0, or the signal that took. */
static int touch_pages(const u8 *p, size_t len, size_t ps)
{
	struct sigaction sa = { .sa_handler = on_fault }, bus, segv;
	int sig;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &bus);
	sigaction(SIGSEGV, &sa, &segv);
	touch_off = 0;
	sig = sigsetjmp(fault_jmp, 1);
	/* An atomic load is one the compiler must make. */
	for (; !sig && touch_off < len; touch_off += ps)
		(void)__atomic_load_n(&p[touch_off], __ATOMIC_RELAXED);
	sigaction(SIGBUS, &bus, NULL);
	sigaction(SIGSEGV, &segv, NULL);
	return sig;
}

/* The device goes under its endpoint: EIO everywhere, but what user space
 * mapped stays readable, and stays so once every descriptor is closed.
 */
static void test_device_deleted(const char *dev2)
{
	size_t ps = sysconf(_SC_PAGESIZE);
	struct vmbnet_endpoint *ep;
	struct vmbnet_config cfg;
	unsigned int i;
	char cmd[64];
	u32 word = 1, wr;
	int err, sig, ok;

	vmbnet_config_init(&cfg);
	cfg.max_queues = 2;
	cfg.ring_size = 64 << 10;
	/* Queue descriptors for both queues, each ring mapped. */
	err = vmbnet_attach(&ep, dev2, &cfg);
	result(!err && ep->num_queues == 2, "ATTACH to %s, 2 queues mapped: %s", dev2,
	       strerror(-err));
	if (err)
		return;
	snprintf(cmd, sizeof(cmd), "ip link del %s", dev2);
	result(!system(cmd), "%s under its endpoint", cmd);

	for (i = 0; i < ep->num_queues; i++) {
		struct vmbnet_queue *q = &ep->queues[i];

		result((poll_one(q->fd) & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP),
		       "deleted: queue %u: poll gives POLLERR|POLLHUP", i);
		result(read(q->fd, &word, 4) < 0 && errno == EIO,
		       "deleted: queue %u: read gives EIO", i);
		result(write(q->fd, &word, 4) < 0 && errno == EIO,
		       "deleted: queue %u: write gives EIO", i);
		sig = touch_pages(q->map, q->map_len, ps);
		result(!sig, "deleted: queue %u: the mapping stays readable%s%s", i,
		       sig ? ": " : "", sig ? strsignal(sig) : "");
	}
	result(ioctl(ep->fd, VMBNET_IOC_QUEUE_FD, 0) < 0 && errno == EIO,
	       "deleted: QUEUE_FD gives EIO");

	ok = !close(ep->fd);
	ep->fd = -1;
	for (i = 0; i < ep->num_queues; i++) {
		ok &= !close(ep->queues[i].fd);
		ep->queues[i].fd = -1;
	}
	result(ok, "deleted: /dev/vmbnet and the queue descriptors close");
	for (i = 0; i < ep->num_queues; i++) {
		sig = touch_pages(ep->queues[i].map, ep->queues[i].map_len, ps);
		result(!sig, "all closed: queue %u: the mapping stays readable%s%s", i,
		       sig ? ": " : "", sig ? strsignal(sig) : "");
	}
	/* The driver's INIT, unread, is still in queue 0's outbound ring. */
	wr = le32_to_cpu(ep->queues[0].rx.ring.ctrl->write_index);
	result(wr > 0, "all closed: the rings keep their contents (write_index %u)", wr);
	ok = 1;
	for (i = 0; i < ep->num_queues; i++) {
		ok &= !munmap(ep->queues[i].map, ep->queues[i].map_len);
		ep->queues[i].map = NULL;
	}
	result(ok, "all closed: the mappings unmap");
	vmbnet_detach(ep);
}

int main(int argc, char **argv)
{
	struct vmbnet_version ver;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s DEV DEV2\n", argv[0]);
		return 2;
	}
	dev = argv[1];
	/* The caller printed the TAP header. */
	memset(&ver, 0, sizeof(ver));
	fd = vmbnet_open();
	if (fd >= 0)
		vmbnet_get_version(fd, &ver);
	result(fd >= 0 && ver.major == VMBNET_API_MAJOR && ver.minor == VMBNET_API_MINOR,
	       "VERSION %u.%u", ver.major, ver.minor);
	close(fd);
	test_args();
	test_eperm();
	test_queue_fd();
	test_detach();
	test_attach_race();
	test_close_detaches();
	test_device_deleted(argv[2]);
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
