// SPDX-License-Identifier: GPL-2.0
/*
 * bench-tapfwd: the TAP baseline of tools/bench. Joins two multiqueue TAP
 * devices, each created in its own network namespace, the way a good TAP
 * user (a VMM's user-space backend) would: IFF_VNET_HDR with the 12-byte
 * header of virtio_net_hdr_v1 passed through unchanged, checksum and TSO
 * offloads on (TUNSETOFFLOAD), one descriptor per queue, one thread per
 * queue pair, non-blocking descriptors, read()/write() per packet, poll()
 * when there is nothing to do.
 *
 *   bench-tapfwd [--queues N] [--spin-us US] TAP0@NETNS0 TAP1@NETNS1
 *
 * Queue i of TAP0 is forwarded to queue i of TAP1 and back. A thread drains
 * up to BATCH frames from each direction in turn and, once both are empty,
 * optionally spins (re-reading) for --spin-us before it sleeps in poll().
 * A frame the destination refuses for now (EAGAIN) is kept and the thread
 * polls for POLLOUT on that descriptor.
 *
 * --blocking is the plainest forwarder instead, the one issue 17's
 * independent measurement used: blocking descriptors and two threads per
 * queue pair, one per direction, each a loop of read() and write().
 *
 * Prints "ready" once both devices exist, and its counters when told to stop
 * (SIGINT or SIGTERM).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define MAX_QUEUES	16
/* Frames moved in one direction before the other gets its turn. */
#define BATCH		64
/* The vnet header and the largest GSO frame TUN may hand us. */
#define HDR_LEN		((int)sizeof(struct virtio_net_hdr_v1))
#define BUF_LEN		(HDR_LEN + 65536 + 256)

static int stop;	/* __atomic: set by the signal handler */

struct counters {
	uint64_t frames;
	uint64_t bytes;
	uint64_t dropped;	/* write failed for good */
	uint64_t polls;		/* poll() calls that slept */
	uint64_t eagain_reads;	/* reads that found nothing */
	uint64_t blocked;	/* writes that met EAGAIN */
};

/* One direction of a queue pair: src's queue to dst's queue. */
struct dir {
	int src, dst;
	uint8_t *buf;
	ssize_t pending;	/* bytes in buf not written yet, or 0 */
};

struct qpair {
	struct dir d[2];
	struct counters ctr;
	unsigned int spin_us;
	pthread_t tid;
};

/* --blocking: one thread per direction, with counters of its own. */
struct blocking_dir {
	int src, dst;
	uint8_t *buf;
	struct counters ctr;	/* __atomic: read by main when stopping */
	pthread_t tid;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench-tapfwd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Opens queue descriptors of TAP "name" inside /run/netns/ns. */
static void tap_open(const char *spec, int *fds, unsigned int n)
{
	unsigned int offload = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
	int hdrsz = HDR_LEN, self, ns;
	char name[IFNAMSIZ], path[256];
	const char *at = strchr(spec, '@');
	unsigned int i;

	if (!at || at == spec || (size_t)(at - spec) >= sizeof(name))
		die("%s: expected TAP@NETNS", spec);
	memcpy(name, spec, at - spec);
	name[at - spec] = '\0';
	snprintf(path, sizeof(path), "/run/netns/%s", at + 1);

	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || ns < 0)
		die("%s: %s", ns < 0 ? path : "/proc/self/ns/net", strerror(errno));
	/* A tun socket belongs to the namespace it was opened in. */
	if (setns(ns, CLONE_NEWNET))
		die("setns %s: %s", path, strerror(errno));
	for (i = 0; i < n; i++) {
		struct ifreq ifr = { 0 };
		int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);

		if (fd < 0)
			die("/dev/net/tun: %s", strerror(errno));
		ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE;
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
		if (ioctl(fd, TUNSETIFF, &ifr))
			die("TUNSETIFF %s: %s", name, strerror(errno));
		if (ioctl(fd, TUNSETVNETHDRSZ, &hdrsz))
			die("TUNSETVNETHDRSZ: %s", strerror(errno));
		if (ioctl(fd, TUNSETOFFLOAD, offload))
			die("TUNSETOFFLOAD: %s", strerror(errno));
		fds[i] = fd;
	}
	if (setns(self, CLONE_NEWNET))
		die("setns back: %s", strerror(errno));
	close(self);
	close(ns);
}

/*
 * Writes d's pending frame; false if dst cannot take it yet. A frame TUN
 * refuses for another reason (bad header, too long) is dropped.
 */
static bool flush_pending(struct dir *d, struct counters *c)
{
	ssize_t len = d->pending;

	if (write(d->dst, d->buf, len) < 0) {
		if (errno == EAGAIN || errno == ENOBUFS) {
			c->blocked++;
			return false;
		}
		c->dropped++;
	} else {
		c->frames++;
		c->bytes += len - HDR_LEN;
	}
	d->pending = 0;
	return true;
}

/* Moves up to BATCH frames; returns how many were read. */
static unsigned int forward(struct dir *d, struct counters *c)
{
	unsigned int n = 0;
	ssize_t len;

	if (d->pending && !flush_pending(d, c))
		return 0;
	while (n < BATCH) {
		len = read(d->src, d->buf, BUF_LEN);
		if (len < 0) {
			if (errno != EAGAIN && errno != EINTR)
				die("read: %s", strerror(errno));
			c->eagain_reads++;
			break;
		}
		n++;
		if (len <= HDR_LEN)
			continue;
		d->pending = len;
		if (!flush_pending(d, c))
			break;
	}
	return n;
}

static void *qpair_thread(void *arg)
{
	struct qpair *qp = arg;
	uint64_t spin_ns = qp->spin_us * 1000ULL, idle_since = 0;
	struct pollfd pfd[2];
	unsigned int i, moved;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		moved = forward(&qp->d[0], &qp->ctr) + forward(&qp->d[1], &qp->ctr);
		if (moved) {
			idle_since = 0;
			continue;
		}
		if (spin_ns) {
			if (!idle_since)
				idle_since = now_ns();
			if (now_ns() - idle_since < spin_ns)
				continue;
			idle_since = 0;
		}
		/*
		 * Sleep until a source has a frame, or, for a direction holding
		 * a refused frame, until its destination has room.
		 */
		for (i = 0; i < 2; i++) {
			struct dir *d = &qp->d[i];

			pfd[i].fd = d->pending ? d->dst : d->src;
			pfd[i].events = d->pending ? POLLOUT : POLLIN;
		}
		qp->ctr.polls++;
		if (poll(pfd, 2, 200) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		for (i = 0; i < 2; i++)
			if (pfd[i].revents & (POLLERR | POLLHUP | POLLNVAL))
				die("queue descriptor error (device gone?)");
	}
	return NULL;
}

/*
 * A read() and a write() per frame, each waiting as long as it must. The
 * process ends under it when told to stop: its counters are read as they
 * are then.
 */
static void *blocking_thread(void *arg)
{
	struct blocking_dir *d = arg;
	ssize_t len;

	for (;;) {
		len = read(d->src, d->buf, BUF_LEN);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			die("read: %s", strerror(errno));
		}
		if (len <= HDR_LEN)
			continue;
		if (write(d->dst, d->buf, len) < 0) {
			__atomic_add_fetch(&d->ctr.dropped, 1, __ATOMIC_RELAXED);
			continue;
		}
		__atomic_add_fetch(&d->ctr.frames, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&d->ctr.bytes, len - HDR_LEN, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void set_blocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK))
		die("fcntl: %s", strerror(errno));
}

/*
 * Runs the --blocking forwarder until SIGINT or SIGTERM. Its threads may be
 * blocked in read() then: they end when main() returns.
 */
static void run_blocking(const int *fd0, const int *fd1, unsigned int nq,
			 sigset_t *sigs)
{
	struct blocking_dir *dirs = calloc(2 * nq, sizeof(*dirs));
	struct counters sum = { 0 };
	unsigned int i;
	int sig;

	if (!dirs)
		die("out of memory");
	for (i = 0; i < 2 * nq; i++) {
		struct blocking_dir *d = &dirs[i];

		d->src = i % 2 ? fd1[i / 2] : fd0[i / 2];
		d->dst = i % 2 ? fd0[i / 2] : fd1[i / 2];
		set_blocking(d->src);
		d->buf = aligned_alloc(64, BUF_LEN);
		if (!d->buf)
			die("out of memory");
	}
	for (i = 0; i < 2 * nq; i++)
		if (pthread_create(&dirs[i].tid, NULL, blocking_thread, &dirs[i]))
			die("pthread_create failed");
	printf("ready: %u queue pairs, blocking, a thread per direction\n", nq);

	sigwait(sigs, &sig);
	for (i = 0; i < 2 * nq; i++) {
		sum.frames += __atomic_load_n(&dirs[i].ctr.frames, __ATOMIC_RELAXED);
		sum.bytes += __atomic_load_n(&dirs[i].ctr.bytes, __ATOMIC_RELAXED);
		sum.dropped += __atomic_load_n(&dirs[i].ctr.dropped, __ATOMIC_RELAXED);
	}
	printf("frames %llu bytes %llu dropped %llu\n",
	       (unsigned long long)sum.frames, (unsigned long long)sum.bytes,
	       (unsigned long long)sum.dropped);
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: bench-tapfwd [--queues N] [--spin-us US | --blocking] TAP0@NETNS0 TAP1@NETNS1\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int fd0[MAX_QUEUES], fd1[MAX_QUEUES];
	struct qpair qps[MAX_QUEUES];
	unsigned int nq = 1, spin_us = 0, i, j;
	bool blocking = false;
	struct counters sum = { 0 };
	sigset_t sigs;
	int arg = 1, sig;

	for (; arg < argc && argv[arg][0] == '-'; arg++) {
		if (!strcmp(argv[arg], "--queues") && arg + 1 < argc)
			nq = strtoul(argv[++arg], NULL, 0);
		else if (!strcmp(argv[arg], "--spin-us") && arg + 1 < argc)
			spin_us = strtoul(argv[++arg], NULL, 0);
		else if (!strcmp(argv[arg], "--blocking"))
			blocking = true;
		else
			bad_usage();
	}
	if (argc - arg != 2 || nq < 1 || nq > MAX_QUEUES)
		bad_usage();

	/* Workers inherit the mask: only sigwait() below takes the signals. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	tap_open(argv[arg], fd0, nq);
	tap_open(argv[arg + 1], fd1, nq);
	if (blocking) {
		run_blocking(fd0, fd1, nq, &sigs);
		return 0;
	}
	memset(qps, 0, sizeof(qps));
	for (i = 0; i < nq; i++) {
		qps[i].spin_us = spin_us;
		qps[i].d[0].src = fd0[i];
		qps[i].d[0].dst = fd1[i];
		qps[i].d[1].src = fd1[i];
		qps[i].d[1].dst = fd0[i];
		for (j = 0; j < 2; j++) {
			qps[i].d[j].buf = aligned_alloc(64, BUF_LEN);
			if (!qps[i].d[j].buf)
				die("out of memory");
		}
	}
	for (i = 0; i < nq; i++)
		if (pthread_create(&qps[i].tid, NULL, qpair_thread, &qps[i]))
			die("pthread_create failed");
	printf("ready: %u queue pairs, spin %u us\n", nq, spin_us);

	sigwait(&sigs, &sig);
	/* Workers see it within poll()'s 200 ms timeout. */
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < nq; i++) {
		pthread_join(qps[i].tid, NULL);
		sum.frames += qps[i].ctr.frames;
		sum.bytes += qps[i].ctr.bytes;
		sum.dropped += qps[i].ctr.dropped;
		sum.polls += qps[i].ctr.polls;
		sum.eagain_reads += qps[i].ctr.eagain_reads;
		sum.blocked += qps[i].ctr.blocked;
	}
	printf("frames %llu bytes %llu dropped %llu polls %llu",
	       (unsigned long long)sum.frames, (unsigned long long)sum.bytes,
	       (unsigned long long)sum.dropped, (unsigned long long)sum.polls);
	printf(" empty_reads %llu blocked_writes %llu\n",
	       (unsigned long long)sum.eagain_reads,
	       (unsigned long long)sum.blocked);
	return 0;
}
